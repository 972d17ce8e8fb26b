// The PostgreSQL store: the same Store as lowdb and memory (test/store/contract.ts), on a `pg`
// Pool, for shops that run more than one server process on one database. Every write is one
// awaited statement, so what a call resolved is committed and flush() has nothing to do.
// Rows read back are checked with the zod schemas of src/store/schemas.ts: a row edited by hand
// is reported by table and id, never trusted.

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { z } from 'zod';
import { StoreError, assertStorableId } from '../errors.ts';
import { sortOldestFirst } from '../order.ts';
import { auditEventSchema, auditFields, entryFields, queueItemSchema, sessionRecordSchema, transcriptEntrySchema, attachmentRecordSchema, cannedReplySchema, slaBreachSchema, sortSlaBreaches, sortCannedReplies, analyticsFactSchema, frozenFact, caseRecordSchema, surveyRecordSchema, notificationRecordSchema, channelLinkRecordSchema, channelLinkFields, assertStorableShow, proactiveShownAtSchema } from '../schemas.ts';
import type { AuditEvent, ClaimResult, QueueItem, QueueItemStatus, SessionRecord, Store, TranscriptEntry, AttachmentRecord, CannedReply, SlaBreach, AnalyticsFact, FactQuery, CaseFilter, CaseRecord, NewCase, SurveyFilter, SurveyRecord, NotificationRecord, DayRange, FactDayRecord, FactDayWindow, FactDeletion, RecordDeletion, ChannelLinkRecord } from '../types.ts';
import { factDayRecordSchema } from '../fact-days.ts';
import { caseDay, caseFields, caseNumber, newCaseRecord, sortCases, sortSurveys, surveyFields, notificationFields, sortNotifications } from '../records.ts';
import { loadMigrations, migrate, type MigrationResult } from './migrate.ts';
import { databaseUrlProblem, redactDatabaseUrl } from './url.ts';
import { poolStats, type StoreHealth, within } from './health.ts';

export const DEFAULT_POOL_SIZE = 10;

export interface PostgresStoreOptions {
  /** postgres://user:password@host:5432/database */
  connectionString: string;
  /** Connections the pool opens at most. */
  poolSize?: number;
  /** How long opening a connection may take before it fails. */
  connectionTimeoutMs?: number;
  /** Where the NNN_name.sql migrations are; the ones shipped beside this file by default. */
  migrationsDir?: string;
  /** An idle pooled connection failed (the server restarted, the network dropped). Defaults to a process warning. */
  onPoolError?: (error: Error) => void;
}

export interface PostgresStore extends Store {
  /** What the migration run at open did. */
  readonly migrations: MigrationResult;
  /**
   * Whether the database answers now (one read of the schema version, given up after
   * `timeoutMs`, default 2 s) and the pool's connections: for /healthz. Never rejects.
   */
  health(timeoutMs?: number): Promise<StoreHealth>;
}

/** Connects, applies pending migrations, and returns the store; a `StoreError` saying why when it cannot. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const problem = databaseUrlProblem(options.connectionString);
  if (problem) throw new StoreError('unavailable', `the PostgreSQL connection URL is not usable: ${problem}`);
  const where = redactDatabaseUrl(options.connectionString);
  const migrations = await loadMigrations(options.migrationsDir);

  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
  });
  const onPoolError = options.onPoolError ?? ((error: Error) => process.emitWarning(error));
  pool.on('error', onPoolError);

  try {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw new StoreError('unavailable', `cannot connect to PostgreSQL at ${where}: ${describeConnectError(error)}`, { cause: error });
    }
    try {
      const result = await migrate(client, migrations);
      return new PgStore(pool, where, result, options.poolSize ?? DEFAULT_POOL_SIZE);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

function describeConnectError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((inner: unknown) => (inner instanceof Error ? inner.message : String(inner))).join('; ');
  }
  return error instanceof Error && error.message !== '' ? error.message : String(error);
}

const SESSIONS = 'daehwa_sessions';
const TRANSCRIPT = 'daehwa_transcript_entries';
const QUEUE = 'daehwa_queue_items';
const AUDIT = 'daehwa_audit_events'; // privacy (issue 18), migration 006
// desk (issue 14), migration 005
const CANNED = 'daehwa_canned_replies';
const ATTACHMENTS = 'daehwa_attachments';
const BREACHES = 'daehwa_sla_breaches';
const FACTS = 'daehwa_analytics_facts'; // analytics facts (issue 12)
const DAYS = 'daehwa_analytics_days'; // and their daily aggregates, migration 010
const SURVEYS = 'daehwa_surveys';
const CASES = 'daehwa_cases';
const CASE_COUNTERS = 'daehwa_case_counters';
const NOTIFICATIONS = 'daehwa_notifications';
const CHANNEL_LINKS = 'daehwa_channel_links'; // channels (issue 15), migration 009
const PROACTIVE_SHOWN = 'daehwa_proactive_shown'; // proactive caps (issue 13), migration 011

/** A row's stored object, checked: a `corrupt` StoreError naming the table, the row and the field otherwise. */
function checkedRow<T>(schema: z.ZodType<T>, table: string, rowId: string, value: unknown, id?: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new StoreError('corrupt', `${table} row ${rowId} does not match its schema${field}: ${issue?.message ?? 'invalid'}; the row was left as it is`);
  }
  const heldId = (result.data as { id?: unknown }).id;
  if (id !== undefined && heldId !== id) {
    throw new StoreError('corrupt', `${table} row ${rowId} holds the record of ${JSON.stringify(heldId)}; the row was left as it is`);
  }
  return result.data;
}

/**
 * The DELETE that drops the kept days and claims whose window holds an instant of `changed` (a
 * CTE of the same statement with an `at` column). The index on to_at finds none for facts of
 * today, whose instants are after every kept window.
 */
function voidDaysHolding(changed: string): string {
  return `DELETE FROM ${DAYS} d USING (SELECT min(at) AS lo, max(at) AS hi FROM ${changed}) r
    WHERE d.to_at > r.lo AND d.from_at <= r.hi AND EXISTS (SELECT 1 FROM ${changed} c WHERE c.at >= d.from_at AND c.at < d.to_at)`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}


class PgStore implements PostgresStore {
  readonly #pool: pg.Pool;
  readonly #where: string;
  readonly migrations: MigrationResult;
  #closed = false;

  readonly #poolSize: number;

  constructor(pool: pg.Pool, where: string, migrations: MigrationResult, poolSize: number) {
    this.#pool = pool;
    this.#where = where;
    this.migrations = migrations;
    this.#poolSize = poolSize;
  }

  async health(timeoutMs = 2000): Promise<StoreHealth> {
    const started = performance.now();
    try {
      this.#ensureOpen();
      const { rows } = await within(
        this.#pool.query<{ version: number | null }>('SELECT max(version) AS version FROM daehwa_migrations'),
        timeoutMs,
        `PostgreSQL at ${this.#where}`,
      );
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      return { kind: 'postgres', reachable: true, schemaVersion: rows[0]?.version ?? 0, latencyMs, pool: poolStats(this.#pool, this.#poolSize) };
    } catch (error) {
      // pg's messages name the host and port, never the password.
      return { kind: 'postgres', reachable: false, error: describeConnectError(error), pool: poolStats(this.#pool, this.#poolSize) };
    }
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>({ name: 'daehwa-get-session', text: `SELECT id, record FROM ${SESSIONS} WHERE id = $1`, values: [id] });
    return rows[0] ? this.#session(rows[0]) : null;
  }

  async findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>(
      `SELECT id, record FROM ${SESSIONS} WHERE token_hash = $1 ORDER BY id LIMIT 1`,
      [tokenHash],
    );
    return rows[0] ? this.#session(rows[0]) : null;
  }

  async putSession(session: SessionRecord): Promise<void> {
    this.#ensureOpen();
    assertStorableId('session', session.id);
    await this.#pool.query({
      name: 'daehwa-put-session',
      text: `INSERT INTO ${SESSIONS} (id, token_hash, status, record) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (id) DO UPDATE SET token_hash = EXCLUDED.token_hash, status = EXCLUDED.status, record = EXCLUDED.record`,
      values: [session.id, session.tokenHash, session.status, JSON.stringify(session)],
    });
  }

  async listSessions(filter?: { status?: SessionRecord['status'] }): Promise<SessionRecord[]> {
    this.#ensureOpen();
    const { rows } =
      filter?.status === undefined
        ? await this.#pool.query<{ id: string; record: unknown }>(`SELECT id, record FROM ${SESSIONS} ORDER BY id`)
        : await this.#pool.query<{ id: string; record: unknown }>(`SELECT id, record FROM ${SESSIONS} WHERE status = $1 ORDER BY id`, [
            filter.status,
          ]);
    return rows.map((row) => this.#session(row));
  }

  /**
   * One statement, so one transaction: the UPDATE takes the session row's lock and moves its
   * last_seq on by the number of entries, and the INSERT numbers the entries from the old value.
   * Appenders on any connection to the database queue on that row lock, and an insert that fails
   * undoes the move, so seqs never collide and never skip.
   */
  async appendTranscript(sessionId: string, entries: Omit<TranscriptEntry, 'seq'>[]): Promise<TranscriptEntry[]> {
    this.#ensureOpen();
    if (entries.length === 0) {
      const { rowCount } = await this.#pool.query(`SELECT 1 FROM ${SESSIONS} WHERE id = $1`, [sessionId]);
      if (!rowCount) throw this.#unknownSession(sessionId);
      return [];
    }
    const stored = entries.map(entryFields);
    const { rows } = await this.#pool.query<{ seq: number }>({
      name: 'daehwa-append-transcript',
      text: `WITH moved AS (
         UPDATE ${SESSIONS} SET last_seq = last_seq + $3 WHERE id = $1 RETURNING last_seq - $3 AS base
       )
       INSERT INTO ${TRANSCRIPT} (session_id, seq, entry)
       SELECT $1, (moved.base + e.ord)::integer, e.value
       FROM moved, jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(value, ord)
       RETURNING seq`,
      values: [sessionId, JSON.stringify(stored), entries.length],
    });
    if (rows.length === 0) throw this.#unknownSession(sessionId);
    const seqs = rows.map((row) => row.seq).sort((a, b) => a - b);
    return stored.map((entry, index) => ({ seq: seqs[index] as number, ...entry }));
  }

  /**
   * One statement, so a lost connection keeps neither or both: the session row's UPDATE stores the
   * record and moves last_seq on (taking the row lock, as appendTranscript does), and the INSERT
   * numbers the entries from the old value. A round trip fewer than the two calls.
   */
  async appendTurn(session: SessionRecord, entries: Omit<TranscriptEntry, 'seq'>[]): Promise<TranscriptEntry[]> {
    this.#ensureOpen();
    assertStorableId('session', session.id);
    const stored = entries.map(entryFields);
    const { rows } = await this.#pool.query<{ seq: number | null }>({
      name: 'daehwa-append-turn',
      text: `WITH moved AS (
         UPDATE ${SESSIONS} SET last_seq = last_seq + $3, token_hash = $4, status = $5, record = $6::jsonb
         WHERE id = $1 RETURNING last_seq - $3 AS base
       ), appended AS (
         INSERT INTO ${TRANSCRIPT} (session_id, seq, entry)
         SELECT $1, (moved.base + e.ord)::integer, e.value
         FROM moved, jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(value, ord)
         RETURNING seq
       )
       SELECT NULL::integer AS seq FROM moved UNION ALL SELECT seq FROM appended`,
      values: [session.id, JSON.stringify(stored), entries.length, session.tokenHash, session.status, JSON.stringify(session)],
    });
    if (rows.length === 0) throw new StoreError('session_not_found', `cannot store a turn of unknown session ${session.id}`);
    const seqs = rows.flatMap((row) => (row.seq === null ? [] : [row.seq])).sort((a, b) => a - b);
    return stored.map((entry, index) => ({ seq: seqs[index] as number, ...entry }));
  }

  async getTranscript(sessionId: string): Promise<TranscriptEntry[]> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ seq: number; entry: unknown }>(
      `SELECT seq, entry FROM ${TRANSCRIPT} WHERE session_id = $1 ORDER BY seq`,
      [sessionId],
    );
    return rows.map((row) => {
      const rowId = `(session ${JSON.stringify(sessionId)}, seq ${row.seq})`;
      if (!isObject(row.entry)) {
        throw new StoreError('corrupt', `${TRANSCRIPT} row ${rowId} does not hold an entry object; the row was left as it is`);
      }
      return checkedRow(transcriptEntrySchema, TRANSCRIPT, rowId, { ...row.entry, seq: row.seq });
    });
  }

  async putQueueItem(item: QueueItem): Promise<void> {
    this.#ensureOpen();
    assertStorableId('queue item', item.id);
    await this.#pool.query(
      `INSERT INTO ${QUEUE} (id, session_id, status, created_at, record) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (id) DO UPDATE SET session_id = EXCLUDED.session_id, status = EXCLUDED.status,
         created_at = EXCLUDED.created_at, record = EXCLUDED.record`,
      [item.id, item.sessionId, item.status, item.createdAt, JSON.stringify(item)],
    );
  }

  /** One conditional UPDATE: the row lock makes a second claim wait, then find the item no longer waiting. */
  async claimQueueItem(id: string, agentId: string, at: string): Promise<ClaimResult> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>(
      `UPDATE ${QUEUE} SET status = 'assigned',
         record = record || jsonb_build_object('status', 'assigned', 'agentId', $2::text, 'updatedAt', $3::text)
       WHERE id = $1 AND status = 'waiting'
       RETURNING id, record`,
      [id, agentId, at],
    );
    if (rows[0]) return { claimed: true, item: checkedRow(queueItemSchema, QUEUE, JSON.stringify(rows[0].id), rows[0].record, rows[0].id) };
    return { claimed: false, item: await this.getQueueItem(id) };
  }

  async getQueueItem(id: string): Promise<QueueItem | null> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>(`SELECT id, record FROM ${QUEUE} WHERE id = $1`, [id]);
    return rows[0] ? checkedRow(queueItemSchema, QUEUE, JSON.stringify(rows[0].id), rows[0].record, rows[0].id) : null;
  }

  async listQueue(statuses?: QueueItemStatus[]): Promise<QueueItem[]> {
    this.#ensureOpen();
    const { rows } =
      statuses === undefined
        ? await this.#pool.query<{ id: string; record: unknown }>(`SELECT id, record FROM ${QUEUE}`)
        : await this.#pool.query<{ id: string; record: unknown }>(`SELECT id, record FROM ${QUEUE} WHERE status = ANY($1::text[])`, [statuses]);
    // Sorted here, not by ORDER BY: the database's collation may order ids unlike the other stores.
    return sortOldestFirst(rows.map((row) => checkedRow(queueItemSchema, QUEUE, JSON.stringify(row.id), row.record, row.id)));
  }

  // ---- privacy (issue 18) ----
  async appendAudit(event: Omit<AuditEvent, 'seq'>): Promise<AuditEvent> {
    this.#ensureOpen();
    const stored = auditFields(event);
    const { rows } = await this.#pool.query<{ seq: string }>(`INSERT INTO ${AUDIT} (event) VALUES ($1::jsonb) RETURNING seq`, [JSON.stringify(stored)]);
    return { seq: Number(rows[0]?.seq), ...stored };
  }

  async listAudit(query?: { after?: number; limit?: number }): Promise<AuditEvent[]> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ seq: string; event: unknown }>(
      `SELECT seq, event FROM ${AUDIT} WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [query?.after ?? 0, query?.limit ?? null],
    );
    return rows.map((row) => {
      const rowId = `(seq ${row.seq})`;
      if (!isObject(row.event)) throw new StoreError('corrupt', `${AUDIT} row ${rowId} does not hold an event object; the row was left as it is`);
      return checkedRow(auditEventSchema, AUDIT, rowId, { ...row.event, seq: Number(row.seq) });
    });
  }

  /** The transcript, the outbox and the channel link go with the session row (ON DELETE CASCADE). */
  async deleteSession(id: string): Promise<boolean> {
    this.#ensureOpen();
    const { rowCount } = await this.#pool.query(`DELETE FROM ${SESSIONS} WHERE id = $1`, [id]);
    return (rowCount ?? 0) > 0;
  }

  async deleteQueueItem(id: string): Promise<boolean> {
    this.#ensureOpen();
    const { rowCount } = await this.#pool.query(`DELETE FROM ${QUEUE} WHERE id = $1`, [id]);
    return (rowCount ?? 0) > 0;
  }
  // ---- end privacy ----
  // ---- desk (issue 14): canned replies, attachments ----
  async putCannedReply(reply: CannedReply): Promise<void> {
    this.#ensureOpen();
    assertStorableId('canned reply', reply.id);
    await this.#pool.query(
      `INSERT INTO ${CANNED} (id, record) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record`,
      [reply.id, JSON.stringify(reply)],
    );
  }

  async listCannedReplies(): Promise<CannedReply[]> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>(`SELECT id, record FROM ${CANNED}`);
    return sortCannedReplies(rows.map((row) => checkedRow(cannedReplySchema, CANNED, JSON.stringify(row.id), row.record, row.id)));
  }

  async deleteCannedReply(id: string): Promise<boolean> {
    this.#ensureOpen();
    const { rowCount } = await this.#pool.query(`DELETE FROM ${CANNED} WHERE id = $1`, [id]);
    return (rowCount ?? 0) > 0;
  }

  async recordSlaBreach(breach: SlaBreach): Promise<void> {
    this.#ensureOpen();
    await this.#pool.query(
      `INSERT INTO ${BREACHES} (id, item_id, breached_at, record) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (id) DO UPDATE SET item_id = EXCLUDED.item_id, breached_at = EXCLUDED.breached_at, record = EXCLUDED.record`,
      [breach.id, breach.itemId, breach.breachedAt, JSON.stringify(breach)],
    );
  }

  async listSlaBreaches(): Promise<SlaBreach[]> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>(`SELECT id, record FROM ${BREACHES}`);
    return sortSlaBreaches(rows.map((row) => checkedRow(slaBreachSchema, BREACHES, JSON.stringify(row.id), row.record, row.id)));
  }

  async putAttachment(record: AttachmentRecord): Promise<void> {
    this.#ensureOpen();
    assertStorableId('attachment', record.id);
    await this.#pool.query(
      `INSERT INTO ${ATTACHMENTS} (id, session_id, record) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (id) DO UPDATE SET session_id = EXCLUDED.session_id, record = EXCLUDED.record`,
      [record.id, record.sessionId, JSON.stringify(record)],
    );
  }

  async getAttachment(id: string): Promise<AttachmentRecord | null> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>(`SELECT id, record FROM ${ATTACHMENTS} WHERE id = $1`, [id]);
    return rows[0] ? checkedRow(attachmentRecordSchema, ATTACHMENTS, JSON.stringify(rows[0].id), rows[0].record, rows[0].id) : null;
  }
  // ---- analytics facts (issue 12) ----
  /**
   * One statement: the facts go in, and the kept days (or claims) whose window holds one of them
   * go out. Facts are typed by the code that records them and checked with the schema when read
   * back, as on lowdb: a turn does not pay for a schema check.
   */
  async appendFacts(facts: AnalyticsFact[]): Promise<void> {
    this.#ensureOpen();
    if (facts.length === 0) return;
    await this.#pool.query(
      `WITH added AS (
         INSERT INTO ${FACTS} (at, session_id, fact)
         SELECT (e.value->>'at')::timestamptz, e.value->>'sessionId', e.value
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(value, ord) ORDER BY e.ord
         RETURNING at
       )
       ${voidDaysHolding('added')}`,
      [`[${facts.map((fact) => JSON.stringify(fact)).join(',')}]`],
    );
  }

  async listFacts(range: FactQuery): Promise<AnalyticsFact[]> {
    this.#ensureOpen();
    const bySession = range.sessionIds !== undefined;
    const { rows } = await this.#pool.query<{ id: string; fact: unknown }>(
      `SELECT id, fact FROM ${FACTS} WHERE at >= $1::timestamptz AND at < $2::timestamptz${bySession ? ' AND session_id = ANY($3::text[])' : ''} ORDER BY at, id`,
      bySession ? [range.from, range.to, [...(range.sessionIds ?? [])]] : [range.from, range.to],
    );
    return rows.map((row) => frozenFact(checkedRow(analyticsFactSchema, FACTS, row.id, row.fact)));
  }

  async listFactDays(days: DayRange): Promise<FactDayRecord[]> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ day: string; record: unknown }>(
      `SELECT day, record FROM ${DAYS} WHERE day COLLATE "C" >= $1 COLLATE "C" AND day COLLATE "C" <= $2 COLLATE "C" AND record IS NOT NULL`,
      [days.from, days.to],
    );
    return rows.map((row) => checkedRow(factDayRecordSchema, DAYS, JSON.stringify(row.day), row.record)).sort((a, b) => (a.day < b.day ? -1 : 1));
  }

  /** A day computed again keeps its last aggregate until the new one is put (or a change drops the row). */
  async claimFactDays(windows: FactDayWindow[]): Promise<string> {
    this.#ensureOpen();
    const claim = randomUUID();
    if (windows.length === 0) return claim;
    await this.#pool.query(
      `INSERT INTO ${DAYS} (day, from_at, to_at, claim)
       SELECT w.day, w."from"::timestamptz, w."to"::timestamptz, $2 FROM jsonb_to_recordset($1::jsonb) AS w(day text, "from" text, "to" text)
       ON CONFLICT (day) DO UPDATE SET from_at = EXCLUDED.from_at, to_at = EXCLUDED.to_at, claim = EXCLUDED.claim`,
      [JSON.stringify(windows.map(({ day, from, to }) => ({ day, from, to }))), claim],
    );
    return claim;
  }

  /** One conditional UPDATE: only the rows the claim still holds take their aggregate. */
  async putFactDays(claim: string, records: FactDayRecord[]): Promise<string[]> {
    this.#ensureOpen();
    if (records.length === 0) return [];
    const { rows } = await this.#pool.query<{ day: string }>(
      `UPDATE ${DAYS} d SET record = r.record, claim = NULL
       FROM (SELECT e->>'day' AS day, e AS record FROM jsonb_array_elements($1::jsonb) AS e) r
       WHERE d.day = r.day AND d.claim = $2
       RETURNING d.day`,
      [JSON.stringify(records), claim],
    );
    return rows.map((row) => row.day).sort();
  }

  async deleteFacts(scope: FactDeletion): Promise<number> {
    this.#ensureOpen();
    // By session, the index on session_id finds them: `since` is not needed (nor trusted across processes' clocks).
    const [where, values] = 'before' in scope ? ['at < $1::timestamptz', [scope.before]] : ['session_id = ANY($1::text[])', [[...scope.sessionIds]]];
    const { rows } = await this.#pool.query<{ removed: number }>(
      `WITH gone AS (DELETE FROM ${FACTS} WHERE ${where} RETURNING at),
       voided AS (${voidDaysHolding('gone')} RETURNING 1)
       SELECT count(*)::integer AS removed FROM gone`,
      values,
    );
    return rows[0]?.removed ?? 0;
  }
  // ---- end analytics facts ----

  // ---- privacy of survey answers, cases and notifications (issue 12) ----
  async deleteSurveys(scope: RecordDeletion): Promise<number> {
    this.#ensureOpen();
    return this.#deleteRecords(SURVEYS, scope, { session: 'session_id', customer: 'customer_id', dated: 'at' });
  }

  async deleteCases(scope: RecordDeletion): Promise<number> {
    this.#ensureOpen();
    // The day counters stay: a number given out is never given again.
    return this.#deleteRecords(CASES, scope, { session: 'session_id', customer: 'customer_id', dated: "record->>'updatedAt'" });
  }

  async deleteNotifications(scope: RecordDeletion): Promise<number> {
    this.#ensureOpen();
    return this.#deleteRecords(NOTIFICATIONS, scope, { session: "record->>'sessionId'", customer: 'customer_id', dated: 'created_at' });
  }

  async #deleteRecords(table: string, scope: RecordDeletion, columns: { session: string; customer: string; dated: string }): Promise<number> {
    if ('before' in scope) {
      // Text comparison in the C collation: ISO times ordered as the other stores order them.
      const { rowCount } = await this.#pool.query(`DELETE FROM ${table} WHERE (${columns.dated}) COLLATE "C" < $1 COLLATE "C"`, [scope.before]);
      return rowCount ?? 0;
    }
    if (scope.sessionIds === undefined && scope.customerId === undefined) return 0;
    const { rowCount } = await this.#pool.query(`DELETE FROM ${table} WHERE ${columns.session} = ANY($1::text[]) OR ${columns.customer} = $2`, [
      [...(scope.sessionIds ?? [])],
      scope.customerId ?? null,
    ]);
    return rowCount ?? 0;
  }
  // ---- end privacy ----
  // ---- end analytics facts ----

  async putSurvey(survey: SurveyRecord): Promise<void> {
    this.#ensureOpen();
    assertStorableId('survey', survey.id);
    const record = surveyFields(survey);
    await this.#pool.query(
      `INSERT INTO ${SURVEYS} (id, session_id, customer_id, kind, at, record) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (id) DO UPDATE SET session_id = EXCLUDED.session_id, customer_id = EXCLUDED.customer_id,
         kind = EXCLUDED.kind, at = EXCLUDED.at, record = EXCLUDED.record`,
      [record.id, record.sessionId, record.customerId, record.kind, record.at, JSON.stringify(record)],
    );
  }

  async listSurveys(filter: SurveyFilter = {}): Promise<SurveyRecord[]> {
    this.#ensureOpen();
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      values.push(value);
      where.push(clause.replace('?', `$${values.length}`));
    };
    // Text comparison in the C collation: ISO times ordered as the other stores order them.
    if (filter.from !== undefined) add('at COLLATE "C" >= ? COLLATE "C"', filter.from);
    if (filter.to !== undefined) add('at COLLATE "C" < ? COLLATE "C"', filter.to);
    if (filter.customerId !== undefined) add('customer_id = ?', filter.customerId);
    if (filter.sessionId !== undefined) add('session_id = ?', filter.sessionId);
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>(
      `SELECT id, record FROM ${SURVEYS}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`,
      values,
    );
    return sortSurveys(rows.map((row) => checkedRow(surveyRecordSchema, SURVEYS, JSON.stringify(row.id), row.record, row.id)));
  }

  /** The day's counter row is moved on and the case inserted in one transaction: the row lock orders concurrent openers. */
  async createCase(input: NewCase): Promise<CaseRecord> {
    this.#ensureOpen();
    const day = caseDay(caseNumber(input.day, 1));
    const id = randomUUID();
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ last: number }>(
        `INSERT INTO ${CASE_COUNTERS} (day, last) VALUES ($1, 1)
         ON CONFLICT (day) DO UPDATE SET last = ${CASE_COUNTERS}.last + 1 RETURNING last`,
        [day],
      );
      const record = newCaseRecord(input, id, caseNumber(input.day, rows[0]!.last));
      await client.query(
        `INSERT INTO ${CASES} (id, number, session_id, customer_id, queue_item_id, created_at, record) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
        [record.id, record.number, record.sessionId, record.customerId, record.queueItemId, record.createdAt, JSON.stringify(record)],
      );
      await client.query('COMMIT');
      return record;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async putCase(record: CaseRecord): Promise<void> {
    this.#ensureOpen();
    assertStorableId('case', record.id);
    const stored = caseFields(record);
    await this.#pool.query(
      `INSERT INTO ${CASES} (id, number, session_id, customer_id, queue_item_id, created_at, record) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (id) DO UPDATE SET number = EXCLUDED.number, session_id = EXCLUDED.session_id, customer_id = EXCLUDED.customer_id,
         queue_item_id = EXCLUDED.queue_item_id, created_at = EXCLUDED.created_at, record = EXCLUDED.record`,
      [stored.id, stored.number, stored.sessionId, stored.customerId, stored.queueItemId, stored.createdAt, JSON.stringify(stored)],
    );
  }

  async getCase(number: string): Promise<CaseRecord | null> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>(`SELECT id, record FROM ${CASES} WHERE number = $1`, [number]);
    return rows[0] ? checkedRow(caseRecordSchema, CASES, JSON.stringify(rows[0].id), rows[0].record, rows[0].id) : null;
  }

  async listCases(filter: CaseFilter = {}): Promise<CaseRecord[]> {
    this.#ensureOpen();
    const where: string[] = [];
    const values: unknown[] = [];
    for (const [column, value] of [
      ['customer_id', filter.customerId],
      ['session_id', filter.sessionId],
      ['queue_item_id', filter.queueItemId],
    ] as const) {
      if (value === undefined) continue;
      values.push(value);
      where.push(`${column} = $${values.length}`);
    }
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>(
      `SELECT id, record FROM ${CASES}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`,
      values,
    );
    return sortCases(rows.map((row) => checkedRow(caseRecordSchema, CASES, JSON.stringify(row.id), row.record, row.id)));
  }

  async addNotification(notification: NotificationRecord): Promise<boolean> {
    this.#ensureOpen();
    const record = notificationFields(notification);
    const { rowCount } = await this.#pool.query(
      `INSERT INTO ${NOTIFICATIONS} (id, customer_id, created_at, delivered_at, record) VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (id) DO NOTHING`,
      [record.id, record.customerId, record.createdAt, record.deliveredAt, JSON.stringify(record)],
    );
    return rowCount === 1;
  }

  async listNotifications(filter: { customerId: string; pending?: boolean }): Promise<NotificationRecord[]> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ id: string; record: unknown }>(
      `SELECT id, record FROM ${NOTIFICATIONS} WHERE customer_id = $1${filter.pending ? ' AND delivered_at IS NULL' : ''}`,
      [filter.customerId],
    );
    return sortNotifications(rows.map((row) => checkedRow(notificationRecordSchema, NOTIFICATIONS, JSON.stringify(row.id), row.record, row.id)));
  }

  /** One conditional UPDATE: of two sessions telling it at once, the second finds it told. */
  async markNotificationDelivered(id: string, sessionId: string, at: string): Promise<boolean> {
    this.#ensureOpen();
    const { rowCount } = await this.#pool.query(
      `UPDATE ${NOTIFICATIONS} SET delivered_at = $3, record = record || jsonb_build_object('deliveredAt', $3::text, 'sessionId', $2::text)
       WHERE id = $1 AND delivered_at IS NULL`,
      [id, sessionId, at],
    );
    return rowCount === 1;
  }

  // ---- channels (issue 15) ----
  async putChannelLink(link: ChannelLinkRecord): Promise<void> {
    this.#ensureOpen();
    assertStorableId('session', link.sessionId);
    const record = channelLinkFields(link);
    try {
      await this.#pool.query(
        `INSERT INTO ${CHANNEL_LINKS} (session_id, updated_at, record) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (session_id) DO UPDATE SET updated_at = EXCLUDED.updated_at, record = EXCLUDED.record`,
        [record.sessionId, record.updatedAt, JSON.stringify(record)],
      );
    } catch (error) {
      // The session row is gone (erased) or was never written: a link belongs to a stored session.
      if ((error as { code?: string }).code === '23503') {
        throw new StoreError('session_not_found', `cannot keep a channel link for unknown session ${link.sessionId}`, { cause: error });
      }
      throw error;
    }
  }

  async getChannelLink(sessionId: string): Promise<ChannelLinkRecord | null> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ record: unknown }>(`SELECT record FROM ${CHANNEL_LINKS} WHERE session_id = $1`, [sessionId]);
    const row = rows[0];
    if (!row) return null;
    const link = checkedRow(channelLinkRecordSchema, CHANNEL_LINKS, JSON.stringify(sessionId), row.record);
    if (link.sessionId !== sessionId) {
      throw new StoreError('corrupt', `${CHANNEL_LINKS} row ${JSON.stringify(sessionId)} holds the link of ${JSON.stringify(link.sessionId)}; the row was left as it is`);
    }
    return link;
  }

  async deleteChannelLink(sessionId: string): Promise<boolean> {
    this.#ensureOpen();
    const { rowCount } = await this.#pool.query(`DELETE FROM ${CHANNEL_LINKS} WHERE session_id = $1`, [sessionId]);
    return (rowCount ?? 0) > 0;
  }

  async deleteChannelLinksBefore(before: string): Promise<number> {
    this.#ensureOpen();
    const { rowCount } = await this.#pool.query(`DELETE FROM ${CHANNEL_LINKS} WHERE updated_at < $1`, [before]);
    return rowCount ?? 0;
  }
  // ---- end channels ----

  // ---- proactive caps (issue 13) ----
  async recordProactiveShown(shopper: string, at: string): Promise<void> {
    this.#ensureOpen();
    assertStorableShow(shopper, at);
    await this.#pool.query(`INSERT INTO ${PROACTIVE_SHOWN} (shopper, shown_at) VALUES ($1, $2)`, [shopper, at]);
  }

  async listProactiveShown(shopper: string, since: string): Promise<string[]> {
    this.#ensureOpen();
    const { rows } = await this.#pool.query<{ shown_at: unknown }>(`SELECT shown_at FROM ${PROACTIVE_SHOWN} WHERE shopper = $1 AND shown_at >= $2 ORDER BY shown_at`, [shopper, since]);
    return rows.map((row) => checkedRow(proactiveShownAtSchema, PROACTIVE_SHOWN, JSON.stringify(shopper), row.shown_at));
  }

  async deleteProactiveShown(scope: { shoppers: readonly string[] } | { before: string }): Promise<number> {
    this.#ensureOpen();
    const { rowCount } =
      'shoppers' in scope
        ? await this.#pool.query(`DELETE FROM ${PROACTIVE_SHOWN} WHERE shopper = ANY($1::text[])`, [[...scope.shoppers]])
        : await this.#pool.query(`DELETE FROM ${PROACTIVE_SHOWN} WHERE shown_at < $1`, [scope.before]);
    return rowCount ?? 0;
  }
  // ---- end proactive caps ----

  /** Every write resolved only once committed: nothing is pending. */
  async flush(): Promise<void> {
    this.#ensureOpen();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  #session(row: { id: string; record: unknown }): SessionRecord {
    return checkedRow(sessionRecordSchema, SESSIONS, JSON.stringify(row.id), row.record, row.id);
  }

  #unknownSession(sessionId: string): StoreError {
    return new StoreError('session_not_found', `cannot append to the transcript of unknown session ${sessionId}`);
  }

  #ensureOpen(): void {
    if (this.#closed) throw new StoreError('closed', `the PostgreSQL store at ${this.#where} was used after close()`);
  }
}
