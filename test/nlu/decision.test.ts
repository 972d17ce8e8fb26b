import { describe, expect, it } from 'vitest';
import { decide } from '../../src/nlu/decision.ts';
import { seededRandom } from '../../src/nlu/model/scorer.ts';

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
  it('ranks like a stable sort of every label, ties in label order, with only the leaders ranked', () => {
    const many = Array.from({ length: 18 }, (_, i) => (i === 7 ? 'None' : `intent.${i}`));
    const random = seededRandom(5);
    for (let round = 0; round < 500; round++) {
      // Few distinct values, so that ties are common, at the top too.
      const p = Float64Array.from(many, () => Math.floor(random() * 6) / 10);
      const sorted = many.map((intent, i) => ({ intent, score: p[i] ?? 0 })).sort((a, b) => b.score - a.score);
      const d = decide(many, p, settings);
      const expectedIntent = d.intent === 'None' ? 'None' : sorted[0]?.intent;
      expect(d.intent).toBe(expectedIntent);
      expect(d.score).toBe(sorted.find((s) => s.intent === d.intent)?.score);
      expect(d.alternatives).toEqual(sorted.filter((s) => s.intent !== d.intent).slice(0, 5));
    }
  });
});
