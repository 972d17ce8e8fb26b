// Timers in one process's memory (src/timers/memory.ts), moved by a manual clock.
import { describe, expect, it } from 'vitest';
import { createMemoryTimers, type DueTimer } from '../../src/timers/index.ts';
import { ManualClock } from '../server/helpers.ts';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('memory timers', () => {
  const setup = () => {
    const clock = new ManualClock('2025-03-04T01:00:00.000Z');
    const errors: string[] = [];
    const timers = createMemoryTimers({ clock, onError: (error) => errors.push(error.message) });
    const fired: DueTimer[] = [];
    timers.handle('ping', async (timer) => void fired.push(timer));
    return { clock, timers, fired, errors };
  };

  it('fires a timer once at its due time with its payload, through the clock', async () => {
    const { clock, timers, fired } = setup();
    timers.start();
    await timers.schedule('ping:1', clock.nowMs() + 5000, { id: 1 });
    expect(clock.pendingDelays()).toEqual([5000]);
    clock.advance(4999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([{ key: 'ping:1', kind: 'ping', dueAtMs: clock.nowMs(), payload: { id: 1 }, attempt: 1 }]);
    clock.advance(60_000);
    expect(fired).toHaveLength(1);
    expect(timers.pendingKeys()).toEqual([]);
  });

  it('arms timers scheduled before start() when it is called', async () => {
    const { clock, timers, fired } = setup();
    await timers.schedule('ping:early', clock.nowMs() + 100);
    clock.advance(200);
    expect(fired).toEqual([]);
    timers.start();
    clock.advance(0);
    expect(fired.map((t) => t.key)).toEqual(['ping:early']);
  });

  it('replaces a timer of the same key, or keeps it with ifAbsent; cancel removes it', async () => {
    const { clock, timers, fired } = setup();
    timers.start();
    await timers.schedule('ping:a', clock.nowMs() + 1000, { v: 1 });
    await timers.schedule('ping:a', clock.nowMs() + 3000, { v: 2 });
    await timers.schedule('ping:a', clock.nowMs() + 9000, { v: 3 }, { ifAbsent: true });
    await timers.schedule('ping:b', clock.nowMs() + 2000);
    await timers.cancel('ping:b');
    clock.advance(10_000);
    expect(fired.map((t) => [t.key, t.payload, t.dueAtMs - Date.parse('2025-03-04T01:00:00.000Z')])).toEqual([['ping:a', { v: 2 }, 3000]]);
  });

  it('tries a failing handler again with backoff, and says so', async () => {
    const { clock, timers, errors } = setup();
    let calls = 0;
    timers.handle('flaky', async () => {
      calls += 1;
      if (calls < 3) throw new Error('database away');
    });
    timers.start();
    await timers.schedule('flaky:x', clock.nowMs());
    clock.advance(0);
    await settle();
    expect(calls).toBe(1);
    clock.advance(1000);
    await settle();
    clock.advance(2000);
    await settle();
    expect(calls).toBe(3);
    expect(errors).toEqual([
      'timer flaky:x failed (attempt 1; it is tried again): database away',
      'timer flaky:x failed (attempt 2; it is tried again): database away',
    ]);
    expect(timers.pendingKeys()).toEqual([]);
  });

  it('refuses a key that is not <kind>:<id>, and leaves a kind nobody handles pending', async () => {
    const { clock, timers } = setup();
    timers.start();
    await expect(timers.schedule('no-colon', clock.nowMs())).rejects.toThrow(/is not "<kind>:<id>"/);
    await timers.schedule('other:1', clock.nowMs());
    clock.advance(1000);
    expect(timers.pendingKeys()).toEqual(['other:1']);
  });

  it('stop() drops the pending timers and waits for the handlers running', async () => {
    const { clock, timers } = setup();
    let release!: () => void;
    let finished = false;
    timers.handle('slow', () => new Promise<void>((resolve) => (release = resolve)).then(() => void (finished = true)));
    timers.start();
    await timers.schedule('slow:1', clock.nowMs());
    await timers.schedule('ping:later', clock.nowMs() + 1000);
    clock.advance(0);
    const stopped = timers.stop();
    release();
    await stopped;
    expect(finished).toBe(true);
    expect(timers.pendingKeys()).toEqual([]);
  });
});
