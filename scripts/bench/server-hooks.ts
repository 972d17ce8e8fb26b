// Preloaded into a server under test by the bench only, never in production:
//   node --expose-gc [--cpu-prof] --import tsx --import ./scripts/bench/server-hooks.ts ...
// It answers requests over the IPC channel the bench opens:
// - `gc`: a full garbage collection, so the RSS read next counts live memory, not garbage;
// - `stats`: the server's event-loop delay and GC pauses since the last `stats` (then resets):
//   they tell a slow server from a slow load client, and a GC pause from a long turn;
// - `exit`: a normal exit, which makes `--cpu-prof` write its profile (a SIGTERM may not).

import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface ServerStats {
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

type Request = { type: 'gc' | 'stats' | 'exit' };

const REQUESTS = new Set(['gc', 'stats', 'exit']);
const LOOP_RESOLUTION_MS = 5;

function isRequest(value: unknown): value is Request {
  const type = (value as { type?: unknown } | null)?.type;
  return typeof type === 'string' && REQUESTS.has(type);
}

if (process.send && process.channel) {
  // The channel must not keep the server alive on its own.
  process.channel.unref();
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loopDelay.enable();
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count += 1;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });

  const ms = (nanos: number) => Math.round(Math.max(0, nanos / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100;
  const takeStats = (): ServerStats => {
    const stats: ServerStats = {
      loopDelayP50Ms: ms(loopDelay.percentile(50)),
      loopDelayP99Ms: ms(loopDelay.percentile(99)),
      loopDelayMaxMs: ms(loopDelay.max),
      gcCount: gc.count,
      gcTotalMs: Math.round(gc.totalMs),
      gcMaxMs: Math.round(gc.maxMs * 100) / 100,
    };
    loopDelay.reset();
    Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0 });
    return stats;
  };

  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    if (message.type === 'exit') process.exit(0);
    if (message.type === 'stats') {
      process.send?.({ type: 'stats', stats: takeStats() });
      return;
    }
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    process.send?.({ type: 'gc', done: collect !== undefined });
  });
}
