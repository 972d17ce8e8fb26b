// zod schemas for everything the store reads back from disk: a file edited by hand or cut short
// is reported, never trusted.

import { z } from 'zod';
import { HANDOFF_REASONS } from '../dialog/types.ts';
import { INTENTS, LOCALES } from '../nlu/types.ts';
import type { QueueItem, SessionRecord, TranscriptEntry } from './types.ts';

const isoTime = z.string().min(1);

export const dialogStateSchema = z.looseObject({
  version: z.literal(1),
  locale: z.enum(LOCALES),
});

export const sessionRecordSchema = z.object({
  id: z.string(),
  tokenHash: z.string(),
  customerId: z.string().nullable(),
  locale: z.enum(LOCALES),
  status: z.enum(['open', 'closed']),
  createdAt: isoTime,
  updatedAt: isoTime,
  closedAt: isoTime.optional(),
  mode: z.enum(['bot', 'queued', 'agent', 'offline_message']),
  dialog: dialogStateSchema,
}) satisfies z.ZodType<SessionRecord>;

export const transcriptEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: isoTime,
  from: z.enum(['shopper', 'bot', 'agent', 'system']),
  text: z.string(),
  intent: z.enum(INTENTS).optional(),
  score: z.number().optional(),
  flow: z.string().nullable().optional(),
  state: z.string().nullable().optional(),
  agentId: z.string().optional(),
  internal: z.boolean().optional(),
}) satisfies z.ZodType<TranscriptEntry>;

export const queueItemSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  reason: z.enum([...HANDOFF_REASONS, 'offline_message']),
  priority: z.enum(['normal', 'high']),
  status: z.enum(['waiting', 'assigned', 'resolved', 'returned_to_bot']),
  createdAt: isoTime,
  updatedAt: isoTime,
  agentId: z.string().optional(),
  context: z.record(z.string(), z.unknown()),
  notes: z.array(z.object({ at: isoTime, agentId: z.string(), text: z.string() })),
}) satisfies z.ZodType<QueueItem>;
