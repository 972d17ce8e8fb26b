// Per-account lockout for agent sign-in (privacy and trust, issue 18). Beside the per-address rate
// limit (agent-routes.ts), wrong passwords are counted per account *and* address: after
// MAX_FAILURES in a row from one address, that account is locked for that address only, for
// LOCK_MS, doubling with each further lock from that address up to MAX_LOCK_MS. The same account
// signs in from every other address as before, so an attacker who knows an agent's id cannot lock
// the agent out (docs/privacy.md, "Sign-in"). A correct password from the address clears its record.
import type { Clock } from './clock.ts';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
export const MAX_LOCK_MS = 24 * 60 * 60_000;
/** Records kept at most; the oldest that are not locked are forgotten first. */
const MAX_RECORDS = 50_000;

interface Record {
  failures: number;
  /** Locks so far from this address: each doubles the next one. */
  locks: number;
  lockedUntilMs: number;
}

export type GuardCheck = { locked: false } | { locked: true; retryAfterMs: number };

export class SignInGuard {
  readonly #records = new Map<string, Record>();

  constructor(private readonly clock: Clock) {}

  /** Whether `accountId` is locked for `address` now. */
  check(accountId: string, address: string): GuardCheck {
    const record = this.#records.get(key(accountId, address));
    const now = this.clock.nowMs();
    if (!record || record.lockedUntilMs <= now) return { locked: false };
    return { locked: true, retryAfterMs: record.lockedUntilMs - now };
  }

  /** A wrong password for an existing account: returns whether this failure locked it (for the address). */
  failed(accountId: string, address: string): { lockedNow: boolean; lockMs: number } {
    const k = key(accountId, address);
    const record = this.#records.get(k) ?? { failures: 0, locks: 0, lockedUntilMs: 0 };
    this.#records.delete(k); // re-inserted last: the map's order is least recently failed first
    record.failures += 1;
    let lockMs = 0;
    if (record.failures >= MAX_FAILURES) {
      lockMs = Math.min(MAX_LOCK_MS, LOCK_MS * 2 ** record.locks);
      record.locks += 1;
      record.failures = 0;
      record.lockedUntilMs = this.clock.nowMs() + lockMs;
    }
    this.#records.set(k, record);
    this.#evict();
    return { lockedNow: lockMs > 0, lockMs };
  }

  /** A correct password: the address starts afresh for this account. */
  succeeded(accountId: string, address: string): void {
    this.#records.delete(key(accountId, address));
  }

  #evict(): void {
    if (this.#records.size <= MAX_RECORDS) return;
    const now = this.clock.nowMs();
    for (const [k, record] of this.#records) {
      if (this.#records.size <= MAX_RECORDS) return;
      if (record.lockedUntilMs <= now) this.#records.delete(k);
    }
  }
}

const key = (accountId: string, address: string): string => `${accountId}\n${address}`;
