// Several processes on PostgreSQL (issue 13), in `npm run bench -- --only postgres`: turns per
// second and p99 at the same closed-loop load for lowdb in one process, then PostgreSQL with 1, 2
// and 3 `daehwa serve` processes on one database (shoppers spread round robin over them, as a
// balancer would), all on this machine beside the load client and the database. Also the database
// statements one turn makes (counted by pg_stat_statements) and the p99 of the turn-lock wait
// (each process's /healthz).
//
// The cluster is a throwaway one (test/store/pg-cluster.ts, fsync off like the tests): the figures
// are the processes' cost, not the disk's. Without PostgreSQL binaries the section is skipped.

import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../src/nlu/model/scorer.ts';
import { findPostgresBinDir, startPgCluster, type PgCluster } from '../../test/store/pg-cluster.ts';
import { runLoad, type LoadResult } from './load-client.ts';
import { cpuMillis, waitUntilAccepting, type ServerProcess } from './processes.ts';
import { round, type Figure } from './report.ts';
import type { ScenarioContext } from './scenarios.ts';

const START_TIMEOUT_MS = 120_000;
const WARMUP_SHOPPERS = 50;

export interface PostgresBenchPlan {
  shoppers: number;
  durationMs: number;
  warmupMs: number;
  /** Process counts on PostgreSQL, e.g. [1, 2, 3]. */
  processes: number[];
}

export interface StoreRun {
  store: 'lowdb' | 'postgres';
  processes: number;
  turnsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  connectFailures: number;
  /** CPU of the daehwa processes (all of them) per answered turn; the database's is not counted. */
  serverCpuMsPerTurn: number;
  /** CPU of PostgreSQL's processes per answered turn (its backends, from /proc). */
  databaseCpuMsPerTurn: number | null;
  clientCpuPercent: number;
  /** PostgreSQL only: statements reaching the database per turn, and the round trips they took. */
  statementsPerTurn?: number;
  roundTripsPerTurn?: number;
  topStatements?: { query: string; perTurn: number }[];
  /** PostgreSQL only, the worst process's, ms: waiting for a pooled connection, then for the session's lock. */
  poolWait?: Wait;
  lockWait?: Wait;
}

export interface PostgresBenchResult {
  shoppers: number;
  durationMs: number;
  runs: StoreRun[];
  skipped?: string;
}

/** The postmaster's pid: the parent of the checkpointer. */
async function postmasterPid(cluster: PgCluster, url: string): Promise<number | null> {
  const { rows } = await cluster.sql(url, "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'");
  const pid = rows[0]?.pid as number | undefined;
  if (pid === undefined) return null;
  const ppid = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return ppid ? Number(ppid) : null;
}

/** CPU (ms) of the postmaster and each of its children (backends, background workers), by pid. */
function databaseCpu(postmaster: number): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const pid = Number(entry);
      if (pid === postmaster || ppid === postmaster) cpu.set(pid, cpuMillis(pid));
    } catch {
      // gone meanwhile
    }
  }
  return cpu;
}

/** CPU used between two readings; processes started since count from zero. */
function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

interface Wait {
  p50: number;
  p99: number;
  max: number;
}

async function waitsOf(server: ServerProcess): Promise<{ pool: Wait; lock: Wait } | null> {
  const response = await fetch(server.url.replace(/^ws/, 'http').replace(/\/ws$/, '/healthz'));
  const body = (await response.json()) as { store?: { coordination?: { poolWaitMs?: Wait; lockWaitMs?: Wait } } };
  const coordination = body.store?.coordination;
  return coordination?.poolWaitMs && coordination.lockWaitMs ? { pool: coordination.poolWaitMs, lock: coordination.lockWaitMs } : null;
}

function worst(waits: Wait[]): Wait {
  return { p50: Math.max(...waits.map((w) => w.p50)), p99: Math.max(...waits.map((w) => w.p99)), max: Math.max(...waits.map((w) => w.max)) };
}

async function measure(
  ctx: ScenarioContext,
  servers: ServerProcess[],
  plan: PostgresBenchPlan,
  database: { cluster: PgCluster; url: string } | null,
): Promise<Omit<StoreRun, 'store' | 'processes'>> {
  const urls = servers.map((server) => server.url);
  const random = seededRandom(5);
  const warm = await runLoad({ url: urls[0]!, urls, profiles: ctx.profiles, shoppers: WARMUP_SHOPPERS, mode: 'closed', durationMs: plan.warmupMs, maxTurns: 10_000_000, random });
  if (warm.turnsAnswered === 0) throw new Error(`warm-up got no answer: ${warm.errorSamples.join('; ')}`);
  let serverCpuStart = 0;
  const postmaster = database ? await postmasterPid(database.cluster, database.url) : null;
  let dbCpuStart = new Map<number, number>();
  const result: LoadResult = await runLoad({
    url: urls[0]!,
    urls,
    profiles: ctx.profiles,
    shoppers: plan.shoppers,
    mode: 'closed',
    durationMs: plan.durationMs,
    maxTurns: 10_000_000,
    random: seededRandom(5),
    onAllConnected: async () => {
      if (database) {
        await database.cluster.sql(database.url, 'SELECT pg_stat_statements_reset()');
        if (postmaster !== null) dbCpuStart = databaseCpu(postmaster);
      }
      serverCpuStart = servers.reduce((sum, server) => sum + cpuMillis(server.pid), 0);
    },
  });
  const turns = Math.max(1, result.turnsAnswered);
  const serverCpu = servers.reduce((sum, server) => sum + cpuMillis(server.pid), 0) - serverCpuStart;
  const run: Omit<StoreRun, 'store' | 'processes'> = {
    turnsPerSecond: result.turnsPerSecond,
    p50Ms: result.latency.p50Ms,
    p99Ms: result.latency.p99Ms,
    errors: result.errors,
    timeouts: result.timeouts,
    connectFailures: result.connectFailures,
    serverCpuMsPerTurn: round(serverCpu / turns, 3),
    databaseCpuMsPerTurn: postmaster !== null ? round(cpuSince(dbCpuStart, databaseCpu(postmaster)) / turns, 3) : null,
    clientCpuPercent: result.clientCpuPercent,
  };
  if (database) {
    const { rows } = await database.cluster.sql(
      database.url,
      `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query, calls::float8 AS calls
       FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat_statements%'
       ORDER BY calls DESC`,
    );
    const total = rows.reduce((sum: number, row: { calls: number }) => sum + row.calls, 0);
    run.statementsPerTurn = round(total / turns, 2);
    // The turn lock sends BEGIN, SET LOCAL and the lock in one simple query: three statements, one round trip.
    const lockQueries = rows.filter((row: { query: string }) => /^SET LOCAL lock_timeout/i.test(row.query)).reduce((sum: number, row: { calls: number }) => sum + row.calls, 0);
    run.roundTripsPerTurn = round((total - 2 * lockQueries) / turns, 2);
    run.topStatements = rows.slice(0, 12).map((row: { query: string; calls: number }) => ({ query: row.query, perTurn: round(row.calls / turns, 3) }));
    const waits = (await Promise.all(servers.map(waitsOf))).filter((w): w is NonNullable<typeof w> => w !== null);
    if (waits.length > 0) {
      run.poolWait = worst(waits.map((w) => w.pool));
      run.lockWait = worst(waits.map((w) => w.lock));
    }
  }
  ctx.log(
    `  ${run.turnsPerSecond} turns/s, p99 ${run.p99Ms} ms, server CPU ${run.serverCpuMsPerTurn} ms/turn` +
      (database ? `, database CPU ${run.databaseCpuMsPerTurn} ms/turn, ${run.statementsPerTurn} statements (${run.roundTripsPerTurn} round trips)/turn, pool wait p99 ${run.poolWait?.p99 ?? '?'} ms, lock wait p99 ${run.lockWait?.p99 ?? '?'} ms` : '') +
      `, errors ${run.errors}, timeouts ${run.timeouts}, client CPU ${run.clientCpuPercent}%`,
  );
  return run;
}

async function startAll(servers: Promise<ServerProcess>[]): Promise<ServerProcess[]> {
  const started = await Promise.allSettled(servers);
  const ok = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(ok.map((server) => server.stop()));
    throw failed.reason;
  }
  return ok;
}

export async function benchPostgres(ctx: ScenarioContext, plan: PostgresBenchPlan): Promise<PostgresBenchResult> {
  const result: PostgresBenchResult = { shoppers: plan.shoppers, durationMs: plan.durationMs, runs: [] };
  const binDir = findPostgresBinDir();
  if (!binDir) {
    result.skipped = 'no PostgreSQL server binaries (install Debian\'s postgresql or set DAEHWA_PG_BIN)';
    ctx.log(`postgres: skipped, ${result.skipped}`);
    return result;
  }

  ctx.log(`postgres: lowdb, 1 process, ${plan.shoppers} shoppers, closed loop, ${plan.durationMs / 1000} s`);
  const lowdb = await ctx.workspace.spawnDaehwa('pg-bench-lowdb');
  try {
    await waitUntilAccepting(lowdb, START_TIMEOUT_MS);
    result.runs.push({ store: 'lowdb', processes: 1, ...(await measure(ctx, [lowdb], plan, null)) });
  } finally {
    await lowdb.stop();
  }

  const cluster = await startPgCluster(binDir, { serverOptions: ['-c shared_preload_libraries=pg_stat_statements', '-c max_connections=200'] });
  try {
    for (const processes of plan.processes) {
      const url = await cluster.createDatabase();
      await cluster.sql(url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      ctx.log(`postgres: ${processes} process${processes === 1 ? '' : 'es'} on one database, ${plan.shoppers} shoppers, closed loop, ${plan.durationMs / 1000} s`);
      // The first applies the migrations; the others start once it serves.
      const first = await startAll([ctx.workspace.spawnDaehwa(`pg-bench-${processes}-1`, [], { store: { kind: 'postgres', url } })]);
      await waitUntilAccepting(first[0]!, START_TIMEOUT_MS);
      let servers = first;
      try {
        const rest = await startAll(
          Array.from({ length: processes - 1 }, (_, i) => ctx.workspace.spawnDaehwa(`pg-bench-${processes}-${i + 2}`, [], { store: { kind: 'postgres', url } })),
        );
        servers = [...first, ...rest];
        await Promise.all(rest.map((server) => waitUntilAccepting(server, START_TIMEOUT_MS)));
        result.runs.push({ store: 'postgres', processes, ...(await measure(ctx, servers, plan, { cluster, url })) });
      } finally {
        await Promise.all(servers.map((server) => server.stop()));
        await sleep(200);
        await cluster.dropDatabase(url).catch(() => undefined);
      }
    }
  } finally {
    await cluster.stop();
  }
  return result;
}

/** The bench table's rows for the PostgreSQL section. */
export function postgresFigures(bench: PostgresBenchResult, cores: number, failed: (run: StoreRun) => string | undefined): Figure[] {
  const lowdb = bench.runs.find((run) => run.store === 'lowdb');
  const pg = (n: number): StoreRun | undefined => bench.runs.find((run) => run.store === 'postgres' && run.processes === n);
  const one = pg(1);
  const n = bench.shoppers.toLocaleString('en-US');
  const figures: Figure[] = [];
  if (bench.skipped) return figures;
  // Each process is one core at most; the load client and PostgreSQL need theirs too.
  const coresFor = (processes: number): boolean => cores >= processes + 2;
  for (const run of bench.runs.filter((r) => r.store === 'postgres')) {
    const baseline = run.processes === 1 ? lowdb : one;
    const target =
      run.processes === 1
        ? ({ on: 'ratio', kind: 'atLeast', limit: 0.7 } as const)
        : run.processes === 3 && coresFor(3)
          ? ({ on: 'ratio', kind: 'atLeast', limit: 2 } as const)
          : null;
    const starved =
      run.processes > 1 && !coresFor(run.processes)
        ? `; ${cores} cores for ${run.processes} servers, PostgreSQL and the load client: the processes share the cores, so more processes cannot add throughput here (no target)`
        : '';
    figures.push({
      id: `postgres.capacity.${run.processes}`,
      label: `PostgreSQL, ${run.processes} process${run.processes === 1 ? '' : 'es'}, ${n} shoppers, closed loop`,
      unit: 'turns/s',
      value: run.turnsPerSecond,
      baseline: baseline?.turnsPerSecond ?? null,
      baselineLabel: run.processes === 1 ? 'lowdb, 1 process' : 'PostgreSQL, 1 process',
      target,
      note:
        `p99 ${run.p99Ms} ms (lowdb ${lowdb?.p99Ms ?? '?'} ms); daehwa CPU ${run.serverCpuMsPerTurn} ms/turn (lowdb ${lowdb?.serverCpuMsPerTurn ?? '?'}), ` +
        `PostgreSQL CPU ${run.databaseCpuMsPerTurn} ms/turn; load client ${run.clientCpuPercent}% of a core` +
        starved,
      invalid: failed(run),
    });
    figures.push({
      id: `postgres.p99.${run.processes}`,
      label: `Turn latency p99, PostgreSQL, ${run.processes} process${run.processes === 1 ? '' : 'es'}, ${n} shoppers, closed loop`,
      unit: 'ms',
      value: run.p99Ms,
      baseline: lowdb?.p99Ms ?? null,
      baselineLabel: 'lowdb, 1 process',
      target: null,
    });
  }
  if (one?.roundTripsPerTurn !== undefined) {
    figures.push({
      id: 'postgres.round_trips_per_turn',
      label: 'Database round trips per turn (PostgreSQL, 1 process, pg_stat_statements)',
      unit: 'round trips',
      value: one.roundTripsPerTurn,
      baseline: null,
      baselineLabel: '',
      target: null,
      note: `${one.statementsPerTurn} statements (the lock's BEGIN, SET LOCAL and pg_advisory_xact_lock go as one); most frequent: ${(one.topStatements ?? []).slice(0, 10).map((s) => `${s.perTurn}× ${s.query}`).join(' | ')}`,
    });
  }
  const most = [...bench.runs].filter((r) => r.store === 'postgres').at(-1);
  if (most?.lockWait) {
    figures.push({
      id: `postgres.lock_wait.p99`,
      label: `Turn-lock wait p99, PostgreSQL, ${most.processes} processes (worst process)`,
      unit: 'ms',
      value: most.lockWait.p99,
      baseline: one?.lockWait?.p99 ?? null,
      baselineLabel: 'PostgreSQL, 1 process',
      target: null,
      note:
        `from holding a pooled connection to holding the session's advisory lock; p50 ${most.lockWait.p50} ms, max ${most.lockWait.max} ms. ` +
        `Before it, the wait for a free connection of the pool (store.poolSize): p50 ${most.poolWait?.p50} ms, p99 ${most.poolWait?.p99} ms`,
    });
  }
  return figures;
}
