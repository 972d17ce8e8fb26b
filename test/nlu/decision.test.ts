import { describe, expect, it } from 'vitest';
import { decide } from '../../src/nlu/decision.ts';

const labels = ['None', 'order.status', 'refund.status'];
const probabilities = (...p: number[]) => Float64Array.from(p);

describe('decide', () => {
  const settings = { threshold: 0.5, margin: 0.1 };

  it('answers the top intent when confident and clear, with its real probability', () => {
    const d = decide(labels, probabilities(0.05, 0.8, 0.15), settings);
    expect(d).toMatchObject({ intent: 'order.status', score: 0.8 });
    expect(d.alternatives.map((a) => a.intent)).toEqual(['refund.status', 'None']);
  });
  it('answers None below the threshold; the candidate leads the alternatives with its real score', () => {
    const d = decide(labels, probabilities(0.2, 0.45, 0.35), settings);
    expect(d.intent).toBe('None');
    expect(d.score).toBeCloseTo(0.2);
    expect(d.alternatives[0]).toEqual({ intent: 'order.status', score: 0.45 });
  });
  it('answers None when the runner-up is within the margin', () => {
    expect(decide(labels, probabilities(0, 0.52, 0.48), settings).intent).toBe('None');
    expect(decide(labels, probabilities(0, 0.52, 0.48), { threshold: 0.5, margin: 0 }).intent).toBe('order.status');
  });
  it('answers None when the None class itself wins', () => {
    expect(decide(labels, probabilities(0.9, 0.05, 0.05), settings)).toMatchObject({ intent: 'None', score: 0.9 });
  });
});
