// The store port: sessions, transcripts and the agent queue. lowdb is the embedded default;
// any other store implements the same interface and must pass test/store/contract.ts.

import type { DialogState, HandoffReason } from '../dialog/types.ts';
import type { IntentId, Locale } from '../nlu/types.ts';

export interface SessionRecord {
  id: string;
  /** sha256 of the shopper's session token: the token itself is never stored. */
  tokenHash: string;
  customerId: string | null;
  locale: Locale;
  status: 'open' | 'closed';
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  /** Who answers the shopper now (src/conversation/session-mode.ts); `offline_message`: after hours, their next text is a message for the agents. */
  mode: 'bot' | 'queued' | 'agent' | 'offline_message';
  dialog: DialogState;
}

export interface TranscriptEntry {
  /** 1-based, strictly increasing within a session. */
  seq: number;
  at: string;
  from: 'shopper' | 'bot' | 'agent' | 'system';
  text: string;
  /** For shopper text: what the NLU made of it. */
  intent?: IntentId;
  score?: number;
  /** For bot replies: the reply meta (flow, state). */
  flow?: string | null;
  state?: string | null;
  agentId?: string;
  /** Internal agent notes are never shown to the shopper. */
  internal?: boolean;
}

export type QueueItemStatus = 'waiting' | 'assigned' | 'resolved' | 'returned_to_bot';

export interface QueueItem {
  id: string;
  sessionId: string;
  reason: HandoffReason | 'offline_message';
  priority: 'normal' | 'high';
  status: QueueItemStatus;
  createdAt: string;
  updatedAt: string;
  agentId?: string;
  /** Snapshot taken at enqueue time: slots, last intents with scores, customer, recent orders. */
  context: Record<string, unknown>;
  notes: { at: string; agentId: string; text: string }[];
}

export interface Store {
  getSession(id: string): Promise<SessionRecord | null>;
  findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  /** Create or replace the session record. */
  putSession(session: SessionRecord): Promise<void>;
  listSessions(filter?: { status?: SessionRecord['status'] }): Promise<SessionRecord[]>;

  /** Appends entries; `seq` is assigned by the store and the stored entries are returned. */
  appendTranscript(sessionId: string, entries: Omit<TranscriptEntry, 'seq'>[]): Promise<TranscriptEntry[]>;
  getTranscript(sessionId: string): Promise<TranscriptEntry[]>;

  putQueueItem(item: QueueItem): Promise<void>;
  getQueueItem(id: string): Promise<QueueItem | null>;
  /** Items in the given statuses, oldest first. */
  listQueue(statuses?: QueueItemStatus[]): Promise<QueueItem[]>;

  /** Makes every accepted write durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
