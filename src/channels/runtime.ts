// What request/response channels share: a session per channel user (found by a keyed hash of the
// user id, so no personal data is stored), the link that collects a turn's frames, and a turn
// with a deadline: the answer when it is ready in time, or a promise of it when it is not.
//
// Links are kept through the store (ChannelLinkRecord): saved when what they keep changes, read
// back when a process that does not hold one (after a restart) serves the user. A link leaves
// memory and the store when its session closes with nothing waiting for the shopper, when the
// session is erased, and after channels.linkTtlMs unused.
import { createHmac } from 'node:crypto';
import type { DialogInput } from '../dialog/types.ts';
import type { Locale } from '../nlu/types.ts';
import type { Clock } from '../server/clock.ts';
import type { Conversations } from '../server/conversation.ts';
import type { SerialLanes } from '../server/lanes.ts';
import type { Logger } from '../server/logging.ts';
import type { ServerMetrics } from '../server/metrics.ts';
import type { ServerFrame } from '../server/protocol.ts';
import { CLOSE_SESSION_ERASED, type LiveSession, type SessionDirectory } from '../server/sessions.ts';
import { hashSessionToken } from '../server/tokens.ts';
import type { Store } from '../store/types.ts';
import { ChannelLink } from './link.ts';
import type { ChannelName } from './port.ts';

export interface ChannelRuntimeOptions {
  sessions: SessionDirectory;
  conversations: Conversations;
  lanes: SerialLanes;
  store: Store;
  clock: Clock;
  log: Logger;
  metrics: ServerMetrics;
  /** The server's signing secret: keys the hash that turns a channel's user id into a session key. */
  keySecret: string;
  /** A link unused this long is forgotten (config channels.linkTtlMs). */
  linkTtlMs: number;
}

/** A link this process holds, and how it is saved. */
interface Held {
  sessionId: string;
  channel: ChannelName;
  link: ChannelLink;
  usedMs: number;
  /** When it was last saved (0: not yet, nothing to keep). */
  savedMs: number;
  /** The save waiting to start (changes meanwhile are in it), and the one being written. */
  queued: Promise<void> | null;
  writing: Promise<void> | null;
  /** Evicted: nothing more is saved. */
  gone: boolean;
}

/** Stale links are looked for at most this often (and at most every linkTtlMs). */
const SWEEP_EVERY_MS = 10 * 60_000;

export type TurnOutcome = { inTime: true; frames: ServerFrame[] } | { inTime: false; later: Promise<ServerFrame[]> };

/** For agents, in the transcript's first line (not said to the shopper). */
const CHANNEL_LABELS: Record<ChannelName, string> = { kakao: 'KakaoTalk', webhook: 'the webhook channel' };

export class ChannelRuntime {
  readonly #held = new Map<string, Held>();
  readonly #byLink = new WeakMap<ChannelLink, Held>();
  #nextSweepMs = 0;

  constructor(private readonly options: ChannelRuntimeOptions) {}

  /** The session key of a channel user: stable per (channel, scope, user), useless without the server's secret. */
  sessionKey(channel: ChannelName, scope: string, userId: string): string {
    return createHmac('sha256', this.options.keySecret).update(`daehwa-channel\n${channel}\n${scope}\n${userId}`).digest('base64url');
  }

  /** The user's session (started when they have none, or theirs has ended) and its channel link. */
  async session(channel: ChannelName, scope: string, userId: string, locale: Locale): Promise<{ live: LiveSession; link: ChannelLink; created: boolean }> {
    const { sessions, lanes, store, clock } = this.options;
    this.#sweep();
    const key = this.sessionKey(channel, scope, userId);
    // Two first messages of one user at once must not start two conversations, nor two links.
    const { live, created, held } = await lanes.run(`channel:${hashSessionToken(key)}`, async () => {
      const opened = await sessions.openWithKey(key, locale, channel);
      return { ...opened, held: await this.#hold(channel, opened.live.record.id, opened.created) };
    });
    if (created) {
      await store.appendTranscript(live.record.id, [{ at: clock.now().toISOString(), from: 'system', text: `conversation started on ${CHANNEL_LABELS[channel]}` }]);
    }
    held.usedMs = clock.nowMs();
    // A link in use is saved again before the store would take it for stale.
    if (held.savedMs > 0 && held.usedMs - held.savedMs > this.options.linkTtlMs / 2) void this.#save(held);
    sessions.standWith(live, held.link);
    return { live, link: held.link, created };
  }

  /** Resolves once what `link` keeps now is saved (a request answers after it). */
  settle(link: ChannelLink): Promise<void> {
    const held = this.#byLink.get(link);
    return held?.queued ?? held?.writing ?? Promise.resolve();
  }

  /** The session's link: held here, else as the store kept it, else a new one. */
  async #hold(channel: ChannelName, sessionId: string, created: boolean): Promise<Held> {
    const known = this.#held.get(sessionId);
    if (known) return known;
    const saved = created ? null : await this.options.store.getChannelLink(sessionId).catch((err: unknown) => {
      this.options.log.warn({ err, sessionId }, 'a channel link could not be read; the shopper starts without what it kept');
      return null;
    });
    // The hooks run only after `held` is set: a link says nothing while it is made.
    let held!: Held;
    const link = new ChannelLink(saved ? { mailbox: saved.mailbox.filter(isFrame), memory: saved.memory } : {}, {
      changed: () => void this.#save(held),
      closed: (code) => this.#closed(held, code),
    });
    const savedMs = saved ? Date.parse(saved.updatedAt) || 0 : 0;
    held = { sessionId, channel, link, usedMs: this.options.clock.nowMs(), savedMs, queued: null, writing: null, gone: false };
    this.#held.set(sessionId, held);
    this.#byLink.set(held.link, held);
    this.options.metrics.channelLinks.inc({ channel });
    return held;
  }

  /** One write at a time per link; changes while one is written go in the next. */
  #save(held: Held): Promise<void> {
    held.usedMs = this.options.clock.nowMs();
    if (held.queued) return held.queued;
    const run: Promise<void> = (held.writing ?? Promise.resolve()).then(async () => {
      held.queued = null;
      held.writing = run;
      try {
        if (held.gone) return;
        const { mailbox, memory } = held.link.state();
        const at = this.options.clock.now();
        await this.options.store.putChannelLink({ sessionId: held.sessionId, channel: held.channel, mailbox, memory, updatedAt: at.toISOString() });
        held.savedMs = at.getTime();
      } catch (err) {
        // The session was erased meanwhile, or the store failed: this process still holds the link.
        if (!held.gone) this.options.log.warn({ err, sessionId: held.sessionId }, 'a channel link could not be saved');
      } finally {
        if (held.writing === run) held.writing = null;
      }
    });
    held.queued = run;
    return run;
  }

  /**
   * Its session closed. Erased: the link goes (the store removed it with the session). Idle with
   * nothing waiting for the shopper: it goes from memory and the store. Otherwise it stays, for
   * the shopper's next message (a reopened session, or an agent's late answer), until it is stale.
   */
  #closed(held: Held, code: number): void {
    if (code === CLOSE_SESSION_ERASED) return this.#evict(held);
    if (held.link.busy || !held.link.empty) return;
    this.#evict(held);
    // After a save still being written, or that save would bring the link back.
    void (held.writing ?? Promise.resolve())
      .then(() => this.options.store.deleteChannelLink(held.sessionId))
      .catch((err: unknown) => this.options.log.warn({ err, sessionId: held.sessionId }, 'a closed channel link could not be deleted'));
  }

  #evict(held: Held): void {
    held.gone = true;
    if (this.#held.get(held.sessionId) === held) {
      this.#held.delete(held.sessionId);
      this.options.metrics.channelLinks.dec({ channel: held.channel });
    }
    this.options.sessions.letGo(held.sessionId, held.link);
  }

  /** Forgets links unused for linkTtlMs, here and in the store; at most every few minutes. */
  #sweep(): void {
    const { clock, store, log, linkTtlMs } = this.options;
    const now = clock.nowMs();
    if (now < this.#nextSweepMs) return;
    this.#nextSweepMs = now + Math.min(SWEEP_EVERY_MS, linkTtlMs);
    const before = now - linkTtlMs;
    for (const held of [...this.#held.values()]) if (held.usedMs < before && !held.link.busy) this.#evict(held);
    void store
      .deleteChannelLinksBefore(new Date(before).toISOString())
      .then((removed) => {
        if (removed > 0) log.info({ removed }, 'stale channel links deleted');
      })
      .catch((err: unknown) => log.warn({ err }, 'stale channel links could not be deleted'));
  }

  /**
   * Runs one input through the conversation and collects what it says. With a deadline, a turn
   * not done in time is reported late, with a promise of its frames.
   */
  async turn(live: LiveSession, link: ChannelLink, input: DialogInput, deadlineMs?: number): Promise<TurnOutcome> {
    const { metrics } = this.options;
    const channel = this.#byLink.get(link)?.channel ?? 'unknown';
    metrics.channelTurns.inc({ channel });
    const collector = link.startCollecting();
    const finished = this.options.conversations
      .handle(live, input)
      .catch((err: unknown) => {
        metrics.channelErrors.inc({ channel, code: 'turn_failed' });
        live.log.error({ err }, 'channel turn failed');
        collector.push({ type: 'error', code: 'internal_error', message: 'the message could not be answered' });
      })
      // Frames sent right after the turn (a place in the queue) belong to its answer.
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => link.stopCollecting(collector));
    if (deadlineMs === undefined) return { inTime: true, frames: await finished };
    let timer: { cancel(): void } | undefined;
    const late = new Promise<null>((resolve) => {
      timer = this.options.clock.setTimeout(() => resolve(null), deadlineMs);
    });
    const frames = await Promise.race([finished, late]);
    timer?.cancel();
    if (!frames) metrics.channelDeadlineMisses.inc({ channel });
    return frames ? { inTime: true, frames } : { inTime: false, later: finished };
  }
}

/** A stored frame this version still reads as one it shows (the store keeps them opaque). */
function isFrame(value: unknown): value is ServerFrame {
  if (typeof value !== 'object' || value === null) return false;
  const frame = value as { type?: unknown; text?: unknown; status?: unknown };
  if (frame.type === 'handoff') return typeof frame.status === 'string';
  return (frame.type === 'bot' || frame.type === 'nudge' || frame.type === 'agent') && typeof frame.text === 'string';
}
