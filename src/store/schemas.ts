// zod schemas for everything the store reads back from disk: a file edited by hand or cut short
// is reported, never trusted. Names other layers own (intents, hand-off reasons) are read as
// non-empty strings, never checked against today's lists: see types.ts.

import { z } from 'zod';
import { StoreError } from './errors.ts';
import type { AuditEvent, QueueItem, SessionRecord, StoredCall, StoredLocale, StoredTurnRecord, TranscriptEntry, AttachmentRecord, CannedReply, SlaBreach, AnalyticsFact, CaseRecord, SurveyRecord, NotificationRecord, ChannelLinkRecord } from './types.ts';

/** The locales a stored conversation can have (types.ts's StoredLocale). */
export const STORED_LOCALES = ['ko', 'en'] as const satisfies readonly StoredLocale[];
/** An intent id or a hand-off reason as it was written. */
const storedName = z.string().min(1);

const isoTime = z.string().min(1);

export const dialogStateSchema = z.looseObject({
  version: z.literal(1),
  locale: z.enum(STORED_LOCALES),
});

export const surveyStateSchema = z.looseObject({ version: z.literal(1) });

export const sessionRecordSchema = z.object({
  id: z.string(),
  tokenHash: z.string(),
  customerId: z.string().nullable(),
  locale: z.enum(STORED_LOCALES),
  status: z.enum(['open', 'closed']),
  createdAt: isoTime,
  updatedAt: isoTime,
  closedAt: isoTime.optional(),
  mode: z.enum(['bot', 'queued', 'agent', 'offline_message']),
  dialog: dialogStateSchema,
  survey: surveyStateSchema.optional(),
  channel: z.string().min(1).max(40).optional(), // analytics (issue 12)
  offered: z.array(z.object({ payload: z.string(), label: z.string() })).optional(),
}) satisfies z.ZodType<SessionRecord>;

// replay (issue 10): what a bot turn read besides the words (types.ts StoredTurnRecord).
const storedCallSchema = z.object({
  op: z.string().min(1),
  args: z.array(z.unknown()),
  result: z.unknown().optional(),
  thrown: z.string().optional(),
}) satisfies z.ZodType<StoredCall>;

const eventInputSchema = z.object({ kind: z.literal('event'), name: z.string().min(1), data: z.record(z.string(), z.unknown()).optional() });

export const turnRecordSchema = z.object({
  input: z.discriminatedUnion('kind', [z.object({ kind: z.literal('text') }), z.object({ kind: z.literal('quick_reply'), payload: z.string() }), eventInputSchema]),
  locale: z.enum(STORED_LOCALES),
  replies: z.number().int().min(0),
  calls: z.array(storedCallSchema),
  failed: z.boolean().optional(),
  silent: z.array(z.object({ at: isoTime, input: eventInputSchema, calls: z.array(storedCallSchema) })).optional(),
}) satisfies z.ZodType<StoredTurnRecord>;

export const transcriptEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: isoTime,
  from: z.enum(['shopper', 'bot', 'agent', 'system']),
  text: z.string(),
  intent: storedName.optional(),
  score: z.number().optional(),
  flow: z.string().nullable().optional(),
  state: z.string().nullable().optional(),
  agentId: z.string().optional(),
  internal: z.boolean().optional(),
  attachmentId: z.string().optional(), // desk (issue 14)
  automatic: storedName.optional(), // desk: auto-close's check-in
  turn: turnRecordSchema.optional(), // replay (issue 10)
}) satisfies z.ZodType<TranscriptEntry>;

export const queueItemSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  reason: storedName,
  priority: z.enum(['normal', 'high']),
  status: z.enum(['waiting', 'assigned', 'resolved', 'returned_to_bot']),
  createdAt: isoTime,
  updatedAt: isoTime,
  agentId: z.string().optional(),
  context: z.record(z.string(), z.unknown()),
  notes: z.array(z.object({ at: isoTime, agentId: z.string(), text: z.string() })),
}) satisfies z.ZodType<QueueItem>;

export const surveyRecordSchema = z.object({
  id: z.string().min(1),
  sessionId: z.string().min(1),
  customerId: z.string().nullable(),
  kind: z.enum(['csat', 'nps']),
  score: z.number().int().min(0).max(10).nullable(),
  comment: z.string().optional(),
  locale: z.enum(STORED_LOCALES),
  flow: z.string().nullable(),
  intent: z.string().nullable(),
  agentId: z.string().nullable(),
  at: isoTime,
}) satisfies z.ZodType<SurveyRecord>;

export const CASE_NUMBER = /^C-\d{8}-\d{4,}$/;

export const caseRecordSchema = z.object({
  id: z.string().min(1),
  number: z.string().regex(CASE_NUMBER),
  sessionId: z.string().min(1),
  customerId: z.string().nullable(),
  kind: storedName,
  status: z.enum(['open', 'with_agent', 'resolved']),
  orderId: z.string().nullable(),
  summary: z.string().nullable(),
  locale: z.enum(STORED_LOCALES),
  queueItemId: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
}) satisfies z.ZodType<CaseRecord>;

export const notificationRecordSchema = z.object({
  id: z.string().min(1),
  customerId: z.string().min(1),
  kind: storedName,
  orderId: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  createdAt: isoTime,
  deliveredAt: isoTime.nullable(),
  sessionId: z.string().nullable(),
}) satisfies z.ZodType<NotificationRecord>;

// channels (issue 15): a channel link; its mailbox and memory are the channel's own.
export const channelLinkRecordSchema = z.object({
  sessionId: z.string().min(1),
  channel: storedName,
  mailbox: z.array(z.unknown()),
  memory: z.unknown(),
  updatedAt: isoTime,
}) satisfies z.ZodType<ChannelLinkRecord>;

/** A private copy of a channel link's own fields (`memory` null when absent). */
export function channelLinkFields(link: ChannelLinkRecord): ChannelLinkRecord {
  return { sessionId: link.sessionId, channel: link.channel, mailbox: structuredClone(link.mailbox), memory: structuredClone(link.memory ?? null), updatedAt: link.updatedAt };
}

// proactive caps (issue 13): when proactive messages were shown to a shopper.
/** An instant as Date#toISOString writes it: the stores compare these as text. */
const isoInstant = z.string().refine((at) => !Number.isNaN(Date.parse(at)) && new Date(at).toISOString() === at, 'expected an ISO time such as 2026-03-01T09:00:00.000Z');

/** The lowdb file's record: one per shopper, their show times oldest first. */
export const proactiveShowsSchema = z.object({ id: z.string().min(1), shownAt: z.array(isoInstant) });
export type ProactiveShows = z.infer<typeof proactiveShowsSchema>;

/** A show time read from PostgreSQL. */
export const proactiveShownAtSchema = isoInstant;

/** Refuses a show the stores could not compare or find again: an empty shopper, a time not in toISOString form. */
export function assertStorableShow(shopper: string, at: string): void {
  if (shopper.length === 0 || shopper.length > 300) throw new StoreError('invalid_id', `shopper ${JSON.stringify(shopper)} is not storable: use 1-300 characters`);
  if (!isoInstant.safeParse(at).success) throw new StoreError('invalid_id', `show time ${JSON.stringify(at)} is not storable: use an ISO time such as 2026-03-01T09:00:00.000Z`);
}

/**
 * A transcript entry's own fields only, whatever else the caller's object carries: what every
 * store keeps (all primitives but `turn`, which nothing changes once written, so a spread copies
 * it). The store assigns `seq`.
 */
export function entryFields(entry: Omit<TranscriptEntry, 'seq'>): Omit<TranscriptEntry, 'seq'> {
  const stored: Omit<TranscriptEntry, 'seq'> = { at: entry.at, from: entry.from, text: entry.text };
  if (entry.intent !== undefined) stored.intent = entry.intent;
  if (entry.score !== undefined) stored.score = entry.score;
  if (entry.flow !== undefined) stored.flow = entry.flow;
  if (entry.state !== undefined) stored.state = entry.state;
  if (entry.agentId !== undefined) stored.agentId = entry.agentId;
  if (entry.internal !== undefined) stored.internal = entry.internal;
  if (entry.attachmentId !== undefined) stored.attachmentId = entry.attachmentId; // desk (issue 14)
  if (entry.automatic !== undefined) stored.automatic = entry.automatic;
  // replay (issue 10): the one nested field; written once by the turn and never changed after, so it is shared, not copied.
  if (entry.turn !== undefined) stored.turn = entry.turn;
  return stored;
}

// ---- privacy (issue 18) ----
export const auditEventSchema = z.object({
  seq: z.number().int().positive(),
  at: isoTime,
  action: storedName,
  actor: z.string().nullable(),
  address: z.string().optional(),
  target: z.object({ kind: z.string(), id: z.string() }).optional(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
}) satisfies z.ZodType<AuditEvent>;

/** An audit event's own fields only, whatever else the caller's object carries. */
export function auditFields(event: Omit<AuditEvent, 'seq'>): Omit<AuditEvent, 'seq'> {
  const stored: Omit<AuditEvent, 'seq'> = { at: event.at, action: event.action, actor: event.actor };
  if (event.address !== undefined) stored.address = event.address;
  if (event.target !== undefined) stored.target = { kind: event.target.kind, id: event.target.id };
  if (event.detail !== undefined) stored.detail = { ...event.detail };
  return stored;
}
// ---- end privacy ----
// ---- desk (issue 14): canned replies, attachments ----

export const cannedReplySchema = z.object({
  id: z.string().min(1),
  shortcut: z.string().min(1),
  title: z.string(),
  text: z.string(),
  locale: z.enum(STORED_LOCALES),
  team: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  updatedBy: z.string(),
}) satisfies z.ZodType<CannedReply>;

export const attachmentRecordSchema = z.object({
  id: z.string().min(1),
  sessionId: z.string().min(1),
  mime: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  createdAt: isoTime,
}) satisfies z.ZodType<AttachmentRecord>;

export const slaBreachSchema = z.object({
  id: z.string().min(1),
  itemId: z.string().min(1),
  sessionId: z.string().min(1),
  kind: z.enum(['first_response', 'next_response']),
  priority: z.enum(['normal', 'high']),
  team: z.string().nullable(),
  targetMs: z.number().int().nonnegative(),
  since: isoTime,
  breachedAt: isoTime,
  agentId: z.string().min(1).optional(),
}) satisfies z.ZodType<SlaBreach>;

export function sortSlaBreaches(breaches: SlaBreach[]): SlaBreach[] {
  return breaches.sort((a, b) => a.breachedAt.localeCompare(b.breachedAt) || a.id.localeCompare(b.id));
}

/** Canned replies in the order every store lists them. */
export function sortCannedReplies(replies: CannedReply[]): CannedReply[] {
  return replies.sort((a, b) => a.shortcut.localeCompare(b.shortcut) || a.locale.localeCompare(b.locale) || a.id.localeCompare(b.id));
}
// ---- analytics facts (issue 12) ----
const factBase = {
  at: isoTime,
  sessionId: z.string().min(1),
  startedAt: isoTime,
  locale: z.enum(STORED_LOCALES),
  channel: z.string().min(1),
};

export const turnFactSchema = z.object({
  kind: z.literal('turn'),
  ...factBase,
  input: z.enum(['text', 'quick_reply', 'event']),
  intent: storedName.nullable(),
  score: z.number().nullable(),
  alternatives: z.array(z.object({ intent: storedName, score: z.number() })),
  fallback: z.boolean(),
  suggestions: z.array(storedName),
  flow: z.string().nullable(),
  step: z.string().nullable(),
  flows: z.array(z.object({ flow: z.string(), event: z.enum(['started', 'completed', 'abandoned']), why: z.string().optional() })),
  entities: z.array(z.string()),
  slots: z.array(z.string()),
  handoff: z.object({ reason: storedName, open: z.boolean() }).nullable(),
  text: z.string().optional(),
  page: z.string().optional(),
});

export const deskFactSchema = z.object({
  kind: z.literal('desk'),
  ...factBase,
  event: z.enum(['queued', 'offline_ticket', 'claimed', 'agent_message', 'resolved', 'handed_back', 'released']),
  itemId: z.string(),
  agentId: z.string().nullable(),
  reason: storedName.nullable(),
});

export const analyticsFactSchema = z.discriminatedUnion('kind', [turnFactSchema, deskFactSchema]) satisfies z.ZodType<AnalyticsFact>;

/** The UTC day (YYYY-MM-DD) of an ISO instant: how facts are filed. */
export function factDay(at: string): string {
  return at.slice(0, 10);
}

/** Facts sorted by time, stable for equal times (appended order); already sorted input is returned as it is. */
export function byFactTime(facts: AnalyticsFact[]): AnalyticsFact[] {
  let sorted = true;
  for (let i = 1; i < facts.length && sorted; i++) if ((facts[i - 1] as AnalyticsFact).at > (facts[i] as AnalyticsFact).at) sorted = false;
  if (sorted) return facts;
  return facts
    .map((fact, index) => ({ fact, index }))
    .sort((a, b) => (a.fact.at < b.fact.at ? -1 : a.fact.at > b.fact.at ? 1 : a.index - b.index))
    .map(({ fact }) => fact);
}

/** A private copy of a fact as the caller built it (typed by the code that records it; checked with the schema when read back from disk). */
export function copyFact<T extends AnalyticsFact>(fact: T): T {
  const copy: Record<string, unknown> = { ...fact };
  for (const [key, value] of Object.entries(copy)) {
    if (Array.isArray(value)) copy[key] = value.map((item: unknown) => (item !== null && typeof item === 'object' ? { ...item } : item));
    else if (value !== null && typeof value === 'object') copy[key] = { ...value };
  }
  return copy as unknown as T;
}

/**
 * Facts never change once appended: stores hand out frozen objects instead of copies, so that
 * reading a month of facts costs no copying. Returns the same object, frozen all the way down.
 */
export function frozenFact<T extends AnalyticsFact>(fact: T): T {
  for (const value of Object.values(fact)) {
    if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
      if (Array.isArray(value)) for (const item of value) if (item !== null && typeof item === 'object') Object.freeze(item);
      Object.freeze(value);
    }
  }
  return Object.freeze(fact);
}
// ---- end analytics facts ----
