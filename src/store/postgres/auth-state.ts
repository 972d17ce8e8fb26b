// The AuthState of src/store/auth-state.ts in PostgreSQL (tables of migration 008), for server
// processes sharing a database:
// - revocations: daehwa_revoked_tokens, written and announced on the bus in one statement; a
//   token is checked against the table on every request (one indexed read), so a sign-out on one
//   process is refused by the next request on any other; sockets signed in with the token hear
//   of it through the bus (and, after the listening connection came back, from the table);
// - lockouts: daehwa_sign_in_failures, one upsert per wrong password, so the failures of several
//   processes add up to the same lockout one process would give.

import type pg from 'pg';
import type { AuthState, LockoutPolicy, RevokedTokens, SignInRecords } from '../auth-state.ts';
import type { Bus } from '../coordination.ts';

const REVOKED = 'daehwa_revoked_tokens';
const FAILURES = 'daehwa_sign_in_failures';
/** Failure records idle this long and not locked are deleted (a lock never lasts longer). */
const FAILURES_KEPT_MS = 24 * 60 * 60_000;

export interface PostgresAuthStateOptions {
  db: Pick<pg.Pool, 'query'>;
  /** The bus of the coordination on the same database: revocations reach the other processes' sockets through it. */
  bus: Bus;
  /** BUS_CHANNEL and this process's origin on it (the note is sent by the statement that stores the revocation). */
  channel: string;
  origin: string;
  nowMs: () => number;
  /** How often expired revocations and idle failure records are deleted. Default 10 min. */
  pruneIntervalMs?: number;
  onError?: (error: Error) => void;
}

export interface PostgresAuthState extends AuthState {
  /** Deletes expired revocations and idle failure records now. */
  prune(): Promise<void>;
  close(): void;
}

export function createPostgresAuthState(options: PostgresAuthStateOptions): PostgresAuthState {
  const { db, bus } = options;
  const listeners = new Set<(tokenId: string) => void>();
  /** Revocations this process knows of (token id -> expiry): a second use is refused without a read. */
  const known = new Map<string, number>();
  const error = (e: Error): void => (options.onError ?? ((x: Error) => process.emitWarning(x)))(e);
  const tell = (tokenId: string): void => {
    for (const listener of listeners) {
      try {
        listener(tokenId);
      } catch (e) {
        error(e as Error);
      }
    }
  };
  const remember = (tokenId: string, expiresAtMs: number): void => {
    const now = options.nowMs();
    if (known.size > 1000) for (const [id, exp] of known) if (exp <= now) known.delete(id);
    known.set(tokenId, expiresAtMs);
  };

  const unsubscribe = [
    bus.subscribe((note) => {
      if (note.kind !== 'revoked') return;
      remember(note.tokenId, note.expiresAtMs);
      tell(note.tokenId);
    }),
    // Notes were missed while the listening connection was down: every token still revoked is
    // told again (a listener ignores the ids that are not its own).
    bus.onResubscribed(() => {
      db.query<{ token_id: string; expires_at_ms: string }>(`SELECT token_id, expires_at_ms FROM ${REVOKED} WHERE expires_at_ms > $1`, [options.nowMs()])
        .then(({ rows }) => {
          for (const row of rows) {
            remember(row.token_id, Number(row.expires_at_ms));
            tell(row.token_id);
          }
        })
        .catch((e: unknown) => error(new Error(`reading the revoked sign-ins after a reconnection failed: ${(e as Error).message}`, { cause: e })));
    }),
  ];

  const revocations: RevokedTokens = {
    async revoke(tokenId, expiresAtMs) {
      // Stored and announced in one statement: the note goes out when the row is committed.
      await db.query(
        `WITH stored AS (
           INSERT INTO ${REVOKED} (token_id, expires_at_ms) VALUES ($1, $2::bigint) ON CONFLICT (token_id) DO NOTHING
         )
         SELECT pg_notify($3, json_build_object('origin', $4::text, 'note', json_build_object('kind', 'revoked', 'tokenId', $1::text, 'expiresAtMs', $2::bigint))::text)`,
        [tokenId, Math.round(expiresAtMs), options.channel, options.origin],
      );
      remember(tokenId, expiresAtMs);
      tell(tokenId);
    },
    async isRevoked(tokenId) {
      if (known.has(tokenId)) return true;
      const { rows } = await db.query<{ expires_at_ms: string }>(`SELECT expires_at_ms FROM ${REVOKED} WHERE token_id = $1`, [tokenId]);
      if (rows[0]) remember(tokenId, Number(rows[0].expires_at_ms));
      return rows.length > 0;
    },
    onRevoked(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  const signIns: SignInRecords = {
    async lockedUntil(accountId, address) {
      const { rows } = await db.query<{ locked_until_ms: string }>(`SELECT locked_until_ms FROM ${FAILURES} WHERE account_id = $1 AND address = $2`, [
        accountId,
        address,
      ]);
      return rows[0] ? Number(rows[0].locked_until_ms) : 0;
    },
    async failed(accountId, address, nowMs, policy: LockoutPolicy) {
      // One statement: the row's lock orders concurrent failures, each sees the count before it.
      // The SET expressions read the row as it was (f.*), so "locks now" is decided once per failure.
      const { rows } = await db.query<{ failures: number; locked_until_ms: string }>(
        `INSERT INTO ${FAILURES} AS f (account_id, address, failures, locks, locked_until_ms, updated_at_ms)
         VALUES ($1, $2,
           CASE WHEN 1 >= $4::integer THEN 0 ELSE 1 END,
           CASE WHEN 1 >= $4::integer THEN 1 ELSE 0 END,
           CASE WHEN 1 >= $4::integer THEN $3::bigint + LEAST($6::float8, $5::float8)::bigint ELSE 0 END,
           $3::bigint)
         ON CONFLICT (account_id, address) DO UPDATE SET
           failures = CASE WHEN f.failures + 1 >= $4::integer THEN 0 ELSE f.failures + 1 END,
           locks = CASE WHEN f.failures + 1 >= $4::integer THEN f.locks + 1 ELSE f.locks END,
           locked_until_ms = CASE WHEN f.failures + 1 >= $4::integer
             THEN $3::bigint + LEAST($6::float8, $5::float8 * power(2::float8, LEAST(f.locks, 60)))::bigint
             ELSE f.locked_until_ms END,
           updated_at_ms = $3::bigint
         RETURNING failures, locked_until_ms`,
        [accountId, address, Math.round(nowMs), policy.maxFailures, policy.lockMs, policy.maxLockMs],
      );
      const row = rows[0];
      const lockedUntilMs = row ? Number(row.locked_until_ms) : 0;
      // A failure that does not lock leaves at least one counted; one that locks starts the count afresh.
      const lockMs = row && row.failures === 0 ? lockedUntilMs - Math.round(nowMs) : 0;
      return { lockMs, lockedUntilMs };
    },
    async succeeded(accountId, address) {
      await db.query(`DELETE FROM ${FAILURES} WHERE account_id = $1 AND address = $2`, [accountId, address]);
    },
  };

  const prune = async (): Promise<void> => {
    const now = options.nowMs();
    await db.query(`DELETE FROM ${REVOKED} WHERE expires_at_ms <= $1`, [now]);
    await db.query(`DELETE FROM ${FAILURES} WHERE updated_at_ms < $1 AND locked_until_ms <= $2`, [now - FAILURES_KEPT_MS, now]);
  };
  const pruneNow = (): void => void prune().catch((e: unknown) => error(new Error(`pruning the sign-in records failed: ${(e as Error).message}`, { cause: e })));
  const timer = setInterval(pruneNow, options.pruneIntervalMs ?? 10 * 60_000);
  timer.unref();
  pruneNow();

  return {
    signIns,
    revocations,
    prune,
    close() {
      clearInterval(timer);
      for (const off of unsubscribe) off();
    },
  };
}
