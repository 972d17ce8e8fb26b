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
  // Whatever the answer, the alternatives come from the first MAX_ALTERNATIVES + 1 of the ranking.
  const ranked = leaders(labels, probabilities, MAX_ALTERNATIVES + 1);
  const intent = acceptedIntent(ranked, settings) as IntentId;
  const index = labels.indexOf(intent);
  const score = index < 0 ? 0 : (probabilities[index] ?? 0);
  return { intent, score, alternatives: ranked.filter((r) => r.intent !== intent).slice(0, MAX_ALTERNATIVES) };
}

/**
 * The `count` best labels, best first; equal scores keep the labels' order. The same as sorting
 * them all (a stable sort) and taking the first `count`, without ranking the rest.
 */
function leaders(labels: readonly string[], probabilities: Float64Array, count: number): IntentScore[] {
  const top: IntentScore[] = [];
  for (let i = 0; i < labels.length; i++) {
    const score = probabilities[i] ?? 0;
    if (top.length === count && !(score > (top[count - 1] as IntentScore).score)) continue;
    let at = top.length;
    while (at > 0 && (top[at - 1] as IntentScore).score < score) at--;
    // Labels come from the corpus; ids beyond the taxonomy in types.ts are allowed to grow it.
    top.splice(at, 0, { intent: labels[i] as IntentId, score });
    if (top.length > count) top.pop();
  }
  return top;
}
