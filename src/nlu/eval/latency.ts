// Per-call latency of a classifier over a list of inputs: p50, p99 and throughput.

export interface Latency {
  calls: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  perSecond: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * Times `call` once per input, after untimed calls on `warmup` (so the JIT has compiled the hot
 * paths). Warm-up inputs should differ from the timed ones: NLP.js caches its analysis per exact
 * text, and a text seen before would time its cache.
 */
export async function measureLatency<T>(inputs: readonly T[], call: (input: T) => unknown, warmup: readonly T[]): Promise<Latency> {
  for (const input of warmup) await call(input);
  const times = new Float64Array(inputs.length);
  const started = performance.now();
  for (let i = 0; i < inputs.length; i++) {
    const t0 = performance.now();
    await call(inputs[i] as T);
    times[i] = performance.now() - t0;
  }
  const total = performance.now() - started;
  times.sort();
  return {
    calls: inputs.length,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    meanMs: inputs.length ? total / inputs.length : 0,
    perSecond: total > 0 ? (inputs.length / total) * 1000 : 0,
  };
}
