// The end-to-end measurements, each run against daehwa and against the echo baseline in turn
// (never at once: they share the machine's cores with the load client).

import { copyFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { measureColdStart, type ColdStart } from './cold-start.ts';
import type { ShopperProfile } from './conversations.ts';
import type { BenchWorkspace } from './daehwa-server.ts';
import { runLoad, type LoadOptions, type LoadResult } from './load-client.ts';
import { cpuSplitMillis, residentBytes, settledResidentBytes, waitUntilAccepting, type ServerProcess } from './processes.ts';
import { profileClockMicros, readProfile, type ProfileSummary } from './profile.ts';
import { seededRandom } from '../../src/nlu/model/scorer.ts';
import type { ServerStats } from './server-hooks.ts';

export type ServerKind = 'daehwa' | 'echo';
export const SERVER_KINDS: readonly ServerKind[] = ['echo', 'daehwa'];

export interface ScenarioContext {
  workspace: BenchWorkspace;
  profiles: readonly ShopperProfile[];
  log: (line: string) => void;
}

const START_TIMEOUT_MS = 60_000;
/** A safety bound on messages per load run, far above what the time bound lets through. */
const MAX_TURNS_PER_RUN = 10_000_000;
const WARMUP_SHOPPERS = 50;
/** Idle sessions sit this long before their memory is read: the server has settled. */
const IDLE_SETTLE_MS = 2000;

async function startServer(ctx: ScenarioContext, kind: ServerKind, name: string, nodeArgs: string[] = []): Promise<ServerProcess> {
  const server = kind === 'echo' ? await ctx.workspace.spawnEcho(name, nodeArgs) : await ctx.workspace.spawnDaehwa(name, nodeArgs);
  await waitUntilAccepting(server, START_TIMEOUT_MS);
  return server;
}

function load(ctx: ScenarioContext, server: ServerProcess, options: Omit<LoadOptions, 'url' | 'profiles' | 'maxTurns' | 'random'>): Promise<LoadResult> {
  // The same seed for every run: daehwa and the echo see the same conversations and schedule.
  return runLoad({ url: server.url, profiles: ctx.profiles, maxTurns: MAX_TURNS_PER_RUN, random: seededRandom(5), ...options });
}

/** A short closed loop so that JIT compilation and caches are warm before anything is timed. */
export async function warmUp(ctx: ScenarioContext, server: ServerProcess, durationMs: number): Promise<void> {
  const result = await load(ctx, server, { shoppers: WARMUP_SHOPPERS, mode: 'closed', durationMs });
  if (result.turnsAnswered === 0) throw new Error(`warm-up got no answer from ${server.url}: ${result.errorSamples.join('; ')}`);
}

export interface ServerLoadRun {
  load: LoadResult;
  /** The server's own event-loop delay and GC pauses during the load. */
  server: ServerStats | null;
  /** Server CPU time (user + system) per answered turn, ms: what a turn costs whoever else runs. */
  cpuMsPerTurn: number;
  /** The kernel's part of it (system time: sockets, files, wake-ups); the rest is the process's own code. */
  systemCpuMsPerTurn: number;
}

const perTurn = (ms: number, turns: number): number => (turns > 0 ? Math.round((ms / turns) * 1000) / 1000 : Number.NaN);

/**
 * Server CPU used from `start()` to the reading, per answered turn, and its system part. (A CPU
 * profile's share of a syscall such as `writev` is wall time, which includes the moments the
 * thread waited for a core; this is the time it ran.)
 */
function cpuMeter(server: ServerProcess): { start(): void; perTurn(turns: number): { total: number; system: number } } {
  let started = { userMs: 0, systemMs: 0 };
  return {
    start: () => void (started = cpuSplitMillis(server.pid)),
    perTurn: (turns) => {
      const now = cpuSplitMillis(server.pid);
      const systemMs = now.systemMs - started.systemMs;
      return { total: perTurn(now.userMs - started.userMs + systemMs, turns), system: perTurn(systemMs, turns) };
    },
  };
}

export interface CapacityRun {
  shoppers: number;
  daehwa: ServerLoadRun;
  echo: ServerLoadRun;
}

function describeStats(stats: ServerStats | null): string {
  if (!stats) return 'server stats unavailable';
  return `server loop delay p99 ${stats.loopDelayP99Ms} ms (max ${stats.loopDelayMaxMs}), GC ${stats.gcCount} pauses, ${stats.gcTotalMs} ms, max ${stats.gcMaxMs} ms`;
}

/** One closed-loop run against a warm server: turns per second, CPU per turn, the server's stalls. */
export async function closedLoop(ctx: ScenarioContext, server: ServerProcess, kind: ServerKind, shoppers: number, durationMs: number): Promise<ServerLoadRun> {
  ctx.log(`capacity: ${kind}, ${shoppers} shoppers, closed loop, ${durationMs / 1000} s`);
  const cpu = cpuMeter(server);
  const onAllConnected = async () => {
    await server.takeStats();
    cpu.start();
  };
  const result = await load(ctx, server, { shoppers, mode: 'closed', durationMs, onAllConnected });
  const { total: cpuMsPerTurn, system: systemCpuMsPerTurn } = cpu.perTurn(result.turnsAnswered);
  const stats = await server.takeStats();
  ctx.log(
    `  ${result.turnsPerSecond} turns/s, ${cpuMsPerTurn} ms server CPU per turn (${systemCpuMsPerTurn} system), p99 ${result.latency.p99Ms} ms, ` +
      `errors ${result.errors}, timeouts ${result.timeouts}; ${describeStats(stats)}`,
  );
  return { load: result, server: stats, cpuMsPerTurn, systemCpuMsPerTurn };
}

/**
 * Closed loop: turns per second with each shopper sending as soon as it is answered. Both servers
 * stay up and take turns, echo then daehwa for each size, so that other work on the machine
 * weighs on both alike.
 */
export async function capacity(ctx: ScenarioContext, shopperCounts: readonly number[], durationMs: number, warmupMs: number): Promise<CapacityRun[]> {
  const servers = new Map<ServerKind, ServerProcess>();
  try {
    for (const kind of SERVER_KINDS) {
      const server = await startServer(ctx, kind, `capacity-${kind}`);
      servers.set(kind, server);
      await warmUp(ctx, server, warmupMs);
    }
    const runs: CapacityRun[] = [];
    for (const shoppers of shopperCounts) {
      const echo = await closedLoop(ctx, servers.get('echo')!, 'echo', shoppers, durationMs);
      const daehwa = await closedLoop(ctx, servers.get('daehwa')!, 'daehwa', shoppers, durationMs);
      runs.push({ shoppers, echo, daehwa });
    }
    return runs;
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }
}

export interface OpenLoopServerRun extends ServerLoadRun {
  durationMs: number;
  /** RSS after warm-up, with no session open (after a full GC). */
  rssBeforeBytes: number;
  /** RSS with every shopper connected, said hello and idle (after a full GC). */
  rssIdleBytes: number;
  /** Highest RSS sampled each second during the load. */
  rssPeakBytes: number;
  /** (rssIdle - rssBefore) / connected sessions. */
  idleBytesPerSession: number;
}

export interface OpenLoopRun {
  shoppers: number;
  meanIntervalMs: number;
  daehwa: OpenLoopServerRun;
  echo: OpenLoopServerRun;
}

/**
 * Open loop: every shopper sends every `meanIntervalMs` on average (exponential gaps). Before the
 * first message, all shoppers are connected and idle: that is where memory per idle session is read.
 */
export async function openLoop(
  ctx: ScenarioContext,
  shoppers: number,
  durations: Record<ServerKind, number>,
  warmupMs: number,
  meanIntervalMs = 2000,
): Promise<OpenLoopRun> {
  const run: Partial<OpenLoopRun> = { shoppers, meanIntervalMs };
  for (const kind of SERVER_KINDS) {
    const durationMs = durations[kind];
    const server = await startServer(ctx, kind, `open-${shoppers}-${kind}`);
    let sampler: NodeJS.Timeout | undefined;
    const cpu = cpuMeter(server);
    try {
      await warmUp(ctx, server, warmupMs);
      const rssBeforeBytes = await settledResidentBytes(server);
      let rssIdleBytes = 0;
      let rssPeakBytes = 0;
      ctx.log(`open loop: ${kind}, ${shoppers} shoppers, one message per ${meanIntervalMs / 1000} s each, ${durationMs / 1000} s`);
      const result = await load(ctx, server, {
        shoppers,
        mode: 'open',
        meanIntervalMs,
        interval: 'exponential',
        // One visit for the whole run: about 30 messages in 60 s, a long support chat.
        conversationsPerSession: Number.POSITIVE_INFINITY,
        durationMs,
        onAllConnected: async () => {
          await sleep(IDLE_SETTLE_MS);
          rssIdleBytes = await settledResidentBytes(server);
          rssPeakBytes = rssIdleBytes;
          sampler = setInterval(() => {
            rssPeakBytes = Math.max(rssPeakBytes, residentBytes(server.pid));
          }, 1000);
          await server.takeStats();
          cpu.start();
        },
      });
      const { total: cpuMsPerTurn, system: systemCpuMsPerTurn } = cpu.perTurn(result.turnsAnswered);
      const stats = await server.takeStats();
      clearInterval(sampler);
      rssPeakBytes = Math.max(rssPeakBytes, residentBytes(server.pid));
      const idleBytesPerSession = result.connected > 0 ? (rssIdleBytes - rssBeforeBytes) / result.connected : Number.NaN;
      ctx.log(
        `  ${result.turnsPerSecond} turns/s, ${cpuMsPerTurn} ms server CPU per turn (${systemCpuMsPerTurn} system), p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms, ` +
          `idle ${Math.round(idleBytesPerSession / 102.4) / 10} KB/session, peak RSS ${Math.round(rssPeakBytes / 2 ** 20)} MB, ` +
          `errors ${result.errors}, timeouts ${result.timeouts}, connect failures ${result.connectFailures}; ${describeStats(stats)}`,
      );
      run[kind] = { load: result, server: stats, cpuMsPerTurn, systemCpuMsPerTurn, durationMs, rssBeforeBytes, rssIdleBytes, rssPeakBytes, idleBytesPerSession };
    } finally {
      clearInterval(sampler);
      await server.stop();
    }
  }
  return run as OpenLoopRun;
}

export interface ColdStartRuns {
  daehwa: ColdStart[];
  echo: ColdStart[];
}

/** Spawn to first answer, `runs` times each; the model is trained beforehand (not timed). */
export async function coldStarts(ctx: ScenarioContext, runs: number): Promise<ColdStartRuns> {
  const profile = ctx.profiles[0]!;
  const hello = { locale: 'ko', ...(profile.customerId ? { customerId: profile.customerId } : {}) };
  const text = `주문번호 ${profile.orderNumber} 배송 어디쯤 왔나요?`;
  const result: ColdStartRuns = { daehwa: [], echo: [] };
  for (let i = 0; i < runs; i++) {
    for (const kind of SERVER_KINDS) {
      const server = kind === 'echo' ? await ctx.workspace.spawnEcho('cold-echo') : await ctx.workspace.spawnDaehwa('cold-daehwa');
      try {
        const cold = await measureColdStart(server, hello, text, START_TIMEOUT_MS);
        ctx.log(`cold start ${i + 1}/${runs}: ${kind} accepting after ${cold.acceptingMs} ms, first reply after ${cold.firstReplyMs} ms`);
        result[kind].push(cold);
      } finally {
        await server.stop();
      }
    }
  }
  return result;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface ProfileRun {
  load: LoadResult;
  profile: ProfileSummary;
}

/** daehwa under `node --cpu-prof` with a closed loop of `shoppers`; self time over the load only. */
export async function profileUnderLoad(ctx: ScenarioContext, shoppers: number, durationMs: number, warmupMs: number): Promise<ProfileRun> {
  const dir = path.join(ctx.workspace.dir, 'cpu-profile');
  const server = await startServer(ctx, 'daehwa', 'profile', ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  let result: LoadResult;
  let window: [number, number];
  try {
    await warmUp(ctx, server, warmupMs);
    ctx.log(`profile: daehwa under node --cpu-prof, ${shoppers} shoppers, closed loop, ${durationMs / 1000} s`);
    const start = profileClockMicros();
    result = await load(ctx, server, { shoppers, mode: 'closed', durationMs });
    window = [start, profileClockMicros()];
  } finally {
    await server.exitNormally();
  }
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${dir}: the server did not exit normally`);
  const written = path.join(dir, files[0]!);
  // DAEHWA_BENCH_PROFILE_COPY=file keeps the raw profile (the workspace is removed after the run) for a closer look.
  const keep = process.env.DAEHWA_BENCH_PROFILE_COPY;
  if (keep) await copyFile(written, keep);
  const profile = await readProfile(written, window);
  return { load: result, profile };
}
