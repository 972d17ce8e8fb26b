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
import type { ServerMemory, ServerStats } from './server-hooks.ts';

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
  /** The server's process.memoryUsage() then. */
  memoryBefore: ServerMemory | null;
  /** RSS with every shopper connected, said hello and idle (after a full GC). */
  rssIdleBytes: number;
  /** Highest RSS sampled each second during the load. */
  rssPeakBytes: number;
  /** The server's process.memoryUsage() in the second whose RSS was highest: the V8 heap against what is outside it. */
  memoryAtPeak: ServerMemory | null;
  /** With every shopper still connected once the load is over (the last turns answered), after a full GC: what the live sessions hold. */
  memoryDriven: ServerMemory | null;
  /** RSS once the shoppers have left, after a full GC. */
  rssLeftBytes: number;
  /** (rssIdle - rssBefore) / connected sessions. */
  idleBytesPerSession: number;
  /** (rssPeak - rssBefore) / connected sessions: what an active session costs, garbage included. */
  activeBytesPerSession: number;
  /** (memoryDriven.rss - rssBefore) / connected sessions: after a full GC, but V8 keeps the heap's pages a while, so near the peak's. */
  activeSettledBytesPerSession: number;
  /** (memoryDriven.heapUsed - memoryBefore.heapUsed) / connected sessions: the live V8 heap a session that was active holds. */
  activeLiveHeapBytesPerSession: number;
  /** Heap snapshots written (DAEHWA_BENCH_HEAP_SNAPSHOT=dir): under load and after the shoppers left. */
  heapSnapshots: string[];
}

export interface OpenLoopRun {
  shoppers: number;
  meanIntervalMs: number;
  daehwa: OpenLoopServerRun;
  echo: OpenLoopServerRun;
}

/** The highest RSS sampled each second, with the server's own memory reading in that second. */
function peakSampler(server: ServerProcess): {
  start(from: ServerMemory | null, fromBytes: number): void;
  /** Stops sampling after one last RSS reading. */
  finish(): void;
  stop(): void;
  peak(): { rssBytes: number; memory: ServerMemory | null };
} {
  let rssBytes = 0;
  let memory: ServerMemory | null = null;
  let timer: NodeJS.Timeout | undefined;
  // One reading at a time: a server stalled (by a heap snapshot) must not pile requests up.
  let reading = false;
  const sample = async () => {
    const rss = residentBytes(server.pid);
    if (rss <= rssBytes || reading) return;
    rssBytes = rss;
    reading = true;
    memory = (await server.memory()) ?? memory;
    reading = false;
  };
  return {
    start(from, fromBytes) {
      rssBytes = fromBytes;
      memory = from;
      timer = setInterval(() => void sample(), 1000);
    },
    finish() {
      clearInterval(timer);
      rssBytes = Math.max(rssBytes, residentBytes(server.pid));
    },
    stop: () => clearInterval(timer),
    /** After finish(): the peak. */
    peak: () => ({ rssBytes, memory }),
  };
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

function describeMemory(memory: ServerMemory | null): string {
  if (!memory) return 'no memory reading';
  return `RSS ${mb(memory.rssBytes)} MB = V8 heap ${mb(memory.heapTotalBytes)} MB (used ${mb(memory.heapUsedBytes)}) + external ${mb(memory.externalBytes)} MB (array buffers ${mb(memory.arrayBuffersBytes)}) + the rest (code, stacks, native)`;
}

/**
 * DAEHWA_BENCH_HEAP_SNAPSHOT=dir: daehwa writes a heap snapshot halfway through each open loop
 * (the shoppers connected and sending) and one after they left; read them with heap-summary.ts.
 * A snapshot stalls the server for seconds and needs memory of its own: that run's latency and
 * peak RSS are not figures to keep.
 */
const HEAP_SNAPSHOT_DIR = process.env.DAEHWA_BENCH_HEAP_SNAPSHOT;

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
    const peak = peakSampler(server);
    const cpu = cpuMeter(server);
    const snapshotDir = kind === 'daehwa' ? HEAP_SNAPSHOT_DIR : undefined;
    const heapSnapshots: string[] = [];
    let midway: NodeJS.Timeout | undefined;
    let midwaySnapshot: Promise<void> = Promise.resolve();
    const snapshot = async (moment: string) => {
      const file = await server.writeHeapSnapshot(path.resolve(snapshotDir!, `open-${shoppers}-${moment}.heapsnapshot`));
      heapSnapshots.push(file);
      ctx.log(`  heap snapshot ${moment}: ${file}`);
    };
    try {
      await warmUp(ctx, server, warmupMs);
      const rssBeforeBytes = await settledResidentBytes(server);
      const memoryBefore = await server.memory();
      let rssIdleBytes = 0;
      let memoryDriven: ServerMemory | null = null;
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
          peak.start(await server.memory(), rssIdleBytes);
          await server.takeStats();
          cpu.start();
          if (snapshotDir) midway = setTimeout(() => (midwaySnapshot = snapshot('loaded')), durationMs / 2);
        },
        onDriven: async () => {
          // Before the GC: a reading after it must not pass for the peak's.
          peak.finish();
          clearTimeout(midway);
          await midwaySnapshot;
          await server.collectGarbage();
          memoryDriven = await server.memory();
        },
      });
      const { total: cpuMsPerTurn, system: systemCpuMsPerTurn } = cpu.perTurn(result.turnsAnswered);
      const stats = await server.takeStats();
      const { rssBytes: rssPeakBytes, memory: memoryAtPeak } = peak.peak();
      const rssLeftBytes = await settledResidentBytes(server);
      if (snapshotDir) await snapshot('left');
      const perSession = (bytes: number) => (result.connected > 0 ? (bytes - rssBeforeBytes) / result.connected : Number.NaN);
      const idleBytesPerSession = perSession(rssIdleBytes);
      const activeBytesPerSession = perSession(rssPeakBytes);
      const driven = memoryDriven as ServerMemory | null;
      const activeSettledBytesPerSession = driven ? perSession(driven.rssBytes) : Number.NaN;
      const activeLiveHeapBytesPerSession =
        driven && memoryBefore && result.connected > 0 ? (driven.heapUsedBytes - memoryBefore.heapUsedBytes) / result.connected : Number.NaN;
      const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
      ctx.log(
        `  ${result.turnsPerSecond} turns/s, ${cpuMsPerTurn} ms server CPU per turn (${systemCpuMsPerTurn} system), p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms, ` +
          `idle ${kb(idleBytesPerSession)} KB/session, peak RSS ${mb(rssPeakBytes)} MB, ` +
          `errors ${result.errors}, timeouts ${result.timeouts}, connect failures ${result.connectFailures}; ${describeStats(stats)}`,
      );
      ctx.log(
        `  memory: warm, after GC ${describeMemory(memoryBefore)}; idle sessions ${mb(rssIdleBytes)} MB; at the peak ${describeMemory(memoryAtPeak)}; ` +
          `load over, still connected, after GC ${describeMemory(memoryDriven)}; shoppers gone, after GC ${mb(rssLeftBytes)} MB; ` +
          `per active session ${kb(activeBytesPerSession)} KB of RSS at the peak, ${kb(activeSettledBytesPerSession)} KB after GC, of which live V8 heap ${kb(activeLiveHeapBytesPerSession)} KB`,
      );
      run[kind] = {
        load: result,
        server: stats,
        cpuMsPerTurn,
        systemCpuMsPerTurn,
        durationMs,
        rssBeforeBytes,
        memoryBefore,
        rssIdleBytes,
        rssPeakBytes,
        memoryAtPeak,
        memoryDriven,
        rssLeftBytes,
        idleBytesPerSession,
        activeBytesPerSession,
        activeSettledBytesPerSession,
        activeLiveHeapBytesPerSession,
        heapSnapshots,
      };
    } finally {
      clearTimeout(midway);
      peak.stop();
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
