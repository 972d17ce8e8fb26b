// The retention job: purges expired conversations once at start and then once a day
// (privacy.retentionDays; docs/privacy.md). Time comes from the server's Clock, so tests move a
// manual clock a day on and see the next run.

import { type JobClock, type RepeatingJob, startRepeatingJob } from '../shared/repeating-job.ts';

export const RETENTION_INTERVAL_MS = 24 * 60 * 60_000;

export type RetentionJob = RepeatingJob;

export function startRetentionJob(options: { clock: JobClock; run: () => Promise<void>; onError: (error: unknown) => void }): RetentionJob {
  return startRepeatingJob({ ...options, firstRunAfterMs: 0, everyMs: RETENTION_INTERVAL_MS });
}
