// Where the lowdb store keeps what on disk. Shared by the store and by the benchmark's seeder.
//
//   <dir>/sessions.jsonl              catalog: one line per change of a session's token or status
//   <dir>/sessions/<ab>/<id>.jsonl    one log per conversation: transcript entries and session snapshots
//   <dir>/sessions/<ab>/<id>.json     format 1 (session record + transcript in one document): read,
//                                     then replaced by the log at the next flush
//   <dir>/queue/active.json           waiting and assigned hand-off items
//   <dir>/queue/done/<id>.json        one document per resolved or returned item
//   <dir>/audit.jsonl                 the audit log: one line per event, only ever appended (privacy, issue 18)
//   <dir>/surveys.jsonl               CSAT and NPS answers, one line per put (the last one per id wins)
//   <dir>/cases.jsonl                 complaint cases, one line per put (the last one per id wins)
//   <dir>/notifications.jsonl         order notifications, one line per change (the last one per id wins)
//   <dir>/channel-links.jsonl         what Kakao and the webhook keep between a shopper's requests (by session id)

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { queueItemSchema, sessionRecordSchema, transcriptEntrySchema } from './schemas.ts';
import type { SessionRecord, TranscriptEntry } from './types.ts';

/** Format 1 of a conversation: one document rewritten whole on every write. */
export const legacyConversationDocSchema = z.object({
  version: z.literal(1),
  session: sessionRecordSchema,
  transcript: z.array(transcriptEntrySchema),
});

/** A line of a conversation log that holds one transcript entry. */
export const entryLineSchema = z.object({ entry: transcriptEntrySchema });

/** The line that ends every write to a conversation log. */
export const snapshotLineSchema = z.object({
  version: z.literal(2),
  /** seq of the last transcript entry written before this line (0: none). */
  lastSeq: z.number().int().nonnegative(),
  /** Snapshot lines in the log up to this one: how much a rewrite would save. */
  snapshots: z.number().int().positive(),
  session: sessionRecordSchema,
});
export type SnapshotLine = z.infer<typeof snapshotLineSchema>;

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

// ---- privacy (issue 18) ----
/** A catalog line saying a session was erased (src/privacy/): it is gone from the catalog from there on. */
export const catalogDeletionSchema = z.object({ id: z.string(), deleted: z.literal(true) });
export const catalogDeletionLine = (id: string): string => `${JSON.stringify({ id, deleted: true })}\n`;
export const auditPath = (dir: string): string => join(dir, 'audit.jsonl');
// ---- end privacy ----

export const catalogPath = (dir: string): string => join(dir, 'sessions.jsonl');
export const surveysPath = (dir: string): string => join(dir, 'surveys.jsonl');
export const casesPath = (dir: string): string => join(dir, 'cases.jsonl');
/** privacy (issue 12): the last case number given out per day, kept once cases are deleted, so that none is given twice. */
export const caseNumbersPath = (dir: string): string => join(dir, 'case-numbers.json');
export const notificationsPath = (dir: string): string => join(dir, 'notifications.jsonl');
export const channelLinksPath = (dir: string): string => join(dir, 'channel-links.jsonl');
/** proactive caps (issue 13): when proactive messages were shown, per shopper. */
export const proactiveShownPath = (dir: string): string => join(dir, 'proactive-shown.jsonl');
export const sessionsDir = (dir: string): string => join(dir, 'sessions');
export const activeQueuePath = (dir: string): string => join(dir, 'queue', 'active.json');
export const doneQueueDir = (dir: string): string => join(dir, 'queue', 'done');
export const doneQueueItemPath = (dir: string, id: string): string => join(doneQueueDir(dir), `${id}.json`);

/** 256 sub-directories keep each directory small when there are hundreds of thousands of files. */
export function conversationShard(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 2);
}

export function conversationLogPath(dir: string, id: string): string {
  return join(sessionsDir(dir), conversationShard(id), `${id}.jsonl`);
}

export function legacyConversationPath(dir: string, id: string): string {
  return join(sessionsDir(dir), conversationShard(id), `${id}.json`);
}

export function entryLine(entry: TranscriptEntry): string {
  return `{"entry":${JSON.stringify(entry)}}\n`;
}

/** `sessionJson` is JSON.stringify of the session record: the store keeps records as such text. */
export function snapshotLine(sessionJson: string, lastSeq: number, snapshots: number): string {
  return `{"version":2,"lastSeq":${lastSeq},"snapshots":${snapshots},"session":${sessionJson}}\n`;
}

/** A whole conversation log, as a rewrite (or the benchmark's seeder) writes it. */
export function conversationLog(session: SessionRecord, transcript: TranscriptEntry[]): string {
  return transcript.map(entryLine).join('') + snapshotLine(JSON.stringify(session), transcript.at(-1)?.seq ?? 0, 1);
}

export function catalogLine(entry: CatalogEntry): string {
  return `${JSON.stringify({ id: entry.id, tokenHash: entry.tokenHash, status: entry.status })}\n`;
}
