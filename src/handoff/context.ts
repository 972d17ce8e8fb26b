// The snapshot an agent gets with a queued conversation: everything needed to pick it up without
// asking the shopper to repeat themselves. Stored on the queue item as plain JSON, checked by
// handoffContextSchema on the way into the queue and on the way out to an agent.

import { z } from 'zod';
import { customerSchema, orderSchema } from '../commerce/schemas.ts';
import type { Customer, Order } from '../commerce/types.ts';
import type { DialogState } from '../dialog/types.ts';
import type { IntentId, IntentScore } from '../nlu/types.ts';
import { dialogStateSchema, STORED_LOCALES, surveyRecordSchema, transcriptEntrySchema } from '../store/schemas.ts';
import type { TranscriptEntry } from '../store/types.ts';
import { describeIssues } from '../shared/zod-issues.ts';

/** Orders beyond this are history the agent can look up; the snapshot keeps the recent ones. */
const MAX_RECENT_ORDERS = 5;
/** When no NLU results are passed in, the last shopper turns of the transcript stand in. */
const MAX_DERIVED_INTENTS = 5;

export interface IntentReading {
  text: string;
  intent: IntentId;
  score: number;
  alternatives?: IntentScore[];
}

export interface HandoffContextInput {
  transcript: TranscriptEntry[];
  dialogState: DialogState;
  customer: Customer | null;
  recentOrders: Order[];
  /** The order the conversation is about when it is not among the recent ones (looked up by the slot `order_number`). */
  order?: Order | null;
  /** The NLU's latest readings, oldest first; derived from the transcript when omitted. */
  lastIntents?: IntentReading[];
  /** What the shopper has told (the dialog's `handoff_requested` event carries it). */
  slots: Record<string, unknown>;
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
const jsonValue: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

const probability = z.number().min(0).max(1);
/** Intent ids are read as written, never checked against today's list (a stored item outlives a retrained model). */
const intentName = z.string().min(1);

const intentReadingSchema = z.strictObject({
  text: z.string(),
  intent: intentName,
  score: probability,
  alternatives: z.array(z.strictObject({ intent: intentName, score: probability })).optional(),
});

export const handoffContextSchema = z.strictObject({
  locale: z.enum(STORED_LOCALES),
  /** The conversation up to the hand-off, as the store keeps it. */
  transcript: z.array(transcriptEntrySchema),
  /** The NLU's latest readings with their scores, oldest first. */
  intents: z.array(intentReadingSchema),
  /** What the shopper has told: the running flow's answers and the values remembered from earlier flows. */
  slots: z.record(z.string(), jsonValue),
  /** The order the conversation is about (the slot `order_number`), when the shop knows it; absent in items queued before it was kept. */
  order: orderSchema.nullable().default(null),
  customer: customerSchema.nullable(),
  /** The customer's latest orders, newest first. */
  recentOrders: z.array(orderSchema),
  /** The dialog state as it was, so that the conversation can be replayed or inspected. */
  dialogState: dialogStateSchema,
  // What the server adds around the snapshot:
  /** desk (issue 14): the team whose queue the item waits in. */
  team: z.string().min(1).optional(),
  /** Complaint cases the hand-off turn opened (their numbers). */
  cases: z.array(z.string().min(1)).optional(),
  /** A message left outside business hours: how to reach the shopper, read from it. */
  contact: z.strictObject({ phone: z.string().optional(), email: z.string().optional() }).optional(),
  /** A survey answer that asked for a person: the answers given. */
  survey: z.array(surveyRecordSchema).optional(),
});

export type HandoffContext = z.output<typeof handoffContextSchema>;
/** What the server may add to the snapshot when it queues the conversation. */
export type HandoffContextExtras = Pick<z.input<typeof handoffContextSchema>, 'team' | 'cases' | 'contact' | 'survey'>;

export function buildHandoffContext(input: HandoffContextInput): HandoffContext {
  const recentOrders = [...input.recentOrders].sort((a, b) => b.placedAt.localeCompare(a.placedAt)).slice(0, MAX_RECENT_ORDERS);
  const orderId = input.slots['order_number'];
  const context = {
    locale: input.dialogState.locale,
    transcript: input.transcript,
    intents: input.lastIntents ?? intentsFromTranscript(input.transcript),
    slots: input.slots,
    order: (typeof orderId === 'string' ? recentOrders.find((o) => o.id === orderId) : undefined) ?? input.order ?? null,
    customer: input.customer,
    recentOrders,
    dialogState: input.dialogState,
  };
  // A JSON round trip drops undefined fields and shares nothing with the caller's objects.
  return JSON.parse(JSON.stringify(context)) as HandoffContext;
}

/**
 * The context as it goes into the queue: the snapshot with what the server adds, checked. A
 * context that does not pass is a bug of whoever built it: it throws, naming the field.
 */
export function queuedContext(snapshot: HandoffContext, extras: HandoffContextExtras): HandoffContext {
  const parsed = handoffContextSchema.safeParse({ ...snapshot, ...extras });
  if (!parsed.success) throw new Error(`invalid hand-off context: ${describeIssues(parsed.error, 'context')}`);
  return parsed.data;
}

/** A stored context read back for an agent: typed, or the reason it is not (a hand-edited file, an older server). */
export function readHandoffContext(stored: unknown): { ok: true; context: HandoffContext } | { ok: false; problem: string } {
  const parsed = handoffContextSchema.safeParse(stored);
  return parsed.success ? { ok: true, context: parsed.data } : { ok: false, problem: describeIssues(parsed.error, 'context') };
}

function intentsFromTranscript(transcript: TranscriptEntry[]): IntentReading[] {
  return transcript
    .filter((entry) => entry.from === 'shopper' && entry.intent !== undefined && entry.score !== undefined)
    .slice(-MAX_DERIVED_INTENTS)
    .map((entry) => ({ text: entry.text, intent: entry.intent as IntentId, score: entry.score as number }));
}
