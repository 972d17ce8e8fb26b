// What a turn does with the shopper's input: answer a pending "shall we ...?", run a global
// command, answer the flow's question (or digress, switch flows, interrupt), start a flow for
// the intent, or fall back.

import { detectLocale } from '../nlu/index.ts';
import { NOT_UNDERSTOOD, type IntentId, type NluResult } from '../nlu/types.ts';
import { applyMentions, directAnswer, mentions, readSlot, yesNo } from './answers.ts';
import { fallback, handOffUnsure, handoff, outOfScope, threshold, understoodFlow } from './fallback.ts';
import { isIntentId, type CompiledFlow } from './flowset.ts';
import { pendingQuestion, reask, rejectAnswer, validate } from './questions.ts';
import type { SlotSpec } from './schema.ts';
import type { ActiveFlow } from './state.ts';
import { leaveVanishedFlow, runSteps, startFlow } from './runner.ts';
import type { Json } from './template.ts';
import { INTENT_PAYLOAD, type Turn, type Utterance } from './turn.ts';
import type { DialogInput } from './types.ts';
import { searchWords } from './products.ts';
import { withoutTakenBack } from './reading/corrections.ts';
import { parseFlowPayload, readStartEvent, START_FLOW_EVENT, type DirectStart } from './direct.ts';
import { hasEnglishWord, isPhrase } from './understanding.ts';

export async function handleInput(turn: Turn, input: DialogInput, nlu: NluResult | null): Promise<void> {
  leaveVanishedFlow(turn);
  if (input.kind === 'event') return onEvent(turn, input.name, input.data ?? {});
  const u = utterance(turn, input, nlu);
  turn.intent = u.payload === null ? u.nlu.intent : null;
  turn.score = input.kind === 'text' ? u.nlu.score : null;
  // The NLU reads the script; a reply without a word to tell by (an order number, "XL") keeps the language.
  if (input.kind === 'text' && (u.nlu.locale === 'ko' || hasEnglishWord(input.text))) turn.state.locale = u.nlu.locale;
  await dispatch(turn, u);
}

function utterance(turn: Turn, input: Exclude<DialogInput, { kind: 'event' }>, nlu: NluResult | null): Utterance {
  const blank = (intent: IntentId, score: number): NluResult => ({
    text: '',
    locale: turn.state.locale,
    intent,
    score,
    entities: [],
    alternatives: [],
  });
  if (input.kind === 'text') {
    const read = nlu ?? { ...blank(NOT_UNDERSTOOD, 0), text: input.text, locale: detectLocale(input.text) };
    // "S 아니고 M이요": the values the shopper takes back are not values they give.
    return { text: input.text, nlu: { ...read, entities: withoutTakenBack(input.text, read.entities) }, payload: null };
  }
  if (input.payload.startsWith(INTENT_PAYLOAD)) {
    // A suggestion the shopper picked is as good as a confident classification.
    const intent = input.payload.slice(INTENT_PAYLOAD.length);
    return { text: '', nlu: isIntentId(intent) ? blank(intent, 1) : blank(NOT_UNDERSTOOD, 0), payload: null };
  }
  return { text: '', nlu: blank(NOT_UNDERSTOOD, 0), payload: input.payload };
}

async function dispatch(turn: Turn, u: Utterance): Promise<void> {
  if (turn.state.pending && (await answerPending(turn, u))) return;
  if (u.payload === 'handoff') return handoff(turn, 'user_request', 'normal');
  const direct = u.payload === null ? null : parseFlowPayload(u.payload);
  if (direct && turn.flowSet.flows.has(direct.flow)) return startDirectly(turn, direct);
  if (u.text && runCommand(turn, u.text)) return;
  if (turn.state.flow?.waiting) return answer(turn, u);
  return route(turn, u);
}

/** Returns false when the input does not answer the pending question (it is then dropped). */
async function answerPending(turn: Turn, u: Utterance): Promise<boolean> {
  const pending = turn.state.pending;
  if (!pending) return false;
  const reply = yesNo(turn, u);
  turn.state.pending = null;
  if (pending.kind === 'offer_handoff') {
    if (reply === true || u.payload === 'handoff') {
      handoff(turn, pending.reason, 'normal');
      return true;
    }
    if (reply === false) {
      turn.say(turn.message('offer_agent_declined'));
      reask(turn);
      return true;
    }
    return false;
  }
  const target = turn.flowSet.flows.get(pending.flow);
  // Saying it again ("bye" to "shall we stop?") is a yes.
  const accepted = reply === true || (reply === null && target !== undefined && understoodFlow(turn, u) === target);
  if (accepted && target) {
    turn.abandon('switch');
    await startFlow(turn, target, { text: pending.text, entities: pending.entities });
    return true;
  }
  if (reply === false) {
    turn.say(turn.message('switch_declined', { current: turn.runningFlow()?.spec.title ?? null }));
    reask(turn);
    return true;
  }
  return false;
}

/** Global commands: stop the current flow, or start over. Only whole-utterance phrases count. */
function runCommand(turn: Turn, text: string): boolean {
  const { commands } = turn.flowSet.messages;
  const busy = turn.state.flow !== null;
  if (busy && isPhrase(text, commands.cancel)) {
    turn.abandon('cancel');
    turn.say(turn.message('cancelled'), turn.menu());
    return true;
  }
  if (isPhrase(text, commands.restart)) {
    if (busy) turn.abandon('cancel');
    turn.state.pending = null;
    turn.say(turn.message('restart'), turn.menu());
    return true;
  }
  return false;
}

/** Idle: start the flow for the intent, or fall back. */
async function route(turn: Turn, u: Utterance): Promise<void> {
  const { intent, score } = u.nlu;
  const flow = intent === NOT_UNDERSTOOD ? undefined : turn.flowSet.byIntent.get(intent);
  if (!flow || score < threshold(turn, flow)) {
    const followUp = followUpOf(turn, u);
    if (followUp) return startFlow(turn, followUp.flow, { text: u.text, entities: u.nlu.entities }, followUp.given);
  }
  if (!flow) return fallback(turn, u);
  if (score < threshold(turn, flow)) return handOffUnsure(turn);
  await startFlow(turn, flow, { text: u.text, entities: u.nlu.entities });
}

/** Words around a bare value that say nothing else: "주문번호 20261020이요", "it's 20261020". */
const AROUND_A_VALUE: ReadonlySet<string> = new Set(['주문번호', '주문', '번호', '이거', '여기', 'order', 'number', 'its', 'the', 'this', 'one', 'please', 'here', 'what', 'about', 'and']);

/**
 * A reply that is nothing but a value ("20261020", "L이요") right after a flow that has a question
 * of that type: the flow that completed last runs again with it, as when it ends with "tell me an
 * order number if you want to check another one".
 */
function followUpOf(turn: Turn, u: Utterance): { flow: CompiledFlow; given: Record<string, Json> } | null {
  const last = turn.state.last === undefined ? undefined : turn.flowSet.flows.get(turn.state.last);
  const [entity, ...others] = u.nlu.entities;
  if (!last || !entity || others.length > 0) return null;
  const rest = u.text.slice(0, entity.start) + ' ' + u.text.slice(entity.end);
  if (!searchWords(rest).every((w) => AROUND_A_VALUE.has(w))) return null;
  const slot = [...last.slots].find(([, s]) => s.type === entity.type && s.prefill !== false);
  return slot ? { flow: last, given: { [slot[0]]: entity.value } } : null;
}

async function onEvent(turn: Turn, name: string, data: Record<string, unknown>): Promise<void> {
  // The page the shopper looks at is the default product for size and stock questions.
  if (name === 'page_view' && typeof data.productId === 'string') turn.state.memory.product_id = { value: data.productId, flow: null };
  if (name === START_FLOW_EVENT) {
    // A proactive rule's `flow` action: only while nothing else is going on.
    const start = readStartEvent(data);
    if (start && !turn.state.flow && !turn.state.pending) await startDirectly(turn, start);
    return;
  }
  const flow = turn.flowSet.byEvent.get(name);
  if (flow && !turn.state.flow && !turn.state.pending) await startFlow(turn, flow, { text: '', entities: [] });
}

/** A `flow:` chip or a proactive start: the named flow with the given slots, no NLU involved. */
async function startDirectly(turn: Turn, start: DirectStart): Promise<void> {
  const flow = turn.flowSet.flows.get(start.flow);
  if (!flow) return;
  if (turn.state.flow) turn.abandon('switch');
  turn.state.pending = null;
  const given = Object.fromEntries(Object.entries(start.slots).filter(([name]) => flow.slots.has(name)));
  await startFlow(turn, flow, { text: '', entities: [] }, given);
}

/** A reply while the flow waits on a question. */
async function answer(turn: Turn, u: Utterance): Promise<void> {
  const question = pendingQuestion(turn);
  if (!question) return route(turn, u);
  const { active, flow, name: slotName, slot } = question;

  const { rewindTo, filled } = applyMentions(flow, active, slotName, await mentions(turn, flow, slotName, u));
  if (rewindTo !== null) {
    active.step = rewindTo;
    active.waiting = false;
    return runSteps(turn, true);
  }
  const fill = (value: Json) => {
    active.slots[slotName] = value;
    active.waiting = false;
    return runSteps(turn, true);
  };
  // A tap, a yes/no or a choice named as the whole reply answers the question, whatever the NLU makes of it.
  const direct = directAnswer(turn, slot, active, u);
  if (direct !== undefined) return fill(direct);

  const understood = understoodFlow(turn, u);
  if (understood && understood !== flow && understood.spec.interrupts) {
    if (understood.spec.interrupts === 'confirm' && !flow.closingAsks.has(active.step)) {
      return askBeforeLeaving(turn, understood, u, turn.message('leave_confirm', { current: flow.spec.title }));
    }
    turn.abandon('switch');
    return startFlow(turn, understood, { text: u.text, entities: u.nlu.entities });
  }
  // A step may keep the shopper at its question: no answers about other things, no switch offered.
  const mayLeave = flow.steps[flow.stepIndex.get(active.step) ?? -1]?.digressions !== false;
  // Any sentence answers a free-text question, so questions about the shop must be caught first.
  if (slot.type === 'text' && understood?.spec.digression && mayLeave) return digress(turn, understood, u);

  const answeredBy = Object.entries(slot.answered_by ?? {}).find(([other]) => filled.includes(other));
  // Restating the flow's own request at its confirmation ("취소해 주세요" to "취소할까요?") is a yes.
  const restated = understood === flow && slot.type === 'yes_no' ? true : undefined;
  const value = answeredBy ? answeredBy[1] : ((await readSlot(turn, flow, active, slotName, slot, u)) ?? restated);
  // Slot first: an order number, a size, a product read from the reply answers the question,
  // whatever the NLU makes of the words around it ("size XL please" is no size-advice request);
  // the question's own checks then accept it or say why not. Free text is any sentence, so it tells nothing.
  if (value !== undefined && slot.type !== 'text') return fill(value);
  // "패딩이요": a name that fits several products is an answer too; the re-prompt offers them.
  if (slot.type === 'product' && active.choices.length > 0 && active.unmatched === undefined && searchWords(u.text).length <= 2) {
    return rejectAndContinue(turn, flow, active, slotName, slot, 'ambiguous', null);
  }
  const offTopic = outOfScope(turn, u);
  const elsewhere = offTopic || (understood !== null && understood !== flow);
  if (value !== undefined && !elsewhere) return fill(value);
  // The NLU reads something else: the value is the answer only if it passes ("후드티요" is a product, whatever the NLU says).
  if (value !== undefined && (await answersAfterAll(turn, active, slotName, slot, value))) {
    if (turn.state.flow !== active) return; // the shop was down: the flow apologised and ended
    active.waiting = false;
    return runSteps(turn, true);
  }
  if (understood?.spec.digression && mayLeave) return digress(turn, understood, u);
  if (understood && understood !== flow && mayLeave) {
    return askBeforeLeaving(turn, understood, u, turn.message('switch_confirm', { current: flow.spec.title, next: understood.spec.title }));
  }
  // Weather, jokes: not a failed answer, so no attempt is used up. A product the catalogue lacks
  // ("린넨 셔츠요") is an answer, however out of scope the NLU finds the words.
  if (offTopic && active.unmatched === undefined) {
    turn.say(turn.message('out_of_scope'));
    return reask(turn);
  }
  if (understood === flow) return reask(turn);
  const unmatched = active.unmatched;
  delete active.unmatched;
  const ambiguous = slot.type === 'product' && active.choices.length > 0;
  const reason = unmatched !== undefined && slot.errors?.unmatched ? 'unmatched' : ambiguous ? 'ambiguous' : 'no_value';
  return rejectAndContinue(turn, flow, active, slotName, slot, reason, unmatched ?? null);
}

/** An answer that does not fit: re-prompt with the reason, or go where the slot's `on_fail` says. */
async function rejectAndContinue(turn: Turn, flow: CompiledFlow, active: ActiveFlow, name: string, slot: SlotSpec, reason: string, value: Json | null): Promise<void> {
  const onFail = rejectAnswer(turn, flow, active, name, slot, reason, value);
  if (onFail) {
    active.step = onFail;
    await runSteps(turn, false);
  }
}

/** Whether `value` passes the slot's checks (then it is kept as answered); a shop outage counts as handled. */
async function answersAfterAll(turn: Turn, active: ActiveFlow, name: string, slot: SlotSpec, value: Json): Promise<boolean> {
  active.slots[name] = value;
  const verdict = await validate(turn, slot, active, name);
  if (verdict === 'ok' || verdict === 'unavailable') return true;
  delete active.slots[name];
  return false;
}

/** An FAQ-type question mid-flow: answer it, then ask the pending question again. */
async function digress(turn: Turn, target: CompiledFlow, u: Utterance): Promise<void> {
  const saved = turn.state.flow;
  if (!saved) return;
  turn.emit({ type: 'digression', intent: u.nlu.intent, from: saved.id });
  await startFlow(turn, target, { text: u.text, entities: u.nlu.entities });
  turn.state.flow = saved;
  if (turn.state.pending) return; // the digression could not answer and offered a person
  turn.say(turn.message('resume'));
  reask(turn);
}

/**
 * Asks before leaving the running flow for `target` ("배송 조회로 넘어갈까요?", or for a goodbye
 * "진행 중인 주문 취소를 그만할까요?"). Yes starts `target` with what the shopper said; no asks
 * the pending question again.
 */
function askBeforeLeaving(turn: Turn, target: CompiledFlow, u: Utterance, question: string): void {
  turn.state.pending = { kind: 'switch', flow: target.spec.flow, text: u.text, entities: u.nlu.entities };
  turn.say(question, turn.yesNoReplies());
}
