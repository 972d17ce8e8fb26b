// The flow runtime: one turn = (state, input, NLU result, context) -> (new state, replies, events).
// No I/O besides the commerce port in the context; the clock is ctx.now.

import { detectLocale } from '../nlu/index.ts';
import { NOT_UNDERSTOOD, type Entity, type IntentId, type NluResult } from '../nlu/types.ts';
import { actionDef, isActionName, runAction, type ActionContext, type ActionName } from './actions.ts';
import { holds } from './conditions.ts';
import { isIntentId, type CompiledFlow, type FlowSet } from './flowset.ts';
import { resolveProduct, searchWords } from './products.ts';
import type { DataChoicesSpec, Localized, MessageKey, SlotSpec, StepSpec } from './schema.ts';
import { freshState, readState, type ActiveFlow, type Choice, type EngineState } from './state.ts';
import { lookupPath, render, renderValue, splitPath, type Json, type Scope } from './template.ts';
import type {
  BotReply,
  DialogEngine,
  DialogEvent,
  DialogInput,
  DialogState,
  HandoffReason,
  QuickReply,
  TurnContext,
  TurnResult,
} from './types.ts';
import { bareNumbers, hasEnglishWord, isPhrase, normalize, parseYesNo } from './understanding.ts';

export interface DialogEngineOptions {
  /**
   * Below this NLU score a recognised intent is not trusted to start its flow: the conversation
   * goes to a person (reason `low_confidence`). A flow's `handoff_threshold` overrides it.
   */
  handoffThreshold?: number;
  /** Invalid answers to one question before the slot's `on_fail` applies (a slot's `max_attempts` overrides it). */
  maxAttempts?: number;
  /** The shop's time zone: what "today" is for return windows and late deliveries. */
  timeZone?: string;
}

export const DEFAULT_HANDOFF_THRESHOLD = 0.5;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_TIME_ZONE = 'Asia/Seoul';
/** Steps one turn may run before the engine assumes a loop in the flow. */
const MAX_STEPS_PER_TURN = 60;
const MAX_SUGGESTIONS = 3;
/** Alternatives scored lower than this are noise, not a hint of what the shopper meant. */
const MIN_SUGGESTION_SCORE = 0.05;
const NUMERIC_TYPES = new Set(['height', 'weight', 'shoe_size', 'waist', 'quantity']);
const INTENT_PAYLOAD = 'intent:';

export function createDialogEngine(flowSet: FlowSet, options: DialogEngineOptions = {}): DialogEngine {
  const settings = {
    handoffThreshold: options.handoffThreshold ?? DEFAULT_HANDOFF_THRESHOLD,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    timeZone: options.timeZone ?? DEFAULT_TIME_ZONE,
  };
  // Throws here, at start-up, for a time zone the runtime does not know.
  const calendar = new Intl.DateTimeFormat('en-CA', { timeZone: settings.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return {
    initialState: (locale) => freshState(locale),
    async turn(state, input, nlu, ctx) {
      const turn = new Turn(flowSet, settings, readState(state), ctx, calendar.format(ctx.now));
      await turn.handle(input, nlu);
      return turn.result();
    },
  };
}

/** What the flow knows right now, for conversation tests and debugging tools. */
export function describeState(state: DialogState): {
  flow: string | null;
  step: string | null;
  slots: Record<string, Json>;
  memory: Record<string, Json>;
  pending: string | null;
} {
  const s = readState(state);
  return {
    flow: s.flow?.id ?? null,
    step: s.flow?.waiting ? s.flow.step : null,
    slots: s.flow?.slots ?? {},
    memory: Object.fromEntries(Object.entries(s.memory).map(([k, m]) => [k, m.value])),
    pending: s.pending?.kind ?? null,
  };
}

/** A value the reply gives for some slot type: an NLU entity, or a catalogue product. */
type Mention = Pick<Entity, 'value'> & { type: string };

/** One shopper input, whatever its kind, as the runtime reads it. */
interface Utterance {
  text: string;
  nlu: NluResult;
  /** A tapped quick reply's payload. */
  payload: string | null;
}

type Settings = Required<DialogEngineOptions>;

interface PendingReply {
  text: string;
  quickReplies?: QuickReply[];
  flow: string | null;
}

class Turn {
  private readonly replies: PendingReply[] = [];
  private readonly events: DialogEvent[] = [];
  private intent: IntentId | null = null;
  private score: number | null = null;
  private steps = 0;

  constructor(
    private readonly flowSet: FlowSet,
    private readonly settings: Settings,
    private state: EngineState,
    private readonly ctx: TurnContext,
    /** The shop's calendar date, YYYY-MM-DD: `{{today}}` in flows. */
    private readonly today: string,
  ) {}

  result(): TurnResult {
    const active = this.state.flow;
    const replies: BotReply[] = this.replies.map((r) => ({
      text: r.text,
      ...(r.quickReplies && r.quickReplies.length > 0 ? { quickReplies: r.quickReplies } : {}),
      meta: {
        intent: this.intent,
        score: this.score,
        flow: r.flow,
        state: active?.waiting && active.id === r.flow ? active.step : null,
      },
    }));
    return { state: this.state, replies, events: this.events };
  }

  async handle(input: DialogInput, nlu: NluResult | null): Promise<void> {
    this.leaveVanishedFlow();
    if (input.kind === 'event') return this.onEvent(input.name, input.data ?? {});
    const utterance = this.utterance(input, nlu);
    this.intent = utterance.payload === null ? utterance.nlu.intent : null;
    this.score = input.kind === 'text' ? utterance.nlu.score : null;
    // The NLU reads the script; a reply without a word to tell by (an order number, "XL") keeps the language.
    if (input.kind === 'text' && (utterance.nlu.locale === 'ko' || hasEnglishWord(input.text))) this.state.locale = utterance.nlu.locale;
    await this.process(utterance);
  }

  private utterance(input: Exclude<DialogInput, { kind: 'event' }>, nlu: NluResult | null): Utterance {
    const blank = (intent: IntentId, score: number): NluResult => ({
      text: '',
      locale: this.state.locale,
      intent,
      score,
      entities: [],
      alternatives: [],
    });
    if (input.kind === 'text') return { text: input.text, nlu: nlu ?? { ...blank(NOT_UNDERSTOOD, 0), text: input.text, locale: detectLocale(input.text) }, payload: null };
    if (input.payload.startsWith(INTENT_PAYLOAD)) {
      // A suggestion the shopper picked is as good as a confident classification.
      const intent = input.payload.slice(INTENT_PAYLOAD.length);
      return { text: '', nlu: isIntentId(intent) ? blank(intent, 1) : blank(NOT_UNDERSTOOD, 0), payload: null };
    }
    return { text: '', nlu: blank(NOT_UNDERSTOOD, 0), payload: input.payload };
  }

  // ---------------------------------------------------------------- routing

  private async process(u: Utterance): Promise<void> {
    if (this.state.pending && (await this.answerPending(u))) return;
    if (u.payload === 'handoff') return this.handoff('user_request', 'normal');
    if (u.text && this.runCommand(u.text)) return;
    if (this.state.flow?.waiting) return this.answer(u);
    return this.route(u);
  }

  /** Returns false when the input does not answer the pending question (it is then dropped). */
  private async answerPending(u: Utterance): Promise<boolean> {
    const pending = this.state.pending;
    if (!pending) return false;
    const answer = this.yesNo(u);
    this.state.pending = null;
    if (pending.kind === 'offer_handoff') {
      if (answer === true || u.payload === 'handoff') {
        this.handoff(pending.reason, 'normal');
        return true;
      }
      if (answer === false) {
        this.say(this.message('offer_agent_declined'));
        this.reask();
        return true;
      }
      return false;
    }
    const target = this.flowSet.flows.get(pending.flow);
    // Saying it again ("bye" to "shall we stop?") is a yes.
    const accepted = answer === true || (answer === null && target !== undefined && this.understoodFlow(u) === target);
    if (accepted && target) {
      this.abandon('switch');
      await this.startFlow(target, { text: pending.text, entities: pending.entities });
      return true;
    }
    if (answer === false) {
      const current = this.state.flow && this.flowSet.flows.get(this.state.flow.id);
      this.say(this.message('switch_declined', { current: current?.spec.title ?? null }));
      this.reask();
      return true;
    }
    return false;
  }

  /** Global commands: stop the current flow, or start over. Only whole-utterance phrases count. */
  private runCommand(text: string): boolean {
    const { commands } = this.flowSet.messages;
    const busy = this.state.flow !== null;
    if (busy && isPhrase(text, commands.cancel)) {
      this.abandon('cancel');
      this.say(this.message('cancelled'), this.menu());
      return true;
    }
    if (isPhrase(text, commands.restart)) {
      if (busy) this.abandon('cancel');
      this.state.pending = null;
      this.say(this.message('restart'), this.menu());
      return true;
    }
    return false;
  }

  /** Idle: start the flow for the intent, or fall back. */
  private async route(u: Utterance): Promise<void> {
    const { intent, score } = u.nlu;
    const flow = intent === NOT_UNDERSTOOD ? undefined : this.flowSet.byIntent.get(intent);
    if (!flow) return this.fallback(u);
    if (score < this.threshold(flow)) {
      this.state.misses = 0;
      this.say(this.message('low_confidence_handoff'));
      this.requestHandoff('low_confidence', 'normal', null);
      return;
    }
    await this.startFlow(flow, { text: u.text, entities: u.nlu.entities });
  }

  private threshold(flow: CompiledFlow): number {
    return flow.spec.handoff_threshold ?? this.settings.handoffThreshold;
  }

  /** The flow a confidently understood intent would start, if any. */
  private understoodFlow(u: Utterance): CompiledFlow | null {
    if (u.nlu.intent === NOT_UNDERSTOOD) return null;
    const flow = this.flowSet.byIntent.get(u.nlu.intent);
    return flow && u.nlu.score >= this.threshold(flow) ? flow : null;
  }

  private fallback(u: Utterance): void {
    this.state.misses += 1;
    const consecutive = this.state.misses;
    const suggestions = this.suggestions(u.nlu);
    this.events.push({ type: 'fallback', text: u.text, suggestions, consecutive });
    if (consecutive >= 2) {
      this.offerHandoff('fallback_offer_agent', 'repeated_misunderstanding');
      return;
    }
    const offered = suggestions.length > 0 ? suggestions : this.menuIntents();
    this.say(this.message('fallback'), offered.map((intent) => this.intentReply(intent)));
  }

  /** The closest intents whose flows may be suggested, best first. */
  private suggestions(nlu: NluResult): IntentId[] {
    return nlu.alternatives
      .filter((a) => a.score >= MIN_SUGGESTION_SCORE && this.flowSet.byIntent.get(a.intent)?.spec.suggest !== false)
      .filter((a) => a.intent !== NOT_UNDERSTOOD && this.flowSet.byIntent.has(a.intent))
      .slice(0, MAX_SUGGESTIONS)
      .map((a) => a.intent);
  }

  private async onEvent(name: string, data: Record<string, unknown>): Promise<void> {
    // The page the shopper looks at is the default product for size and stock questions.
    if (name === 'page_view' && typeof data.productId === 'string') this.state.memory.product_id = { value: data.productId, flow: null };
    const flow = this.flowSet.byEvent.get(name);
    if (flow && !this.state.flow && !this.state.pending) await this.startFlow(flow, { text: '', entities: [] });
  }

  // ---------------------------------------------------------------- answers to a question

  private async answer(u: Utterance): Promise<void> {
    const active = this.state.flow;
    const flow = active && this.flowSet.flows.get(active.id);
    const slotName = active && flow?.steps[flow.stepIndex.get(active.step) ?? -1]?.ask;
    const slot = slotName ? flow.slots.get(slotName) : undefined;
    if (!active || !flow || !slotName || !slot) return this.route(u);

    const mentions = [...u.nlu.entities, ...(await this.productMention(flow, slotName, u))];
    const { rewindTo, filled } = this.applyMentions(flow, active, slotName, mentions);
    if (rewindTo !== null) {
      active.step = rewindTo;
      active.waiting = false;
      return this.runSteps(true);
    }
    const fill = (value: Json) => {
      active.slots[slotName] = value;
      active.waiting = false;
      return this.runSteps(true);
    };
    // A tap, a yes/no or a choice named as the whole reply answers the question, whatever the NLU makes of it.
    const direct = this.directAnswer(slot, active, u);
    if (direct !== undefined) return fill(direct);

    const understood = this.understoodFlow(u);
    if (understood && understood !== flow && understood.spec.interrupts) {
      if (understood.spec.interrupts === 'confirm' && !flow.closingAsks.has(active.step)) return this.confirmLeave(flow, understood, u);
      this.abandon('switch');
      return this.startFlow(understood, { text: u.text, entities: u.nlu.entities });
    }
    // Any sentence answers a free-text question, so questions about the shop must be caught first.
    if (slot.type === 'text' && understood?.spec.digression) return this.digress(understood, u);

    const answeredBy = Object.entries(slot.answered_by ?? {}).find(([other]) => filled.includes(other));
    // Restating the flow's own request at its confirmation ("취소해 주세요" to "취소할까요?") is a yes.
    const restated = understood === flow && slot.type === 'yes_no' ? true : undefined;
    const value = answeredBy ? answeredBy[1] : ((await this.readSlot(flow, active, slotName, slot, u)) ?? restated);
    if (value !== undefined) return fill(value);
    if (understood?.spec.digression) return this.digress(understood, u);
    if (understood && understood !== flow && slot.type !== 'text') return this.proposeSwitch(flow, understood, u);
    if (understood === flow) return this.reask();
    const ambiguous = slot.type === 'product' && active.choices.length > 0;
    const onFail = this.rejectAnswer(flow, active, slotName, slot, ambiguous ? 'ambiguous' : 'no_value', null);
    if (onFail) {
      active.step = onFail;
      await this.runSteps(false);
    }
  }

  /**
   * A catalogue product named in a reply to another question of a flow that has a product slot:
   * "아니 숏 덕다운 패딩이요" after the bot took another product. Only a product the reply alone
   * singles out counts.
   */
  private async productMention(flow: CompiledFlow, pendingSlot: string, u: Utterance): Promise<Mention[]> {
    const productSlots = [...flow.slots].filter(([, s]) => s.type === 'product' && s.prefill !== false);
    const [only] = productSlots;
    if (productSlots.length !== 1 || !only || only[0] === pendingSlot || !u.text || searchWords(u.text).length === 0) return [];
    const match = await resolveProduct(this.ctx.commerce, u.text);
    return match && 'id' in match ? [{ type: 'product', value: match.id }] : [];
  }

  /**
   * Values for other slots of the running flow (NLU entities, a named product): new ones are kept
   * for later questions, changed ones are corrections ("아 아니 주문번호 20261107이요"). Returns the
   * step to rewind to after a correction of a slot that was already answered (else null), and the
   * slots newly filled.
   */
  private applyMentions(flow: CompiledFlow, active: ActiveFlow, pendingSlot: string, mentions: readonly Mention[]): { rewindTo: string | null; filled: string[] } {
    let rewind: number | null = null;
    const filled: string[] = [];
    for (const entity of mentions) {
      const targets = [...flow.slots].filter(([, s]) => s.type === entity.type && s.prefill !== false);
      if (targets.length !== 1) continue; // two slots of one type: the entity alone cannot say which
      const [name] = targets[0] as [string, SlotSpec];
      if (name === pendingSlot || sameValue(active.slots[name], entity.value)) continue;
      const asked = flow.askStep.get(name);
      const askedAt = asked === undefined ? undefined : flow.stepIndex.get(asked);
      const current = flow.stepIndex.get(active.step) ?? 0;
      const corrects = active.slots[name] !== undefined;
      if (!corrects) filled.push(name);
      active.slots[name] = entity.value;
      active.confirmed = active.confirmed.filter((c) => c !== name);
      if (corrects && askedAt !== undefined && askedAt < current && (rewind === null || askedAt < rewind)) rewind = askedAt;
    }
    if (rewind === null) return { rewindTo: null, filled };
    // Answers given after the corrected one depended on it (the item of the old order): ask again.
    const corrected = new Set(mentions.map((m) => m.type));
    for (const [name, slot] of flow.slots) {
      const askedAt = flow.stepIndex.get(flow.askStep.get(name) ?? '') ?? -1;
      if (askedAt > rewind && !corrected.has(slot.type)) {
        delete active.slots[name];
        active.confirmed = active.confirmed.filter((c) => c !== name);
      }
    }
    active.attempts = 0;
    return { rewindTo: flow.steps[rewind]?.id ?? null, filled };
  }

  /** An unmistakable answer: a tapped quick reply, a yes/no phrase, or a choice's label as the whole reply. */
  private directAnswer(slot: SlotSpec, active: ActiveFlow, u: Utterance): Json | undefined {
    if (u.payload !== null) {
      if (slot.type === 'yes_no') return u.payload === 'yes' ? true : u.payload === 'no' ? false : undefined;
      return NUMERIC_TYPES.has(slot.type) && Number.isFinite(Number(u.payload)) ? Number(u.payload) : u.payload;
    }
    if (slot.type === 'yes_no') return this.yesNo(u) ?? undefined;
    return matchChoice(active.choices, u.text, 'exact')?.value;
  }

  /** The value the input gives for the slot being asked, unvalidated; undefined when it gives none. */
  private async readSlot(flow: CompiledFlow, active: ActiveFlow, name: string, slot: SlotSpec, u: Utterance): Promise<Json | undefined> {
    const text = u.text.trim();
    if (u.payload !== null || !text || slot.type === 'yes_no') return undefined; // answered directly, if at all
    const chosen = matchChoice(active.choices, text, 'contained');
    if (chosen) return chosen.value;
    switch (slot.type) {
      case 'text':
        return slot.pattern ? (new RegExp(slot.pattern, 'u').exec(text)?.[0] ?? undefined) : text;
      case 'product':
        return this.readProduct(active, text);
    }
    const entity = u.nlu.entities.find((e) => e.type === slot.type);
    if (entity) return entity.value;
    if (slot.pattern) {
      const match = new RegExp(slot.pattern, 'u').exec(text)?.[0];
      if (match) return match;
    }
    if (NUMERIC_TYPES.has(slot.type)) return this.readNumbers(flow, active, name, text);
    const allowed = this.allowedValues(slot, active);
    return allowed?.find((v) => normalize(String(v)) === normalize(text));
  }

  /** A product named in the reply; several equally likely ones become the choices of the re-prompt. */
  private async readProduct(active: ActiveFlow, text: string): Promise<string | undefined> {
    const match = await resolveProduct(this.ctx.commerce, text);
    if (match && 'id' in match) return match.id;
    active.choices = match ? match.candidates.map((c) => ({ label: c.name[this.state.locale], value: c.id })) : [];
    return undefined;
  }

  /**
   * Bare numbers, read by the question they answer: "175 70" to the height question is a height,
   * then a weight for the next number question. (The NLU reads "170에 65요" and "175cm" itself.)
   */
  private readNumbers(flow: CompiledFlow, active: ActiveFlow, name: string, text: string): number | undefined {
    const [first, ...rest] = bareNumbers(text);
    if (first === undefined) return undefined;
    const names = [...flow.slots.keys()];
    const later = names.slice(names.indexOf(name) + 1).filter((n) => NUMERIC_TYPES.has(flow.slots.get(n)?.type ?? '') && active.slots[n] === undefined);
    rest.forEach((n, i) => {
      const next = later[i];
      if (next) active.slots[next] = n;
    });
    return first;
  }

  private yesNo(u: Utterance): boolean | null {
    if (u.payload === 'yes') return true;
    if (u.payload === 'no') return false;
    const { yes, no } = this.flowSet.messages.commands;
    return u.text ? parseYesNo(u.text, yes, no) : null;
  }

  private async digress(target: CompiledFlow, u: Utterance): Promise<void> {
    const saved = this.state.flow;
    if (!saved) return;
    this.events.push({ type: 'digression', intent: u.nlu.intent, from: saved.id });
    await this.startFlow(target, { text: u.text, entities: u.nlu.entities });
    this.state.flow = saved;
    if (this.state.pending) return; // the digression could not answer and offered a person
    this.say(this.message('resume'));
    this.reask();
  }

  private proposeSwitch(current: CompiledFlow, target: CompiledFlow, u: Utterance): void {
    this.state.pending = { kind: 'switch', flow: target.spec.flow, text: u.text, entities: u.nlu.entities };
    const scope = { current: current.spec.title, next: target.spec.title };
    this.say(this.message('switch_confirm', scope), this.yesNoReplies());
  }

  /** "진행 중인 주문 취소를 그만할까요?": yes ends the flow and starts `target` (goodbye), no asks again. */
  private confirmLeave(current: CompiledFlow, target: CompiledFlow, u: Utterance): void {
    this.state.pending = { kind: 'switch', flow: target.spec.flow, text: u.text, entities: u.nlu.entities };
    this.say(this.message('leave_confirm', { current: current.spec.title }), this.yesNoReplies());
  }

  /** Ask the pending question again, with the choices offered before. */
  private reask(): void {
    const active = this.state.flow;
    const flow = active && this.flowSet.flows.get(active.id);
    const slot = flow && active.waiting ? flow.slots.get(flow.steps[flow.stepIndex.get(active.step) ?? -1]?.ask ?? '') : undefined;
    if (!active || !slot) return;
    this.say(this.text(slot.prompt), this.choiceReplies(slot, active.choices));
  }

  /**
   * An answer that does not fit: re-prompt with the reason, or apply `on_fail` once attempts run out.
   * Returns the step to continue at when `on_fail` is a `goto`, else null (waiting, or the flow ended).
   */
  private rejectAnswer(flow: CompiledFlow, active: ActiveFlow, name: string, slot: SlotSpec, reason: string, value: Json | null): string | null {
    delete active.slots[name];
    active.attempts += 1;
    if (active.attempts >= (slot.max_attempts ?? this.settings.maxAttempts)) return this.slotExhausted(flow, active, slot);
    const allowed = this.allowedValues(slot, active);
    const template = slot.errors?.[reason] ?? slot.reprompt ?? slot.prompt;
    const scope = { value, allowed: allowed ?? null };
    this.say(this.text(template, scope), this.choiceReplies(slot, active.choices));
    active.waiting = true;
    return null;
  }

  private slotExhausted(flow: CompiledFlow, active: ActiveFlow, slot: SlotSpec): string | null {
    const onFail = slot.on_fail ?? 'handoff';
    if (typeof onFail === 'object') {
      active.attempts = 0;
      active.waiting = false;
      return onFail.goto;
    }
    if (onFail === 'exit') {
      this.say(this.message('attempts_exit'), this.menu());
      this.abandon('attempts');
      return null;
    }
    this.say(this.message('attempts_handoff'));
    this.abandon('attempts');
    this.requestHandoff('slot_attempts_exhausted', 'normal', flow.spec.flow);
    return null;
  }

  // ---------------------------------------------------------------- running a flow

  private async startFlow(flow: CompiledFlow, from: { text: string; entities: readonly Entity[] }, given: Record<string, Json> = {}): Promise<void> {
    if (flow.spec.requires_customer && !this.ctx.customerId) {
      this.say(this.message('login_required'), undefined, flow.spec.flow);
      return;
    }
    const active: ActiveFlow = {
      id: flow.spec.flow,
      step: flow.steps[0]?.id ?? '',
      waiting: false,
      slots: {},
      confirmed: [],
      carried: [],
      vars: {},
      attempts: 0,
      choices: [],
    };
    this.state.flow = active;
    this.state.misses = 0;
    this.events.push({ type: 'flow_started', flow: flow.spec.flow });
    const used = new Set<Entity>();
    for (const [name, slot] of flow.slots) {
      if (slot.prefill === false) continue;
      if (given[name] !== undefined) {
        active.slots[name] = given[name];
        continue;
      }
      // "M에서 L로 바꿔 주세요": of several values of one type, the last one is the wanted one.
      const entity = from.entities.filter((e) => e.type === slot.type && !used.has(e)).pop();
      if (entity) {
        used.add(entity);
        active.slots[name] = entity.value;
      } else if (slot.type === 'product' && from.text) {
        const product = await this.readProduct(active, from.text);
        if (product) active.slots[name] = product;
      }
      const remembered = this.state.memory[name];
      if (active.slots[name] === undefined && slot.carry_over && remembered && remembered.flow !== flow.spec.flow) {
        active.slots[name] = remembered.value;
        active.carried.push(name);
      }
    }
    await this.runSteps(false);
  }

  /**
   * Runs steps from the current one until the flow waits for an answer or ends.
   * `resuming`: the current step already spoke (an answered question, a rewind after a correction).
   */
  private async runSteps(resuming: boolean): Promise<void> {
    let quiet = resuming;
    while (this.state.flow && !this.state.flow.waiting) {
      const active = this.state.flow;
      const flow = this.flowSet.flows.get(active.id);
      const index = flow?.stepIndex.get(active.step);
      const step = index === undefined ? undefined : flow?.steps[index];
      if (!flow || index === undefined || !step) return this.leaveFlow('flow_gone');
      if (++this.steps > MAX_STEPS_PER_TURN) return this.leaveFlow('loop_error');
      if (step.say && !quiet) this.say(this.text(step.say), step.quick_replies?.map((q) => ({ label: q.label[this.state.locale], payload: q.payload })));
      quiet = false;
      const next = await this.execute(flow, active, step, index);
      if (this.state.flow !== active) return; // the step ended, switched or handed off the flow
      if (next === 'wait') return;
      if (next === 'end') return this.complete();
      active.step = next;
    }
  }

  /** Runs one step's action; returns the next step id, 'end', or 'wait'. */
  private async execute(flow: CompiledFlow, active: ActiveFlow, step: StepSpec, index: number): Promise<string> {
    const following = step.next ?? flow.steps[index + 1]?.id ?? 'end';
    if (step.ask !== undefined) {
      const asked = await this.ask(flow, active, step.ask);
      return asked === 'filled' ? following : asked === 'waiting' ? 'wait' : asked.goto;
    }
    if (step.call !== undefined) {
      if (!isActionName(step.call)) return 'end';
      const args = Object.fromEntries(Object.entries(step.args ?? {}).map(([k, v]) => [k, renderValue(v, this.renderCtx())]));
      const outcome = await runAction(step.call, args, this.actionCtx());
      if (step.result && outcome.value !== undefined) active.vars[step.result] = outcome.value;
      const target = step.on?.[outcome.outcome];
      if (target) return target;
      if (outcome.outcome === 'ok') return following;
      this.commerceFailed(outcome.outcome);
      return 'wait';
    }
    if (step.set) {
      for (const [key, template] of Object.entries(step.set)) {
        const value = renderValue(template, this.renderCtx()) ?? null;
        if (!flow.slots.has(key)) active.vars[key] = value;
        else setSlot(active, key, value);
      }
      return following;
    }
    if (step.branch) {
      const scope = this.scope();
      return step.branch.find((b) => holds(b.if, scope))?.goto ?? step.else ?? following;
    }
    if (step.goto) return step.goto;
    if (step.flow) {
      const target = this.flowSet.flows.get(step.flow);
      const given: Record<string, Json> = {};
      for (const [name, value] of Object.entries(active.slots)) if (target?.slots.has(name)) given[name] = value;
      for (const [name, value] of Object.entries(step.with ?? {})) given[name] = renderValue(value, this.renderCtx()) ?? null;
      this.complete();
      if (target) await this.startFlow(target, { text: '', entities: [] }, given);
      return 'end';
    }
    if (step.handoff) {
      if (!step.say) this.say(this.message('handoff'));
      this.complete();
      this.requestHandoff(step.handoff.reason, step.handoff.priority ?? 'normal', flow.spec.flow);
      return 'end';
    }
    if (step.end) return 'end';
    return following;
  }

  /** An ask step: validates a value already given, or asks the question. */
  private async ask(flow: CompiledFlow, active: ActiveFlow, name: string): Promise<'filled' | 'waiting' | { goto: string }> {
    const slot = flow.slots.get(name);
    if (!slot || active.confirmed.includes(name)) return 'filled';
    if (active.slots[name] !== undefined) {
      const verdict = await this.validate(slot, active, name);
      if (verdict === 'ok') return 'filled';
      if (verdict === 'unavailable') return 'waiting';
      if (active.carried.includes(name)) {
        // A remembered value that no longer fits is not the shopper's mistake: just ask.
        delete active.slots[name];
        active.carried = active.carried.filter((c) => c !== name);
      } else {
        const onFail = this.rejectAnswer(flow, active, name, slot, verdict.reason, verdict.value);
        return onFail ? { goto: onFail } : 'waiting';
      }
    }
    return (await this.prompt(slot, active, name)) ? 'filled' : 'waiting';
  }

  /** Says the question with its choices; true when the only data choice filled the slot instead. */
  private async prompt(slot: SlotSpec, active: ActiveFlow, name: string): Promise<boolean> {
    // Without choices of its own, the question offers what the last reply could have meant.
    const choices = slot.choices ? await this.buildChoices(slot, active) : active.choices;
    const only = choices.length === 1 && slot.choices && !Array.isArray(slot.choices) && slot.choices.auto_single ? choices[0] : undefined;
    if (only) {
      active.slots[name] = only.value;
      const verdict = await this.validate(slot, active, name);
      if (verdict === 'ok') return true;
      delete active.slots[name];
      if (verdict === 'unavailable') return false;
    }
    active.choices = choices;
    active.waiting = true;
    this.say(this.text(slot.prompt), this.choiceReplies(slot, choices));
    return false;
  }

  private async validate(slot: SlotSpec, active: ActiveFlow, name: string): Promise<'ok' | 'unavailable' | { reason: string; value: Json }> {
    let value = active.slots[name] ?? null;
    if (NUMERIC_TYPES.has(slot.type) && typeof value === 'string' && Number.isFinite(Number(value))) value = Number(value);
    if (slot.pattern && !new RegExp(slot.pattern, 'u').test(String(value))) return { reason: 'pattern', value };
    const allowed = this.allowedValues(slot, active);
    if (allowed) {
      const match = allowed.find((v) => normalize(String(v)) === normalize(String(value)));
      if (match === undefined) return { reason: 'values', value };
      value = match;
    }
    if (slot.range && (typeof value !== 'number' || value < slot.range[0] || value > slot.range[1])) return { reason: 'range', value };
    active.slots[name] = value;
    if (slot.lookup && isActionName(slot.lookup.call)) {
      const args = slot.lookup.args
        ? Object.fromEntries(Object.entries(slot.lookup.args).map(([k, v]) => [k, renderValue(v, this.renderCtx())]))
        : { [primaryArg(slot.lookup.call)]: value };
      const outcome = await runAction(slot.lookup.call, args, this.actionCtx());
      if (outcome.outcome === 'unavailable') {
        this.commerceFailed('unavailable');
        return 'unavailable';
      }
      if (outcome.outcome !== 'ok') return { reason: outcome.outcome, value };
      active.vars[slot.lookup.result] = outcome.value ?? null;
    }
    active.confirmed.push(name);
    active.attempts = 0;
    active.choices = [];
    this.state.misses = 0;
    if (slot.carry_over || slot.remember) this.state.memory[name] = { value, flow: active.id };
    this.events.push({ type: 'slot_filled', flow: active.id, slot: name, value });
    return 'ok';
  }

  private allowedValues(slot: SlotSpec, active: ActiveFlow): (string | number)[] | null {
    if (slot.values) return slot.values;
    if (!slot.values_from) return null;
    const list = lookupPath({ ...active.vars, ...active.slots }, splitPath(slot.values_from));
    return Array.isArray(list) ? list.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number') : null;
  }

  private async buildChoices(slot: SlotSpec, active: ActiveFlow): Promise<Choice[]> {
    const spec = slot.choices;
    if (!spec) return [];
    if (Array.isArray(spec)) return spec.map((c) => ({ label: c.label[this.state.locale], value: c.value, ...(c.synonyms ? { synonyms: c.synonyms } : {}) }));
    const items = await this.choiceItems(spec, active);
    return items.slice(0, spec.limit ?? 5).map((item) => {
      const ctx = this.renderCtx({ item });
      const label = typeof spec.label === 'string' ? spec.label : spec.label[this.state.locale];
      return { label: render(label, ctx), value: render(spec.value, ctx) };
    });
  }

  private async choiceItems(spec: DataChoicesSpec, active: ActiveFlow): Promise<Json[]> {
    if (spec.from) {
      const list = lookupPath({ ...active.vars, ...active.slots }, splitPath(spec.from));
      return Array.isArray(list) ? list : [];
    }
    if (!spec.call || !isActionName(spec.call)) return [];
    const args = Object.fromEntries(Object.entries(spec.args ?? {}).map(([k, v]) => [k, renderValue(v, this.renderCtx())]));
    // Choices are a convenience: if they cannot be loaded, the question is still asked.
    const outcome = await runAction(spec.call, args, this.actionCtx());
    return outcome.outcome === 'ok' && Array.isArray(outcome.value) ? outcome.value : [];
  }

  private choiceReplies(slot: SlotSpec, choices: readonly Choice[]): QuickReply[] {
    if (slot.type === 'yes_no') return this.yesNoReplies();
    return choices.map((c) => ({ label: c.label, payload: c.value }));
  }

  // ---------------------------------------------------------------- endings

  private complete(): void {
    const active = this.state.flow;
    if (!active) return;
    this.events.push({ type: 'flow_completed', flow: active.id });
    this.state.flow = null;
  }

  private abandon(why: 'cancel' | 'switch' | 'attempts' | 'error'): void {
    const active = this.state.flow;
    if (!active) return;
    this.events.push({ type: 'flow_abandoned', flow: active.id, why });
    this.state.flow = null;
  }

  private leaveFlow(message: 'flow_gone' | 'loop_error'): void {
    this.say(this.message(message), this.menu());
    this.abandon('error');
  }

  /** A state saved under an older flow set may point at a flow or step that no longer exists. */
  private leaveVanishedFlow(): void {
    const pending = this.state.pending;
    if (pending?.kind === 'switch' && !this.flowSet.flows.has(pending.flow)) this.state.pending = null;
    const active = this.state.flow;
    if (!active) return;
    const flow = this.flowSet.flows.get(active.id);
    const step = flow?.steps[flow.stepIndex.get(active.step) ?? -1];
    if (!step || (active.waiting && !step.ask)) this.leaveFlow('flow_gone');
  }

  /** A commerce call failed in a way the flow does not handle: apologise and offer a person. */
  private commerceFailed(outcome: string): void {
    this.abandon('error');
    if (outcome === 'unavailable') this.offerHandoff('unavailable', 'commerce_unavailable');
    else this.offerHandoff('action_failed', 'flow_request');
  }

  private offerHandoff(message: MessageKey, reason: HandoffReason): void {
    this.state.pending = { kind: 'offer_handoff', reason };
    this.say(this.message(message), [
      { label: this.message('agent'), payload: 'handoff' },
      { label: this.message('not_now'), payload: 'no' },
    ]);
  }

  /** The shopper asked for a person (quick reply or accepted offer). */
  private handoff(reason: HandoffReason, priority: 'normal' | 'high'): void {
    const flow = this.state.flow?.id ?? null;
    this.abandon('switch');
    this.say(this.message('handoff'));
    this.requestHandoff(reason, priority, flow);
  }

  private requestHandoff(reason: HandoffReason, priority: 'normal' | 'high', flow: string | null): void {
    this.state.pending = null;
    this.state.misses = 0;
    this.events.push({ type: 'handoff_requested', reason, priority, flow });
  }

  // ---------------------------------------------------------------- speaking

  private say(text: string, quickReplies?: QuickReply[], flow?: string): void {
    this.replies.push({ text, flow: flow ?? this.state.flow?.id ?? null, ...(quickReplies ? { quickReplies } : {}) });
  }

  private scope(extra: Scope = {}): Scope {
    const active = this.state.flow;
    return { today: this.today, ...(active?.vars ?? {}), ...(active?.slots ?? {}), ...extra };
  }

  private renderCtx(extra: Scope = {}) {
    return { locale: this.state.locale, scope: this.scope(extra), messages: this.flowSet.messages };
  }

  private text(template: Localized, extra: Scope = {}): string {
    return render(template[this.state.locale], this.renderCtx(extra));
  }

  private message(key: MessageKey, extra: Scope = {}): string {
    return this.text(this.flowSet.messages.messages[key], extra);
  }

  private actionCtx(): ActionContext {
    return { commerce: this.ctx.commerce, customerId: this.ctx.customerId, now: this.ctx.now, today: this.today };
  }

  private yesNoReplies(): QuickReply[] {
    return [
      { label: this.message('yes'), payload: 'yes' },
      { label: this.message('no'), payload: 'no' },
    ];
  }

  private menuIntents(): IntentId[] {
    return this.flowSet.messages.menu.filter((i): i is IntentId => this.flowSet.byIntent.has(i as IntentId));
  }

  private menu(): QuickReply[] {
    return this.menuIntents().map((intent) => this.intentReply(intent));
  }

  /** A button that starts the intent's flow, labelled with its title ("Order tracking"). */
  private intentReply(intent: IntentId): QuickReply {
    const title = this.flowSet.byIntent.get(intent)?.spec.title[this.state.locale] ?? intent;
    return { label: title.charAt(0).toUpperCase() + title.slice(1), payload: `${INTENT_PAYLOAD}${intent}` };
  }
}

/** A lookup without `args` passes the slot's value as the action's first required argument. */
function primaryArg(action: ActionName): string {
  return Object.entries(actionDef(action).args).find(([, required]) => required)?.[0] ?? '';
}

/**
 * A typed answer to a question with choices: the label, value or a synonym as the whole reply,
 * or the only choice whose label or synonym the reply contains ("사이즈요", "색깔 바꿀래요").
 */
function matchChoice(choices: readonly Choice[], text: string, how: 'exact' | 'contained'): Choice | undefined {
  const reply = normalize(text);
  if (!reply) return undefined;
  const words = (c: Choice) => [c.label, c.value, ...(c.synonyms ?? [])].map(normalize).filter((w) => w.length > 0);
  const exact = choices.find((c) => words(c).includes(reply));
  if (exact || how === 'exact') return exact;
  const contained = choices.filter((c) => words(c).some((w) => reply.includes(w)));
  return contained.length === 1 ? contained[0] : undefined;
}

/** Setting a slot makes its next `ask` validate the new value; setting it to null asks again. */
function setSlot(active: ActiveFlow, name: string, value: Json): void {
  active.confirmed = active.confirmed.filter((c) => c !== name);
  if (value === null || value === '') delete active.slots[name];
  else active.slots[name] = value;
}

function sameValue(a: Json | undefined, b: string | number): boolean {
  return a !== undefined && a !== null && String(a) === String(b);
}
