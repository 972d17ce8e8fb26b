// From the model's probabilities to an answer: the top intent only when it is confident
// (threshold) and clearly ahead of the runner-up (margin); otherwise `None`, since a confident
// wrong intent is worse than a hand-off.
import type { DecisionSettings } from './config.ts';
import { NOT_UNDERSTOOD, type IntentId, type IntentScore } from './types.ts';

/** How many alternatives a result lists. */
const MAX_ALTERNATIVES = 5;

export interface Decision {
  intent: IntentId;
  score: number;
  alternatives: IntentScore[];
}

export interface Scored {
  intent: string;
  score: number;
}

/** The answer for a ranking (best first): the top intent if confident and clear, else `None`. */
export function acceptedIntent(ranked: readonly Scored[], settings: DecisionSettings): string {
  const [top, second] = ranked;
  if (!top || top.intent === NOT_UNDERSTOOD) return NOT_UNDERSTOOD;
  return top.score >= settings.threshold && top.score - (second?.score ?? 0) >= settings.margin ? top.intent : NOT_UNDERSTOOD;
}

/**
 * `score` is always the model's real probability of the returned intent; when a candidate is
 * rejected, that is the probability of `None`, and the candidate leads `alternatives`.
 */
export function decide(labels: readonly string[], probabilities: Float64Array, settings: DecisionSettings): Decision {
  // Labels come from the corpus; ids beyond the taxonomy in types.ts are allowed to grow it.
  const ranked: IntentScore[] = labels
    .map((label, i) => ({ intent: label as IntentId, score: probabilities[i] ?? 0 }))
    .sort((a, b) => b.score - a.score);
  const intent = acceptedIntent(ranked, settings) as IntentId;
  const score = ranked.find((r) => r.intent === intent)?.score ?? 0;
  return { intent, score, alternatives: ranked.filter((r) => r.intent !== intent).slice(0, MAX_ALTERNATIVES) };
}
