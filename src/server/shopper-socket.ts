// The shopper websocket (`/ws`): parses and rate-limits frames, opens or resumes the session on
// `hello`, and hands every other frame to the conversation in arrival order.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { DialogInput } from '../dialog/types.ts';
import type { Clock } from './clock.ts';
import type { Conversations } from './conversation.ts';
import type { CustomerVerifier } from './customers.ts';
import type { HandoffDesk } from './handoff-desk.ts';
import type { Logger } from './logging.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ProactiveDesk } from './proactive.ts';
import type { NotificationDesk } from './notifications.ts';
import { type DismissFrame, type ErrorCode, type HelloFrame, parseShopperFrame, type ReadFrame, type ServerFrame, type ShopperFrame, type TypingFrame } from './protocol.ts';
import type { AdmissionGauge } from './admission.ts';
import { checkOrigin, type OriginPolicy } from './origins.ts';
import { TokenBucket } from './rate-limit.ts';
import { isStoreUnavailable } from '../store/errors.ts';
import type { LiveSignals } from '../desk/live/signals.ts';
import type { LiveSession, SessionDirectory, ShopperLink } from './sessions.ts';

export interface ShopperSocketOptions {
  sessions: SessionDirectory;
  conversations: Conversations;
  customers: CustomerVerifier;
  desk: HandoffDesk;
  proactive: ProactiveDesk;
  notifications: NotificationDesk;
  clock: Clock;
  metrics: ServerMetrics;
  log: Logger;
  maxTextLength: number;
  rateLimit: { framesPerSecond: number; burst: number };
  origins: OriginPolicy;
  admission: AdmissionGauge;
  /** desk (issue 14): typing to the agents, read receipts. */
  signals?: LiveSignals;
}

/** WebSocket close code 1013: try again later. */
export const CLOSE_BUSY = 1013;

/** At most one "slow down" frame a second: a flood must not be answered with a flood. */
const RATE_ERROR_INTERVAL_MS = 1000;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function toInput(frame: Exclude<ShopperFrame, HelloFrame | TypingFrame | DismissFrame | ReadFrame>): DialogInput {
  switch (frame.type) {
    case 'message':
      return { kind: 'text', text: frame.text };
    case 'quick_reply':
      return { kind: 'quick_reply', payload: frame.payload };
    case 'event':
      return { kind: 'event', name: frame.name, ...(frame.data ? { data: frame.data } : {}) };
  }
}

export function registerShopperSocket(app: FastifyInstance, options: ShopperSocketOptions): void {
  // A websocket upgrade answers 101 with the socket library's own headers: page headers would be wasted work.
  app.get('/ws', { websocket: true, helmet: false, preValidation: checkOrigin(options.origins) }, (socket, request) => {
    // The upgraded TCP socket ws writes to: corked while a turn sends its frames (none when the
    // connection is not a socket, as with fastify's injectWS).
    new ShopperConnection(socket, (request.raw.socket as Socket | undefined) ?? null, options);
  });
}

class ShopperConnection {
  #live: LiveSession | null = null;
  /** Frames of one connection are handled one after another: `hello` finishes before the first message. */
  #chain: Promise<void> = Promise.resolve();
  readonly #bucket: TokenBucket;
  #lastRateErrorMs = Number.NEGATIVE_INFINITY;
  readonly #link: ShopperLink;
  #corked = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly tcp: Pick<Socket, 'cork' | 'uncork'> | null,
    private readonly options: ShopperSocketOptions,
  ) {
    this.#bucket = new TokenBucket(options.rateLimit.framesPerSecond, options.rateLimit.burst, options.clock);
    this.#link = {
      send: (frame) => this.#send(frame),
      close: (code, reason) => socket.close(code, reason),
    };
    options.metrics.shopperConnections.inc();
    socket.on('message', (data, isBinary) => this.#onFrame(toBuffer(data), isBinary));
    socket.on('close', () => {
      options.metrics.shopperConnections.dec();
      this.#live?.links.delete(this.#link);
    });
    socket.on('error', (err) => options.log.debug({ err }, 'shopper socket error'));
  }

  #send(frame: ServerFrame): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    // A turn sends its replies one after another: corked until the tick ends, they leave in one
    // write (one syscall) instead of one each, the largest cost the server itself adds to a turn.
    if (!this.#corked && this.tcp) {
      this.#corked = true;
      this.tcp.cork();
      process.nextTick(this.#uncork);
    }
    this.socket.send(JSON.stringify(frame));
  }

  readonly #uncork = (): void => {
    this.#corked = false;
    this.tcp?.uncork();
  };

  #error(code: ErrorCode, message: string): void {
    this.options.metrics.frameErrors.inc({ code });
    this.#send({ type: 'error', code, message });
  }

  #onFrame(data: Buffer, isBinary: boolean): void {
    const { clock, rateLimit, maxTextLength } = this.options;
    if (!this.#bucket.take()) {
      const now = clock.nowMs();
      if (now - this.#lastRateErrorMs >= RATE_ERROR_INTERVAL_MS) {
        this.#lastRateErrorMs = now;
        this.#error('rate_limited', `too many frames: at most ${rateLimit.framesPerSecond} a second; frames were dropped`);
      } else {
        this.options.metrics.frameErrors.inc({ code: 'rate_limited' });
      }
      return;
    }
    const parsed = parseShopperFrame(data, isBinary, maxTextLength);
    if (!parsed.ok) {
      this.#error(parsed.code, parsed.message);
      return;
    }
    this.#chain = this.#chain
      .then(() => this.#dispatch(parsed.frame))
      .catch((err: unknown) => {
        (this.#live?.log ?? this.options.log).error({ err, frame: parsed.frame.type }, 'frame failed');
        // issue 13: the database is away (a shared store): the shopper is told to send it again shortly.
        if (isStoreUnavailable(err)) this.#error('temporarily_unavailable', 'the service is briefly unavailable; please send that again in a moment');
        else this.#error('internal_error', 'the frame could not be handled; please try again');
      });
  }

  async #dispatch(frame: ShopperFrame): Promise<void> {
    if (frame.type === 'hello') {
      await this.#hello(frame);
      return;
    }
    const live = this.#live;
    if (!live) {
      this.#error('hello_required', 'send {"type":"hello"} first to start or resume a session');
      return;
    }
    if (live.record.status === 'closed') {
      this.#error('session_closed', 'the session has ended; reconnect and send hello to start a new one');
      return;
    }
    const { proactive } = this.options;
    // desk (issue 14): typing reaches the agents too; read receipts are the desk's.
    if (frame.type === 'read') return this.options.signals?.read(live, frame.seq);
    if (frame.type === 'typing') {
      await this.options.signals?.shopperTyping(live, frame.active);
      return proactive.typing(live, frame.active);
    }
    if (frame.type === 'dismiss') return proactive.dismiss(live);
    if (frame.type === 'quick_reply') proactive.tapped(live, frame.payload);
    await this.options.conversations.handle(live, toInput(frame));
    if (frame.type === 'event' && frame.page) await proactive.onPageEvent(live, frame.page, this.#link.send);
  }

  async #hello(frame: HelloFrame): Promise<void> {
    if (this.#live) {
      this.#error('already_started', 'this connection already has a session; open a new connection to switch sessions');
      return;
    }
    const { sessions, desk, customers, admission } = this.options;
    // Saturated: a new visit is told so at once; a shopper resuming a conversation is let in.
    if (!frame.sessionToken && admission.busy()) {
      const seconds = Math.ceil(admission.retryAfterMs / 1000);
      this.#error('busy', `the server is busy; try again in ${seconds} s`);
      this.socket.close(CLOSE_BUSY, 'busy');
      return;
    }
    const { customerId, problem } = customers.identify(frame);
    if (problem) this.#error(problem.code, problem.message);
    const request = { locale: frame.locale, customerId };
    let opened = await sessions.open({ ...request, sessionToken: frame.sessionToken });
    if (!opened.ok) {
      this.#error(opened.code, opened.message);
      opened = await sessions.open(request);
      if (!opened.ok) throw new Error('a new session could not be opened');
    }
    const { live, token, resumed } = opened;
    // The customer is fixed when the session starts: a token must not switch whose orders it reads.
    if (resumed && customerId !== null && customerId !== live.record.customerId) {
      this.#error(
        'customer_mismatch',
        'this session was started for another customer or as a guest and keeps that customer; send hello without the sessionToken to start a session as this customer',
      );
    }
    this.#live = live;
    live.links.add(this.#link);
    this.#send({ type: 'session', sessionId: live.record.id, sessionToken: token, resumed });
    if (resumed) {
      this.#send({ type: 'history', entries: await sessions.history(live.record.id) });
      const status = await desk.statusFrame(live);
      if (status) this.#send(status);
    }
    await this.options.proactive.afterHello(live, this.#link.send);
    // What the shop reported while the shopper was away: told once, now.
    await this.options.notifications.afterHello(live);
  }
}
