// Per-account lockout for agent sign-in (privacy and trust, issue 18). Beside the per-address rate
// limit (agent-routes.ts), wrong passwords are counted per account *and* address: after
// MAX_FAILURES in a row from one address, that account is locked for that address only, for
// LOCK_MS, doubling with each further lock from that address up to MAX_LOCK_MS. The same account
// signs in from every other address as before, so an attacker who knows an agent's id cannot lock
// the agent out (docs/privacy.md, "Sign-in"). A correct password from the address clears its record.
// The counts are kept by a SignInRecords (src/store/auth-state.ts): in memory for one process, in
// PostgreSQL for several (issue 13), where failures on every process add up to one lockout.
import { createMemoryAuthState, type LockoutPolicy, type SignInRecords } from '../store/auth-state.ts';
import type { Clock } from './clock.ts';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
export const MAX_LOCK_MS = 24 * 60 * 60_000;

export const LOCKOUT_POLICY: LockoutPolicy = { maxFailures: MAX_FAILURES, lockMs: LOCK_MS, maxLockMs: MAX_LOCK_MS };

export type GuardCheck = { locked: false } | { locked: true; retryAfterMs: number };

export class SignInGuard {
  constructor(
    private readonly clock: Clock,
    private readonly records: SignInRecords = createMemoryAuthState({ nowMs: () => clock.nowMs() }).signIns,
  ) {}

  /** Whether `accountId` is locked for `address` now. */
  async check(accountId: string, address: string): Promise<GuardCheck> {
    const lockedUntilMs = await this.records.lockedUntil(accountId, address);
    const now = this.clock.nowMs();
    if (lockedUntilMs <= now) return { locked: false };
    return { locked: true, retryAfterMs: lockedUntilMs - now };
  }

  /** A wrong password for an existing account: returns whether this failure locked it (for the address). */
  async failed(accountId: string, address: string): Promise<{ lockedNow: boolean; lockMs: number }> {
    const { lockMs } = await this.records.failed(accountId, address, this.clock.nowMs(), LOCKOUT_POLICY);
    return { lockedNow: lockMs > 0, lockMs };
  }

  /** A correct password: the address starts afresh for this account. */
  async succeeded(accountId: string, address: string): Promise<void> {
    await this.records.succeeded(accountId, address);
  }
}
