// Size recommendation from a product's size chart. Returns facts (which size each measurement
// points to) so the flow's own sentences can explain the reasoning in either language.

import type { Product, SizeChartRow } from '../commerce/types.ts';

export type BodyMatch =
  | 'both' // height and weight point to the same size
  | 'split' // they point to different sizes: the larger one is recommended
  | 'height_only' // the chart has no weight ranges
  | 'outside'; // beyond the chart: the nearest end is recommended

export interface BodyRecommendation {
  size: string;
  heightSize: string | null;
  weightSize: string | null;
  match: BodyMatch;
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
  return {
    size: larger.size,
    heightSize: byHeight.row.size,
    weightSize: byWeight?.row.size ?? null,
    match,
    row: larger,
  };
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

/** Chart rows in the order the product lists its sizes (smallest first). */
function orderedRows(product: Product): SizeChartRow[] {
  const rank = (size: string): number => {
    const i = product.sizes.indexOf(size);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...product.sizeChart].sort((a, b) => rank(a.size) - rank(b.size));
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
