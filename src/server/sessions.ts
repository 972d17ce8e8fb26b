// Shopper sessions in memory: the stored record, the sockets showing it, and its idle timer.
// The store stays the source of truth; this cache spares a store read on every turn.
import { ownedByPeople } from '../conversation/session-mode.ts';
import type { DialogEngine } from '../dialog/types.ts';
import type { Locale } from '../nlu/types.ts';
import type { Bus, FrameOutbox } from '../store/coordination.ts';
import type { SessionRecord, Store } from '../store/types.ts';
import type { Clock, TimerHandle } from './clock.ts';
import type { SerialLanes } from './lanes.ts';
import type { Logger } from './logging.ts';
import type { HistoryEntry, ServerFrame } from './protocol.ts';
import { ShopperRelay } from './shopper-relay.ts';
import { hashSessionToken, newId, newSessionToken } from './tokens.ts';

/** One open shopper websocket, as the session sees it. */
export interface ShopperLink {
  send(frame: ServerFrame): void;
  close(code: number, reason: string): void;
}

export interface LiveSession {
  record: SessionRecord;
  readonly log: Logger;
  readonly links: Set<ShopperLink>;
  lastActivityMs: number;
  idleTimer: TimerHandle | null;
}

export type OpenResult =
  | { ok: true; live: LiveSession; token: string; resumed: boolean }
  | { ok: false; code: 'invalid_session_token' | 'session_expired'; message: string };

export interface SessionDirectoryOptions {
  store: Store;
  clock: Clock;
  lanes: SerialLanes;
  log: Logger;
  idleTimeoutMs: number;
  dialog: () => DialogEngine;
  /**
   * Whether a closed session still holds something for its shopper (an open ticket, an agent's
   * answer written after it closed): its token then reopens it instead of starting afresh.
   */
  awaitsShopper: (record: SessionRecord) => Promise<boolean>;
  /** The session is about to close for inactivity (in its lane): what waits on the shopper is settled (a survey question: skipped). */
  beforeIdleClose?: (live: LiveSession) => Promise<void>;
  /**
   * Other server processes share the store: records are read afresh when a session's lane is
   * taken and when a shopper resumes, and frames reach sockets on other processes through the outbox.
   */
  shared?: { origin: string; bus: Bus; outbox: FrameOutbox };
}

/** Websocket close code sent to a shopper whose session ended for inactivity. */
export const CLOSE_SESSION_IDLE = 4000;
/** privacy (issue 18): the session was erased (a customer's erasure request); its sockets are closed. */
export const CLOSE_SESSION_ERASED = 4005;

export class SessionDirectory {
  readonly #byId = new Map<string, LiveSession>();
  readonly #idByTokenHash = new Map<string, string>();
  readonly #loading = new Map<string, Promise<LiveSession | null>>();
  readonly #relay: ShopperRelay | null;

  constructor(private readonly options: SessionDirectoryOptions) {
    const { shared } = options;
    this.#relay = shared
      ? new ShopperRelay({
          ...shared,
          log: options.log,
          cached: (sessionId) => this.#byId.get(sessionId),
          linked: () => [...this.#byId.values()].filter((live) => live.links.size > 0),
        })
      : null;
  }

  get size(): number {
    return this.#byId.size;
  }

  async open(request: { sessionToken?: string | undefined; locale?: Locale | undefined; customerId: string | null }): Promise<OpenResult> {
    if (request.sessionToken === undefined) return this.#create(request.locale ?? 'ko', request.customerId);
    const tokenHash = hashSessionToken(request.sessionToken);
    const cachedId = this.#idByTokenHash.get(tokenHash);
    let live = cachedId ? this.#byId.get(cachedId) : await this.#adopt(await this.options.store.findSessionByTokenHash(tokenHash));
    // Another process may have moved the session on (an agent claimed it, it was closed) since this one cached it.
    if (live && cachedId && this.options.shared) await this.reload(live.record.id);
    if (!live) {
      return { ok: false, code: 'invalid_session_token', message: 'the session token is not valid; a new session was started' };
    }
    const idle = live;
    if (idle.record.status === 'open' && this.#isIdle(idle)) await this.options.lanes.run(idle.record.id, () => this.#closeIdle(idle));
    if (live.record.status === 'closed') {
      const closed = live.record;
      live = await this.options.lanes.run(closed.id, () => this.#reopenIfAwaited(closed.id));
      if (!live) return { ok: false, code: 'session_expired', message: 'the session has ended; a new session was started' };
    }
    this.touch(live);
    await this.#relay?.startFrom(live);
    return { ok: true, live, token: request.sessionToken, resumed: true };
  }

  /** The live session for an id, loaded from the store when it is not in memory. */
  async get(sessionId: string): Promise<LiveSession | null> {
    const cached = this.#byId.get(sessionId);
    if (cached) return cached;
    let loading = this.#loading.get(sessionId);
    if (!loading) {
      loading = this.options.store.getSession(sessionId).then((record) => this.#adopt(record));
      this.#loading.set(sessionId, loading);
      void loading.finally(() => this.#loading.delete(sessionId));
    }
    return loading;
  }

  /**
   * Reads the session's record afresh into the session this process holds, if it holds it: run
   * when its lane's cross-process lock is taken, since another process may have written it.
   */
  async reload(sessionId: string): Promise<void> {
    const live = this.#byId.get(sessionId);
    if (!live) return;
    const record = await this.options.store.getSession(sessionId);
    if (!record) return;
    live.record = record;
    // Activity on another process counts: the idle check must not close a session in use there.
    live.lastActivityMs = Math.max(live.lastActivityMs, Date.parse(record.updatedAt));
  }

  /** Cancels every idle timer: the server is shutting down. */
  stop(): void {
    this.#relay?.stop();
    for (const live of this.#byId.values()) {
      live.idleTimer?.cancel();
      live.idleTimer = null;
    }
  }

  /** The customer's open sessions with a socket on this process. */
  connectedFor(customerId: string): LiveSession[] {
    const found: LiveSession[] = [];
    for (const live of this.#byId.values()) {
      if (live.record.customerId === customerId && live.record.status === 'open' && live.links.size > 0) found.push(live);
    }
    return found;
  }

  send(live: LiveSession, frame: ServerFrame): void {
    for (const link of live.links) link.send(frame);
    this.#relay?.forward(live.record.id, frame);
  }

  /** Marks activity now and makes sure an idle check is pending. */
  touch(live: LiveSession): void {
    live.lastActivityMs = this.options.clock.nowMs();
    if (!live.idleTimer) this.#scheduleIdleCheck(live, this.options.idleTimeoutMs);
  }

  async history(sessionId: string): Promise<HistoryEntry[]> {
    const transcript = await this.options.store.getTranscript(sessionId);
    return transcript
      .filter((entry) => !entry.internal)
      .map(({ seq, at, from, text, attachmentId }) => ({ seq, at, from, text, ...(attachmentId !== undefined ? { attachmentId } : {}) }));
  }

  // ---- channels (issue 15): request/response channels (src/channels/) find a session by a key
  // they derive from their user, and keep a link on it that outlives any request ----

  /**
   * The session for a channel's user: `token` is derived by the channel (a keyed hash of its user
   * id), so the same user finds the same conversation. When that conversation has ended, its
   * record keeps its transcript under a retired key and the user starts a new one.
   */
  async openWithKey(token: string, locale: Locale, channel?: string): Promise<{ live: LiveSession; created: boolean }> {
    const opened = await this.open({ sessionToken: token, customerId: null });
    if (opened.ok) return { live: opened.live, created: false };
    if (opened.code === 'session_expired') {
      const tokenHash = hashSessionToken(token);
      const ended = await this.options.store.findSessionByTokenHash(tokenHash);
      if (ended) await this.options.store.putSession({ ...ended, tokenHash: `retired.${ended.id}.${tokenHash}` });
    }
    const created = await this.#create(locale, null, token, channel);
    if (!created.ok) throw new Error('a channel session could not be started');
    return { live: created.live, created: true };
  }

  /** A link without a socket (a channel's mailbox): on the session now, and again whenever it is loaded. */
  standWith(live: LiveSession, link: ShopperLink): void {
    this.#standing.set(live.record.id, link);
    live.links.add(link);
  }

  /** The channel gave up its link (evicted): the session, when loaded again, is without it. */
  letGo(sessionId: string, link: ShopperLink): void {
    if (this.#standing.get(sessionId) === link) this.#standing.delete(sessionId);
    this.#byId.get(sessionId)?.links.delete(link);
  }

  readonly #standing = new Map<string, ShopperLink>();
  // ---- end channels ----

  async #create(locale: Locale, customerId: string | null, token = newSessionToken(), channel?: string): Promise<OpenResult> {
    const now = this.options.clock.now().toISOString();
    const record: SessionRecord = {
      id: newId('s'),
      tokenHash: hashSessionToken(token),
      customerId,
      locale,
      status: 'open',
      createdAt: now,
      updatedAt: now,
      mode: 'bot',
      dialog: this.options.dialog().initialState(locale),
      ...(channel !== undefined ? { channel } : {}), // analytics (issue 12): the channel its facts name
    };
    await this.options.store.putSession(record);
    const live = this.#remember(record);
    this.touch(live);
    this.#relay?.startAt(record.id, 0);
    if (this.options.log.isLevelEnabled('debug')) live.log.debug({ customerId: customerId !== null }, 'session started');
    return { ok: true, live, token, resumed: false };
  }

  /** Runs in the session's lane; reads the record afresh, since agents may have written meanwhile. */
  async #reopenIfAwaited(sessionId: string): Promise<LiveSession | null> {
    const reopened = this.#byId.get(sessionId);
    if (reopened && reopened.record.status === 'open') return reopened;
    const record = await this.options.store.getSession(sessionId);
    if (!record || !(await this.options.awaitsShopper(record))) return null;
    const now = this.options.clock.now().toISOString();
    await this.options.store.appendTranscript(sessionId, [{ at: now, from: 'system', text: 'the shopper came back; session reopened' }]);
    const { closedAt: _closedAt, ...rest } = record;
    const live = this.#remember({ ...rest, status: 'open', updatedAt: now });
    await this.options.store.putSession(live.record);
    live.log.info('closed session reopened for its shopper');
    return live;
  }

  async #adopt(record: SessionRecord | null): Promise<LiveSession | null> {
    if (!record) return null;
    const cached = this.#byId.get(record.id);
    if (cached) return cached;
    // A closed session is only read (an agent answering an old ticket): it is not kept in memory.
    if (record.status === 'closed') return this.#live(record);
    const live = this.#remember(record);
    this.#scheduleIdleCheck(live, Math.max(0, this.#idleRemainingMs(live)));
    return live;
  }

  #remember(record: SessionRecord): LiveSession {
    const live = this.#live(record);
    this.#byId.set(record.id, live);
    this.#idByTokenHash.set(record.tokenHash, record.id);
    return live;
  }

  #live(record: SessionRecord): LiveSession {
    const parentLog = this.options.log;
    let log: Logger | undefined;
    return {
      record,
      // Made on first use: most sessions never log at info level, and thousands of idle
      // sessions should not each hold a logger.
      get log() {
        return (log ??= parentLog.child({ sessionId: record.id }));
      },
      links: new Set(this.#standing.has(record.id) ? [this.#standing.get(record.id)!] : []),
      lastActivityMs: Date.parse(record.updatedAt),
      idleTimer: null,
    };
  }

  // ---- privacy (issue 18) ----
  /** The session is being erased: its sockets are closed and this process forgets it (nothing is written). */
  drop(sessionId: string): void {
    const live = this.#byId.get(sessionId);
    // channels (issue 15): a channel's link outlives its session in memory; it is told too.
    if (!live) return this.#standing.get(sessionId)?.close(CLOSE_SESSION_ERASED, 'this conversation was erased');
    for (const link of live.links) link.close(CLOSE_SESSION_ERASED, 'this conversation was erased');
    this.#forget(live);
  }
  // ---- end privacy ----

  #forget(live: LiveSession): void {
    live.idleTimer?.cancel();
    live.idleTimer = null;
    this.#byId.delete(live.record.id);
    this.#idByTokenHash.delete(live.record.tokenHash);
    this.#relay?.forget(live.record.id);
  }

  #idleRemainingMs(live: LiveSession): number {
    return live.lastActivityMs + this.options.idleTimeoutMs - this.options.clock.nowMs();
  }

  #isIdle(live: LiveSession): boolean {
    return !ownedByPeople(live.record.mode) && this.#idleRemainingMs(live) <= 0;
  }

  // One timer per session, re-armed lazily when it fires early, so a turn never pays for
  // clearing and setting timers.
  #scheduleIdleCheck(live: LiveSession, delayMs: number): void {
    live.idleTimer = this.options.clock.setTimeout(() => {
      live.idleTimer = null;
      void this.options.lanes.run(live.record.id, async () => {
        if (live.record.status === 'closed' || this.#byId.get(live.record.id) !== live) return;
        const remaining = this.#idleRemainingMs(live);
        // People own queued and assigned conversations: only the bot's sessions time out.
        if (remaining > 0 || ownedByPeople(live.record.mode)) {
          this.#scheduleIdleCheck(live, remaining > 0 ? remaining : this.options.idleTimeoutMs);
          return;
        }
        await this.#closeIdle(live);
      }).catch((err: unknown) => live.log.error({ err }, 'idle close failed'));
    }, delayMs);
  }

  async #closeIdle(live: LiveSession): Promise<void> {
    if (live.record.status === 'closed') return;
    const now = this.options.clock.now().toISOString();
    await this.options.beforeIdleClose?.(live).catch((err: unknown) => live.log.error({ err }, 'settling the session before it closes failed'));
    const minutes = Math.round(this.options.idleTimeoutMs / 60_000);
    await this.options.store.appendTranscript(live.record.id, [
      { at: now, from: 'system', text: `session closed after ${minutes} min without activity` },
    ]);
    live.record = { ...live.record, status: 'closed', closedAt: now, updatedAt: now };
    await this.options.store.putSession(live.record);
    for (const link of live.links) link.close(CLOSE_SESSION_IDLE, 'session closed after inactivity');
    this.#forget(live);
    live.log.info('session closed (idle)');
  }
}
