// zod schemas for everything the store reads back from disk: a file edited by hand or cut short
// is reported, never trusted. Names other layers own (intents, hand-off reasons) are read as
// non-empty strings, never checked against today's lists: see types.ts.

import { z } from 'zod';
import type { CaseRecord, NotificationRecord, QueueItem, SessionRecord, StoredLocale, SurveyRecord, TranscriptEntry } from './types.ts';

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
}) satisfies z.ZodType<SessionRecord>;

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

/**
 * A transcript entry's own fields only, whatever else the caller's object carries: what every
 * store keeps (all primitives, so a spread copies it whole). The store assigns `seq`.
 */
export function entryFields(entry: Omit<TranscriptEntry, 'seq'>): Omit<TranscriptEntry, 'seq'> {
  const stored: Omit<TranscriptEntry, 'seq'> = { at: entry.at, from: entry.from, text: entry.text };
  if (entry.intent !== undefined) stored.intent = entry.intent;
  if (entry.score !== undefined) stored.score = entry.score;
  if (entry.flow !== undefined) stored.flow = entry.flow;
  if (entry.state !== undefined) stored.state = entry.state;
  if (entry.agentId !== undefined) stored.agentId = entry.agentId;
  if (entry.internal !== undefined) stored.internal = entry.internal;
  return stored;
}
