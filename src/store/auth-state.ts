// What agent sign-in remembers between requests (issue 13): tokens ended by sign-out, and wrong
// passwords counted per account and address (src/server/sign-in-guard.ts decides the lockouts).
// One process keeps them in memory (createMemoryAuthState); processes sharing PostgreSQL keep them
// in the database (src/store/postgres/auth-state.ts), so a token signed out on one process is
// refused by every other at once, and failures on several processes add up to one lockout.

/** How wrong passwords lock an account for one address (the numbers are sign-in-guard.ts's). */
export interface LockoutPolicy {
  /** Failures in a row that lock. */
  maxFailures: number;
  /** The first lock; each further lock from the same address doubles it … */
  lockMs: number;
  /** … up to this. */
  maxLockMs: number;
}

export interface SignInRecords {
  /** Until when `accountId` is locked for `address`, ms since the epoch; 0 when it never was. */
  lockedUntil(accountId: string, address: string): Promise<number>;
  /**
   * One more wrong password, counted in one step (two processes counting at once both count).
   * Returns the lock this failure started (`lockMs` 0: none).
   */
  failed(accountId: string, address: string, nowMs: number, policy: LockoutPolicy): Promise<{ lockMs: number; lockedUntilMs: number }>;
  /** A correct password: the address starts afresh for the account. */
  succeeded(accountId: string, address: string): Promise<void>;
}

export interface RevokedTokens {
  /** Ends token `tokenId`, which would expire at `expiresAtMs`; every process refuses it from now on. */
  revoke(tokenId: string, expiresAtMs: number): Promise<void>;
  /** Whether `tokenId` was revoked (on any process). */
  isRevoked(tokenId: string): Promise<boolean>;
  /**
   * Each token id revoked from now on, on this process or another (sockets signed in with it are
   * closed). Returns the unsubscribe function.
   */
  onRevoked(listener: (tokenId: string) => void): () => void;
}

export interface AuthState {
  readonly signIns: SignInRecords;
  readonly revocations: RevokedTokens;
}

/** Lock the next failure would start after `locks` earlier ones: lockMs doubled each time, capped. */
export function lockDuration(policy: LockoutPolicy, locks: number): number {
  return Math.min(policy.maxLockMs, policy.lockMs * 2 ** locks);
}

interface FailureRecord {
  failures: number;
  /** Locks so far from this address: each doubles the next one. */
  locks: number;
  lockedUntilMs: number;
}

/** Records kept at most in memory; the oldest that are not locked are forgotten first. */
const MAX_RECORDS = 50_000;

/** The state of one process: in memory, lost on restart (a restart also ends its sockets). */
export function createMemoryAuthState(options: { nowMs: () => number; maxRecords?: number }): AuthState {
  const records = new Map<string, FailureRecord>();
  const maxRecords = options.maxRecords ?? MAX_RECORDS;
  /** Revoked token id -> its expiry: kept until the token would have expired anyway. */
  const revoked = new Map<string, number>();
  const listeners = new Set<(tokenId: string) => void>();
  const key = (accountId: string, address: string): string => `${accountId}\n${address}`;

  const evict = (): void => {
    if (records.size <= maxRecords) return;
    const now = options.nowMs();
    for (const [k, record] of records) {
      if (records.size <= maxRecords) return;
      if (record.lockedUntilMs <= now) records.delete(k);
    }
  };

  return {
    signIns: {
      async lockedUntil(accountId, address) {
        return records.get(key(accountId, address))?.lockedUntilMs ?? 0;
      },
      async failed(accountId, address, nowMs, policy) {
        const k = key(accountId, address);
        const record = records.get(k) ?? { failures: 0, locks: 0, lockedUntilMs: 0 };
        records.delete(k); // re-inserted last: the map's order is least recently failed first
        record.failures += 1;
        let lockMs = 0;
        if (record.failures >= policy.maxFailures) {
          lockMs = lockDuration(policy, record.locks);
          record.locks += 1;
          record.failures = 0;
          record.lockedUntilMs = nowMs + lockMs;
        }
        records.set(k, record);
        evict();
        return { lockMs, lockedUntilMs: record.lockedUntilMs };
      },
      async succeeded(accountId, address) {
        records.delete(key(accountId, address));
      },
    },
    revocations: {
      async revoke(tokenId, expiresAtMs) {
        const now = options.nowMs();
        for (const [id, exp] of revoked) if (exp <= now) revoked.delete(id);
        revoked.set(tokenId, expiresAtMs);
        for (const listener of listeners) listener(tokenId);
      },
      async isRevoked(tokenId) {
        return revoked.has(tokenId);
      },
      onRevoked(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
}
