// The retention job: purges expired conversations once at start and then once a day
// (privacy.retentionDays; docs/privacy.md). Time comes from the server's Clock, so tests move a
// manual clock a day on and see the next run.

/** The part of the server's Clock (src/server/clock.ts) the job needs. */
export interface RetentionClock {
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

export const RETENTION_INTERVAL_MS = 24 * 60 * 60_000;

export interface RetentionJob {
  /** The run in progress or the last one: tests and shutdown await it. */
  readonly idle: Promise<void>;
  stop(): void;
}

export function startRetentionJob(options: { clock: RetentionClock; run: () => Promise<void>; onError: (error: unknown) => void }): RetentionJob {
  let timer: { cancel(): void } | null = null;
  let stopped = false;
  let idle: Promise<void> = Promise.resolve();
  const tick = (): void => {
    idle = options.run().catch(options.onError).finally(() => {
      if (!stopped) timer = options.clock.setTimeout(tick, RETENTION_INTERVAL_MS);
    });
  };
  tick();
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
