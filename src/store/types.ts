// The store port: sessions, transcripts, the agent queue, satisfaction surveys and complaint cases. lowdb is the embedded default;
// any other store implements the same interface and must pass test/store/contract.ts.
//
// The store imports neither src/dialog/ nor src/nlu/ (test/architecture.test.ts): what it keeps
// outlives any version of the flows or the intent model. Intents and hand-off reasons are plain
// strings here; the code that writes them holds the typed, closed lists, and reading history never
// checks a stored name against today's list, so renaming or removing an intent cannot make an old
// transcript unreadable.

/** The languages a conversation can be held in; the same list as src/nlu's LOCALES (test/store/independence.test.ts). */
export type StoredLocale = 'ko' | 'en';

/**
 * The dialog runtime's state as the store keeps it: opaque besides its version and locale. The
 * same shape as src/dialog's DialogState, which the store passes back untouched.
 */
export interface StoredDialogState {
  version: 1;
  locale: StoredLocale;
  [key: string]: unknown;
}

export interface SessionRecord {
  id: string;
  /** sha256 of the shopper's session token: the token itself is never stored. */
  tokenHash: string;
  customerId: string | null;
  locale: StoredLocale;
  status: 'open' | 'closed';
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  /** Who answers the shopper now (src/conversation/session-mode.ts); `offline_message`: after hours, their next text is a message for the agents. */
  mode: 'bot' | 'queued' | 'agent' | 'offline_message';
  dialog: StoredDialogState;
  /**
   * The satisfaction survey of this conversation (src/surveys/state.ts): the question waiting for
   * the shopper's answer, or that one was asked already. Opaque to the store besides its version.
   */
  survey?: StoredSurveyState;
}

/** src/surveys' state as the store keeps it, like StoredDialogState. */
export interface StoredSurveyState {
  version: 1;
  [key: string]: unknown;
}

/** A CSAT or NPS answer (or skip), written when the shopper answers (src/surveys/). */
export interface SurveyRecord {
  id: string;
  sessionId: string;
  customerId: string | null;
  kind: 'csat' | 'nps';
  /** null: the shopper skipped it (or answered outside the scale twice). */
  score: number | null;
  comment?: string;
  locale: StoredLocale;
  /** The flow and intent the conversation ended on; the agent who resolved it, when one did. */
  flow: string | null;
  intent: string | null;
  agentId: string | null;
  at: string; // ISO time of the answer (or of the skip)
}

/** listSurveys' filter: `from` inclusive, `to` exclusive (ISO times). */
export type SurveyFilter = { from?: string; to?: string; customerId?: string; sessionId?: string };

/** Where a complaint stands, as the shopper is told: not yet with a person, with one, or resolved. */
export type CaseStatus = 'open' | 'with_agent' | 'resolved';

/** A defect or complaint the shopper reported, under a number they are told (docs/surveys.md#complaint-cases). */
export interface CaseRecord {
  id: string;
  /** `C-<YYYYMMDD>-<NNNN>`: the shop's calendar day it was opened, and its place that day from 0001. */
  number: string;
  sessionId: string;
  customerId: string | null;
  /** What was reported: `defect` (a damaged, faulty or wrong item) or `complaint`. */
  kind: string;
  status: CaseStatus;
  /** The order it is about, when the shopper named one. */
  orderId: string | null;
  /** What the shopper said was wrong (a choice such as `damaged`, or their words). */
  summary: string | null;
  locale: StoredLocale;
  /** The hand-off queue item a person works on it in, once there is one. */
  queueItemId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What opening a case needs; the store gives it its id and number. */
export type NewCase = Omit<CaseRecord, 'id' | 'number' | 'status' | 'queueItemId' | 'updatedAt'> & {
  /** The shop's calendar date it is opened on, YYYY-MM-DD: the number's day. */
  day: string;
};

/**
 * Something the shop reported about a customer's order (shipped, delivered, delayed, refund
 * completed) that the chat tells them once: now if they are connected, else on their next visit.
 */
export interface NotificationRecord {
  /** The shop's event id: the same event reported twice (a webhook retried) is kept once. */
  id: string;
  customerId: string;
  /** `shipped`, `delivered`, `delayed`, `refund_completed`, as the shop named it. */
  kind: string;
  orderId: string;
  /** The event's other fields (carrier, tracking number, new delivery date, amount). */
  data: Record<string, unknown>;
  createdAt: string;
  /** When it was told, and in which session; null while it waits. */
  deliveredAt: string | null;
  sessionId: string | null;
}

export interface CaseFilter {
  customerId?: string;
  sessionId?: string;
  queueItemId?: string;
}

export interface TranscriptEntry {
  /** 1-based, strictly increasing within a session. */
  seq: number;
  at: string;
  from: 'shopper' | 'bot' | 'agent' | 'system';
  text: string;
  /** For shopper text: what the NLU made of it (an intent id of the model that read it, maybe no longer in today's model). */
  intent?: string;
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
  /** Why it was handed off: a dialog hand-off reason or `offline_message`, as named when it was enqueued. */
  reason: string;
  priority: 'normal' | 'high';
  status: QueueItemStatus;
  createdAt: string;
  updatedAt: string;
  agentId?: string;
  /** Snapshot taken at enqueue time: slots, last intents with scores, customer, recent orders. */
  context: Record<string, unknown>;
  notes: { at: string; agentId: string; text: string }[];
}

export type ClaimResult = { claimed: true; item: QueueItem } | { claimed: false; item: QueueItem | null };

/** The item a successful claim writes: assigned to the agent, updated at `at`. */
export function claimedItem(item: QueueItem, agentId: string, at: string): QueueItem {
  return { ...item, status: 'assigned', agentId, updatedAt: at };
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
  /**
   * Assigns the item to the agent if, and only if, it is waiting, in one atomic step: of two
   * claims at once (from any processes on the store) exactly one gets `claimed: true`. Otherwise
   * the item as it is now (taken by someone, finished), or null when there is no such item.
   */
  claimQueueItem(id: string, agentId: string, at: string): Promise<ClaimResult>;

  /** Create or replace (by id) a survey answer. */
  putSurvey(survey: SurveyRecord): Promise<void>;
  /** Surveys answered (or skipped) matching every given field, ordered by `at` (then id). */
  listSurveys(filter?: { from?: string; to?: string; customerId?: string; sessionId?: string }): Promise<SurveyRecord[]>; // from inclusive, to exclusive, ordered by at

  /**
   * Opens a case with the next number of its day (`C-20261207-0001`, `-0002`, ...): two cases
   * opened at once, from any processes on the store, never get the same number.
   */
  createCase(input: NewCase): Promise<CaseRecord>;
  /** Replaces a case (status, queue item) by id. */
  putCase(record: CaseRecord): Promise<void>;
  getCase(number: string): Promise<CaseRecord | null>;
  /** Cases matching every given field, oldest first. */
  listCases(filter?: CaseFilter): Promise<CaseRecord[]>;

  /** Keeps a new notification; false (and nothing changes) when one with its id is kept already. */
  addNotification(notification: NotificationRecord): Promise<boolean>;
  /** The customer's notifications, oldest first; `pending`: only those not yet told. */
  listNotifications(filter: { customerId: string; pending?: boolean }): Promise<NotificationRecord[]>;
  /**
   * Marks it told in `sessionId` if, and only if, it was not yet, in one atomic step: of two
   * sessions telling it at once exactly one gets true.
   */
  markNotificationDelivered(id: string, sessionId: string, at: string): Promise<boolean>;

  /** Makes every accepted write durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
