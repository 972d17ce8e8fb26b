// Where the lowdb store keeps what on disk. Shared by the store and by the benchmark's seeder.
//
//   <dir>/sessions.jsonl              catalog: one line per change of a session's token or status
//   <dir>/sessions/<ab>/<id>.json     one document per conversation: session record + transcript
//   <dir>/queue/active.json           waiting and assigned hand-off items
//   <dir>/queue/done/<id>.json        one document per resolved or returned item

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { queueItemSchema, sessionRecordSchema, transcriptEntrySchema } from './schemas.ts';

export const conversationDocSchema = z.object({
  version: z.literal(1),
  session: sessionRecordSchema,
  transcript: z.array(transcriptEntrySchema),
});
export type ConversationDoc = z.infer<typeof conversationDocSchema>;

export const activeQueueDocSchema = z.object({
  version: z.literal(1),
  items: z.array(queueItemSchema),
});
export type ActiveQueueDoc = z.infer<typeof activeQueueDocSchema>;

export const catalogEntrySchema = z.object({
  id: z.string(),
  tokenHash: z.string(),
  status: z.enum(['open', 'closed']),
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const catalogPath = (dir: string): string => join(dir, 'sessions.jsonl');
export const sessionsDir = (dir: string): string => join(dir, 'sessions');
export const activeQueuePath = (dir: string): string => join(dir, 'queue', 'active.json');
export const doneQueueDir = (dir: string): string => join(dir, 'queue', 'done');
export const doneQueueItemPath = (dir: string, id: string): string => join(doneQueueDir(dir), `${id}.json`);

/** 256 sub-directories keep each directory small when there are hundreds of thousands of files. */
export function conversationShard(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 2);
}

export function conversationPath(dir: string, id: string): string {
  return join(sessionsDir(dir), conversationShard(id), `${id}.json`);
}

export function catalogLine(entry: CatalogEntry): string {
  return `${JSON.stringify({ id: entry.id, tokenHash: entry.tokenHash, status: entry.status })}\n`;
}
