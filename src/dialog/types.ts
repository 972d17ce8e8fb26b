// The dialog runtime's contract with the server: a pure turn function.
// (state, input, nlu result, context) -> (new state, replies, events). No sockets, files or clock of its own.

import type { CommercePort } from '../commerce/types.ts';
import type { IntentId, Locale, NluResult } from '../nlu/types.ts';

export interface QuickReply {
  label: string;
  payload: string;
}

export interface ReplyMeta {
  intent: IntentId | null;
  score: number | null;
  flow: string | null;
  /** The step id the flow is now waiting in (or null when idle). */
  state: string | null;
}

export interface BotReply {
  text: string;
  quickReplies?: QuickReply[];
  /** What the text is about, for channels that draw cards (Kakao); the text says it all without it. */
  card?: ReplyCard;
  meta: ReplyMeta;
}

/** A reply's card: a step's `card` in a flow (docs/flows.md), in the conversation's language. */
export type ReplyCard = OrderCard;

/** An order as a card: its number, status, items and parcel. */
export interface OrderCard {
  kind: 'order';
  orderId: string;
  /** The order's status code (paid, preparing, shipped, delivered, cancelled, return_requested). */
  status: string;
  /** The status as the conversation's language names it (flows/messages.yaml `order_status`). */
  statusLabel: string;
  items: { name: string; quantity: number; option?: string }[];
  carrier?: string;
  trackingNumber?: string;
  /** Written as the conversation's language writes dates ("11월 21일(토)"). */
  expectedDelivery?: string;
  deliveredAt?: string;
}

export type DialogInput =
  | { kind: 'text'; text: string }
  | { kind: 'quick_reply'; payload: string }
  | { kind: 'event'; name: string; data?: Record<string, unknown> };

export const HANDOFF_REASONS = [
  'low_confidence',
  'user_request',
  'repeated_misunderstanding',
  'flow_request', // a defect/complaint flow asks for a person
  'slot_attempts_exhausted',
  'commerce_unavailable',
  'survey_detractor', // an unhappy survey answer, and the shopper accepted a person (src/surveys/)
] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

export type DialogEvent =
  | { type: 'fallback'; text: string; suggestions: IntentId[]; consecutive: number }
  | {
      type: 'handoff_requested';
      reason: HandoffReason;
      priority: 'normal' | 'high';
      flow: string | null;
      /** What the shopper has told so far (the flows' answers, the order looked up): the agent need not ask again. */
      slots: Record<string, unknown>;
    }
  | { type: 'flow_started'; flow: string }
  | { type: 'flow_completed'; flow: string }
  | { type: 'flow_abandoned'; flow: string; why: 'cancel' | 'switch' | 'attempts' | 'error' }
  | { type: 'slot_filled'; flow: string; slot: string; value: unknown }
  | { type: 'digression'; intent: IntentId; from: string };

/**
 * Serialisable conversation state owned by the runtime. The server stores it as-is and passes
 * it back on the next turn; nothing outside src/dialog reads its inside except `locale`.
 */
export interface DialogState {
  version: 1;
  locale: Locale;
  [key: string]: unknown;
}

export interface TurnContext {
  now: Date;
  customerId: string | null;
  commerce: CommercePort;
  /** The shopper's complaint cases (`open_case`, `list_cases`); without it those actions are `unavailable`. */
  cases?: CasesPort;
}

/** A complaint case as the flows see it (docs/surveys.md#complaint-cases). */
export interface CaseInfo {
  /** `C-20261207-0042`: what the shopper is told. */
  number: string;
  status: 'open' | 'with_agent' | 'resolved';
  kind: string;
  orderId: string | null;
  summary: string | null;
  createdAt: string;
}

/** Complaint cases of the conversation's shopper, kept by the server (the store) or a test. */
export interface CasesPort {
  /** Opens a case numbered by `day`, the shop's calendar date (YYYY-MM-DD). */
  open(input: { kind: string; orderId: string | null; summary: string | null; day: string; now: Date }): Promise<CaseInfo>;
  /** The shopper's cases (the signed-in customer's, or this conversation's for a guest), newest first. */
  list(): Promise<CaseInfo[]>;
}

export interface TurnResult {
  state: DialogState;
  replies: BotReply[];
  events: DialogEvent[];
}

export interface DialogEngine {
  initialState(locale: Locale): DialogState;
  /** `nlu` is the classification of a text input; null for quick replies and page events. */
  turn(state: DialogState, input: DialogInput, nlu: NluResult | null, ctx: TurnContext): Promise<TurnResult>;
}
