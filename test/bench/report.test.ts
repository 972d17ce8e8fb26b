import { describe, expect, it } from 'vitest';
import { judge, type Figure } from '../../scripts/bench/report.ts';

const figure = (overrides: Partial<Figure>): Figure => ({
  id: 'x',
  label: 'x',
  unit: 'ms',
  value: 10,
  baseline: 5,
  baselineLabel: 'echo',
  target: null,
  ...overrides,
});

describe('judge', () => {
  it('passes a figure under its limit and says by how much', () => {
    const row = judge(figure({ value: 30, target: { on: 'value', kind: 'below', limit: 50 } }));
    expect(row).toMatchObject({ status: 'PASS', margin: '40% under', ratio: 6 });
  });

  it('misses a figure over its limit, as a factor from twice the limit', () => {
    expect(judge(figure({ value: 60, target: { on: 'value', kind: 'below', limit: 50 } }))).toMatchObject({ status: 'MISS', margin: '20% over' });
    expect(judge(figure({ value: 170, target: { on: 'value', kind: 'below', limit: 50 } }))).toMatchObject({ status: 'MISS', margin: '3.4x over' });
  });

  it('judges a ratio to the baseline when the target is on the ratio', () => {
    const capacity = { on: 'ratio', kind: 'atLeast', limit: 0.5 } as const;
    expect(judge(figure({ value: 300, baseline: 1000, target: capacity }))).toMatchObject({ status: 'MISS', margin: '40% under' });
    expect(judge(figure({ value: 600, baseline: 1000, target: capacity }))).toMatchObject({ status: 'PASS', margin: '20% over' });
  });

  it('treats the limit itself as passing only for atMost and atLeast', () => {
    expect(judge(figure({ value: 15, baseline: 10, target: { on: 'ratio', kind: 'atMost', limit: 1.5 } })).status).toBe('PASS');
    expect(judge(figure({ value: 50, target: { on: 'value', kind: 'below', limit: 50 } })).status).toBe('MISS');
  });

  it('never passes a figure that was not measured or whose measurement failed', () => {
    expect(judge(figure({ value: null, target: { on: 'value', kind: 'below', limit: 50 } }))).toMatchObject({ status: 'MISS', margin: 'not measured' });
    expect(judge(figure({ baseline: 0, target: { on: 'ratio', kind: 'atLeast', limit: 0.5 } }))).toMatchObject({ status: 'MISS', margin: 'not measured' });
    const failed = judge(figure({ value: 1, target: { on: 'value', kind: 'below', limit: 50 }, invalid: '12% of turns failed' }));
    expect(failed).toMatchObject({ status: 'MISS', margin: '12% of turns failed' });
  });

  it('leaves figures without a target unjudged', () => {
    expect(judge(figure({}))).toMatchObject({ status: 'n/a', margin: '' });
  });
});
