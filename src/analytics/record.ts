// Turning one turn of the pipeline into one analytics fact (issue 12): a pure function of what
// the turn already has in hand (the session record, the input, the NLU result, the dialog's
// events and replies), so recording costs no store read. The server appends the fact once
// (recorder.ts). Cheap by construction: the fact takes the turn's own arrays where it keeps them
// whole (the store makes its private copy when it serialises the fact), and masks one line.
import type { BotReply, DialogEvent, DialogInput } from '../dialog/types.ts';
import type { NluResult } from '../nlu/types.ts';
import { maskPii } from '../privacy/mask.ts';
import type { DeskFact, SessionRecord, TurnFact } from '../store/types.ts';

/** The websocket widget: the channel of a session that names none (SessionRecord.channel). */
export const WEB_CHANNEL = 'web';
/** Runners-up kept per turn: enough for "did you mean" and the inbox, small on disk. */
const ALTERNATIVES_KEPT = 3;

export interface TurnInput {
  session: SessionRecord;
  input: DialogInput;
  nlu: NluResult | null;
  events: readonly DialogEvent[];
  replies: readonly BotReply[];
  at: string;
  /** People are answering now (business hours): a hand-off is queued, not a ticket left. */
  open: boolean;
  /** Overrides the session's channel. */
  channel?: string;
  /** The page type the shopper is on (src/proactive/demand.ts counts what is asked where). */
  page?: string | undefined;
}

export function turnFact({ session, input, nlu, events, replies, at, open, channel, page }: TurnInput): TurnFact {
  const last = replies.at(-1)?.meta;
  const flows: TurnFact['flows'] = [];
  const slots: string[] = [];
  let fallback: Extract<DialogEvent, { type: 'fallback' }> | null = null;
  let handoff: TurnFact['handoff'] = null;
  for (const event of events) {
    if (event.type === 'flow_started') flows.push({ flow: event.flow, event: 'started' });
    else if (event.type === 'flow_completed') flows.push({ flow: event.flow, event: 'completed' });
    else if (event.type === 'flow_abandoned') flows.push({ flow: event.flow, event: 'abandoned', why: event.why });
    else if (event.type === 'slot_filled') slots.push(event.slot);
    else if (event.type === 'fallback') fallback = event;
    else if (event.type === 'handoff_requested') handoff = { reason: event.reason, open };
  }
  const intent = nlu ? nlu.intent : (last?.intent ?? null);
  const fact: TurnFact = {
    kind: 'turn',
    at,
    sessionId: session.id,
    startedAt: session.createdAt,
    locale: session.dialog.locale,
    channel: channel ?? session.channel ?? WEB_CHANNEL,
    input: input.kind,
    intent,
    score: nlu ? nlu.score : null,
    alternatives: nlu ? runnersUp(nlu) : [],
    fallback: fallback !== null,
    suggestions: fallback ? (fallback.suggestions as string[]) : [],
    flow: last?.flow ?? null,
    step: last?.state ?? null,
    flows,
    entities: nlu && nlu.entities.length > 0 ? [...new Set(nlu.entities.map((entity) => entity.type))] : [],
    slots,
    handoff,
  };
  // The shopper's line, masked: what the VOC keyword rules and the trainers' inbox read.
  if (nlu) fact.text = maskPii(nlu.text);
  if (page !== undefined) fact.page = page;
  return fact;
}

function runnersUp(nlu: NluResult): TurnFact['alternatives'] {
  const kept: TurnFact['alternatives'] = [];
  for (let i = 0; i < nlu.alternatives.length && i < ALTERNATIVES_KEPT; i++) {
    const alternative = nlu.alternatives[i] as NluResult['alternatives'][number];
    kept.push({ intent: alternative.intent, score: alternative.score });
  }
  return kept;
}

export interface DeskInput {
  sessionId: string;
  /** The session record when the desk has it; otherwise what the queue item knows. */
  session: Pick<SessionRecord, 'createdAt' | 'locale' | 'channel'> | null;
  itemCreatedAt: string;
  event: DeskFact['event'];
  itemId: string;
  agentId: string | null;
  reason: string | null;
  at: string;
  channel?: string;
}

export function deskFact(input: DeskInput): DeskFact {
  return {
    kind: 'desk',
    at: input.at,
    sessionId: input.sessionId,
    startedAt: input.session?.createdAt ?? input.itemCreatedAt,
    locale: input.session?.locale ?? 'ko',
    channel: input.channel ?? input.session?.channel ?? WEB_CHANNEL,
    event: input.event,
    itemId: input.itemId,
    agentId: input.agentId,
    reason: input.reason,
  };
}
