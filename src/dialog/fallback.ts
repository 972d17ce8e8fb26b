// What the engine does when it cannot help on its own: how sure the NLU must be, suggestions
// after a miss, a person offered after the second miss in a row, apologies for a failed shop
// call, and hand-off requests (as events for the server's queue).

import { NOT_UNDERSTOOD, type IntentId, type NluResult } from '../nlu/types.ts';
import type { CompiledFlow } from './flowset.ts';
import type { MessageKey } from './schema.ts';
import type { Turn, Utterance } from './turn.ts';
import type { HandoffReason } from './types.ts';

const MAX_SUGGESTIONS = 3;
/** Alternatives scored lower than this are noise, not a hint of what the shopper meant. */
const MIN_SUGGESTION_SCORE = 0.05;

export function threshold(turn: Turn, flow: CompiledFlow): number {
  return flow.spec.handoff_threshold ?? turn.settings.handoffThreshold;
}

/** The flow a confidently understood intent would start, if any. */
export function understoodFlow(turn: Turn, u: Utterance): CompiledFlow | null {
  if (u.nlu.intent === NOT_UNDERSTOOD) return null;
  const flow = turn.flowSet.byIntent.get(u.nlu.intent);
  return flow && u.nlu.score >= threshold(turn, flow) ? flow : null;
}

/**
 * The NLU is sure the input is out of scope (weather, jokes): `None` is its top reading, not a
 * rejected candidate, and as sure as an intent must be to start a flow.
 */
export function outOfScope(turn: Turn, u: Utterance): boolean {
  const { intent, score, alternatives } = u.nlu;
  return intent === NOT_UNDERSTOOD && score >= turn.settings.handoffThreshold && (alternatives[0]?.score ?? 0) < score;
}

/** Not understood: suggest the closest intents, or after the second miss in a row offer a person. */
export function fallback(turn: Turn, u: Utterance): void {
  turn.state.misses += 1;
  const consecutive = turn.state.misses;
  const suggestions = suggestionsFor(turn, u.nlu);
  turn.emit({ type: 'fallback', text: u.text, suggestions, consecutive });
  if (consecutive >= 2) {
    offerHandoff(turn, 'fallback_offer_agent', 'repeated_misunderstanding');
    return;
  }
  const offered = suggestions.length > 0 ? suggestions : turn.menuIntents();
  turn.say(turn.message('fallback'), offered.map((intent) => turn.intentReply(intent)));
}

/**
 * The closest intents whose flows may be suggested, best first: the model's runners-up, then the
 * intents the shop concepts of the line point to ("환급" names a refund even when the model is unsure).
 */
function suggestionsFor(turn: Turn, nlu: NluResult): IntentId[] {
  const { byIntent } = turn.flowSet;
  const suggestable = (intent: IntentId) => intent !== NOT_UNDERSTOOD && byIntent.has(intent) && byIntent.get(intent)?.spec.suggest !== false;
  const likely = nlu.alternatives.filter((a) => a.score >= MIN_SUGGESTION_SCORE).map((a) => a.intent);
  return [...new Set([...likely, ...(nlu.hints ?? [])])].filter(suggestable).slice(0, MAX_SUGGESTIONS);
}

/** An intent recognised, but not surely enough to act on: a person takes over. */
export function handOffUnsure(turn: Turn): void {
  turn.state.misses = 0;
  turn.say(turn.message('low_confidence_handoff'));
  requestHandoff(turn, 'low_confidence', 'normal', null);
}

/** A commerce call failed in a way the flow does not handle: apologise and offer a person. */
export function commerceFailed(turn: Turn, outcome: string): void {
  turn.abandon('error');
  if (outcome === 'unavailable') offerHandoff(turn, 'unavailable', 'commerce_unavailable');
  else offerHandoff(turn, 'action_failed', 'flow_request');
}

export function offerHandoff(turn: Turn, message: MessageKey, reason: HandoffReason): void {
  turn.state.pending = { kind: 'offer_handoff', reason };
  turn.say(turn.message(message), [
    { label: turn.message('agent'), payload: 'handoff' },
    { label: turn.message('not_now'), payload: 'no' },
  ]);
}

/** The shopper asked for a person (quick reply or accepted offer). */
export function handoff(turn: Turn, reason: HandoffReason, priority: 'normal' | 'high'): void {
  const flow = turn.state.flow?.id ?? null;
  turn.abandon('switch');
  turn.say(turn.message('handoff'));
  requestHandoff(turn, reason, priority, flow);
}

export function requestHandoff(turn: Turn, reason: HandoffReason, priority: 'normal' | 'high', flow: string | null): void {
  turn.state.pending = null;
  turn.state.misses = 0;
  // Remembered values (the order looked up earlier), then this turn's answers, then the running flow's.
  const remembered = Object.fromEntries(Object.entries(turn.state.memory).map(([name, m]) => [name, m.value]));
  const slots = { ...remembered, ...turn.answered, ...(turn.state.flow?.slots ?? {}) };
  turn.emit({ type: 'handoff_requested', reason, priority, flow, slots });
}
