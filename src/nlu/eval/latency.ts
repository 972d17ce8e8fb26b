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

/** Times `call` once per input after `warmup` untimed calls (JIT, caches). */
export async function measureLatency<T>(inputs: readonly T[], call: (input: T) => unknown, warmup = 200): Promise<Latency> {
  for (let i = 0; i < Math.min(warmup, inputs.length); i++) await call(inputs[i] as T);
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
