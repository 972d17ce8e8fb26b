// Scores for a set of predictions: accuracy per locale, out-of-scope rejection, per-intent
// precision/recall/F1, the most confused pairs, and a threshold/margin sweep.
import { acceptedIntent } from '../decision.ts';
import { NOT_UNDERSTOOD, type Locale } from '../types.ts';
import type { Ranked } from './systems.ts';

export interface JudgedLine {
  text: string;
  gold: string;
  locale: Locale;
  mixed: boolean;
  ranked: Ranked[];
  nearMiss?: boolean;
  /** The answer under the operating decision. */
  predicted: string;
}

export interface Rates {
  /** In-scope lines answered with the right intent, per group; null when the group is empty. */
  ko: number | null;
  en: number | null;
  mixed: number | null;
  inScope: number | null;
  /** Out-of-scope lines answered `None`. */
  outOfScopeRejected: number | null;
  /** The in-domain near-misses among them answered `None`. */
  nearMissRejected: number | null;
  counts: { ko: number; en: number; mixed: number; outOfScope: number; nearMiss: number };
}

export interface IntentScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics extends Rates {
  perIntent: Record<string, IntentScores>;
  confusedPairs: { gold: string; predicted: string; count: number }[];
}

export interface SweepRow extends Rates {
  threshold: number;
  margin: number;
}

function rate(lines: { ok: boolean }[]): number | null {
  return lines.length === 0 ? null : lines.filter((l) => l.ok).length / lines.length;
}

export function rates(lines: readonly { gold: string; predicted: string; locale: Locale; mixed: boolean; nearMiss?: boolean }[]): Rates {
  const judged = lines.map((l) => ({ ...l, ok: l.gold === l.predicted }));
  const inScope = judged.filter((l) => l.gold !== NOT_UNDERSTOOD);
  const group = (locale: Locale) => inScope.filter((l) => !l.mixed && l.locale === locale);
  const mixed = inScope.filter((l) => l.mixed);
  const outOfScope = judged.filter((l) => l.gold === NOT_UNDERSTOOD);
  const nearMiss = outOfScope.filter((l) => l.nearMiss === true);
  return {
    ko: rate(group('ko')),
    en: rate(group('en')),
    mixed: rate(mixed),
    inScope: rate(inScope),
    outOfScopeRejected: rate(outOfScope),
    nearMissRejected: rate(nearMiss),
    counts: { ko: group('ko').length, en: group('en').length, mixed: mixed.length, outOfScope: outOfScope.length, nearMiss: nearMiss.length },
  };
}

export function metrics(lines: readonly JudgedLine[]): Metrics {
  const intents = [...new Set(lines.flatMap((l) => [l.gold, l.predicted]))].sort();
  const perIntent: Record<string, IntentScores> = {};
  for (const intent of intents) {
    const truePositives = lines.filter((l) => l.gold === intent && l.predicted === intent).length;
    const predicted = lines.filter((l) => l.predicted === intent).length;
    const support = lines.filter((l) => l.gold === intent).length;
    const precision = predicted === 0 ? 0 : truePositives / predicted;
    const recall = support === 0 ? 0 : truePositives / support;
    perIntent[intent] = { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), support };
  }
  const pairs = new Map<string, { gold: string; predicted: string; count: number }>();
  for (const l of lines) {
    if (l.gold === l.predicted) continue;
    const key = `${l.gold}\u0000${l.predicted}`;
    const pair = pairs.get(key) ?? { gold: l.gold, predicted: l.predicted, count: 0 };
    pair.count++;
    pairs.set(key, pair);
  }
  const confusedPairs = [...pairs.values()].sort((a, b) => b.count - a.count).slice(0, 10);
  return { ...rates(lines), perIntent, confusedPairs };
}

export const SWEEP_THRESHOLDS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
export const SWEEP_MARGINS = [0, 0.05, 0.1, 0.2];

/** Re-decides every line under each threshold and margin from its real scores. */
export function sweep(lines: readonly JudgedLine[], thresholds = SWEEP_THRESHOLDS, margins = SWEEP_MARGINS): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const threshold of thresholds) {
    for (const margin of margins) {
      const decided = lines.map((l) => ({ ...l, predicted: acceptedIntent(l.ranked, { threshold, margin }) }));
      rows.push({ threshold, margin, ...rates(decided) });
    }
  }
  return rows;
}

/** How much in-scope accuracy an operating point may give up for out-of-scope rejection. */
export const OPERATING_TOLERANCE = 0.01;

/**
 * The operating point: among the thresholds and margins whose in-scope accuracy is within
 * `tolerance` of the best, the one rejecting the most out-of-scope lines (then the lowest).
 */
export function chooseOperatingPoint(rows: readonly SweepRow[], tolerance = OPERATING_TOLERANCE): SweepRow | undefined {
  const best = Math.max(...rows.map((r) => r.inScope ?? 0));
  return rows
    .filter((r) => (r.inScope ?? 0) >= best - tolerance)
    .sort((a, b) => (b.outOfScopeRejected ?? 0) - (a.outOfScopeRejected ?? 0) || a.threshold - b.threshold || a.margin - b.margin)[0];
}
