import { describe, expect, it } from 'vitest';
import { LatencyHistogram, RELATIVE_ERROR } from '../../scripts/bench/histogram.ts';
import { seededRandom as seeded } from '../../src/nlu/model/scorer.ts';

/** Nearest-rank percentile of a sorted array: the reference the histogram approximates. */
function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

describe('LatencyHistogram', () => {
  it('reports every percentile at or above the exact one, within the stated relative error', () => {
    const random = seeded(42);
    const histogram = new LatencyHistogram();
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Log-uniform from 1 µs to 10 s, like latencies with a long tail.
      const micros = Math.round(Math.exp(random() * Math.log(10_000_000)));
      values.push(micros);
      histogram.recordMicros(micros);
    }
    values.sort((a, b) => a - b);
    for (const p of [1, 10, 50, 90, 99, 99.9, 100]) {
      const exact = exactPercentile(values, p);
      const reported = histogram.percentileMicros(p);
      expect(reported, `p${p}`).toBeGreaterThanOrEqual(exact);
      expect(reported, `p${p}`).toBeLessThanOrEqual(exact * (1 + RELATIVE_ERROR) + 1);
    }
  });

  it('is exact below 128 µs', () => {
    const histogram = new LatencyHistogram();
    for (const v of [5, 5, 7, 100, 127]) histogram.recordMicros(v);
    expect(histogram.percentileMicros(40)).toBe(5);
    expect(histogram.percentileMicros(60)).toBe(7);
    expect(histogram.percentileMicros(100)).toBe(127);
  });

  it('keeps a fixed number of buckets however many values it records', () => {
    const histogram = new LatencyHistogram(60_000_000);
    const before = histogram.bucketCount;
    const random = seeded(7);
    for (let i = 0; i < 200_000; i++) histogram.recordMicros(random() * 60_000_000);
    expect(histogram.bucketCount).toBe(before);
    expect(before).toBeLessThan(2000);
    expect(histogram.count).toBe(200_000);
  });

  it('clamps values above its range into the top bucket but keeps the true maximum', () => {
    const histogram = new LatencyHistogram(1_000_000);
    histogram.recordMicros(10);
    histogram.recordMicros(5_000_000);
    expect(histogram.percentileMicros(100)).toBeGreaterThanOrEqual(1_000_000 * (1 - RELATIVE_ERROR));
    expect(histogram.summary().maxMs).toBe(5000);
  });

  it('summarises in milliseconds, with the mean of the recorded values', () => {
    const histogram = new LatencyHistogram();
    histogram.recordMillis(1);
    histogram.recordMillis(2);
    histogram.recordMillis(3);
    const summary = histogram.summary();
    expect(summary.count).toBe(3);
    expect(summary.meanMs).toBe(2);
    expect(summary.minMs).toBe(1);
    expect(summary.maxMs).toBe(3);
    expect(summary.p50Ms).toBeGreaterThanOrEqual(2);
    expect(summary.p50Ms).toBeLessThan(2.04);
  });

  it('merges another histogram as if its values had been recorded here', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const both = new LatencyHistogram();
    for (let v = 1; v <= 1000; v++) {
      (v % 2 ? a : b).recordMicros(v * 37);
      both.recordMicros(v * 37);
    }
    a.add(b);
    expect(a.summary()).toEqual(both.summary());
    expect(() => a.add(new LatencyHistogram(1_000_000))).toThrow(/different trackable ranges/);
  });

  it('answers NaN when empty and refuses values and percentiles that make no sense', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.summary().p99Ms).toBeNaN();
    expect(() => histogram.recordMicros(-1)).toThrow(/non-negative/);
    expect(() => histogram.recordMicros(Number.NaN)).toThrow(/finite/);
    expect(() => histogram.percentileMicros(0)).toThrow(/percentile/);
    expect(() => histogram.percentileMicros(101)).toThrow(/percentile/);
    expect(() => new LatencyHistogram(10)).toThrow(/highestTrackableMicros/);
  });
});
