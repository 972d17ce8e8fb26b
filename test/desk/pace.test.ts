// The wait estimate from the queue's recent pace, pure; and where the next-response clock starts.
import { describe, expect, it } from 'vitest';
import { waitingSince } from '../../src/desk/sla/next-response.ts';
import { MAX_ESTIMATE_MS, QueuePace } from '../../src/desk/wait/pace.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T01:00:00.000Z');

describe('queue pace', () => {
  it('says nothing until enough conversations were taken in the window', () => {
    const pace = new QueuePace({ windowMs: 30 * MIN, minSamples: 3 });
    pace.claimed(null, 'a', T0);
    pace.claimed(null, 'b', T0 + 2 * MIN);
    expect(pace.estimate(null, 1, T0 + 3 * MIN)).toBeNull();
    pace.claimed(null, 'c', T0 + 4 * MIN);
    // Three claims over the six minutes since the first: a place every two minutes.
    expect(pace.stepMs(null, T0 + 6 * MIN)).toBe(2 * MIN);
    expect(pace.estimate(null, 1, T0 + 6 * MIN)).toBe(2 * MIN);
    expect(pace.estimate(null, 3, T0 + 6 * MIN)).toBe(6 * MIN);
  });

  it('slows down while nobody takes a conversation, and forgets claims older than the window', () => {
    const pace = new QueuePace({ windowMs: 30 * MIN, minSamples: 3 });
    for (const [id, minute] of [['a', 0], ['b', 1], ['c', 2]] as const) pace.claimed(null, id, T0 + minute * MIN);
    expect(pace.estimate(null, 2, T0 + 3 * MIN)).toBe(2 * MIN);
    expect(pace.estimate(null, 2, T0 + 15 * MIN)).toBe(10 * MIN);
    // The first claim left the window: two are not enough.
    expect(pace.estimate(null, 2, T0 + 30 * MIN + 1)).toBeNull();
    pace.prune(T0 + 40 * MIN);
    expect(pace.stepMs(null, T0 + 40 * MIN)).toBeNull();
  });

  it('keeps each team\'s queue to its own pace', () => {
    const pace = new QueuePace({ windowMs: 30 * MIN, minSamples: 1 });
    pace.claimed('delivery', 'a', T0);
    expect(pace.estimate('delivery', 1, T0 + 4 * MIN)).toBe(4 * MIN);
    expect(pace.estimate('returns', 1, T0 + 4 * MIN)).toBeNull();
    expect(pace.estimate(null, 1, T0 + 4 * MIN)).toBeNull();
  });

  it('rounds to whole minutes, at least one, and caps at an hour', () => {
    const pace = new QueuePace({ windowMs: 30 * MIN, minSamples: 1 });
    pace.claimed(null, 'a', T0);
    expect(pace.estimate(null, 1, T0 + 10_000)).toBe(MIN);
    expect(pace.estimate(null, 1, T0 + 89_000)).toBe(MIN);
    expect(pace.estimate(null, 1, T0 + 91_000)).toBe(2 * MIN);
    expect(pace.estimate(null, 40, T0 + 20 * MIN)).toBe(MAX_ESTIMATE_MS);
  });

  it('counts a claim seen twice (the queue\'s change, then the analytics fact) once', () => {
    const pace = new QueuePace({ windowMs: 30 * MIN, minSamples: 2 });
    pace.claimed(null, 'a', T0);
    pace.claimed(null, 'a', T0 + 3);
    expect(pace.estimate(null, 1, T0 + MIN)).toBeNull();
    // Released and taken again later: a second claim.
    pace.claimed(null, 'a', T0 + 30_000);
    expect(pace.estimate(null, 1, T0 + MIN)).toBe(MIN);
  });
});

describe('next-response clock', () => {
  const iso = (ms: number): string => new Date(T0 + ms).toISOString();
  const claimed = T0 + MIN;

  it('runs from the claim until the agent writes', () => {
    expect(waitingSince([{ at: iso(0), from: 'shopper' }, { at: iso(MIN), from: 'system' }], claimed)).toBe(claimed);
    expect(waitingSince([{ at: iso(0), from: 'shopper' }, { at: iso(2 * MIN), from: 'agent' }], claimed)).toBeNull();
  });

  it('runs from the first message the agent has not answered', () => {
    const transcript = [
      { at: iso(0), from: 'shopper' as const },
      { at: iso(2 * MIN), from: 'agent' as const },
      { at: iso(3 * MIN), from: 'shopper' as const },
      { at: iso(4 * MIN), from: 'shopper' as const },
    ];
    expect(waitingSince(transcript, claimed)).toBe(T0 + 3 * MIN);
  });

  it('does not count an agent line from before the claim (an earlier agent) or an internal one', () => {
    expect(waitingSince([{ at: iso(0), from: 'agent' }, { at: iso(30_000), from: 'shopper' }], claimed)).toBe(claimed);
    expect(waitingSince([{ at: iso(2 * MIN), from: 'agent', internal: true }], claimed)).toBe(claimed);
  });
});
