// Preloaded into a server under test by the bench only, never in production:
//   node --expose-gc [--cpu-prof] --import tsx --import ./scripts/bench/server-hooks.ts ...
// It answers requests over the IPC channel the bench opens:
// - `gc`: a full garbage collection, so the RSS read next counts live memory, not garbage;
// - `stats`: the server's event-loop delay and GC pauses since the last `stats` (then resets):
//   they tell a slow server from a slow load client, and a GC pause from a long turn; and its
//   memory now (process.memoryUsage()), which tells the V8 heap from what is outside it;
// - `memory`: its memory now, nothing reset;
// - `heap` with a `path`: a heap snapshot written there (v8.writeHeapSnapshot; it blocks the
//   server for seconds and needs about the heap's size again), answered with the path or an error;
// - `exit`: a normal exit, which makes `--cpu-prof` write its profile (a SIGTERM may not).

import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

/** process.memoryUsage() in bytes: `heapUsed` is the V8 heap's live and not-yet-collected objects, `external` what they hold outside it (of which `arrayBuffers`: buffers). */
export interface ServerMemory {
  rssBytes: number;
  heapTotalBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
}

export interface ServerStats {
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  memory: ServerMemory;
}

/** `id`, when given, comes back in the answer: a late answer to a request given up on is not taken for the next one's. */
type Request = ({ type: 'gc' | 'stats' | 'memory' | 'exit' } | { type: 'heap'; path: string }) & { id?: number };

const REQUESTS = new Set(['gc', 'stats', 'memory', 'heap', 'exit']);
const LOOP_RESOLUTION_MS = 5;

function isRequest(value: unknown): value is Request {
  const request = value as { type?: unknown; path?: unknown } | null;
  const type = request?.type;
  if (typeof type !== 'string' || !REQUESTS.has(type)) return false;
  return type !== 'heap' || (typeof request?.path === 'string' && request.path.length > 0);
}

function memoryNow(): ServerMemory {
  const usage = process.memoryUsage();
  return {
    rssBytes: usage.rss,
    heapTotalBytes: usage.heapTotal,
    heapUsedBytes: usage.heapUsed,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
  };
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
      memory: memoryNow(),
    };
    loopDelay.reset();
    Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0 });
    return stats;
  };

  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    const id = typeof message.id === 'number' ? { id: message.id } : {};
    const answer = (reply: Record<string, unknown>) => process.send?.({ ...reply, ...id });
    switch (message.type) {
      case 'exit':
        process.exit(0);
        break;
      case 'stats':
        answer({ type: 'stats', stats: takeStats() });
        break;
      case 'memory':
        answer({ type: 'memory', memory: memoryNow() });
        break;
      case 'heap':
        try {
          answer({ type: 'heap', path: writeHeapSnapshot(message.path) });
        } catch (error) {
          answer({ type: 'heap', error: `cannot write a heap snapshot to ${message.path}: ${error instanceof Error ? error.message : String(error)}` });
        }
        break;
      case 'gc': {
        const collect = (globalThis as { gc?: () => void }).gc;
        collect?.();
        answer({ type: 'gc', done: collect !== undefined });
        break;
      }
    }
  });
}
