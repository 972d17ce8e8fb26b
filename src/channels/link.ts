// A request/response channel's link on a session: what a websocket is for the widget. While a
// request is being answered it collects the frames of the turn; between requests, frames go to a
// held callback when there is one (Kakao's callback URL), and otherwise wait in a mailbox that
// the shopper's next request empties. Nothing said to the shopper is dropped. The mailbox and the
// channel's memory of its last answer are what the link keeps: the runtime saves them in the
// store whenever they change (`changed`), so a restart finds them again.
import type { ServerFrame } from '../server/protocol.ts';
import type { ShopperLink } from '../server/sessions.ts';
import { isShownFrame } from './port.ts';

/** Delivers frames that arrived between requests; a callback is usable once. */
export type Push = (frames: ServerFrame[]) => void;

/** At most this many frames wait in a mailbox; older ones give way (the transcript keeps them all). */
const MAILBOX_LIMIT = 50;

/** What a link keeps between requests (src/store/types.ts ChannelLinkRecord holds it). */
export interface ChannelLinkState {
  mailbox: ServerFrame[];
  memory: unknown;
}

export interface ChannelLinkHooks {
  /** What the link keeps changed. */
  changed?: () => void;
  /** Its session closed (`code`: CLOSE_SESSION_IDLE, CLOSE_SESSION_ERASED). */
  closed?: (code: number) => void;
}

export class ChannelLink implements ShopperLink {
  /** One collector per request being answered, oldest first: a session's turns run in order, so frames belong to the oldest. */
  readonly #collectors: ServerFrame[][] = [];
  #mailbox: ServerFrame[];
  #push: Push | null = null;
  #pushBatch: ServerFrame[] | null = null;
  #memory: unknown;
  readonly #hooks: ChannelLinkHooks;

  constructor(saved: Partial<ChannelLinkState> = {}, hooks: ChannelLinkHooks = {}) {
    this.#mailbox = (saved.mailbox ?? []).filter(isShownFrame).slice(-MAILBOX_LIMIT);
    this.#memory = saved.memory ?? null;
    this.#hooks = hooks;
  }

  /** Channel-specific memory of the last answer (the quick replies it offered, the rest of a long answer). */
  get memory(): unknown {
    return this.#memory;
  }

  set memory(memory: unknown) {
    if (JSON.stringify(memory) === JSON.stringify(this.#memory)) return;
    this.#memory = memory;
    this.#hooks.changed?.();
  }

  /** What it keeps, as the store holds it. */
  state(): ChannelLinkState {
    return { mailbox: [...this.#mailbox], memory: this.#memory };
  }

  /** A request is being answered, or a callback is held: the link is in use. */
  get busy(): boolean {
    return this.#collectors.length > 0 || this.#push !== null || this.#pushBatch !== null;
  }

  /** Nothing waits for the shopper. */
  get empty(): boolean {
    return this.#mailbox.length === 0;
  }

  send(frame: ServerFrame): void {
    const collector = this.#collectors[0];
    if (collector) {
      collector.push(frame);
      return;
    }
    if (!isShownFrame(frame)) return;
    if (this.#push) {
      // The frames of one event-loop turn (an agent's answer and its status) leave in one callback.
      if (!this.#pushBatch) {
        this.#pushBatch = [];
        setImmediate(() => this.#flushPush());
      }
      this.#pushBatch.push(frame);
      return;
    }
    this.#toMailbox([frame]);
  }

  /** The session closed: nothing is sent anywhere; the runtime decides what to keep. */
  close(code: number): void {
    this.#hooks.closed?.(code);
  }

  /** A request starts: frames from now on belong to its answer (after those of requests before it). */
  startCollecting(): ServerFrame[] {
    const collector: ServerFrame[] = [];
    this.#collectors.push(collector);
    return collector;
  }

  /** The request's answer is complete: the frames it collected. */
  stopCollecting(collector: ServerFrame[]): ServerFrame[] {
    const index = this.#collectors.indexOf(collector);
    if (index !== -1) this.#collectors.splice(index, 1);
    return collector;
  }

  /** Frames that waited for the shopper, oldest first; the mailbox is empty afterwards. */
  takeMailbox(): ServerFrame[] {
    const frames = this.#mailbox;
    this.#mailbox = [];
    if (frames.length > 0) this.#hooks.changed?.();
    return frames;
  }

  /** Frames (a late answer, an undelivered callback) for the shopper's next answer, after those already waiting. */
  keep(frames: readonly ServerFrame[]): void {
    this.#toMailbox(frames.filter(isShownFrame));
  }

  #toMailbox(frames: readonly ServerFrame[]): void {
    if (frames.length === 0) return;
    this.#mailbox.push(...frames);
    if (this.#mailbox.length > MAILBOX_LIMIT) this.#mailbox.splice(0, this.#mailbox.length - MAILBOX_LIMIT);
    this.#hooks.changed?.();
  }

  get holding(): boolean {
    return this.#push !== null;
  }

  /** Frames between requests go to `push` (once) until `release`. */
  hold(push: Push): void {
    this.#push = push;
  }

  /** Gives the held push back: the caller may then use it itself (say, to say that nothing came). */
  release(): Push | null {
    const push = this.#push;
    this.#push = null;
    if (this.#pushBatch) {
      // Frames on their way to the callback are kept instead.
      const batch = this.#pushBatch;
      this.#pushBatch = null;
      this.#toMailbox(batch);
    }
    return push;
  }

  #flushPush(): void {
    const frames = this.#pushBatch;
    const push = this.#push;
    this.#pushBatch = null;
    this.#push = null;
    if (!frames || frames.length === 0) return;
    if (push) push(frames);
    else this.#toMailbox(frames);
  }
}
