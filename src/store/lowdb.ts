// The embedded default store, under one directory (see layout.ts and docs/store.md): an
// append-only log per conversation (conversation-log.ts), so a turn appends a few lines to one
// file whatever the number of stored conversations and the length of the transcript, and lowdb
// documents for the agent queue. Writes are accepted in memory and written behind, at most
// `flushIntervalMs` later; `flush()` waits for them.

import { randomUUID } from 'node:crypto';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { AuditFile } from './audit-file.ts';
import { SessionCatalog } from './catalog.ts';
import { type DirectoryLock, lockDirectory } from './dir-lock.ts';
import { LogFiles, loadLog, readLogEntries } from './conversation-log.ts';
import { FactLog } from './fact-log.ts';
import { FactDayFiles } from './fact-days.ts';
import { StoreError, assertStorableId, nullIfMissing } from './errors.ts';
import { JsonDocumentFile } from './json-document.ts';
import { DeskFiles } from './desk-files.ts';
import {
  type ActiveQueueDoc,
  activeQueueDocSchema,
  activeQueuePath,
  auditPath,
  casesPath,
  caseNumbersPath,
  catalogPath,
  conversationLogPath,
  doneQueueDir,
  doneQueueItemPath,
  entryLine,
  legacyConversationDocSchema,
  legacyConversationPath,
  snapshotLine,
  notificationsPath,
  channelLinksPath,
  proactiveShownPath,
  surveysPath,
} from './layout.ts';
import { sortOldestFirst } from './order.ts';
import { entryFields, queueItemSchema, caseRecordSchema, surveyRecordSchema, notificationRecordSchema, channelLinkRecordSchema, channelLinkFields, assertStorableShow, proactiveShowsSchema, type ProactiveShows } from './schemas.ts';
import { type AuditEvent, claimedItem, type ClaimResult, type QueueItem, type QueueItemStatus, type SessionRecord, type Store, type TranscriptEntry, type AttachmentRecord, type CannedReply, type SlaBreach, type AnalyticsFact, type FactQuery, type CaseFilter, type CaseRecord, type NewCase, type SurveyFilter, type SurveyRecord, type NotificationRecord, type DayRange, type FactDayRecord, type FactDayWindow, type FactDeletion, type RecordDeletion, type ChannelLinkRecord } from './types.ts';
import { caseDay, caseFields, caseMatches, caseNumber, caseSeq, newCaseRecord, sortCases, sortSurveys, surveyFields, surveyMatches, notificationFields, sortNotifications, caseDeletion, factDeletion, notificationDeletion, surveyDeletion } from './records.ts';
import { RecordLog } from './record-log.ts';

export const DEFAULT_STORE_DIR = 'data/store';
export const DEFAULT_FLUSH_INTERVAL_MS = 50;
const DEFAULT_MAX_CACHED_CONVERSATIONS = 2000;
/** Bounds open file handles while a flush writes many conversations at once. */
const WRITE_CONCURRENCY = 32;
/**
 * A log is rewritten with one snapshot once it holds this many: superseded snapshots then never
 * outweigh a few dozen KB, and the rewrite (which costs as much as the transcript is long) comes
 * once every this many writes.
 */
const MAX_SNAPSHOTS_PER_LOG = 32;
/**
 * A session that closes is rewritten compactly if its log holds this many snapshots: a rewrite
 * (temp file, rename) costs the CPU of several appends, which the short conversations most shops
 * see do not repay; they keep their few superseded snapshots.
 */
const MIN_SNAPSHOTS_TO_COMPACT_AT_CLOSE = 8;
/**
 * A conversation's logged entries are kept in memory while they are at most this many and their
 * log lines at most MAX_KEPT_CHARS long, then read from its log: a shopper's entry carries its
 * turn's record (the commerce calls and their results, a product list): lines average about 540
 * characters and reach 11,000, so the count alone let a conversation keep 34,000 and more.
 */
const MAX_KEPT_ENTRIES = 64;
const MAX_KEPT_CHARS = 16_384;
const keepsLogged = (entries: number, chars: number): boolean => entries <= MAX_KEPT_ENTRIES && chars <= MAX_KEPT_CHARS;

export interface LowdbStoreOptions {
  dir?: string;
  /** Longest time an accepted write waits in memory; what a killed process can lose. */
  flushIntervalMs?: number;
  /** Conversations kept in memory after use (least recently used are dropped once written). */
  maxCachedConversations?: number;
  /** A background flush failed; the writes stay pending and are retried. Defaults to a process warning. */
  onFlushError?: (error: unknown) => void;
}

/**
 * Opens the store in `dir`, taking the directory's lock first (dir-lock.ts): a second store on
 * the same directory, in this process or another, is refused with a `locked` StoreError naming
 * the directory and the holder's pid. close() releases it.
 */
export async function createLowdbStore(options: LowdbStoreOptions = {}): Promise<Store> {
  const dir = options.dir ?? DEFAULT_STORE_DIR;
  await mkdir(doneQueueDir(dir), { recursive: true });
  const lock = await lockDirectory(dir, options.onFlushError ? { onCompromised: options.onFlushError } : {});
  try {
    const catalog = await SessionCatalog.open(catalogPath(dir));
    const activeQueue = new Low<ActiveQueueDoc>(
      new JsonDocumentFile(activeQueuePath(dir), activeQueueDocSchema),
      { version: 1, items: [] },
    );
    await activeQueue.read();
    const audit = await AuditFile.open(auditPath(dir));
    const records = {
      surveys: await RecordLog.open(surveysPath(dir), surveyRecordSchema),
      cases: await RecordLog.open(casesPath(dir), caseRecordSchema),
      notifications: await RecordLog.open(notificationsPath(dir), notificationRecordSchema),
      channelLinks: await RecordLog.open(channelLinksPath(dir), storedChannelLinkSchema),
      proactiveShown: await RecordLog.open(proactiveShownPath(dir), proactiveShowsSchema),
    };
    const caseNumbers = await new JsonDocumentFile(caseNumbersPath(dir), caseNumbersSchema).read();
    const factDays = await FactDayFiles.open(dir, options.onFlushError ?? ((error) => process.emitWarning(error)));
    const store = new LowdbStore(dir, catalog, activeQueue, records, lock, options, audit, factDays, caseNumbers ?? {});
    await store.reconcileQueue();
    return store;
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error;
  }
}

/** A channel link as its file keeps it: by its session's id. */
type StoredChannelLink = ChannelLinkRecord & { id: string };
const storedChannelLinkSchema = channelLinkRecordSchema.extend({ id: z.string().min(1) }) satisfies z.ZodType<StoredChannelLink>;
const caseNumbersSchema = z.record(z.string(), z.number().int().nonnegative());

const isActive = (status: QueueItemStatus): boolean => status === 'waiting' || status === 'assigned';

/** A conversation in memory: its session record and the part of its transcript not on disk yet. */
interface Conversation {
  /** Its log file (conversationLogPath, worked out once: it hashes the id). */
  path: string;
  /** JSON.stringify of the session record: a private copy, and what the next snapshot line holds. */
  sessionJson: string;
  status: SessionRecord['status'];
  /** Accepted but not yet in the log, oldest first. The rest of the transcript stays on disk. */
  unwritten: TranscriptEntry[];
  /** seq of the last entry in the log (0: none). */
  loggedSeq: number;
  /**
   * The entries in the log, when this process knows them (it wrote them all, or read them) and
   * they are few: a transcript read (a survey looking back at how the conversation went) then
   * needs no file read. Null when unknown or longer than MAX_KEPT_ENTRIES.
   */
  logged: TranscriptEntry[] | null;
  /** The length of `logged`'s log lines (0 when null). */
  loggedChars: number;
  log: LogState;
  /** Read from a format-1 document: the first write replaces it with a log holding everything. */
  legacyPath: string | null;
}

interface LogState {
  /** 'none': no whole write yet; 'uncertain': an append failed part-way and is cut back first. */
  state: 'none' | 'whole' | 'uncertain';
  /** Length after the last whole write. */
  bytes: number;
  snapshots: number;
  /** The session status in the last snapshot written: a long log is rewritten compactly when it closes. */
  status: SessionRecord['status'] | null;
  /** False once a rewrite found the log unreadable: appends carry on, the transcript read reports it. */
  rewritable: boolean;
}

class LowdbStore implements Store {
  readonly #dir: string;
  readonly #catalog: SessionCatalog;
  readonly #lock: DirectoryLock;
  readonly #flushIntervalMs: number;
  readonly #maxCached: number;
  readonly #logs = new LogFiles();
  readonly #onFlushError: (error: unknown) => void;

  /** Loaded conversations, least recently used first. */
  readonly #conversations = new Map<string, Conversation>();
  readonly #loading = new Map<string, Promise<Conversation | null>>();
  readonly #dirtyConversations = new Set<string>();
  /** Being written now: not evictable, or a reload could read the file before the write lands. */
  readonly #writingConversations = new Set<string>();
  readonly #knownShards = new Set<string>();

  readonly #activeQueue: Low<ActiveQueueDoc>;
  readonly #activeItems = new Map<string, QueueItem>();
  #activeQueueDirty = false;
  /** Finished items not yet written to queue/done/. */
  readonly #pendingDone = new Map<string, QueueItem>();
  /** Items reopened after they were finished: their done file goes once active.json is written. */
  readonly #doneToDelete = new Set<string>();

  // privacy (issue 18): the audit log, and erased sessions whose files go at the next flush.
  readonly #audit: AuditFile;
  readonly #sessionsToRemove = new Set<string>();
  /** analytics facts (issue 12): per-day files under analytics/. */
  readonly #facts: FactLog;
  /** Their daily aggregates (analytics/days/). */
  readonly #factDays: FactDayFiles;
  readonly #surveys: RecordLog<SurveyRecord>;
  readonly #cases: RecordLog<CaseRecord>;
  readonly #notifications: RecordLog<NotificationRecord>;
  /** channels (issue 15): links by session id (their `id`). */
  readonly #channelLinks: RecordLog<StoredChannelLink>;
  /** proactive caps (issue 13): one record per shopper, the times shown. */
  readonly #proactiveShown: RecordLog<ProactiveShows>;
  readonly #caseIdByNumber = new Map<string, string>();
  /** The last case number given out per day (YYYYMMDD). */
  readonly #casesPerDay = new Map<string, number>();

  #timer: NodeJS.Timeout | null = null;
  #flushChain: Promise<void> = Promise.resolve();
  #closed = false;
  /** desk (issue 14): canned replies and attachment records, in files of their own. */
  readonly #desk: DeskFiles;

  constructor(
    dir: string,
    catalog: SessionCatalog,
    activeQueue: Low<ActiveQueueDoc>,
    records: { surveys: RecordLog<SurveyRecord>; cases: RecordLog<CaseRecord>; notifications: RecordLog<NotificationRecord>; channelLinks: RecordLog<StoredChannelLink>; proactiveShown: RecordLog<ProactiveShows> },
    lock: DirectoryLock,
    options: LowdbStoreOptions,
    audit: AuditFile,
    factDays: FactDayFiles,
    caseNumbers: Record<string, number>,
  ) {
    for (const [day, last] of Object.entries(caseNumbers)) this.#casesPerDay.set(day, last);
    this.#dir = dir;
    this.#factDays = factDays;
    this.#audit = audit;
    this.#desk = new DeskFiles(dir);
    this.#surveys = records.surveys;
    this.#cases = records.cases;
    this.#notifications = records.notifications;
    this.#channelLinks = records.channelLinks;
    this.#proactiveShown = records.proactiveShown;
    for (const record of records.cases.values()) this.#indexCase(record);
    this.#lock = lock;
    this.#catalog = catalog;
    this.#activeQueue = activeQueue;
    this.#flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.#maxCached = options.maxCachedConversations ?? DEFAULT_MAX_CACHED_CONVERSATIONS;
    this.#onFlushError = options.onFlushError ?? ((error) => process.emitWarning(error as Error));
    for (const item of activeQueue.data.items) this.#activeItems.set(item.id, item);
    this.#facts = new FactLog(dir, this.#onFlushError);
  }

  /**
   * A kill between writing a finished item's done file and rewriting active.json leaves the item
   * in both; the later version wins.
   */
  async reconcileQueue(): Promise<void> {
    for (const active of [...this.#activeItems.values()]) {
      const done = await this.#readDoneItem(active.id);
      if (!done) continue;
      if (done.updatedAt >= active.updatedAt) {
        this.#activeItems.delete(active.id);
        this.#activeQueueDirty = true;
      } else {
        this.#doneToDelete.add(active.id);
      }
    }
    if (this.#activeQueueDirty || this.#doneToDelete.size > 0) await this.flush();
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    this.#ensureOpen();
    const conversation = await this.#conversation(id);
    return conversation ? (JSON.parse(conversation.sessionJson) as SessionRecord) : null;
  }

  async findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    this.#ensureOpen();
    const id = this.#catalog.idForTokenHash(tokenHash);
    if (id === undefined) return null;
    const session = await this.getSession(id);
    return session?.tokenHash === tokenHash ? session : null;
  }

  async putSession(session: SessionRecord): Promise<void> {
    this.#ensureOpen();
    assertStorableId('session', session.id);
    let conversation = this.#catalog.get(session.id) ? await this.#conversation(session.id) : null;
    if (!conversation) {
      conversation = {
        path: conversationLogPath(this.#dir, session.id),
        sessionJson: '', // set just below
        status: session.status,
        unwritten: [],
        loggedSeq: 0,
        logged: [],
        loggedChars: 0,
        log: { state: 'none', bytes: 0, snapshots: 0, status: null, rewritable: true },
        legacyPath: null,
      };
      this.#remember(session.id, conversation);
    }
    this.#setRecord(conversation, session);
  }

  async listSessions(filter?: { status?: SessionRecord['status'] }): Promise<SessionRecord[]> {
    this.#ensureOpen();
    const sessions: SessionRecord[] = [];
    for (const id of this.#catalog.ids(filter?.status)) {
      const session = await this.getSession(id);
      if (session && (filter?.status === undefined || session.status === filter.status)) sessions.push(session);
    }
    return sessions;
  }

  async appendTranscript(sessionId: string, entries: Omit<TranscriptEntry, 'seq'>[]): Promise<TranscriptEntry[]> {
    this.#ensureOpen();
    const conversation = await this.#conversation(sessionId);
    if (!conversation) {
      throw new StoreError('session_not_found', `cannot append to the transcript of unknown session ${sessionId}`);
    }
    const stored = this.#appendEntries(conversation, entries);
    this.#markDirty(sessionId);
    return stored;
  }

  async appendTurn(session: SessionRecord, entries: Omit<TranscriptEntry, 'seq'>[]): Promise<TranscriptEntry[]> {
    this.#ensureOpen();
    assertStorableId('session', session.id);
    const conversation = this.#catalog.get(session.id) ? await this.#conversation(session.id) : null;
    if (!conversation) throw new StoreError('session_not_found', `cannot store a turn of unknown session ${session.id}`);
    // Both in memory before anything else runs: a flush writes the entries and the record together.
    const stored = this.#appendEntries(conversation, entries);
    this.#setRecord(conversation, session);
    return stored;
  }

  /** Numbers and keeps the entries; synchronous, so concurrent appends cannot interleave between reading and using `last`. */
  #appendEntries(conversation: Conversation, entries: Omit<TranscriptEntry, 'seq'>[]): TranscriptEntry[] {
    const last = conversation.unwritten.at(-1)?.seq ?? conversation.loggedSeq;
    const stored = entries.map((entry, index): TranscriptEntry => ({ seq: last + index + 1, ...entryFields(entry) }));
    conversation.unwritten.push(...stored);
    return stored.map((entry) => ({ ...entry }));
  }

  /** The session record of a known conversation replaced (its copy is the text it writes: no clone, no second serialisation at flush). */
  #setRecord(conversation: Conversation, session: SessionRecord): void {
    conversation.sessionJson = JSON.stringify(session);
    conversation.status = session.status;
    this.#catalog.record({ id: session.id, tokenHash: session.tokenHash, status: session.status });
    this.#markDirty(session.id);
  }

  async getTranscript(sessionId: string): Promise<TranscriptEntry[]> {
    this.#ensureOpen();
    const conversation = await this.#conversation(sessionId);
    if (!conversation) return [];
    // Taken together, before the read: a flush during it moves entries from memory to the log.
    const loggedSeq = conversation.loggedSeq;
    const unwritten = conversation.unwritten.map((entry) => ({ ...entry }));
    if (conversation.logged) return conversation.logged.map((entry) => ({ ...entry })).concat(unwritten);
    const logged = await readLogEntries(conversation.path, loggedSeq);
    if (conversation.loggedSeq === loggedSeq && logged.length <= MAX_KEPT_ENTRIES) {
      const chars = logged.reduce((sum, entry) => sum + entryLine(entry).length, 0);
      if (keepsLogged(logged.length, chars)) Object.assign(conversation, { logged: logged.map((entry) => ({ ...entry })), loggedChars: chars });
    }
    return logged.concat(unwritten);
  }

  async putQueueItem(item: QueueItem): Promise<void> {
    this.#ensureOpen();
    assertStorableId('queue item', item.id);
    const copy = structuredClone(item);
    if (isActive(copy.status)) {
      if (!this.#activeItems.has(copy.id) && (this.#pendingDone.delete(copy.id) || (await this.#readDoneItem(copy.id)))) {
        this.#doneToDelete.add(copy.id);
      }
      this.#activeItems.set(copy.id, copy);
    } else {
      this.#doneToDelete.delete(copy.id);
      this.#activeItems.delete(copy.id);
      this.#pendingDone.set(copy.id, copy);
    }
    this.#activeQueueDirty = true;
    this.#scheduleFlush();
  }

  async claimQueueItem(id: string, agentId: string, at: string): Promise<ClaimResult> {
    this.#ensureOpen();
    // A waiting item is active, so in memory: the check and putQueueItem's write of an item that
    // stays active run in one synchronous step, with no other call between them.
    const item = this.#activeItems.get(id);
    if (!item || item.status !== 'waiting') return { claimed: false, item: item ? structuredClone(item) : await this.getQueueItem(id) };
    const claimed = claimedItem(item, agentId, at);
    await this.putQueueItem(claimed);
    return { claimed: true, item: structuredClone(claimed) };
  }

  async getQueueItem(id: string): Promise<QueueItem | null> {
    this.#ensureOpen();
    const item = this.#activeItems.get(id) ?? this.#pendingDone.get(id);
    if (item) return structuredClone(item);
    if (this.#doneToDelete.has(id)) return null;
    return this.#readDoneItem(id);
  }

  async listQueue(statuses?: QueueItemStatus[]): Promise<QueueItem[]> {
    this.#ensureOpen();
    const wanted = (status: QueueItemStatus): boolean => statuses === undefined || statuses.includes(status);
    const items = [...this.#activeItems.values()].filter((item) => wanted(item.status)).map((item) => structuredClone(item));
    if (statuses === undefined || statuses.some((status) => !isActive(status))) {
      const done = new Map<string, QueueItem>();
      for (const file of await readdir(doneQueueDir(this.#dir))) {
        if (!file.endsWith('.json')) continue; // steno's temporary files start with "." and end in .tmp
        const id = file.slice(0, -'.json'.length);
        const item = await this.#readDoneItem(id);
        if (item) done.set(id, item);
      }
      for (const [id, item] of this.#pendingDone) done.set(id, structuredClone(item));
      for (const [id, item] of done) {
        if (!this.#activeItems.has(id) && !this.#doneToDelete.has(id) && wanted(item.status)) items.push(item);
      }
    }
    return sortOldestFirst(items);
  }

  // ---- privacy (issue 18) ----
  async appendAudit(event: Omit<AuditEvent, 'seq'>): Promise<AuditEvent> {
    this.#ensureOpen();
    return this.#audit.append(event);
  }

  async listAudit(query?: { after?: number; limit?: number }): Promise<AuditEvent[]> {
    this.#ensureOpen();
    return this.#audit.list(query?.after ?? 0, query?.limit);
  }

  /** Forgets the session at once and removes its files before the flush returns (see #writePending). */
  async deleteSession(id: string): Promise<boolean> {
    this.#ensureOpen();
    if (!this.#catalog.forget(id)) return false;
    this.#channelLinks.delete(id);
    this.#conversations.delete(id);
    this.#dirtyConversations.delete(id);
    this.#sessionsToRemove.add(id);
    await this.#flushNow();
    return true;
  }

  async deleteQueueItem(id: string): Promise<boolean> {
    this.#ensureOpen();
    if ((await this.getQueueItem(id)) === null) return false;
    this.#activeItems.delete(id);
    this.#pendingDone.delete(id);
    this.#doneToDelete.add(id);
    this.#activeQueueDirty = true;
    await this.#flushNow();
    return true;
  }
  // ---- end privacy ----
  // ---- desk (issue 14): canned replies, attachments (desk-files.ts) ----
  async putCannedReply(reply: CannedReply): Promise<void> {
    this.#ensureOpen();
    await this.#desk.putCannedReply(reply);
  }

  async listCannedReplies(): Promise<CannedReply[]> {
    this.#ensureOpen();
    return this.#desk.listCannedReplies();
  }

  async deleteCannedReply(id: string): Promise<boolean> {
    this.#ensureOpen();
    return this.#desk.deleteCannedReply(id);
  }

  async recordSlaBreach(breach: SlaBreach): Promise<void> {
    this.#ensureOpen();
    await this.#desk.recordSlaBreach(breach);
  }

  async listSlaBreaches(): Promise<SlaBreach[]> {
    this.#ensureOpen();
    return this.#desk.listSlaBreaches();
  }

  async putAttachment(record: AttachmentRecord): Promise<void> {
    this.#ensureOpen();
    await this.#desk.putAttachment(record);
  }

  async getAttachment(id: string): Promise<AttachmentRecord | null> {
    this.#ensureOpen();
    return this.#desk.getAttachment(id);
  }
  // ---- analytics facts (issue 12) ----
  async appendFacts(facts: AnalyticsFact[]): Promise<void> {
    this.#ensureOpen();
    this.#facts.accept(facts);
    this.#factDays.appended(facts);
    this.#scheduleFlush();
  }

  async listFacts(range: FactQuery): Promise<AnalyticsFact[]> {
    this.#ensureOpen();
    return this.#facts.list(range);
  }

  async listFactDays(days: DayRange): Promise<FactDayRecord[]> {
    this.#ensureOpen();
    return this.#factDays.list(days);
  }

  async claimFactDays(windows: FactDayWindow[]): Promise<string> {
    this.#ensureOpen();
    return this.#factDays.claim(windows);
  }

  async putFactDays(claim: string, records: FactDayRecord[]): Promise<string[]> {
    this.#ensureOpen();
    return this.#factDays.put(claim, records);
  }

  /** Between flushes: the day files it rewrites are not appended to meanwhile. The days it voids are written first. */
  async deleteFacts(scope: FactDeletion): Promise<number> {
    this.#ensureOpen();
    return this.#exclusive(async () => {
      const plan = await this.#facts.planDelete(scope);
      this.#factDays.changed(plan.removed);
      await this.#factDays.writePending();
      const { count, taken } = await plan.apply();
      // Facts accepted since the plan go too, and so do the days they fall in.
      this.#factDays.changed(taken);
      return count;
    });
  }
  // ---- end analytics facts ----
  async putSurvey(survey: SurveyRecord): Promise<void> {
    this.#ensureOpen();
    assertStorableId('survey', survey.id);
    this.#surveys.put(structuredClone(surveyFields(survey)));
    this.#scheduleFlush();
  }

  async listSurveys(filter?: SurveyFilter): Promise<SurveyRecord[]> {
    this.#ensureOpen();
    const found: SurveyRecord[] = [];
    for (const record of this.#surveys.values()) if (surveyMatches(record, filter)) found.push(structuredClone(record));
    return sortSurveys(found);
  }

  async createCase(input: NewCase): Promise<CaseRecord> {
    this.#ensureOpen();
    // Numbered and kept in one synchronous step: the directory has one process, so no other call can come between.
    const day = caseDay(caseNumber(input.day, 1));
    const record = newCaseRecord(input, randomUUID(), caseNumber(input.day, (this.#casesPerDay.get(day) ?? 0) + 1));
    this.#cases.put(record);
    this.#indexCase(record);
    this.#scheduleFlush();
    return structuredClone(record);
  }

  async putCase(record: CaseRecord): Promise<void> {
    this.#ensureOpen();
    assertStorableId('case', record.id);
    const copy = structuredClone(caseFields(record));
    this.#cases.put(copy);
    this.#indexCase(copy);
    this.#scheduleFlush();
  }

  async getCase(number: string): Promise<CaseRecord | null> {
    this.#ensureOpen();
    const id = this.#caseIdByNumber.get(number);
    const record = id === undefined ? undefined : this.#cases.get(id);
    return record ? structuredClone(record) : null;
  }

  async listCases(filter?: CaseFilter): Promise<CaseRecord[]> {
    this.#ensureOpen();
    const found: CaseRecord[] = [];
    for (const record of this.#cases.values()) if (caseMatches(record, filter)) found.push(structuredClone(record));
    return sortCases(found);
  }

  async addNotification(notification: NotificationRecord): Promise<boolean> {
    this.#ensureOpen();
    if (this.#notifications.get(notification.id)) return false;
    this.#notifications.put(notificationFields(notification));
    this.#scheduleFlush();
    return true;
  }

  async listNotifications(filter: { customerId: string; pending?: boolean }): Promise<NotificationRecord[]> {
    this.#ensureOpen();
    const found: NotificationRecord[] = [];
    for (const n of this.#notifications.values()) {
      if (n.customerId === filter.customerId && (!filter.pending || n.deliveredAt === null)) found.push(structuredClone(n));
    }
    return sortNotifications(found);
  }

  async markNotificationDelivered(id: string, sessionId: string, at: string): Promise<boolean> {
    this.#ensureOpen();
    const notification = this.#notifications.get(id);
    if (!notification || notification.deliveredAt !== null) return false;
    this.#notifications.put({ ...notification, deliveredAt: at, sessionId });
    this.#scheduleFlush();
    return true;
  }

  // ---- channels (issue 15) ----
  async putChannelLink(link: ChannelLinkRecord): Promise<void> {
    this.#ensureOpen();
    assertStorableId('session', link.sessionId);
    if (!this.#catalog.get(link.sessionId)) throw new StoreError('session_not_found', `cannot keep a channel link for unknown session ${link.sessionId}`);
    this.#channelLinks.put({ id: link.sessionId, ...channelLinkFields(link) });
    this.#scheduleFlush();
  }

  async getChannelLink(sessionId: string): Promise<ChannelLinkRecord | null> {
    this.#ensureOpen();
    const stored = this.#channelLinks.get(sessionId);
    if (!stored) return null;
    const { id: _id, ...link } = stored;
    return channelLinkFields(link);
  }

  async deleteChannelLink(sessionId: string): Promise<boolean> {
    this.#ensureOpen();
    if (!this.#channelLinks.delete(sessionId)) return false;
    this.#scheduleFlush();
    return true;
  }

  async deleteChannelLinksBefore(before: string): Promise<number> {
    this.#ensureOpen();
    const stale = [...this.#channelLinks.values()].filter((link) => link.updatedAt < before);
    for (const link of stale) this.#channelLinks.delete(link.id);
    if (stale.length > 0) this.#scheduleFlush();
    return stale.length;
  }
  // ---- end channels ----
  // ---- proactive caps (issue 13) ----
  async recordProactiveShown(shopper: string, at: string): Promise<void> {
    this.#ensureOpen();
    assertStorableShow(shopper, at);
    const shownAt = [...(this.#proactiveShown.get(shopper)?.shownAt ?? []), at].sort();
    this.#proactiveShown.put({ id: shopper, shownAt });
    this.#scheduleFlush();
  }

  async listProactiveShown(shopper: string, since: string): Promise<string[]> {
    this.#ensureOpen();
    return (this.#proactiveShown.get(shopper)?.shownAt ?? []).filter((at) => at >= since);
  }

  /** A shopper's shows go from the file at once (rewritten without them); older shows at the next flush. */
  async deleteProactiveShown(scope: { shoppers: readonly string[] } | { before: string }): Promise<number> {
    this.#ensureOpen();
    if ('shoppers' in scope) {
      const wanted = new Set(scope.shoppers);
      let removed = 0;
      this.#proactiveShown.remove((record) => {
        if (!wanted.has(record.id)) return false;
        removed += record.shownAt.length;
        return true;
      });
      if (removed > 0) await this.#flushNow();
      return removed;
    }
    let removed = 0;
    for (const record of [...this.#proactiveShown.values()]) {
      const kept = record.shownAt.filter((at) => at >= scope.before);
      if (kept.length === record.shownAt.length) continue;
      removed += record.shownAt.length - kept.length;
      if (kept.length === 0) this.#proactiveShown.delete(record.id);
      else this.#proactiveShown.put({ id: record.id, shownAt: kept });
    }
    if (removed > 0) this.#scheduleFlush();
    return removed;
  }
  // ---- end proactive caps ----
  // ---- privacy of survey answers, cases and notifications (issue 12): rewritten without them at once ----
  async deleteSurveys(scope: RecordDeletion): Promise<number> {
    this.#ensureOpen();
    const removed = this.#surveys.remove(surveyDeletion(scope));
    if (removed > 0) await this.#flushNow();
    return removed;
  }

  async deleteCases(scope: RecordDeletion): Promise<number> {
    this.#ensureOpen();
    const removed = this.#cases.remove(caseDeletion(scope));
    if (removed === 0) return 0;
    for (const [number, id] of [...this.#caseIdByNumber]) if (!this.#cases.get(id)) this.#caseIdByNumber.delete(number);
    // The numbers handed out stay counted, on disk too, before the cases go: a number is never given twice.
    await new JsonDocumentFile(caseNumbersPath(this.#dir), caseNumbersSchema).write(Object.fromEntries(this.#casesPerDay));
    await this.#flushNow();
    return removed;
  }

  async deleteNotifications(scope: RecordDeletion): Promise<number> {
    this.#ensureOpen();
    const removed = this.#notifications.remove(notificationDeletion(scope));
    if (removed > 0) await this.#flushNow();
    return removed;
  }
  // ---- end privacy ----

  async flush(): Promise<void> {
    this.#ensureOpen();
    await this.#flushNow();
  }

  #indexCase(record: CaseRecord): void {
    this.#caseIdByNumber.set(record.number, record.id);
    const day = caseDay(record.number);
    this.#casesPerDay.set(day, Math.max(this.#casesPerDay.get(day) ?? 0, caseSeq(record.number)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#flushNow();
    } finally {
      await this.#logs.closeAll();
    }
    this.#closed = true;
    await this.#lock.release();
  }

  #ensureOpen(): void {
    if (this.#closed) throw new StoreError('closed', `the store in ${this.#dir} was used after close()`);
  }

  /** The conversation, loaded once however many callers ask at the same time. */
  async #conversation(id: string): Promise<Conversation | null> {
    const cached = this.#conversations.get(id);
    if (cached) {
      this.#remember(id, cached);
      return cached;
    }
    // Unknown to the catalog means never stored: no disk read for a miss.
    if (!this.#catalog.get(id)) return null;
    let loading = this.#loading.get(id);
    if (!loading) {
      loading = this.#load(id).finally(() => this.#loading.delete(id));
      this.#loading.set(id, loading);
    }
    return loading;
  }

  async #load(id: string): Promise<Conversation | null> {
    const path = conversationLogPath(this.#dir, id);
    const loaded = await loadLog(path);
    let session: SessionRecord;
    let conversation: Conversation;
    if (loaded) {
      session = loaded.snapshot.session;
      conversation = {
        path,
        sessionJson: JSON.stringify(session),
        status: session.status,
        unwritten: [],
        loggedSeq: loaded.snapshot.lastSeq,
        logged: loaded.snapshot.lastSeq === 0 ? [] : null,
        loggedChars: 0,
        log: { state: 'whole', bytes: loaded.bytes, snapshots: loaded.snapshot.snapshots, status: session.status, rewritable: true },
        legacyPath: null,
      };
    } else {
      const legacyPath = legacyConversationPath(this.#dir, id);
      const legacy = await new JsonDocumentFile(legacyPath, legacyConversationDocSchema).read();
      if (!legacy) return null; // in the catalog, but killed before its first write was whole
      session = legacy.session;
      conversation = {
        path,
        sessionJson: JSON.stringify(session),
        status: session.status,
        unwritten: legacy.transcript,
        loggedSeq: 0,
        logged: [],
        loggedChars: 0,
        log: { state: 'none', bytes: 0, snapshots: 0, status: null, rewritable: true },
        legacyPath,
      };
      this.#markDirty(id);
    }
    this.#catalog.record({ id, tokenHash: session.tokenHash, status: session.status });
    this.#remember(id, conversation);
    this.#evictIfFull();
    return conversation;
  }

  #remember(id: string, conversation: Conversation): void {
    this.#conversations.delete(id);
    this.#conversations.set(id, conversation);
  }

  #evictIfFull(): void {
    for (const id of this.#conversations.keys()) {
      if (this.#conversations.size <= this.#maxCached) return;
      // Not dirty means nothing unwritten: a write that fails marks its conversation dirty again.
      if (!this.#dirtyConversations.has(id) && !this.#writingConversations.has(id)) this.#conversations.delete(id);
    }
  }

  #markDirty(id: string): void {
    this.#dirtyConversations.add(id);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#flushNow().catch((error: unknown) => {
        this.#onFlushError(error);
        this.#scheduleFlush();
      });
    }, this.#flushIntervalMs);
  }

  #flushNow(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    // One flush at a time: each one writes what was accepted before it started.
    const run = this.#flushChain.then(() => this.#writePending());
    this.#flushChain = run.catch(() => undefined);
    return run;
  }

  /** Work that must not run during a flush (rewriting files a flush appends to), in the flush chain. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#flushChain.then(work);
    this.#flushChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Order matters for a kill at any point: the catalog line goes first (a session it names but
   * whose log is missing reads as absent), and an item is written in its new place before
   * it is removed from its old one.
   */
  async #writePending(): Promise<void> {
    // Erased sessions' files go before the catalog's deletion line: a kill in between leaves a
    // catalog entry whose log is missing, which reads as absent, never a transcript left behind.
    for (const id of [...this.#sessionsToRemove]) {
      await this.#logs.remove(conversationLogPath(this.#dir, id));
      await unlink(legacyConversationPath(this.#dir, id)).catch(nullIfMissing);
      this.#sessionsToRemove.delete(id);
    }
    await this.#catalog.writePending();
    await Promise.all([this.#surveys.writePending(), this.#cases.writePending(), this.#notifications.writePending(), this.#channelLinks.writePending(), this.#proactiveShown.writePending()]);

    const done = [...this.#pendingDone.values()];
    const doneFailures = await inBatches(done, async (item) => {
      await new JsonDocumentFile(doneQueueItemPath(this.#dir, item.id), queueItemSchema).write(item);
      if (this.#pendingDone.get(item.id) === item) this.#pendingDone.delete(item.id);
    });
    if (doneFailures) throw doneFailures.error;

    const ids = [...this.#dirtyConversations];
    this.#dirtyConversations.clear();
    for (const id of ids) this.#writingConversations.add(id);
    const conversationFailures = await inBatches(ids, (id) => this.#writeConversation(id));
    this.#writingConversations.clear();
    if (conversationFailures) {
      for (const id of conversationFailures.failed) this.#dirtyConversations.add(id);
      throw conversationFailures.error;
    }
    this.#evictIfFull();

    if (this.#activeQueueDirty) {
      this.#activeQueueDirty = false;
      this.#activeQueue.data = { version: 1, items: [...this.#activeItems.values()] };
      try {
        await this.#activeQueue.write();
      } catch (error) {
        this.#activeQueueDirty = true;
        throw error;
      }
    }

    for (const id of [...this.#doneToDelete]) {
      await unlink(doneQueueItemPath(this.#dir, id)).catch(nullIfMissing);
      this.#doneToDelete.delete(id);
    }

    // analytics facts (issue 12): days voided by late facts are written before the facts themselves.
    await this.#factDays.writePending();
    await this.#facts.write();
  }

  /**
   * Appends what was accepted since the last write, ending with a snapshot of the session; or
   * rewrites the log whole when it is due (see MAX_SNAPSHOTS_PER_LOG), when a long conversation
   * has just closed (see MIN_SNAPSHOTS_TO_COMPACT_AT_CLOSE), or to replace a format-1 document.
   */
  async #writeConversation(id: string): Promise<void> {
    const conversation = this.#conversations.get(id);
    if (!conversation) return;
    // What this write covers, taken at once: appends and puts during it go to the next one.
    const { sessionJson, status, log } = conversation;
    const entries = conversation.unwritten.slice();
    const lastSeq = entries.at(-1)?.seq ?? conversation.loggedSeq;
    const path = conversation.path;
    const shard = dirname(path);
    if (!this.#knownShards.has(shard)) {
      await mkdir(shard, { recursive: true });
      this.#knownShards.add(shard);
    }

    const closingLong = status === 'closed' && log.status === 'open' && log.snapshots >= MIN_SNAPSHOTS_TO_COMPACT_AT_CLOSE;
    const rewriteDue = log.state !== 'none' && log.rewritable && (log.snapshots >= MAX_SNAPSHOTS_PER_LOG || closingLong);
    const logged = conversation.legacyPath !== null ? [] : rewriteDue ? await this.#loggedEntries(path, conversation) : null;
    if (logged) {
      const all = logged.concat(entries);
      const lines = all.map(entryLine).join('');
      const text = lines + snapshotLine(sessionJson, lastSeq, 1);
      await this.#logs.replace(path, text);
      conversation.log = { state: 'whole', bytes: Buffer.byteLength(text), snapshots: 1, status, rewritable: true };
      const kept = keepsLogged(all.length, lines.length);
      conversation.logged = kept ? all : null;
      conversation.loggedChars = kept ? lines.length : 0;
    } else {
      const snapshots = log.state === 'none' ? 1 : log.snapshots + 1;
      // Encoded once: the write takes the bytes, and their count is the log's new length.
      const lines = entries.map(entryLine).join('');
      const data = Buffer.from(lines + snapshotLine(sessionJson, lastSeq, snapshots));
      if (log.state === 'none') {
        await this.#logs.create(path, data);
        Object.assign(log, { state: 'whole', bytes: data.length, snapshots, status });
      } else {
        try {
          await this.#logs.append(path, data, log.bytes, log.state === 'uncertain');
        } catch (error) {
          log.state = 'uncertain';
          throw error;
        }
        // Changed in place: a conversation's log state is one object for as long as it is cached.
        log.state = 'whole';
        log.bytes += data.length;
        log.snapshots = snapshots;
        log.status = status;
      }
      const chars = conversation.loggedChars + lines.length;
      if (conversation.logged && keepsLogged(conversation.logged.length + entries.length, chars)) {
        conversation.logged.push(...entries);
        conversation.loggedChars = chars;
      } else {
        conversation.logged = null;
        conversation.loggedChars = 0;
      }
    }
    conversation.unwritten.splice(0, entries.length);
    conversation.loggedSeq = lastSeq;

    const legacyPath = conversation.legacyPath;
    if (legacyPath !== null) {
      conversation.legacyPath = null; // the log holds everything now
      await unlink(legacyPath).catch(nullIfMissing);
    }
  }

  /** The entries already in a log, for a rewrite; null (append instead) when the log cannot be read. */
  async #loggedEntries(path: string, conversation: Conversation): Promise<TranscriptEntry[] | null> {
    try {
      return await readLogEntries(path, conversation.loggedSeq);
    } catch (error) {
      if (!(error instanceof StoreError && error.code === 'corrupt')) throw error;
      conversation.log.rewritable = false;
      this.#onFlushError(error);
      return null;
    }
  }

  async #readDoneItem(id: string): Promise<QueueItem | null> {
    return new JsonDocumentFile(doneQueueItemPath(this.#dir, id), queueItemSchema).read();
  }
}

/**
 * Writes every value, WRITE_CONCURRENCY at a time, and settles them all even when some fail, so
 * that no write is still running when the flush ends. Returns the failed values and the first error.
 */
async function inBatches<T>(values: T[], write: (value: T) => Promise<void>): Promise<{ failed: T[]; error: unknown } | null> {
  const failed: T[] = [];
  let firstError: unknown;
  for (let start = 0; start < values.length; start += WRITE_CONCURRENCY) {
    const batch = values.slice(start, start + WRITE_CONCURRENCY);
    const results = await Promise.allSettled(batch.map(write));
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') return;
      if (failed.length === 0) firstError = result.reason;
      failed.push(batch[index] as T);
    });
  }
  return failed.length > 0 ? { failed, error: firstError } : null;
}

