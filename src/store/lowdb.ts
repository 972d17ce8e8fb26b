// The embedded default store: lowdb documents under one directory (see layout.ts and
// docs/store.md). Each conversation is its own document, so a turn rewrites one small file
// whatever the number of stored conversations. Writes are accepted in memory and written
// behind, at most `flushIntervalMs` later; `flush()` waits for them.

import { mkdir, readdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { SessionCatalog } from './catalog.ts';
import { StoreError, assertStorableId } from './errors.ts';
import { JsonDocumentFile } from './json-document.ts';
import {
  type ActiveQueueDoc,
  type ConversationDoc,
  activeQueueDocSchema,
  activeQueuePath,
  catalogPath,
  conversationDocSchema,
  conversationPath,
  doneQueueDir,
  doneQueueItemPath,
} from './layout.ts';
import { sortOldestFirst } from './order.ts';
import { queueItemSchema } from './schemas.ts';
import type { QueueItem, QueueItemStatus, SessionRecord, Store, TranscriptEntry } from './types.ts';

export const DEFAULT_STORE_DIR = 'data/store';
export const DEFAULT_FLUSH_INTERVAL_MS = 50;
const DEFAULT_MAX_CACHED_CONVERSATIONS = 2000;
/** Bounds open file handles while a flush writes many conversations at once. */
const WRITE_CONCURRENCY = 32;

export interface LowdbStoreOptions {
  dir?: string;
  /** Longest time an accepted write waits in memory; what a killed process can lose. */
  flushIntervalMs?: number;
  /** Conversations kept in memory after use (least recently used are dropped once written). */
  maxCachedConversations?: number;
  /** A background flush failed; the writes stay pending and are retried. Defaults to a process warning. */
  onFlushError?: (error: unknown) => void;
}

export async function createLowdbStore(options: LowdbStoreOptions = {}): Promise<Store> {
  const dir = options.dir ?? DEFAULT_STORE_DIR;
  await mkdir(doneQueueDir(dir), { recursive: true });
  const catalog = await SessionCatalog.open(catalogPath(dir));
  const activeQueue = new Low<ActiveQueueDoc>(
    new JsonDocumentFile(activeQueuePath(dir), activeQueueDocSchema),
    { version: 1, items: [] },
  );
  await activeQueue.read();
  const store = new LowdbStore(dir, catalog, activeQueue, options);
  await store.reconcileQueue();
  return store;
}

const isActive = (status: QueueItemStatus): boolean => status === 'waiting' || status === 'assigned';

class LowdbStore implements Store {
  readonly #dir: string;
  readonly #catalog: SessionCatalog;
  readonly #flushIntervalMs: number;
  readonly #maxCached: number;
  readonly #onFlushError: (error: unknown) => void;

  /** Loaded conversations, least recently used first. */
  readonly #conversations = new Map<string, Low<ConversationDoc>>();
  readonly #loading = new Map<string, Promise<Low<ConversationDoc> | null>>();
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

  #timer: NodeJS.Timeout | null = null;
  #flushChain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(dir: string, catalog: SessionCatalog, activeQueue: Low<ActiveQueueDoc>, options: LowdbStoreOptions) {
    this.#dir = dir;
    this.#catalog = catalog;
    this.#activeQueue = activeQueue;
    this.#flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.#maxCached = options.maxCachedConversations ?? DEFAULT_MAX_CACHED_CONVERSATIONS;
    this.#onFlushError = options.onFlushError ?? ((error) => process.emitWarning(error as Error));
    for (const item of activeQueue.data.items) this.#activeItems.set(item.id, item);
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
    return conversation ? structuredClone(conversation.data.session) : null;
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
    const record = structuredClone(session);
    const existing = this.#catalog.get(session.id) ? await this.#conversation(session.id) : null;
    if (existing) {
      existing.data.session = record;
    } else {
      this.#remember(session.id, this.#newConversation(session.id, { version: 1, session: record, transcript: [] }));
    }
    this.#catalog.record({ id: record.id, tokenHash: record.tokenHash, status: record.status });
    this.#markDirty(session.id);
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
    // Synchronous from here on: concurrent appends cannot interleave between reading and using `last`.
    const transcript = conversation.data.transcript;
    const last = transcript.at(-1)?.seq ?? 0;
    const stored = entries.map((entry, index) => ({ ...structuredClone(entry), seq: last + index + 1 }));
    transcript.push(...stored);
    this.#markDirty(sessionId);
    return structuredClone(stored);
  }

  async getTranscript(sessionId: string): Promise<TranscriptEntry[]> {
    this.#ensureOpen();
    const conversation = await this.#conversation(sessionId);
    return conversation ? structuredClone(conversation.data.transcript) : [];
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

  async flush(): Promise<void> {
    this.#ensureOpen();
    await this.#flushNow();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#flushNow();
    this.#closed = true;
  }

  #ensureOpen(): void {
    if (this.#closed) throw new StoreError('closed', `the store in ${this.#dir} was used after close()`);
  }

  /** The conversation document, loaded once however many callers ask at the same time. */
  async #conversation(id: string): Promise<Low<ConversationDoc> | null> {
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

  async #load(id: string): Promise<Low<ConversationDoc> | null> {
    const conversation = this.#newConversation(id, null);
    await conversation.read();
    if (!conversation.data) return null; // in the catalog, but killed before its document was written
    const { session } = conversation.data;
    this.#catalog.record({ id, tokenHash: session.tokenHash, status: session.status });
    this.#remember(id, conversation);
    this.#evictIfFull();
    return conversation;
  }

  #newConversation(id: string, data: ConversationDoc | null): Low<ConversationDoc> {
    // lowdb's Low keeps `data` as given; null stands for "not read yet" until read() fills it.
    return new Low(new JsonDocumentFile(conversationPath(this.#dir, id), conversationDocSchema), data as ConversationDoc);
  }

  #remember(id: string, conversation: Low<ConversationDoc>): void {
    this.#conversations.delete(id);
    this.#conversations.set(id, conversation);
  }

  #evictIfFull(): void {
    for (const id of this.#conversations.keys()) {
      if (this.#conversations.size <= this.#maxCached) return;
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

  /**
   * Order matters for a kill at any point: the catalog line goes first (a session it names but
   * whose document is missing reads as absent), and an item is written in its new place before
   * it is removed from its old one.
   */
  async #writePending(): Promise<void> {
    await this.#catalog.writePending();

    const done = [...this.#pendingDone.values()];
    await inBatches(done, async (item) => {
      await new JsonDocumentFile(doneQueueItemPath(this.#dir, item.id), queueItemSchema).write(item);
      if (this.#pendingDone.get(item.id) === item) this.#pendingDone.delete(item.id);
    });

    const ids = [...this.#dirtyConversations];
    this.#dirtyConversations.clear();
    for (const id of ids) this.#writingConversations.add(id);
    try {
      await inBatches(ids, (id) => this.#writeConversation(id));
    } catch (error) {
      for (const id of ids) this.#dirtyConversations.add(id);
      throw error;
    } finally {
      this.#writingConversations.clear();
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
      await unlink(doneQueueItemPath(this.#dir, id)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      this.#doneToDelete.delete(id);
    }
  }

  async #writeConversation(id: string): Promise<void> {
    const conversation = this.#conversations.get(id);
    if (!conversation) return;
    const path = conversationPath(this.#dir, id);
    const shard = dirname(path);
    if (!this.#knownShards.has(shard)) {
      await mkdir(shard, { recursive: true });
      this.#knownShards.add(shard);
    }
    await conversation.write();
  }

  async #readDoneItem(id: string): Promise<QueueItem | null> {
    return new JsonDocumentFile(doneQueueItemPath(this.#dir, id), queueItemSchema).read();
  }
}

async function inBatches<T>(values: T[], write: (value: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < values.length; start += WRITE_CONCURRENCY) {
    await Promise.all(values.slice(start, start + WRITE_CONCURRENCY).map(write));
  }
}
