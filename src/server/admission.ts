// Admission under overload: when the event loop falls behind (a turn's work queued for longer than
// `maxLoopDelayMs`), the server is saturated and a new visit would only wait in line, time out on
// the shopper's side and make the line longer. New sessions are then refused at once with a
// `busy` error frame and close code 1013 (try again later), and the widget retries with backoff;
// shoppers already in a conversation, and those resuming one, are still served.
//
// Below all this, connections wait in the kernel's accept queue until the loop takes them. A
// saturated loop takes them once per turn of the loop, and 1,000 shoppers make that turn long:
// with Node's default queue (511) the kernel drops what does not fit, silently, and the
// shopper's connect is retried after 1, 3, 7, 15 s, past any timeout. The server listens with a
// queue of LISTEN_BACKLOG instead, so a new visit waits its turn, visibly (the widget is still
// connecting), and is then answered or told `busy`.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** The accept queue the server listens with (the kernel caps it at net.core.somaxconn). */
export const LISTEN_BACKLOG = 4096;

export interface AdmissionGauge {
  /** True while the process is saturated: new sessions are refused. */
  busy(): boolean;
  /** How long a refused shopper should wait before trying again. */
  readonly retryAfterMs: number;
  stop(): void;
}

/** A gauge that never refuses: for tests and for operators who set `server.maxLoopDelayMs` to 0. */
export const ALWAYS_OPEN: AdmissionGauge = { busy: () => false, retryAfterMs: 0, stop: () => undefined };

/** How often the loop delay is read; the verdict holds until the next reading. */
const READ_EVERY_MS = 250;

/**
 * Busy when the largest event-loop delay seen in the last reading period exceeds `maxLoopDelayMs`.
 * The delay comes from Node's own loop monitor (a libuv timer, no work on the turn path); the
 * verdict is read once per period, so checking it on every hello costs a field read.
 */
export function loopDelayGauge(maxLoopDelayMs: number): AdmissionGauge {
  if (maxLoopDelayMs <= 0) return ALWAYS_OPEN;
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  let saturated = false;
  let lastRead = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    // The timer itself is late by the delay it came to measure: count that too.
    const late = now - lastRead - READ_EVERY_MS;
    lastRead = now;
    saturated = Math.max(histogram.max / 1e6, late) > maxLoopDelayMs;
    histogram.reset();
  }, READ_EVERY_MS);
  timer.unref();
  return {
    busy: () => saturated,
    retryAfterMs: Math.max(1000, 2 * maxLoopDelayMs),
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
