// The Coordination of src/store/coordination.ts on PostgreSQL, for server processes sharing the
// database of a PostgresStore (whose migrations created the tables used here):
// - the turn lock: pg_advisory_xact_lock on (a daehwa key, hashtext(session id)) in a
//   transaction held on a connection of its own pool while the task runs;
// - the bus: NOTIFY on one channel, JSON {origin, note} with ids only; one LISTEN connection that
//   reconnects (with backoff) when it drops and then tells subscribers to catch up;
// - the outbox: daehwa_session_frames, numbered per session under the session row's lock.

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { StoreError } from '../errors.ts';
import {
  busMessageSchema,
  type Bus,
  type BusNote,
  type Coordination,
  type FrameOutbox,
  type OutboxEntry,
  type OutboxFrame,
  type SessionLocks,
} from '../coordination.ts';
import { databaseUrlProblem, redactDatabaseUrl } from './url.ts';
import { createPostgresAuthState, type PostgresAuthState } from './auth-state.ts';
import { createPostgresTimers, type PostgresTimers, type PostgresTimersOptions } from '../../timers/postgres.ts';
import { poolStats, type PoolStats } from './health.ts';

/** The channel every daehwa process on the database listens on. */
export const BUS_CHANNEL = 'daehwa_bus';
/** The application_name of the listening connection (so an operator, or a test, can find it). */
export const LISTENER_APPLICATION_NAME = 'daehwa-listen';
/** First key of the two-key advisory locks taken per session ("dh" as an int4). */
const TURN_LOCK_SPACE = 0x6468;
/** NOTIFY payloads must stay under 8000 bytes; ours are ids, far below. */
const MAX_PAYLOAD_BYTES = 7900;
const FRAMES = 'daehwa_session_frames';

export interface PostgresCoordinationOptions {
  connectionString: string;
  /** Connections for turn locks, notifications and the outbox: the most turns this process runs at once. */
  poolSize?: number;
  /** How long a turn waits for its session's lock before it fails. */
  lockTimeoutMs?: number;
  /** Outbox frames older than this are deleted (they only serve sockets that are connected). */
  frameRetentionMs?: number;
  /** The listening connection dropped, or a notification could not be read. */
  onError?: (error: Error) => void;
  /** The listening connection is back after a drop (logs). */
  onReconnected?: () => void;
  /** Backoff between reconnection attempts, first and largest. */
  reconnectDelayMs?: { first: number; max: number };
  /** Awaited before each reconnection attempt (tests hold the connection down with it). */
  beforeReconnect?: () => Promise<void>;
}

export interface CoordinationHealth {
  listening: boolean;
  pool: PoolStats;
  /**
   * Over the last LOCK_WAIT_SAMPLES turns (`count`: every turn since start): how long a turn waited
   * for a connection of the pool (all busy: turns queue here), then for its session's lock once
   * connected (one round trip, longer only while another process runs a turn of that session).
   */
  poolWaitMs: WaitSummary;
  lockWaitMs: WaitSummary;
}

export interface WaitSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

class WaitSamples {
  readonly #samples = new Float64Array(LOCK_WAIT_SAMPLES);
  #count = 0;

  add(ms: number): void {
    this.#samples[this.#count++ % LOCK_WAIT_SAMPLES] = ms;
  }

  summary(): WaitSummary {
    const held = Math.min(this.#count, LOCK_WAIT_SAMPLES);
    const sorted = Array.from(this.#samples.subarray(0, held)).sort((a, b) => a - b);
    const at = (q: number): number => (held === 0 ? 0 : Math.round((sorted[Math.max(0, Math.ceil(q * held) - 1)] ?? 0) * 100) / 100);
    return { count: this.#count, p50: at(0.5), p99: at(0.99), max: at(1) };
  }
}

/** Lock waits kept for the percentiles /healthz shows. */
const LOCK_WAIT_SAMPLES = 4096;

export interface PostgresCoordination extends Coordination {
  /** Whether the LISTEN connection is up now. */
  readonly listening: boolean;
  /**
   * Sign-out revocations and sign-in lockouts shared by every process on the database (migration
   * 011), on this coordination's pool and bus; closed with the coordination.
   */
  createAuthState(options: { nowMs: () => number; onError?: (error: Error) => void }): PostgresAuthState;
  /** Durable timers in daehwa_timers (migration 008), on this coordination's pool; the caller starts and stops them. */
  createTimers(options: Omit<PostgresTimersOptions, 'db' | 'origin'>): PostgresTimers;
  /** The pool's connections, whether the LISTEN connection is up, and the recent turn-lock waits (for /healthz). */
  health(): CoordinationHealth;
}

const outboxRowSchema = z.object({
  seq: z.number().int().positive(),
  origin: z.string().min(1),
  frame: z.looseObject({ type: z.string().min(1) }),
});

export async function createPostgresCoordination(options: PostgresCoordinationOptions): Promise<PostgresCoordination> {
  const problem = databaseUrlProblem(options.connectionString);
  if (problem) throw new StoreError('unavailable', `the PostgreSQL connection URL is not usable: ${problem}`);
  const coordination = new PgCoordination(options);
  try {
    await coordination.start();
  } catch (error) {
    await coordination.close();
    throw error;
  }
  return coordination;
}

class PgCoordination implements PostgresCoordination {
  readonly origin = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly locks: SessionLocks;
  readonly bus: Bus;
  readonly outbox: FrameOutbox;
  readonly #pool: pg.Pool;
  readonly #where: string;
  readonly #handlers = new Set<(note: BusNote) => void>();
  readonly #resubscribed = new Set<() => void>();
  #listener: pg.Client | null = null;
  #listening = false;
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #pruneTimer: NodeJS.Timeout | null = null;
  #everConnected = false;
  readonly #authStates = new Set<PostgresAuthState>();
  readonly #poolWaits = new WaitSamples();
  readonly #lockWaits = new WaitSamples();

  constructor(private readonly options: PostgresCoordinationOptions) {
    this.#where = redactDatabaseUrl(options.connectionString);
    this.#pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
    this.#pool.on('error', (error) => this.#error(error));
    this.locks = { run: (key, task) => this.#withLock(key, task) };
    this.bus = {
      publish: (note) => this.#publish(note),
      subscribe: (handler) => {
        this.#handlers.add(handler);
        return () => this.#handlers.delete(handler);
      },
      onResubscribed: (handler) => {
        this.#resubscribed.add(handler);
        return () => this.#resubscribed.delete(handler);
      },
    };
    this.outbox = {
      append: (sessionId, frames) => this.#append(sessionId, frames),
      after: (sessionId, seq) => this.#after(sessionId, seq),
      lastSeq: async (sessionId) => {
        const { rows } = await this.#pool.query<{ last_frame_seq: number }>('SELECT last_frame_seq FROM daehwa_sessions WHERE id = $1', [sessionId]);
        return rows[0]?.last_frame_seq ?? 0;
      },
    };
  }

  get listening(): boolean {
    return this.#listening;
  }

  createAuthState(options: { nowMs: () => number; onError?: (error: Error) => void }): PostgresAuthState {
    this.#ensureOpen();
    const state = createPostgresAuthState({
      db: this.#pool,
      bus: this.bus,
      channel: BUS_CHANNEL,
      origin: this.origin,
      nowMs: options.nowMs,
      onError: options.onError ?? ((error) => this.#error(error)),
    });
    this.#authStates.add(state);
    return state;
  }

  createTimers(options: Omit<PostgresTimersOptions, 'db' | 'origin'>): PostgresTimers {
    this.#ensureOpen();
    return createPostgresTimers({ ...options, db: this.#pool, origin: this.origin });
  }

  health(): CoordinationHealth {
    return {
      listening: this.#listening,
      pool: poolStats(this.#pool, this.options.poolSize ?? 10),
      poolWaitMs: this.#poolWaits.summary(),
      lockWaitMs: this.#lockWaits.summary(),
    };
  }

  async start(): Promise<void> {
    try {
      await this.#listen();
    } catch (error) {
      throw new StoreError('unavailable', `cannot listen for notifications on PostgreSQL at ${this.#where}: ${(error as Error).message}`, { cause: error });
    }
    const retention = this.options.frameRetentionMs ?? 60 * 60_000;
    const prune = (): void => {
      this.#pool
        .query(`DELETE FROM ${FRAMES} WHERE created_at < now() - make_interval(secs => $1)`, [retention / 1000])
        .catch((error: unknown) => this.#error(error as Error));
    };
    prune();
    this.#pruneTimer = setInterval(prune, Math.min(retention, 10 * 60_000));
    this.#pruneTimer.unref();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#pruneTimer) clearInterval(this.#pruneTimer);
    for (const state of this.#authStates) state.close();
    const listener = this.#listener;
    this.#listener = null;
    this.#listening = false;
    await Promise.allSettled([listener?.end(), this.#pool.end()]);
  }

  // ---- the turn lock ----

  async #withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    this.#ensureOpen();
    const asked = performance.now();
    const client = await this.#pool.connect();
    const connected = performance.now();
    this.#poolWaits.add(connected - asked);
    let broken: Error | undefined;
    // The connection sits idle in its transaction while the turn runs: a drop then is an 'error'
    // event on the client, which would be thrown from the process without a listener.
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      const timeout = Math.max(1, Math.round(this.options.lockTimeoutMs ?? 30_000));
      try {
        // One round trip: a simple query of three statements (no parameters there, so the key is
        // sent as an escaped literal).
        await client.query(`BEGIN; SET LOCAL lock_timeout = ${timeout}; SELECT pg_advisory_xact_lock(${TURN_LOCK_SPACE}, hashtext(${client.escapeLiteral(key)}))`);
        this.#lockWaits.add(performance.now() - connected);
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError as Error;
        });
        const timedOut = (error as { code?: string }).code === '55P03';
        throw new StoreError(
          'unavailable',
          timedOut
            ? `waited more than ${timeout} ms for the turn lock of session ${key}: another process holds it`
            : `cannot take the turn lock of session ${key}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      try {
        return await task();
      } finally {
        // Ends the transaction, which releases the lock; a connection that broke released it already.
        await client.query('COMMIT').catch((error: unknown) => {
          broken = error as Error;
        });
      }
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  // ---- the bus ----

  async #publish(note: BusNote): Promise<void> {
    this.#ensureOpen();
    await this.#pool.query('SELECT pg_notify($1, $2)', [BUS_CHANNEL, this.#payload(note)]);
  }

  #payload(note: BusNote): string {
    const payload = JSON.stringify({ origin: this.origin, note });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new StoreError('unavailable', `a bus note of ${payload.length} characters is too long for NOTIFY: notes carry ids only`);
    return payload;
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString, application_name: LISTENER_APPLICATION_NAME, connectionTimeoutMillis: 10_000 });
    let dropped = false;
    const drop = (error?: Error): void => {
      if (dropped) return;
      dropped = true;
      if (this.#listener === client) {
        this.#listener = null;
        this.#listening = false;
      }
      void client.end().catch(() => undefined);
      if (this.#closed) return;
      this.#error(new Error(`the notification connection to ${this.#where} dropped${error ? `: ${error.message}` : ''}; reconnecting`));
      this.#scheduleReconnect(this.options.reconnectDelayMs?.first ?? 100);
    };
    client.on('error', (error) => drop(error));
    client.on('end', () => drop());
    client.on('notification', (message) => {
      if (message.channel === BUS_CHANNEL) this.#deliver(message.payload);
    });
    await client.connect();
    await client.query(`LISTEN ${BUS_CHANNEL}`);
    if (this.#closed) {
      await client.end();
      return;
    }
    this.#listener = client;
    this.#listening = true;
    const again = this.#everConnected;
    this.#everConnected = true;
    if (again) {
      this.options.onReconnected?.();
      for (const handler of this.#resubscribed) {
        try {
          handler();
        } catch (error) {
          this.#error(error as Error);
        }
      }
    }
  }

  #scheduleReconnect(delayMs: number): void {
    if (this.#closed || this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      (this.options.beforeReconnect?.() ?? Promise.resolve()).then(() => this.#listen()).catch((error: unknown) => {
        this.#error(new Error(`reconnecting the notification connection to ${this.#where} failed: ${(error as Error).message}`));
        this.#scheduleReconnect(Math.min(delayMs * 2, this.options.reconnectDelayMs?.max ?? 5000));
      });
    }, delayMs);
    this.#reconnectTimer.unref();
  }

  #deliver(payload: string | undefined): void {
    let value: unknown;
    try {
      value = JSON.parse(payload ?? '');
    } catch {
      this.#error(new Error(`a notification on ${BUS_CHANNEL} is not JSON; ignored`));
      return;
    }
    const parsed = busMessageSchema.safeParse(value);
    if (!parsed.success) {
      this.#error(new Error(`a notification on ${BUS_CHANNEL} is not a daehwa bus note (${parsed.error.issues[0]?.message ?? 'invalid'}); ignored`));
      return;
    }
    if (parsed.data.origin === this.origin) return;
    for (const handler of this.#handlers) {
      try {
        handler(parsed.data.note);
      } catch (error) {
        this.#error(error as Error);
      }
    }
  }

  // ---- the outbox ----

  /** One statement: numbers the frames under the session row's lock, stores them and notifies (at commit). */
  async #append(sessionId: string, frames: OutboxFrame[]): Promise<number> {
    this.#ensureOpen();
    if (frames.length === 0) return this.outbox.lastSeq(sessionId);
    const { rows } = await this.#pool.query<{ seq: number | null }>({
      name: 'daehwa-outbox-append',
      text: `WITH moved AS (
         UPDATE daehwa_sessions SET last_frame_seq = last_frame_seq + $3 WHERE id = $1 RETURNING last_frame_seq - $3 AS base
       ), stored AS (
         INSERT INTO ${FRAMES} (session_id, seq, origin, frame)
         SELECT $1, (moved.base + f.ord)::integer, $4, f.value
         FROM moved, jsonb_array_elements($2::jsonb) WITH ORDINALITY AS f(value, ord)
         RETURNING seq
       ), last AS (SELECT max(seq) AS seq FROM stored)
       SELECT last.seq, pg_notify($5, json_build_object('origin', $4::text, 'note',
         json_build_object('kind', 'frames', 'sessionId', $1::text, 'seq', last.seq))::text)
       FROM last WHERE last.seq IS NOT NULL`,
      values: [sessionId, JSON.stringify(frames), frames.length, this.origin, BUS_CHANNEL],
    });
    const seq = rows[0]?.seq;
    if (seq === undefined || seq === null) throw new StoreError('session_not_found', `cannot send frames to unknown session ${sessionId}`);
    return seq;
  }

  async #after(sessionId: string, seq: number): Promise<OutboxEntry[]> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query(`SELECT seq, origin, frame FROM ${FRAMES} WHERE session_id = $1 AND seq > $2 ORDER BY seq`, [sessionId, seq]);
    return rows.map((row: unknown) => {
      const parsed = outboxRowSchema.safeParse(row);
      if (!parsed.success) {
        throw new StoreError('corrupt', `${FRAMES} row of session ${JSON.stringify(sessionId)} does not match its schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      }
      return { seq: parsed.data.seq, origin: parsed.data.origin, frame: parsed.data.frame as OutboxFrame };
    });
  }

  #error(error: Error): void {
    (this.options.onError ?? ((e: Error) => process.emitWarning(e)))(error);
  }

  #ensureOpen(): void {
    if (this.#closed) throw new StoreError('closed', `the PostgreSQL coordination at ${this.#where} was used after close()`);
  }
}
