// A job run on the server's Clock: once after `firstRunAfterMs`, then `everyMs` after each run ends
// (a run never overlaps the next). Used by the retention purge and the analytics day aggregates;
// tests move a manual clock on and await `idle`.

/** The part of the server's Clock (src/server/clock.ts) a job needs. */
export interface JobClock {
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

export interface RepeatingJob {
  /** The run in progress or the last one: tests and shutdown await it. */
  readonly idle: Promise<void>;
  stop(): void;
}

export interface RepeatingJobOptions {
  clock: JobClock;
  /** 0 runs at once, synchronously with the start. */
  firstRunAfterMs: number;
  everyMs: number;
  run: () => Promise<void>;
  /** A failed run is reported here; the next one is still scheduled. */
  onError: (error: unknown) => void;
}

export function startRepeatingJob(options: RepeatingJobOptions): RepeatingJob {
  let timer: { cancel(): void } | null = null;
  let stopped = false;
  let idle: Promise<void> = Promise.resolve();
  const tick = (): void => {
    timer = null;
    idle = options
      .run()
      .catch(options.onError)
      .finally(() => {
        if (!stopped) timer = options.clock.setTimeout(tick, options.everyMs);
      });
  };
  if (options.firstRunAfterMs <= 0) tick();
  else timer = options.clock.setTimeout(tick, options.firstRunAfterMs);
  return {
    get idle() {
      return idle;
    },
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
