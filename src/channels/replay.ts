// Replayed requests are answered once: a request identified by the same key within the window
// gets the first one's answer (awaiting it when it is still being worked out), and the turn is
// not run again. What identifies a request is the channel's to say (docs/channels.md#replays).
import type { Clock } from '../server/clock.ts';

/** Keys remembered at most; the oldest are forgotten first. */
const MAX_KEYS = 20_000;

export class ReplayGuard<T> {
  readonly #seen = new Map<string, { atMs: number; answer: Promise<T> }>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
  ) {}

  /** The answer for `key`: the remembered one within the window, otherwise `answer()`'s, remembered. */
  run(key: string, answer: () => Promise<T>): { replayed: boolean; answer: Promise<T> } {
    const now = this.clock.nowMs();
    this.#prune(now);
    const seen = this.#seen.get(key);
    if (seen && now - seen.atMs < this.windowMs) return { replayed: true, answer: seen.answer };
    const fresh = answer();
    if (this.windowMs > 0) {
      this.#seen.set(key, { atMs: now, answer: fresh });
      // A failed answer is not an answer: the next try runs again.
      fresh.catch(() => this.#seen.delete(key));
      if (this.#seen.size > MAX_KEYS) this.#seen.delete(this.#seen.keys().next().value!);
    }
    return { replayed: false, answer: fresh };
  }

  #prune(now: number): void {
    for (const [key, seen] of this.#seen) {
      if (now - seen.atMs < this.windowMs) break;
      this.#seen.delete(key);
    }
  }
}
