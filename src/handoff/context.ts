// The snapshot an agent gets with a queued conversation: everything needed to pick it up without
// asking the shopper to repeat themselves. Stored on the queue item as plain JSON.

import type { Customer, Order } from '../commerce/types.ts';
import type { DialogState } from '../dialog/types.ts';
import type { IntentId, IntentScore } from '../nlu/types.ts';
import type { TranscriptEntry } from '../store/types.ts';

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
  /** The NLU's latest readings, oldest first; derived from the transcript when omitted. */
  lastIntents?: IntentReading[];
  /** What the shopper has told (the dialog's `handoff_requested` event carries it). */
  slots: Record<string, unknown>;
}

export type HandoffContext = {
  locale: DialogState['locale'];
  transcript: TranscriptEntry[];
  intents: IntentReading[];
  slots: Record<string, unknown>;
  customer: Customer | null;
  recentOrders: Order[];
  /** The dialog state as it was, so that the conversation can be replayed or inspected. */
  dialogState: DialogState;
};

export function buildHandoffContext(input: HandoffContextInput): HandoffContext {
  const context: HandoffContext = {
    locale: input.dialogState.locale,
    transcript: input.transcript,
    intents: input.lastIntents ?? intentsFromTranscript(input.transcript),
    slots: input.slots,
    customer: input.customer,
    recentOrders: [...input.recentOrders].sort((a, b) => b.placedAt.localeCompare(a.placedAt)).slice(0, MAX_RECENT_ORDERS),
    dialogState: input.dialogState,
  };
  // A JSON round trip drops undefined fields and shares nothing with the caller's objects.
  return JSON.parse(JSON.stringify(context)) as HandoffContext;
}

function intentsFromTranscript(transcript: TranscriptEntry[]): IntentReading[] {
  return transcript
    .filter((entry) => entry.from === 'shopper' && entry.intent !== undefined && entry.score !== undefined)
    .slice(-MAX_DERIVED_INTENTS)
    .map((entry) => ({ text: entry.text, intent: entry.intent as IntentId, score: entry.score as number }));
}
