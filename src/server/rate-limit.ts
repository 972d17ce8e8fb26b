// A token bucket per connection: `burst` frames at once, refilled at `perSecond`.
import type { Clock } from './clock.ts';

export class TokenBucket {
  #tokens: number;
  #updatedMs: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.#tokens = burst;
    this.#updatedMs = clock.nowMs();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.clock.nowMs();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#updatedMs) / 1000) * this.perSecond);
    this.#updatedMs = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** One bucket per key (an IP address), forgotten wholesale when too many keys pile up. */
export class KeyedRateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string): boolean {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.maxKeys) this.#buckets.clear();
      bucket = new TokenBucket(this.perSecond, this.burst, this.clock);
      this.#buckets.set(key, bucket);
    }
    return bucket.take();
  }
}
