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
  /** analytics (issue 12): the channel the conversation is held on (`kakao`, `webhook`); absent: the web widget. */
  channel?: string;
  /**
   * The buttons the bot offered last (payload and label), so that a tap is written to the
   * transcript by its label by whichever process receives it, and after a restart.
   */
  offered?: OfferedButton[];
}

export interface OfferedButton {
  payload: string;
  label: string;
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
  /** desk (issue 14): the shopper sent a file (an AttachmentRecord id); `text` says so in words. */
  attachmentId?: string;
  /**
   * desk: an entry the desk wrote itself in the agent's name, and which of its messages it is
   * (auto-close's check-in: `check_in`), so that it is recognised whatever its wording was. Absent
   * on what agents wrote and on entries stored before the field existed.
   */
  automatic?: string;
  /**
   * replay (issue 10): on the first entry a bot turn wrote (the shopper's line, or the first reply
   * of an event's turn), what the turn read besides the words, so that `daehwa replay` can run it
   * again. Absent on every other entry and on entries stored before turns were recorded.
   */
  turn?: StoredTurnRecord;
}

/** A bot turn's input and the shop (and case, survey) look-ups it made, as the transcript keeps them (src/conversation/turn-recording.ts). */
export interface StoredTurnRecord {
  /** What the dialog got: a typed line is the entry's own `text`; a tapped button by its payload; an event with its data. */
  input: StoredTurnInput;
  /** The conversation's language before the turn. */
  locale: StoredLocale;
  /** How many bot entries of this write, from this one (an event's turn) or the one after it (a shopper's line), are the turn's replies. */
  replies: number;
  calls: StoredCall[];
  /** The turn failed: the shopper was asked to try again. */
  failed?: boolean;
  /** Events handled since the previous turn that left no line (a page view), oldest first: replayed before this turn. */
  silent?: StoredSilentTurn[];
}

export type StoredTurnInput = { kind: 'text' } | { kind: 'quick_reply'; payload: string } | { kind: 'event'; name: string; data?: Record<string, unknown> };

/** One call a turn made through a port: `commerce.getOrder`, `cases.open`, `surveys.history`; its result, or the message of what it threw. */
export interface StoredCall {
  op: string;
  args: unknown[];
  result?: unknown;
  thrown?: string;
}

/** An event's turn that wrote nothing to the transcript. */
export interface StoredSilentTurn {
  at: string;
  input: Extract<StoredTurnInput, { kind: 'event' }>;
  calls: StoredCall[];
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

// ---- privacy (issue 18): the audit log ----
/**
 * One thing an agent (or the system) did to a conversation or to personal data, as the audit log
 * keeps it. Never holds the personal data itself: ids, the action, and counts.
 * `action` is a plain string here; src/audit/ holds the closed list of what is written.
 */
export interface AuditEvent {
  /** 1-based, strictly increasing: the order events were appended in. */
  seq: number;
  at: string;
  action: string;
  /** The agent id, or null for the system (retention) or an unknown account (a failed sign-in names the id tried in `detail`). */
  actor: string | null;
  /** The client address the request came from, when there was one. */
  address?: string;
  /** What was acted on: a queue item, a session, a customer. */
  target?: { kind: string; id: string };
  detail?: Record<string, string | number | boolean | null>;
}
// ---- end privacy ----

// ---- channels (issue 15): what a request/response channel keeps between a shopper's requests ----
/**
 * A channel link (src/channels/link.ts): the frames waiting for the shopper's next request and
 * the channel's memory of its last answer (the quick replies it offered, the rest of a long
 * answer). Both are opaque to the store. One per session; it goes with its session (deleteSession)
 * and, once stale, with deleteChannelLinksBefore.
 */
export interface ChannelLinkRecord {
  sessionId: string;
  /** The channel's name: `kakao`, `webhook`. */
  channel: string;
  /** Frames for the shopper's next request, oldest first. */
  mailbox: unknown[];
  memory: unknown;
  updatedAt: string;
}

export interface ChannelLinkStore {
  /** Creates or replaces the session's link. */
  putChannelLink(link: ChannelLinkRecord): Promise<void>;
  getChannelLink(sessionId: string): Promise<ChannelLinkRecord | null>;
  /** False when the session had none. */
  deleteChannelLink(sessionId: string): Promise<boolean>;
  /** Removes every link last updated before `before` (an ISO time); how many went. */
  deleteChannelLinksBefore(before: string): Promise<number>;
}
// ---- end channels ----

// ---- proactive caps (issue 13): when proactive messages were shown to a shopper ----
/**
 * The times proactive messages were shown to each shopper, so that every process on the store
 * counts the same caps, across restarts. A shopper is a plain string here (src/proactive/shopper.ts
 * makes it from the customer id, else the session id). Only the last day is wanted: older shows
 * go with deleteProactiveShown({ before }), and a shopper's go with their erasure.
 */
export interface ProactiveShownStore {
  /** Keeps that a proactive message was shown to the shopper at `at` (an ISO time). */
  recordProactiveShown(shopper: string, at: string): Promise<void>;
  /** When proactive messages were shown to the shopper at or after `since`, oldest first. */
  listProactiveShown(shopper: string, since: string): Promise<string[]>;
  /** Removes the shows of these shoppers (privacy), or every show before `before` (pruning); how many. */
  deleteProactiveShown(scope: { shoppers: readonly string[] } | { before: string }): Promise<number>;
}
// ---- end proactive caps ----

export interface Store extends DeskStore, ChannelLinkStore, ProactiveShownStore {
  getSession(id: string): Promise<SessionRecord | null>;
  findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  /** Create or replace the session record. */
  putSession(session: SessionRecord): Promise<void>;
  listSessions(filter?: { status?: SessionRecord['status'] }): Promise<SessionRecord[]>;

  /** Appends entries; `seq` is assigned by the store and the stored entries are returned. */
  appendTranscript(sessionId: string, entries: Omit<TranscriptEntry, 'seq'>[]): Promise<TranscriptEntry[]>;
  /**
   * What a bot turn writes: its transcript entries (appended as appendTranscript does) and the
   * session record after the turn, together, so that a failure keeps neither or both (one
   * statement on PostgreSQL, one flush on lowdb). The session must exist.
   */
  appendTurn(session: SessionRecord, entries: Omit<TranscriptEntry, 'seq'>[]): Promise<TranscriptEntry[]>;
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

  // ---- privacy (issue 18): audit log, erase and retention ----
  /** Appends an event to the append-only audit log; the store assigns `seq`. There is no update or delete. */
  appendAudit(event: Omit<AuditEvent, 'seq'>): Promise<AuditEvent>;
  /** Audit events with seq > `after` (0 by default), oldest first, at most `limit` (all by default). */
  listAudit(query?: { after?: number; limit?: number }): Promise<AuditEvent[]>;
  /** Removes a session record, its whole transcript and its channel link; false when there was none. */
  deleteSession(id: string): Promise<boolean>;
  /** Removes a queue item whatever its status; false when there was none. */
  deleteQueueItem(id: string): Promise<boolean>;
  // ---- end privacy ----
  // analytics facts (issue 12): see FactStore below.
  appendFacts(facts: AnalyticsFact[]): Promise<void>;
  listFacts(range: FactQuery): Promise<AnalyticsFact[]>;
  listFactDays(days: DayRange): Promise<FactDayRecord[]>;
  claimFactDays(windows: FactDayWindow[]): Promise<string>;
  putFactDays(claim: string, records: FactDayRecord[]): Promise<string[]>;
  deleteFacts(scope: FactDeletion): Promise<number>;
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

  // ---- privacy of survey answers, complaint cases and order notifications (issue 12, docs/privacy.md) ----
  /** Removes the survey answers given in the sessions or by the customer, or answered (`at`) before `before`; how many. */
  deleteSurveys(scope: RecordDeletion): Promise<number>;
  /** Removes the cases opened in the sessions or for the customer, or last updated before `before`; how many. */
  deleteCases(scope: RecordDeletion): Promise<number>;
  /** Removes the customer's notifications and those told in the sessions, or those created before `before`; how many. */
  deleteNotifications(scope: RecordDeletion): Promise<number>;
  // ---- end privacy ----

  /** Makes every accepted write durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

// ---- desk (issue 14): canned replies, attachments ----

/** A saved reply agents insert with `/shortcut`; `{{customer.name}}` style placeholders are filled per conversation. */
export interface CannedReply {
  id: string;
  /** Typed after `/` in the console: lower-case letters, digits, `_` and `-`. */
  shortcut: string;
  title: string;
  text: string;
  locale: StoredLocale;
  /** The team it belongs to; null: every team. */
  team: string | null;
  createdAt: string;
  updatedAt: string;
  /** The admin who saved it last. */
  updatedBy: string;
}

/** A file a shopper sent (an image); its bytes are in the attachment storage, not in the store. */
export interface AttachmentRecord {
  id: string;
  sessionId: string;
  /** As sniffed from the content, e.g. image/jpeg. */
  mime: string;
  bytes: number;
  createdAt: string;
}

/** A conversation that waited past its service-level target: kept for the analytics. */
export interface SlaBreach {
  id: string;
  itemId: string;
  sessionId: string;
  /**
   * `first_response`: waited in the queue longer than the target without an agent taking it.
   * `next_response`: the agent who had it did not answer the shopper within the target.
   */
  kind: 'first_response' | 'next_response';
  priority: 'normal' | 'high';
  team: string | null;
  targetMs: number;
  /** When the wait began (first response: the item's createdAt; next response: the unanswered message, or the claim) and when the target passed. */
  since: string;
  breachedAt: string;
  /** next_response: the agent who had the conversation. */
  agentId?: string;
}

/** What the desk keeps besides sessions and the queue (implemented by every store, see test/store/contract.ts). */
export interface DeskStore {
  /** Appends a breach record; one per item and kind (a second with the same id replaces the first). */
  recordSlaBreach(breach: SlaBreach): Promise<void>;
  /** Every breach, oldest first (by breachedAt, then id). */
  listSlaBreaches(): Promise<SlaBreach[]>;
  /** Creates or replaces the reply with this id. */
  putCannedReply(reply: CannedReply): Promise<void>;
  /** Every saved reply, by shortcut then locale. */
  listCannedReplies(): Promise<CannedReply[]>;
  /** False when there was no such reply. */
  deleteCannedReply(id: string): Promise<boolean>;
  putAttachment(record: AttachmentRecord): Promise<void>;
  getAttachment(id: string): Promise<AttachmentRecord | null>;
}
// ---- analytics facts (issue 12) --------------------------------------------------------------
// One fact per turn or desk event, appended once and never changed: src/analytics/ derives every
// figure from them. Intents, reasons and flows are plain strings, as in the transcript.

/** What the shopper's input came to, as the turn pipeline saw it. */
export interface TurnFact {
  kind: 'turn';
  at: string;
  sessionId: string;
  /** The session's createdAt: a conversation is counted once, on the day (shop time) it began. */
  startedAt: string;
  locale: StoredLocale;
  /** Where the shopper wrote from (`web`: the websocket widget). */
  channel: string;
  input: 'text' | 'quick_reply' | 'event';
  /** The NLU's reading of a text input, or the intent the replies answered (meta.intent) for a button. */
  intent: string | null;
  score: number | null;
  /** The runners-up of a text input, best first (at most 3). */
  alternatives: { intent: string; score: number }[];
  /** Answered "not understood". */
  fallback: boolean;
  /** The intents a fallback offered ("did you mean"). */
  suggestions: string[];
  /** The flow and step the conversation is in after the turn (null: idle). */
  flow: string | null;
  step: string | null;
  /** Flows entered, completed or left during the turn. */
  flows: { flow: string; event: 'started' | 'completed' | 'abandoned'; why?: string }[];
  entities: string[];
  slots: string[];
  /** The dialog asked for a person: why, and whether people were there (`open`). */
  handoff: { reason: string; open: boolean } | null;
  /** A text input's line, masked (src/privacy/mask.ts): what VOC keyword rules and the trainers' inbox read. */
  text?: string;
  /** The page type the shopper was on (the widget's last page_view), when known: the contextual FAQ's order. */
  page?: string;
}

/** Something the hand-off desk did for the conversation. */
export interface DeskFact {
  kind: 'desk';
  at: string;
  sessionId: string;
  startedAt: string;
  locale: StoredLocale;
  channel: string;
  event: 'queued' | 'offline_ticket' | 'claimed' | 'agent_message' | 'resolved' | 'handed_back' | 'released';
  itemId: string;
  agentId: string | null;
  reason: string | null;
}

export type AnalyticsFact = TurnFact | DeskFact;

/** Facts with from <= at < to (ISO instants). */
export interface FactRange {
  from: string;
  to: string;
}

/** A range of facts, optionally only those of some sessions (a customer's export). */
export interface FactQuery extends FactRange {
  sessionIds?: readonly string[];
}

/**
 * What deleteFacts removes: every fact of the sessions, or every fact said before `before`
 * (retention). `since`, when given, is no later than the sessions' first start: no fact of theirs
 * is older, and a store need not look at older ones.
 */
export type FactDeletion = { sessionIds: readonly string[]; since?: string } | { before: string };

/** Shop calendar days, YYYY-MM-DD, both ends included. */
export interface DayRange {
  from: string;
  to: string;
}

/** A closed day and the instants of the facts its aggregate is computed from (from inclusive, to exclusive). */
export interface FactDayWindow {
  day: string;
  from: string;
  to: string;
}

/**
 * A day's aggregate of the figures (src/analytics/tally.ts), computed once the day is closed from
 * the facts of its window, so that a month is read without reading its facts. Opaque to the store
 * besides these fields. A fact appended or deleted inside the window voids it (the store drops it),
 * and the analytics compute it again when it is next asked for.
 */
export interface FactDayRecord extends FactDayWindow {
  /** What it was computed under (format, time zone, VOC themes): a day of another basis is computed again. */
  basis: string;
  computedAt: string;
  data: { version: number; [key: string]: unknown };
}

/** The analytics part of a store, in its own interface so that figures can be read from any source. */
export interface FactStore {
  /** Appends facts; nothing already stored changes, except that kept days whose window holds one of them are dropped. */
  appendFacts(facts: AnalyticsFact[]): Promise<void>;
  /** Facts in the range (only the named sessions', when named), by time (then in the order appended); frozen, since a fact never changes. */
  listFacts(range: FactQuery): Promise<AnalyticsFact[]>;
  /** The kept day aggregates of the days in the range, by day. */
  listFactDays(days: DayRange): Promise<FactDayRecord[]>;
  /**
   * Announces that the days are about to be computed from the facts of their windows, read after
   * this call: a fact appended or deleted inside a window from now on voids that day's claim.
   * Returns the claim, for putFactDays.
   */
  claimFactDays(windows: FactDayWindow[]): Promise<string>;
  /**
   * Keeps the computed days of a claim (replacing what was kept for those days), except the days
   * whose claim a change voided or a later claim took over. Returns the days kept.
   */
  putFactDays(claim: string, records: FactDayRecord[]): Promise<string[]>;
  /** Removes facts (privacy erase, retention) and drops the kept days whose window held one; how many facts. */
  deleteFacts(scope: FactDeletion): Promise<number>;
}
// ---- end analytics facts ----

/** What a privacy deletion of survey answers, cases or notifications removes: the records of these sessions or this customer, or those older than `before`. */
export type RecordDeletion = { sessionIds?: readonly string[]; customerId?: string } | { before: string };
