// Size recommendation from a product's size chart. Returns facts (which size each measurement
// points to) so the flow's own sentences can explain the reasoning in either language.

import type { Product, SizeChartRow } from '../commerce/types.ts';

export type BodyMatch =
  | 'both' // height and weight point to the same size
  | 'split' // they point to different sizes: the larger one is recommended
  | 'height_only' // the chart has no weight ranges
  | 'outside'; // beyond the chart: the nearest end is recommended

/**
 * What the product's fit did to the chart's size:
 * - `up` / `down`: moved one size (runs small and the shopper is in the upper half of the
 *   chart size's range; runs large and in the lower half);
 * - `none`: the product runs small or large, but where the shopper sits the chart size still fits;
 * - `unavailable`: it would move, but the product has no larger (smaller) size.
 * Null when the product is true to size or its fit is unknown.
 */
export type FitShift = 'up' | 'down' | 'none' | 'unavailable';

export interface BodyRecommendation {
  size: string;
  /** The size the chart alone points to, before the product's fit is taken into account. */
  chartSize: string;
  heightSize: string | null;
  weightSize: string | null;
  match: BodyMatch;
  fitShift: FitShift | null;
  /** The chart row of the recommended size, for "(키 170–175cm, 65–72kg)". */
  row: SizeChartRow;
}

export function recommendForBody(product: Product, heightCm: number, weightKg: number): BodyRecommendation | null {
  const rows = orderedRows(product).filter((r) => r.heightCm);
  if (rows.length === 0) return null;
  const byHeight = nearestRow(rows, heightCm, (r) => r.heightCm);
  const weighted = rows.filter((r) => r.weightKg);
  const byWeight = weighted.length > 0 ? nearestRow(weighted, weightKg, (r) => r.weightKg) : null;
  const inside = byHeight.inside && (byWeight?.inside ?? true);
  const larger = byWeight && rows.indexOf(byWeight.row) > rows.indexOf(byHeight.row) ? byWeight.row : byHeight.row;
  const match: BodyMatch = !inside
    ? 'outside'
    : !byWeight
      ? 'height_only'
      : byWeight.row === byHeight.row
        ? 'both'
        : 'split';
  const fitted = applyFit(product.fit, rows, larger, bodyPosition(larger, heightCm, weightKg));
  return {
    size: fitted.row.size,
    chartSize: larger.size,
    heightSize: byHeight.row.size,
    weightSize: byWeight?.row.size ?? null,
    match,
    fitShift: fitted.shift,
    row: fitted.row,
  };
}

/**
 * Where the shopper sits in the size's ranges: 0 at the lower bound, 1 at the upper. A garment
 * pinches where the body is largest, so the higher of height and weight counts.
 */
function bodyPosition(row: SizeChartRow, heightCm: number, weightKg: number): number {
  const within = (value: number, range: [number, number] | undefined): number | null => {
    if (!range) return null;
    const [lo, hi] = range;
    return hi > lo ? (value - lo) / (hi - lo) : 0.5;
  };
  const positions = [within(heightCm, row.heightCm), within(weightKg, row.weightKg)].filter((p): p is number => p !== null);
  return Math.max(...positions);
}

/** One size up for a product that runs small when the shopper is in the upper half of the range, down for one that runs large in the lower half. */
function applyFit(fit: Product['fit'], rows: readonly SizeChartRow[], chart: SizeChartRow, position: number): { row: SizeChartRow; shift: FitShift | null } {
  if (fit !== 'small' && fit !== 'large') return { row: chart, shift: null };
  const moves = fit === 'small' ? position > 0.5 : position < 0.5;
  if (!moves) return { row: chart, shift: 'none' };
  const next = rows[rows.indexOf(chart) + (fit === 'small' ? 1 : -1)];
  return next ? { row: next, shift: fit === 'small' ? 'up' : 'down' } : { row: chart, shift: 'unavailable' };
}

export interface FootRecommendation {
  size: string;
  /** `exact`: a size fits the foot length; `outside`: beyond the chart. */
  match: 'exact' | 'outside';
  row: SizeChartRow;
}

/** The smallest size whose foot length fits the shopper's usual size (in mm). */
export function recommendForFoot(product: Product, usualMm: number): FootRecommendation | null {
  const rows = orderedRows(product).filter((r) => r.footLengthMm !== undefined);
  const last = rows[rows.length - 1];
  if (!last) return null;
  const fit = rows.find((r) => (r.footLengthMm ?? 0) >= usualMm);
  return fit ? { size: fit.size, match: 'exact', row: fit } : { size: last.size, match: 'outside', row: last };
}

/** Chart rows of the sizes the product is sold in, in the order it lists them (smallest first): a chart row for a size it does not offer is never recommended. */
function orderedRows(product: Product): SizeChartRow[] {
  const rank = (row: SizeChartRow): number => product.sizes.indexOf(row.size);
  return product.sizeChart.filter((row) => rank(row) >= 0).sort((a, b) => rank(a) - rank(b));
}

function nearestRow(
  rows: SizeChartRow[],
  value: number,
  range: (r: SizeChartRow) => [number, number] | undefined,
): { row: SizeChartRow; inside: boolean } {
  let best: { row: SizeChartRow; distance: number } | null = null;
  for (const row of rows) {
    const r = range(row);
    if (!r) continue;
    // Ranges of neighbouring sizes often share their edge: the first (smaller) one wins a tie.
    const distance = value < r[0] ? r[0] - value : value > r[1] ? value - r[1] : 0;
    if (!best || distance < best.distance) best = { row, distance };
  }
  if (!best) throw new Error('nearestRow needs at least one row with a range');
  return { row: best.row, inside: best.distance === 0 };
}
