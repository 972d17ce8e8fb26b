// Shopper sessions in memory: the stored record and the sockets showing it. The store stays the
// source of truth; this cache spares a store read on every turn.
//
// issue 13: a session's idle close is the durable timer `session-idle:<session id>` (src/timers/),
// set when the session opens. A turn writes no timer: the timer fires when the session would be
// idle had nothing happened since it was set, and whichever process fires it reads the session's
// last activity (the record's updatedAt, and this process's memory if it holds the session) and
// sets it again for later if the shopper was active meanwhile.
import { z } from 'zod';
import { ownedByPeople } from '../conversation/session-mode.ts';
import type { DialogEngine } from '../dialog/types.ts';
import type { Locale } from '../nlu/types.ts';
import type { Bus, BusNote, FrameOutbox } from '../store/coordination.ts';
import type { SessionRecord, Store } from '../store/types.ts';
import type { DueTimer, Timers } from '../timers/index.ts';
import type { Clock } from './clock.ts';
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
  /** issue 13: where the idle checks wait (in memory, or in PostgreSQL where any process fires them). */
  timers: Timers;
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

/** issue 13: the idle check of a session is the durable timer `session-idle:<session id>`. */
export const IDLE_TIMER = 'session-idle';
export const idleTimerKey = (sessionId: string): string => `${IDLE_TIMER}:${sessionId}`;
/** What the idle timer keeps: the session's id, nothing of the conversation. */
const idlePayloadSchema = z.object({ sessionId: z.string().min(1) });

export class SessionDirectory {
  readonly #byId = new Map<string, LiveSession>();
  readonly #idByTokenHash = new Map<string, string>();
  readonly #loading = new Map<string, Promise<LiveSession | null>>();
  readonly #relay: ShopperRelay | null;
  readonly #unsubscribe: (() => void) | null;

  constructor(private readonly options: SessionDirectoryOptions) {
    const { shared } = options;
    options.timers.handle(IDLE_TIMER, (timer) => this.#idleDue(timer));
    // Another process closed a session for inactivity: its sockets here close too.
    this.#unsubscribe = shared ? shared.bus.subscribe((note) => void this.#onClosedElsewhere(note)) : null;
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

  /** The server is shutting down (the idle timers are the timers', stopped by the server). */
  stop(): void {
    this.#relay?.stop();
    this.#unsubscribe?.();
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

  /**
   * Marks activity now. Per turn: nothing is written (the idle timer, when it fires, finds the
   * activity here or in the record a bot turn writes, and is set again for later).
   */
  touch(live: LiveSession): void {
    live.lastActivityMs = this.options.clock.nowMs();
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
    await this.#armIdle(record.id, live.lastActivityMs + this.options.idleTimeoutMs);
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
    await this.#armIdle(sessionId, live.lastActivityMs + this.options.idleTimeoutMs);
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
    // A session opened before its idle timer was durable (or whose memory timer went with a restart) gets one.
    await this.#armIdle(record.id, live.lastActivityMs + this.options.idleTimeoutMs, { ifAbsent: true });
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
    // Only the id: the getter must not keep the first record alive once turns have replaced it.
    const sessionId = record.id;
    let log: Logger | undefined;
    return {
      record,
      // Made on first use: most sessions never log at info level, and thousands of idle
      // sessions should not each hold a logger.
      get log() {
        return (log ??= parentLog.child({ sessionId }));
      },
      links: new Set(this.#standing.has(record.id) ? [this.#standing.get(record.id)!] : []),
      lastActivityMs: Date.parse(record.updatedAt),
    };
  }

  // ---- privacy (issue 18) ----
  /** The session is being erased: its sockets are closed and this process forgets it (nothing is written). */
  drop(sessionId: string): void {
    this.#cancelIdle(sessionId);
    const live = this.#byId.get(sessionId);
    // channels (issue 15): a channel's link outlives its session in memory; it is told too.
    if (!live) return this.#standing.get(sessionId)?.close(CLOSE_SESSION_ERASED, 'this conversation was erased');
    for (const link of live.links) link.close(CLOSE_SESSION_ERASED, 'this conversation was erased');
    this.#forget(live);
  }
  // ---- end privacy ----

  #forget(live: LiveSession): void {
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

  // ---- issue 13: the durable idle timer ----

  /** Sets the session's idle timer (a failure is logged: the session then closes when its shopper comes back idle). */
  async #armIdle(sessionId: string, dueAtMs: number, options: { ifAbsent?: boolean } = {}): Promise<void> {
    await this.options.timers
      .schedule(idleTimerKey(sessionId), dueAtMs, { sessionId }, options)
      .catch((err: unknown) => this.options.log.error({ err, sessionId }, 'the idle timer of a session could not be set'));
  }

  #cancelIdle(sessionId: string): void {
    this.options.timers.cancel(idleTimerKey(sessionId)).catch((err: unknown) => this.options.log.error({ err, sessionId }, 'the idle timer of a session could not be cancelled'));
  }

  /**
   * The idle timer fired, on this process or (PostgreSQL) whichever was alive. In the session's
   * lane, the session is read as it is now: closed already, active since (set again for then), with
   * people (checked again an idle period later), or idle (closed).
   */
  async #idleDue(timer: DueTimer): Promise<void> {
    const parsed = idlePayloadSchema.safeParse(timer.payload);
    if (!parsed.success) {
      this.options.log.error({ key: timer.key }, `idle timer ${timer.key} has no session id in its payload; dropped`);
      return;
    }
    const { sessionId } = parsed.data;
    const { idleTimeoutMs, clock, store } = this.options;
    await this.options.lanes.run(sessionId, async () => {
      // With shared lanes, the session this process holds was just read afresh.
      const held = this.#byId.get(sessionId);
      const record = held?.record ?? (await store.getSession(sessionId));
      if (!record || record.status === 'closed') return;
      const nowMs = clock.nowMs();
      // People own queued and assigned conversations: only the bot's sessions time out.
      if (ownedByPeople(record.mode)) return this.#armIdle(sessionId, nowMs + idleTimeoutMs);
      // The latest activity known: the record's last write, this process's memory, and the time
      // the timer was set for (an idle period after the activity it was set from).
      const lastActivityMs = Math.max(Date.parse(record.updatedAt), held?.lastActivityMs ?? 0, timer.dueAtMs - idleTimeoutMs);
      if (lastActivityMs + idleTimeoutMs > nowMs) return this.#armIdle(sessionId, lastActivityMs + idleTimeoutMs);
      await this.#closeIdle(held ?? this.#live(record));
    });
  }

  /** A bus note: another process closed a session for inactivity; the sockets this process holds close. */
  async #onClosedElsewhere(note: BusNote): Promise<void> {
    if (note.kind !== 'closed') return;
    const live = this.#byId.get(note.sessionId);
    if (!live) return;
    await this.options.lanes
      .run(note.sessionId, async () => {
        // The lane read the record afresh: closed, unless the shopper came back meanwhile and it was reopened.
        if (this.#byId.get(note.sessionId) !== live || live.record.status !== 'closed') return;
        for (const link of live.links) link.close(CLOSE_SESSION_IDLE, 'session closed after inactivity');
        this.#forget(live);
      })
      .catch((err: unknown) => live.log.error({ err }, 'the sockets of a session closed on another process could not be closed'));
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
    this.#cancelIdle(live.record.id);
    this.options.shared?.bus.publish({ kind: 'closed', sessionId: live.record.id }).catch((err: unknown) => live.log.error({ err }, 'other processes could not be told that the session closed'));
    live.log.info('session closed (idle)');
  }
}
