// Time and timers come in through this interface so that idle timeouts, grace periods and rate
// limits can be tested with a manual clock instead of racing real time.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Milliseconds since the epoch; cheaper than `now()` on the hot path. */
  nowMs(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
  setTimeout(callback, ms) {
    // Timers must never keep a closing process alive.
    const timer = setTimeout(callback, ms).unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
