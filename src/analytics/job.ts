// The day aggregates' job (docs/analytics.md#daily-aggregates): a minute after start, then every
// hour, the closed days of the last weeks that have no kept aggregate are computed and kept, so
// that a report reads a month from aggregates. On the server's Clock, like the retention job.

/** The part of the server's Clock (src/server/clock.ts) the job needs. */
export interface JobClock {
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

export const FIRST_RUN_AFTER_MS = 60_000;
export const RUN_EVERY_MS = 60 * 60_000;

export interface AnalyticsJob {
  /** The run in progress or the last one: tests and shutdown await it. */
  readonly idle: Promise<void>;
  stop(): void;
}

export function startAnalyticsJob(options: { clock: JobClock; run: () => Promise<void>; onError: (error: unknown) => void }): AnalyticsJob {
  let timer: { cancel(): void } | null = null;
  let stopped = false;
  let idle: Promise<void> = Promise.resolve();
  const tick = (): void => {
    idle = options
      .run()
      .catch(options.onError)
      .finally(() => {
        if (!stopped) timer = options.clock.setTimeout(tick, RUN_EVERY_MS);
      });
  };
  timer = options.clock.setTimeout(tick, FIRST_RUN_AFTER_MS);
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
