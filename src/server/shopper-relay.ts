// Frames for a shopper whose socket another process may hold (several processes on one database):
// every frame a process sends to a session is delivered to its own sockets at once and appended to
// the outbox; the other processes hear of it on the bus and send the outbox's frames after the
// last seq they delivered to the sockets they hold. After the bus reconnects, every linked session
// is read from its last seq, so a lost notification delays a frame but never drops it.
import type { Bus, BusNote, FrameOutbox, OutboxFrame } from '../store/coordination.ts';
import type { Logger } from './logging.ts';
import type { ServerFrame } from './protocol.ts';
import type { LiveSession } from './sessions.ts';

export interface ShopperRelayOptions {
  origin: string;
  bus: Bus;
  outbox: FrameOutbox;
  log: Logger;
  /** The session as this process holds it, if it does. */
  cached(sessionId: string): LiveSession | undefined;
  /** Sessions with at least one socket on this process. */
  linked(): Iterable<LiveSession>;
}

export class ShopperRelay {
  /** Per session: the seq of the last outbox frame this process has seen (delivered or its own). */
  readonly #cursor = new Map<string, number>();
  /** Per session: frames waiting for this tick's append, and the append before them. */
  readonly #pending = new Map<string, OutboxFrame[]>();
  readonly #appending = new Map<string, Promise<void>>();
  readonly #reading = new Map<string, Promise<void>>();
  readonly #unsubscribe: (() => void)[];

  constructor(private readonly options: ShopperRelayOptions) {
    this.#unsubscribe = [options.bus.subscribe((note) => this.#onNote(note)), options.bus.onResubscribed(() => this.#catchUp())];
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  /** Sent to this process's sockets already: queue it for the others (one append per session per tick). */
  forward(sessionId: string, frame: ServerFrame): void {
    const pending = this.#pending.get(sessionId);
    if (pending) {
      pending.push(frame);
      return;
    }
    this.#pending.set(sessionId, [frame]);
    const previous = this.#appending.get(sessionId) ?? Promise.resolve();
    const next = previous.then(async () => {
      // Taken when its turn comes, so frames sent while the previous append ran join this one.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const frames = this.#pending.get(sessionId) ?? [];
      this.#pending.delete(sessionId);
      try {
        const seq = await this.options.outbox.append(sessionId, frames);
        // Our own frames are not for us: the cursor moves past them unless others came between.
        if ((this.#cursor.get(sessionId) ?? 0) === seq - frames.length) this.#cursor.set(sessionId, seq);
      } catch (err) {
        this.options.log.error({ err, sessionId }, 'frames for other processes could not be stored');
      }
    });
    this.#appending.set(sessionId, next);
    void next.then(() => {
      if (this.#appending.get(sessionId) === next) this.#appending.delete(sessionId);
    });
  }

  /**
   * A socket starts showing the session here: what was before is in the history it is sent, so
   * delivery starts after the outbox's current last frame.
   */
  async startFrom(live: LiveSession): Promise<void> {
    this.#cursor.set(live.record.id, await this.options.outbox.lastSeq(live.record.id));
  }

  /** A new session: it has no frames yet. */
  startAt(sessionId: string, seq: number): void {
    this.#cursor.set(sessionId, seq);
  }

  forget(sessionId: string): void {
    this.#cursor.delete(sessionId);
  }

  #onNote(note: BusNote): void {
    if (note.kind !== 'frames') return;
    const live = this.options.cached(note.sessionId);
    if (!live || live.links.size === 0) {
      // Nobody here shows it: nothing to read, and a socket that comes later starts from the history.
      if (live) this.#cursor.delete(note.sessionId);
      return;
    }
    if ((this.#cursor.get(note.sessionId) ?? 0) >= note.seq) return;
    this.#read(live);
  }

  #catchUp(): void {
    for (const live of this.options.linked()) this.#read(live);
  }

  /** Reads and sends the outbox after the cursor; reads for one session never overlap. */
  #read(live: LiveSession): void {
    const sessionId = live.record.id;
    const previous = this.#reading.get(sessionId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const cursor = this.#cursor.get(sessionId);
      if (cursor === undefined) {
        await this.startFrom(live);
        return;
      }
      try {
        const entries = await this.options.outbox.after(sessionId, cursor);
        for (const entry of entries) {
          if (entry.origin !== this.options.origin) for (const link of live.links) link.send(entry.frame as ServerFrame);
          this.#cursor.set(sessionId, entry.seq);
        }
      } catch (err) {
        this.options.log.error({ err, sessionId }, 'frames from other processes could not be read');
      }
    });
    this.#reading.set(sessionId, next);
    void next.then(() => {
      if (this.#reading.get(sessionId) === next) this.#reading.delete(sessionId);
    });
  }
}
