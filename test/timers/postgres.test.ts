// Durable timers in PostgreSQL (src/timers/postgres.ts): two pollers on one database stand for two
// processes. A timer scheduled by one that stops (or dies) is fired by the other; pollers racing
// claim each timer once. Skipped without PostgreSQL binaries (one line), unless DAEHWA_REQUIRE_POSTGRES=1.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../../src/store/postgres/index.ts';
import { createPostgresTimers, type DueTimer, type PostgresTimers, type PostgresTimersOptions } from '../../src/timers/index.ts';
import { ManualClock } from '../server/helpers.ts';
import { describeWithPostgres, findPostgresBinDir, startPgCluster, type PgCluster } from '../store/pg-cluster.ts';

const BIN_DIR = findPostgresBinDir();

describeWithPostgres('PostgreSQL timers', () => {
  let cluster: PgCluster;
  let url: string;
  let store: PostgresStore;
  let clock: ManualClock;
  const pools: pg.Pool[] = [];
  const started: PostgresTimers[] = [];

  /** One "process": its own pool and its own timers. */
  const open = (options: Partial<PostgresTimersOptions> = {}): PostgresTimers => {
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    pool.on('error', () => undefined); // connections still closing when the database is dropped
    pools.push(pool);
    const timers = createPostgresTimers({ db: pool, clock, onError: () => undefined, ...options });
    started.push(timers);
    return timers;
  };
  const rows = async (): Promise<{ key: string; attempts: number; claimed_by: string | null }[]> =>
    (await cluster.sql(url, 'SELECT key, attempts, claimed_by FROM daehwa_timers ORDER BY key')).rows;

  beforeAll(async () => {
    cluster = await startPgCluster(BIN_DIR as string);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(async () => {
    url = await cluster.createDatabase();
    store = await createPostgresStore({ connectionString: url, poolSize: 2 }); // applies migration 011
    clock = new ManualClock('2025-03-04T01:00:00.000Z');
  });
  afterEach(async () => {
    for (const timers of started.splice(0)) await timers.stop();
    for (const pool of pools.splice(0)) await pool.end();
    await store.close();
    await cluster.dropDatabase(url);
  });

  it('a timer scheduled on A, which stops without firing it, is fired by B', async () => {
    const a = open();
    const firedOnA: DueTimer[] = [];
    a.handle('grace', async (timer) => void firedOnA.push(timer));
    a.start();
    await a.schedule('grace:q1', clock.nowMs() + 30_000, { itemId: 'q1', agentId: 'mina' });
    await a.poll();
    await a.stop();
    expect(firedOnA).toEqual([]);
    expect(await rows()).toMatchObject([{ key: 'grace:q1', attempts: 0, claimed_by: null }]);

    const b = open({ origin: 'B' });
    const firedOnB: DueTimer[] = [];
    b.handle('grace', async (timer) => void firedOnB.push(timer));
    clock.advance(29_999);
    expect(await b.poll()).toBe(0);
    clock.advance(1);
    expect(await b.poll()).toBe(1);
    expect(firedOnB).toEqual([{ key: 'grace:q1', kind: 'grace', dueAtMs: clock.nowMs(), payload: { itemId: 'q1', agentId: 'mina' }, attempt: 1 }]);
    expect(await rows()).toEqual([]);
    expect(await b.poll()).toBe(0);
  });

  it('fires a timer again on another process once the claim of a process that died mid-handler runs out', async () => {
    // A claims the timer and never finishes (a process killed mid-handler holds no connection: the claim is a row).
    const a = open({ origin: 'A', leaseMs: 60_000 });
    a.handle('grace', () => new Promise<void>(() => undefined));
    await a.schedule('grace:q2', clock.nowMs(), { itemId: 'q2' });
    void a.poll();
    await expect.poll(async () => (await rows())[0]?.claimed_by).toBe('A');
    started.splice(started.indexOf(a), 1); // never stopped: it "died"

    const b = open({ origin: 'B' });
    const fired: DueTimer[] = [];
    b.handle('grace', async (timer) => void fired.push(timer));
    expect(await b.poll()).toBe(0);
    clock.advance(60_000);
    expect(await b.poll()).toBe(1);
    expect(fired.map((t) => [t.key, t.attempt])).toEqual([['grace:q2', 2]]);
    expect(await rows()).toEqual([]);
  });

  it('claims each due timer once when two processes poll at the same moment', async () => {
    const fired: string[] = [];
    const [a, b] = [open({ concurrency: 50 }), open({ concurrency: 50 })];
    for (const timers of [a, b]) timers.handle('t', async (timer) => void fired.push(timer.key));
    for (let i = 0; i < 120; i++) await a.schedule(`t:${i}`, clock.nowMs() - i);
    // Rounds of concurrent polls until everything fired.
    for (let round = 0; round < 10 && fired.length < 120; round++) await Promise.all([a.poll(), b.poll(), a.poll(), b.poll()]);
    expect(fired).toHaveLength(120);
    expect(new Set(fired).size).toBe(120);
    expect(await rows()).toEqual([]);
  });

  it('tries a failing handler again later; a timer scheduled again while it fires is kept', async () => {
    const a = open();
    let calls = 0;
    a.handle('flaky', async () => {
      calls += 1;
      if (calls === 1) throw new Error('database away');
    });
    await a.schedule('flaky:1', clock.nowMs());
    expect(await a.poll()).toBe(1);
    expect(await rows()).toMatchObject([{ key: 'flaky:1', attempts: 1, claimed_by: null }]);
    expect(await a.poll()).toBe(0); // backoff: due again in 1 s
    clock.advance(1000);
    expect(await a.poll()).toBe(1);
    expect(calls).toBe(2);
    expect(await rows()).toEqual([]);

    // Rescheduled from inside its own handler (as a re-armed check would): the new one stays.
    a.handle('again', async (timer) => {
      if (timer.payload.round === 1) await a.schedule('again:1', clock.nowMs() + 5000, { round: 2 });
    });
    await a.schedule('again:1', clock.nowMs(), { round: 1 });
    expect(await a.poll()).toBe(1);
    expect(await rows()).toMatchObject([{ key: 'again:1', attempts: 0 }]);
    clock.advance(5000);
    expect(await a.poll()).toBe(1);
    expect(await rows()).toEqual([]);
  });

  it('keeps a timer nobody here handles, cancels by key, and keeps the due time with ifAbsent', async () => {
    const a = open();
    a.handle('mine', async () => undefined);
    await a.schedule('theirs:1', clock.nowMs());
    await a.schedule('mine:1', clock.nowMs() + 1000);
    await a.schedule('mine:1', clock.nowMs() + 9000, {}, { ifAbsent: true });
    await a.schedule('mine:2', clock.nowMs());
    await a.cancel('mine:2');
    clock.advance(1000);
    expect(await a.poll()).toBe(1);
    expect((await rows()).map((row) => row.key)).toEqual(['theirs:1']);
  });
});
