// Timers in PostgreSQL (daehwa_timers, migration 008) for server processes sharing a database.
// Every process polls: one statement claims the due timers of the kinds it handles with
// `FOR UPDATE SKIP LOCKED` (two processes polling at once never claim the same row) and marks them
// claimed until a lease runs out. The handler then runs without holding a connection; when it
// resolves the row is deleted, when it fails it is made due again later (backoff). A process that
// dies mid-handler leaves its claim to expire, and another process fires the timer again.
//
// Times are the server clock's (ms since the epoch), the same clock every other timestamp comes
// from; processes on several hosts should keep their clocks in step (NTP), as they must anyway.

import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { assertTimerKind, MAX_ATTEMPTS, retryDelayMs, timerKind, timerPayloadSchema, type DueTimer, type ScheduleOptions, type TimerClock, type TimerHandler, type TimerPayload, type Timers } from './types.ts';

export const TIMERS_TABLE = 'daehwa_timers';

/** Anything that runs a statement: a pg.Pool (a pooled connection per statement). */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
}

export interface PostgresTimersOptions {
  db: Queryable;
  clock: TimerClock;
  /** Who claims (shown in daehwa_timers.claimed_by while a handler runs). */
  origin?: string;
  /** How often the process looks for due timers; a timer fires at most this long after it is due. Default 1 s. */
  pollIntervalMs?: number;
  /** How long a claim lasts: a timer whose process dies mid-handler fires again this long after it was claimed. Default 60 s. */
  leaseMs?: number;
  /** Handlers this process runs at once at most. Default 4. */
  concurrency?: number;
  /** A poll or a handler failed (a handler's timer is tried again unless it gave up). */
  onError?: (error: Error, timer?: DueTimer) => void;
}

export interface PostgresTimers extends Timers {
  /** Claims and fires the due timers now (the poller does this every interval); resolves when their handlers have finished. */
  poll(): Promise<number>;
}

export function createPostgresTimers(options: PostgresTimersOptions): PostgresTimers {
  return new PgTimers(options);
}

interface ClaimedRow {
  key: string;
  kind: string;
  due_at_ms: string;
  payload: unknown;
  attempts: number;
  claim_token: string;
}

class PgTimers implements PostgresTimers {
  readonly #handlers = new Map<string, TimerHandler>();
  readonly #running = new Set<Promise<void>>();
  readonly #origin: string;
  #interval: NodeJS.Timeout | null = null;
  #polling: Promise<number> | null = null;
  #stopped = false;

  constructor(private readonly options: PostgresTimersOptions) {
    this.#origin = options.origin ?? `pid ${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  async schedule(key: string, dueAtMs: number, payload: TimerPayload = {}, scheduleOptions: ScheduleOptions = {}): Promise<void> {
    const kind = timerKind(key);
    const values = [key, kind, Math.round(dueAtMs), JSON.stringify(payload)];
    await this.options.db.query(
      scheduleOptions.ifAbsent
        ? `INSERT INTO ${TIMERS_TABLE} (key, kind, due_at_ms, payload) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (key) DO NOTHING`
        : // A timer being fired is replaced too: its claim token goes, so its handler's end leaves the new one.
          `INSERT INTO ${TIMERS_TABLE} (key, kind, due_at_ms, payload) VALUES ($1, $2, $3, $4::jsonb)
           ON CONFLICT (key) DO UPDATE SET kind = EXCLUDED.kind, due_at_ms = EXCLUDED.due_at_ms, payload = EXCLUDED.payload,
             attempts = 0, claim_token = NULL, claimed_by = NULL, claimed_until_ms = NULL, scheduled_at = now()`,
      values,
    );
  }

  async cancel(key: string): Promise<void> {
    await this.options.db.query(`DELETE FROM ${TIMERS_TABLE} WHERE key = $1`, [key]);
  }

  handle(kind: string, handler: TimerHandler): void {
    assertTimerKind(kind);
    this.#handlers.set(kind, handler);
  }

  start(): void {
    if (this.#interval || this.#stopped) return;
    const tick = (): void => {
      if (this.#polling || this.#stopped) return;
      void this.poll().catch(() => undefined);
    };
    this.#interval = setInterval(tick, this.options.pollIntervalMs ?? 1000);
    this.#interval.unref();
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#interval) clearInterval(this.#interval);
    this.#interval = null;
    await Promise.allSettled([this.#polling, ...this.#running]);
  }

  poll(): Promise<number> {
    if (this.#polling) return this.#polling;
    const polling = this.#poll().finally(() => {
      this.#polling = null;
    });
    this.#polling = polling;
    return polling;
  }

  async #poll(): Promise<number> {
    const kinds = [...this.#handlers.keys()];
    const room = (this.options.concurrency ?? 4) - this.#running.size;
    if (this.#stopped || kinds.length === 0 || room <= 0) return 0;
    const now = this.options.clock.nowMs();
    let rows: ClaimedRow[];
    try {
      ({ rows } = await this.options.db.query(
        `UPDATE ${TIMERS_TABLE} AS t
         SET claim_token = gen_random_uuid()::text, claimed_by = $4, claimed_until_ms = $2 + $5, attempts = t.attempts + 1
         FROM (
           SELECT key FROM ${TIMERS_TABLE}
           WHERE kind = ANY($1::text[]) AND due_at_ms <= $2 AND (claimed_until_ms IS NULL OR claimed_until_ms <= $2)
           ORDER BY due_at_ms
           LIMIT $3
           FOR UPDATE SKIP LOCKED
         ) AS due
         WHERE t.key = due.key
         RETURNING t.key, t.kind, t.due_at_ms, t.payload, t.attempts, t.claim_token`,
        [kinds, now, room, this.#origin, this.options.leaseMs ?? 60_000],
      ));
    } catch (error) {
      this.#error(new Error(`looking for due timers failed: ${(error as Error).message}`, { cause: error }));
      throw error;
    }
    const runs = rows.map((row) => this.#run(row));
    await Promise.allSettled(runs);
    return rows.length;
  }

  #run(row: ClaimedRow): Promise<void> {
    const run = (async () => {
      const parsed = timerPayloadSchema.safeParse(row.payload);
      const timer: DueTimer = { key: row.key, kind: row.kind, dueAtMs: Number(row.due_at_ms), payload: parsed.success ? parsed.data : {}, attempt: row.attempts };
      const handler = this.#handlers.get(row.kind);
      try {
        if (!parsed.success) throw new Error(`its payload in ${TIMERS_TABLE} is not a JSON object`);
        if (!handler) throw new Error(`no handler for timers of kind ${row.kind}`);
        await handler(timer);
      } catch (error) {
        await this.#failed(row, timer, error);
        return;
      }
      // Only the claim that ran: a timer scheduled again meanwhile (new due time, no claim token) stays.
      await this.options.db
        .query(`DELETE FROM ${TIMERS_TABLE} WHERE key = $1 AND claim_token = $2`, [row.key, row.claim_token])
        .catch((error: unknown) => this.#error(new Error(`timer ${row.key} fired but could not be removed (it fires again once its claim runs out): ${(error as Error).message}`, { cause: error }), timer));
    })();
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
    return run;
  }

  async #failed(row: ClaimedRow, timer: DueTimer, error: unknown): Promise<void> {
    const again = row.attempts < MAX_ATTEMPTS;
    this.#error(new Error(`timer ${row.key} failed (attempt ${row.attempts}${again ? '; it is tried again' : '; given up'}): ${(error as Error)?.message ?? String(error)}`, { cause: error }), timer);
    const statement = again
      ? {
          text: `UPDATE ${TIMERS_TABLE} SET due_at_ms = $3, claim_token = NULL, claimed_by = NULL, claimed_until_ms = NULL WHERE key = $1 AND claim_token = $2`,
          values: [row.key, row.claim_token, this.options.clock.nowMs() + retryDelayMs(row.attempts)],
        }
      : { text: `DELETE FROM ${TIMERS_TABLE} WHERE key = $1 AND claim_token = $2`, values: [row.key, row.claim_token] };
    // If this fails too, the claim runs out and another poll tries the timer again.
    await this.options.db.query(statement.text, statement.values).catch((cause: unknown) => this.#error(cause as Error, timer));
  }

  #error(error: Error, timer?: DueTimer): void {
    (this.options.onError ?? ((e: Error) => process.emitWarning(e)))(error, timer);
  }
}
