// What /healthz tells of a PostgreSQL store and its coordination: whether the database answers
// (and how fast), its schema version, and each pool's connections.
import type pg from 'pg';

export interface PoolStats {
  /** Connections the pool opens at most. */
  max: number;
  /** Connections open now, idle ones included. */
  total: number;
  idle: number;
  /** Requests waiting for a connection: all `max` are busy. */
  waiting: number;
}

export function poolStats(pool: pg.Pool, max: number): PoolStats {
  return { max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

export type StoreHealth =
  | { kind: 'postgres'; reachable: true; schemaVersion: number; latencyMs: number; pool: PoolStats }
  | { kind: 'postgres'; reachable: false; error: string; pool: PoolStats };

/** Resolves with `promise`, or rejects after `ms` saying what timed out. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
