// The shopper's wait estimate, from the pace at which agents have lately taken conversations of
// the same queue (a team's, or the shared one). Pure: claim times in, an estimate out.
//
// With n claims in the window, the oldest at t0, the queue moves one place every (now - t0) / n:
// a queue whose agents stopped taking conversations slows down as time passes without a claim,
// rather than keeping the pace of an hour ago. The place p is reached in about p such steps.
// Fewer than `minSamples` claims in the window, or nobody there to answer: no estimate, since a
// number made up from nothing is worse than the position alone.

export interface PaceSettings {
  windowMs: number;
  minSamples: number;
}

/** Longest wait worth a number: beyond it the shopper is told "more than an hour". */
export const MAX_ESTIMATE_MS = 60 * 60_000;
/** Two claims of one item this close are one claim seen twice (the queue's change and the analytics fact). */
const SAME_CLAIM_MS = 5000;

export class QueuePace {
  /** Per lane (team id, or '' for the shared queue): claim times, oldest first. */
  readonly #claims = new Map<string, number[]>();
  /** Claims already counted, per item: the same claim seen twice (here, and in the facts a moment later) counts once. */
  readonly #byItem = new Map<string, number[]>();

  constructor(private readonly settings: PaceSettings) {}

  /** An agent took a conversation of the lane at `atMs`. */
  claimed(lane: string | null, itemId: string, atMs: number): void {
    const known = this.#byItem.get(itemId) ?? [];
    if (known.some((at) => Math.abs(at - atMs) < SAME_CLAIM_MS)) return;
    known.push(atMs);
    this.#byItem.set(itemId, known);
    const list = this.#claims.get(lane ?? '') ?? [];
    list.push(atMs);
    list.sort((a, b) => a - b);
    this.#claims.set(lane ?? '', list);
  }

  /** Forgets claims older than the window. */
  prune(nowMs: number): void {
    const from = nowMs - this.settings.windowMs;
    for (const [lane, list] of this.#claims) {
      const kept = list.filter((at) => at >= from);
      if (kept.length > 0) this.#claims.set(lane, kept);
      else this.#claims.delete(lane);
    }
    for (const [itemId, times] of this.#byItem) {
      const kept = times.filter((at) => at >= from - SAME_CLAIM_MS);
      if (kept.length > 0) this.#byItem.set(itemId, kept);
      else this.#byItem.delete(itemId);
    }
  }

  /** How long one place takes in the lane, or null without enough claims. */
  stepMs(lane: string | null, nowMs: number): number | null {
    const from = nowMs - this.settings.windowMs;
    const recent = (this.#claims.get(lane ?? '') ?? []).filter((at) => at >= from && at <= nowMs);
    if (recent.length < this.settings.minSamples || recent.length === 0) return null;
    return Math.max(1, nowMs - recent[0]!) / recent.length;
  }

  /** The wait for place `position` (1: next), to the nearest whole minute (at least one), capped; null: no estimate. */
  estimate(lane: string | null, position: number, nowMs: number): number | null {
    const step = this.stepMs(lane, nowMs);
    if (step === null) return null;
    const minutes = Math.max(1, Math.round((step * position) / 60_000));
    return Math.min(minutes * 60_000, MAX_ESTIMATE_MS);
  }
}
