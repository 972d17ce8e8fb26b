// One turn in progress: the state it changes, what it says (rendered in the conversation's
// language) and the events it records. The modules that decide what to do all work through it.

import type { IntentId, NluResult } from '../nlu/types.ts';
import type { ActionContext } from './actions.ts';
import type { CompiledFlow, FlowSet } from './flowset.ts';
import type { Localized, MessageKey } from './schema.ts';
import type { EngineState } from './state.ts';
import { render, type Json, type Scope } from './template.ts';
import type { BotReply, DialogEvent, QuickReply, ReplyCard, TurnContext, TurnResult } from './types.ts';

export interface TurnSettings {
  /** Below this NLU score a recognised intent does not start its flow (a flow's `handoff_threshold` overrides it). */
  handoffThreshold: number;
  /** Invalid answers to one question before the slot's `on_fail` applies. */
  maxAttempts: number;
}

/** One shopper input, whatever its kind, as the runtime reads it. */
export interface Utterance {
  text: string;
  nlu: NluResult;
  /** A tapped quick reply's payload. */
  payload: string | null;
}

/** A quick-reply payload that starts the intent's flow: `intent:order.status`. */
export const INTENT_PAYLOAD = 'intent:';

interface PendingReply {
  text: string;
  quickReplies?: QuickReply[];
  card?: ReplyCard;
  flow: string | null;
}

export class Turn {
  private readonly replies: PendingReply[] = [];
  private readonly events: DialogEvent[] = [];
  /** What the NLU made of the input, for the replies' `meta`. */
  intent: IntentId | null = null;
  score: number | null = null;
  /** Steps run so far: a flow that loops is stopped (runner.ts). */
  steps = 0;
  /** Answers of the flows left during this turn, for a hand-off that follows (the agent gets them). */
  readonly answered: Record<string, Json> = {};

  constructor(
    readonly flowSet: FlowSet,
    readonly settings: TurnSettings,
    readonly state: EngineState,
    readonly ctx: TurnContext,
    /** The shop's calendar date, YYYY-MM-DD: `{{today}}` in flows. */
    readonly today: string,
  ) {}

  result(): TurnResult {
    const active = this.state.flow;
    const replies: BotReply[] = this.replies.map((r) => ({
      text: r.text,
      ...(r.quickReplies && r.quickReplies.length > 0 ? { quickReplies: r.quickReplies } : {}),
      ...(r.card ? { card: r.card } : {}),
      meta: {
        intent: this.intent,
        score: this.score,
        flow: r.flow,
        state: active?.waiting && active.id === r.flow ? active.step : null,
      },
    }));
    return { state: this.state, replies, events: this.events };
  }

  emit(event: DialogEvent): void {
    this.events.push(event);
  }

  // ---------------------------------------------------------------- the running flow

  /** The compiled definition of the running flow, if any. */
  runningFlow(): CompiledFlow | undefined {
    const active = this.state.flow;
    return active ? this.flowSet.flows.get(active.id) : undefined;
  }

  complete(): void {
    const active = this.state.flow;
    if (!active) return;
    Object.assign(this.answered, active.slots);
    this.emit({ type: 'flow_completed', flow: active.id });
    this.state.flow = null;
    this.state.last = active.id;
  }

  abandon(why: 'cancel' | 'switch' | 'attempts' | 'error'): void {
    const active = this.state.flow;
    if (!active) return;
    Object.assign(this.answered, active.slots);
    this.emit({ type: 'flow_abandoned', flow: active.id, why });
    this.state.flow = null;
  }

  // ---------------------------------------------------------------- speaking

  say(text: string, quickReplies?: QuickReply[], flow?: string, card?: ReplyCard): void {
    this.replies.push({ text, flow: flow ?? this.state.flow?.id ?? null, ...(quickReplies ? { quickReplies } : {}), ...(card ? { card } : {}) });
  }

  scope(extra: Scope = {}): Scope {
    const active = this.state.flow;
    return { today: this.today, ...(active?.vars ?? {}), ...(active?.slots ?? {}), ...extra };
  }

  renderCtx(extra: Scope = {}) {
    return { locale: this.state.locale, scope: this.scope(extra), messages: this.flowSet.messages };
  }

  text(template: Localized, extra: Scope = {}): string {
    return render(template[this.state.locale], this.renderCtx(extra));
  }

  message(key: MessageKey, extra: Scope = {}): string {
    return this.text(this.flowSet.messages.messages[key], extra);
  }

  actionCtx(): ActionContext {
    return { commerce: this.ctx.commerce, ...(this.ctx.cases ? { cases: this.ctx.cases } : {}), customerId: this.ctx.customerId, now: this.ctx.now, today: this.today };
  }

  yesNoReplies(): QuickReply[] {
    return [
      { label: this.message('yes'), payload: 'yes' },
      { label: this.message('no'), payload: 'no' },
    ];
  }

  menuIntents(): IntentId[] {
    return this.flowSet.messages.menu.filter((i): i is IntentId => this.flowSet.byIntent.has(i as IntentId));
  }

  menu(): QuickReply[] {
    return this.menuIntents().map((intent) => this.intentReply(intent));
  }

  /** A button that starts the intent's flow, labelled with its title ("Order tracking"). */
  intentReply(intent: IntentId): QuickReply {
    const title = this.flowSet.byIntent.get(intent)?.spec.title[this.state.locale] ?? intent;
    return { label: title.charAt(0).toUpperCase() + title.slice(1), payload: `${INTENT_PAYLOAD}${intent}` };
  }
}
