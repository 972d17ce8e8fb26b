// The day aggregates' job (docs/analytics.md#daily-aggregates): a minute after start, then every
// hour, the closed days of the last weeks that have no kept aggregate are computed and kept, so
// that a report reads a month from aggregates. On the server's Clock, like the retention job.

import { type JobClock, type RepeatingJob, startRepeatingJob } from '../shared/repeating-job.ts';

export const FIRST_RUN_AFTER_MS = 60_000;
export const RUN_EVERY_MS = 60 * 60_000;

export type AnalyticsJob = RepeatingJob;

export function startAnalyticsJob(options: { clock: JobClock; run: () => Promise<void>; onError: (error: unknown) => void }): AnalyticsJob {
  return startRepeatingJob({ ...options, firstRunAfterMs: FIRST_RUN_AFTER_MS, everyMs: RUN_EVERY_MS });
}
