// A request/response channel's link on a session: what a websocket is for the widget. While a
// request is being answered it collects the frames of the turn; between requests, frames go to a
// held callback when there is one (Kakao's callback URL), and otherwise wait in a mailbox that
// the shopper's next request empties. Nothing said to the shopper is dropped.
import type { ServerFrame } from '../server/protocol.ts';
import type { ShopperLink } from '../server/sessions.ts';
import { isShownFrame } from './port.ts';

/** Delivers frames that arrived between requests; a callback is usable once. */
export type Push = (frames: ServerFrame[]) => void;

/** At most this many frames wait in a mailbox; older ones give way (the transcript keeps them all). */
const MAILBOX_LIMIT = 50;

export class ChannelLink implements ShopperLink {
  /** One collector per request being answered, oldest first: a session's turns run in order, so frames belong to the oldest. */
  readonly #collectors: ServerFrame[][] = [];
  #mailbox: ServerFrame[] = [];
  #push: Push | null = null;
  #pushBatch: ServerFrame[] | null = null;
  /** Channel-specific memory of the last answer (the quick replies it offered, the rest of a long answer). */
  memory: unknown = null;

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
    this.#mailbox.push(frame);
    if (this.#mailbox.length > MAILBOX_LIMIT) this.#mailbox.splice(0, this.#mailbox.length - MAILBOX_LIMIT);
  }

  /** Sessions of request channels are not closed from here: an idle session simply ends. */
  close(): void {}

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
    return frames;
  }

  /** Frames (a late answer, an undelivered callback) for the shopper's next answer, after those already waiting. */
  keep(frames: readonly ServerFrame[]): void {
    this.#mailbox.push(...frames.filter(isShownFrame));
    if (this.#mailbox.length > MAILBOX_LIMIT) this.#mailbox.splice(0, this.#mailbox.length - MAILBOX_LIMIT);
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
      this.#mailbox.push(...this.#pushBatch);
      this.#pushBatch = null;
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
    else this.#mailbox.push(...frames);
  }
}
