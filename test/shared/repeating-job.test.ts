import { describe, expect, it } from 'vitest';
import { FIRST_RUN_AFTER_MS, RUN_EVERY_MS, startAnalyticsJob } from '../../src/analytics/job.ts';
import { startRepeatingJob } from '../../src/shared/repeating-job.ts';
import { ManualClock } from '../server/helpers.ts';

const NOW = '2026-03-02T09:00:00.000Z';

describe('a repeating job on the server clock', () => {
  it('waits for its first run, then repeats after each run ends, and stops', async () => {
    const clock = new ManualClock(NOW);
    const runs: number[] = [];
    const job = startRepeatingJob({ clock, firstRunAfterMs: 1000, everyMs: 5000, run: async () => void runs.push(clock.nowMs()), onError: () => {} });
    clock.advance(999);
    expect(runs).toEqual([]);
    clock.advance(1);
    await job.idle;
    clock.advance(5000);
    await job.idle;
    const start = Date.parse(NOW);
    expect(runs).toEqual([start + 1000, start + 6000]);
    job.stop();
    clock.advance(50_000);
    await job.idle;
    expect(runs).toHaveLength(2);
  });

  it('does not run twice at once when a run outlasts the interval', async () => {
    const clock = new ManualClock(NOW);
    let running = 0;
    let most = 0;
    let finish: () => void = () => {};
    const job = startRepeatingJob({
      clock,
      firstRunAfterMs: 0,
      everyMs: 10,
      run: () => {
        running += 1;
        most = Math.max(most, running);
        return new Promise<void>((resolve) => {
          finish = () => {
            running -= 1;
            resolve();
          };
        });
      },
      onError: () => {},
    });
    clock.advance(100); // the first run has not ended: nothing new is scheduled
    expect(most).toBe(1);
    finish();
    await job.idle;
    clock.advance(10);
    expect(most).toBe(1);
    expect(running).toBe(1);
    finish();
    await job.idle;
    job.stop();
  });

  it('the analytics job runs a minute after start, then hourly, and goes on after a failure', async () => {
    const clock = new ManualClock(NOW);
    const errors: unknown[] = [];
    let runs = 0;
    const job = startAnalyticsJob({
      clock,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('store busy');
      },
      onError: (error) => errors.push(error),
    });
    expect(runs).toBe(0);
    clock.advance(FIRST_RUN_AFTER_MS);
    await job.idle;
    expect(errors).toEqual([new Error('store busy')]);
    clock.advance(RUN_EVERY_MS - 1);
    expect(runs).toBe(1);
    clock.advance(1);
    await job.idle;
    expect(runs).toBe(2);
    job.stop();
  });
});
