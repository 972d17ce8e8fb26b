// `npm run bench`: every figure of issue 5 next to a baseline measured in the same run, one table
// on stdout, the details in reports/bench.json. Progress goes to stderr.
//
//   npm run bench                      full run (about 8 minutes on 2 cores)
//   npm run bench -- --quick           shorter runs, a smoke test; written to the temp directory
//   npm run bench -- --only capacity,cold --no-profile
//   npm run bench -- --source          servers run src/ through tsx instead of the compiled dist/
// A CPU profile of the server under load is taken when a server target is missed (or --profile).

import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadShopperProfiles } from './conversations.ts';
import { BenchWorkspace } from './daehwa-server.ts';
import type { LoadResult } from './load-client.ts';
import { benchNlu, nluFigures } from './nlu.ts';
import { describeMachine, formatTable, judge, round, type Figure, type Row } from './report.ts';
import { capacity, coldStarts, median, openLoop, profileUnderLoad, type ScenarioContext, type ServerLoadRun } from './scenarios.ts';
import { benchStore, type StoreBenchResult } from './store.ts';
import { benchKakao } from './kakao.ts';
import { benchPostgres, postgresFigures, type PostgresBenchPlan } from './postgres.ts';
import { benchAnalytics, recordingCost } from './analytics.ts';

const SECTIONS = ['nlu', 'capacity', 'open', 'store', 'cold', 'kakao', 'postgres', 'analytics'] as const;
type Section = (typeof SECTIONS)[number];

interface Plan {
  nluRounds: number;
  capacityShoppers: number[];
  capacityMs: number;
  openShoppers: number[];
  openMs: { daehwa: number; echo: number };
  warmupMs: number;
  coldRuns: number;
  profileShoppers: number;
  profileMs: number;
  storeSizes: number[];
  storeTurns: number;
  kakao: { users: number; ratePerSecond: number; durationMs: number };
  /** issue 13: lowdb vs PostgreSQL with 1, 2, 3 processes (scripts/bench/postgres.ts). */
  postgres: PostgresBenchPlan;
  /** analytics (issue 12): the month read, and the recording cost's closed-loop rounds (capacity section). */
  analytics: { conversations: number; recordTurns: number; costShoppers: number; costMs: number; costRounds: number };
}

const FULL: Plan = {
  nluRounds: 5,
  capacityShoppers: [100, 1000],
  capacityMs: 15_000,
  openShoppers: [1000, 5000],
  // The echo answers in well under a millisecond whatever the load: 20 s shows its latency.
  openMs: { daehwa: 60_000, echo: 20_000 },
  // A server runs for days: 10 s lets V8 finish compiling the hot path, so CPU per turn is the steady state, for both.
  warmupMs: 10_000,
  coldRuns: 3,
  profileShoppers: 100,
  profileMs: 10_000,
  storeSizes: [10, 10_000, 100_000],
  storeTurns: 2000,
  kakao: { users: 1000, ratePerSecond: 200, durationMs: 30_000 },
  postgres: { shoppers: 1000, durationMs: 15_000, warmupMs: 3000, processes: [1, 2, 3] },
  analytics: { conversations: 100_000, recordTurns: 50_000, costShoppers: 1000, costMs: 10_000, costRounds: 4 },
};

const QUICK: Plan = {
  ...FULL,
  nluRounds: 1,
  capacityMs: 4000,
  openMs: { daehwa: 10_000, echo: 5000 },
  warmupMs: 1000,
  coldRuns: 1,
  profileMs: 4000,
  storeSizes: [10, 10_000],
  storeTurns: 500,
  kakao: { users: 500, ratePerSecond: 100, durationMs: 8000 },
  postgres: { shoppers: 1000, durationMs: 5000, warmupMs: 1000, processes: [1, 2, 3] },
  analytics: { conversations: 10_000, recordTurns: 10_000, costShoppers: 1000, costMs: 4000, costRounds: 2 },
};

/** Turns that failed beyond this share make a latency or capacity figure invalid. */
const MAX_FAILED_SHARE = 0.01;

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function failedShare(result: LoadResult): string | undefined {
  const failed = result.errors + result.timeouts;
  const attempted = result.turnsSent + result.connectFailures;
  if (attempted === 0) return 'no turn was sent';
  const share = (failed + result.connectFailures) / attempted;
  return share > MAX_FAILED_SHARE ? `${round(share * 100, 1)}% of turns or connections failed` : undefined;
}

/** Turns answered with an error or not at all, and connections or hellos that failed: zero is the target (issue 16). */
function failures(load: LoadResult): number {
  return load.errors + load.timeouts + load.connectFailures;
}

function failedFigure(id: string, label: string, run: { daehwa: ServerLoadRun; echo: ServerLoadRun }): Figure {
  const { load } = run.daehwa;
  return {
    id,
    label,
    unit: 'failed',
    value: failures(load),
    baseline: failures(run.echo.load),
    baselineLabel: 'echo',
    target: { on: 'value', kind: 'atMost', limit: 0 },
    note: `errors ${load.errors}, timeouts ${load.timeouts}, connections or hellos ${load.connectFailures} of ${load.sessionsOpened + load.connectFailures}` +
      (load.errorSamples.length > 0 ? `; first errors: ${load.errorSamples.join(' | ')}` : ''),
  };
}

function loadNote({ load, server }: ServerLoadRun): string {
  const stats = server
    ? `; server loop delay p99 ${server.loopDelayP99Ms} ms, max ${server.loopDelayMaxMs} ms; GC ${server.gcTotalMs} ms in ${server.gcCount} pauses, longest ${server.gcMaxMs} ms`
    : '';
  return (
    `${load.turnsAnswered} turns in ${round(load.elapsedMs / 1000, 1)} s, p50 ${load.latency.p50Ms} ms, p99 ${load.latency.p99Ms} ms, ` +
    `errors ${load.errors}, timeouts ${load.timeouts}, handoffs ${load.handoffFrames}; client CPU ${load.clientCpuPercent}% of a core, loop delay p99 ${load.clientLoopDelayP99Ms} ms${stats}` +
    (load.errorSamples.length > 0 ? `; first errors: ${load.errorSamples.join(' | ')}` : '')
  );
}

function storeFigures(store: StoreBenchResult): Figure[] {
  const first = store.rows[0]!;
  const last = store.rows.at(-1)!;
  const at = (n: number) => n.toLocaleString('en-US');
  const growth = (id: string, label: string, pick: (row: StoreBenchResult['rows'][number]) => number, target: boolean): Figure => ({
    id,
    label: `${label} at ${at(last.storedConversations)} stored`,
    unit: 'ms',
    value: pick(last),
    baseline: pick(first),
    baselineLabel: `at ${at(first.storedConversations)}`,
    target: target ? { on: 'ratio', kind: 'atMost', limit: store.targetRatio } : null,
  });
  return [
    growth('store.turn.p50', 'Store turn p50', (r) => r.turn.p50Ms, true),
    growth('store.turn.p99', 'Store turn p99', (r) => r.turn.p99Ms, true),
    growth('store.durable.p50', 'Store turn + flush p50', (r) => r.durableTurn.p50Ms, true),
    growth('store.durable.p99', 'Store turn + flush p99', (r) => r.durableTurn.p99Ms, true),
    growth('store.naive.p50', 'Naive one-document lowdb turn p50', (r) => r.naive.turn.p50Ms, false),
  ];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      out: { type: 'string' },
      source: { type: 'boolean', default: false },
    },
  });
  const plan = values.quick ? QUICK : FULL;
  const sections = new Set<Section>(values.only ? (values.only.split(',') as Section[]) : SECTIONS);
  const unknown = [...sections].filter((s) => !SECTIONS.includes(s));
  if (unknown.length > 0) {
    log(`bench: unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}`);
    return 2;
  }
  const out = values.out ?? (values.quick ? path.join(tmpdir(), 'daehwa-bench-quick.json') : path.join('reports', 'bench.json'));
  const startedAt = new Date();
  const machine = describeMachine();
  log(`bench: ${values.quick ? 'quick' : 'full'} run on ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}`);

  const workspace = await BenchWorkspace.create(process.cwd(), values.source ? 'source' : 'compiled');
  const ctx: ScenarioContext = { workspace, profiles: await loadShopperProfiles(), log };
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  try {
    if (sections.has('capacity') || sections.has('open') || sections.has('cold') || sections.has('kakao') || sections.has('postgres')) {
      workspace.ensureModel(log);
      workspace.ensureBuild(log);
    }

    if (sections.has('nlu')) {
      log('NLU: latency and training, daehwa vs plain NLP.js on the same corpus (scripts/bench/nlu.ts)');
      const nlu = await benchNlu({ rounds: plan.nluRounds, log });
      details.nlu = nlu;
      figures.push(...nluFigures(nlu));
    }

    if (sections.has('capacity')) {
      const runs = await capacity(ctx, plan.capacityShoppers, plan.capacityMs, plan.warmupMs);
      details.capacity = runs;
      for (const run of runs) {
        figures.push({
          id: `capacity.${run.shoppers}`,
          label: `Capacity, ${run.shoppers.toLocaleString('en-US')} shoppers, closed loop`,
          unit: 'turns/s',
          value: run.daehwa.load.turnsPerSecond,
          baseline: run.echo.load.turnsPerSecond,
          baselineLabel: 'echo',
          target: { on: 'ratio', kind: 'atLeast', limit: 0.5 },
          note: loadNote(run.daehwa),
          invalid: failedShare(run.daehwa.load),
        });
        figures.push(failedFigure(`capacity.${run.shoppers}.failed`, `Failed turns and connections, ${run.shoppers.toLocaleString('en-US')} shoppers, closed loop`, run));
      }
      // Per-turn CPU does not depend on what else runs on the machine: the most stable figure here.
      const steady = runs.at(-1);
      if (steady) {
        figures.push({
          id: 'capacity.cpu_per_turn',
          label: `Server CPU per turn (${steady.shoppers.toLocaleString('en-US')} shoppers, closed loop)`,
          unit: 'ms',
          value: steady.daehwa.cpuMsPerTurn,
          baseline: steady.echo.cpuMsPerTurn,
          baselineLabel: 'echo',
          // issue 16: the engine's own work on top of the transport, at most 3.5 times the transport's.
          target: { on: 'ratio', kind: 'atMost', limit: 3.5 },
          note:
            `one core answers at most ${Math.round(1000 / steady.daehwa.cpuMsPerTurn)} turns/s (echo ${Math.round(1000 / steady.echo.cpuMsPerTurn)}); ` +
            `system (kernel) time ${steady.daehwa.systemCpuMsPerTurn} ms of it (echo ${steady.echo.systemCpuMsPerTurn} ms)`,
        });
      }
      // analytics (issue 12): what recording a fact per turn adds to it, against the same server without.
      const cost = await recordingCost(ctx, plan.analytics.costShoppers, plan.analytics.costMs, plan.warmupMs, plan.analytics.costRounds);
      details.recordingCost = cost;
      const rounds = (runs: typeof cost.withFacts) => runs.map((run) => run.cpuMsPerTurn).join(', ');
      figures.push({
        id: 'capacity.facts_cpu',
        label: `Server CPU per turn recording facts (${cost.shoppers.toLocaleString('en-US')} shoppers, closed loop, median of ${cost.withFacts.length})`,
        unit: 'ms',
        value: cost.cpuWithMs,
        baseline: cost.cpuWithoutMs,
        baselineLabel: 'analytics.recordFacts off',
        target: { on: 'ratio', kind: 'atMost', limit: 1.05 },
        note: `rounds with facts ${rounds(cost.withFacts)} ms, without ${rounds(cost.withoutFacts)} ms; ${cost.withFacts.map((run) => run.load.turnsPerSecond).join(', ')} vs ${cost.withoutFacts.map((run) => run.load.turnsPerSecond).join(', ')} turns/s`,
        invalid: [...cost.withFacts, ...cost.withoutFacts].map((run) => failedShare(run.load)).find((problem) => problem !== undefined),
      });
    }

    if (sections.has('open')) {
      const runs = [];
      for (const shoppers of plan.openShoppers) runs.push(await openLoop(ctx, shoppers, plan.openMs, plan.warmupMs));
      details.openLoop = runs;
      const p99Limits: Record<number, number> = { 1000: 50, 5000: 200 };
      for (const run of runs) {
        const n = run.shoppers.toLocaleString('en-US');
        const limit = p99Limits[run.shoppers];
        const latency = (p: 'p50Ms' | 'p99Ms'): Figure => ({
          id: `open.${run.shoppers}.${p.slice(0, 3)}`,
          label: `Turn latency ${p.slice(0, 3)}, ${n} shoppers, open loop (${run.daehwa.load.turnsPerSecond} turns/s)`,
          unit: 'ms',
          value: run.daehwa.load.latency[p],
          baseline: run.echo.load.latency[p],
          baselineLabel: 'echo',
          target: null,
        });
        figures.push(
          latency('p50Ms'),
          {
            ...latency('p99Ms'),
            target: limit === undefined ? null : { on: 'value', kind: 'below', limit },
            note: loadNote(run.daehwa),
            invalid: failedShare(run.daehwa.load),
          },
          failedFigure(`open.${run.shoppers}.failed`, `Failed turns and connections, ${n} shoppers, open loop`, run),
          {
            id: `open.${run.shoppers}.rss`,
            label: `Server memory (peak RSS), ${n} shoppers`,
            unit: 'MB',
            value: round(run.daehwa.rssPeakBytes / 2 ** 20, 1),
            baseline: round(run.echo.rssPeakBytes / 2 ** 20, 1),
            baselineLabel: 'echo',
            target: null,
          },
        );
      }
      // The largest run has the most sessions over the same noise: its per-session figure is the one judged.
      const largest = runs.at(-1);
      if (largest) {
        figures.push({
          id: 'memory.idle_session',
          label: `Memory per idle session (${largest.daehwa.load.connected.toLocaleString('en-US')} sessions)`,
          unit: 'KB',
          value: round(largest.daehwa.idleBytesPerSession / 1024, 2),
          baseline: round(largest.echo.idleBytesPerSession / 1024, 2),
          baselineLabel: 'echo connection',
          target: { on: 'value', kind: 'below', limit: 20 },
        });
        const kb = (bytes: number) => round(bytes / 1024, 1);
        figures.push({
          id: 'memory.active_session',
          label: `Memory per active session (${largest.daehwa.load.connected.toLocaleString('en-US')} shoppers, peak RSS)`,
          unit: 'KB',
          value: kb(largest.daehwa.activeBytesPerSession),
          baseline: kb(largest.echo.activeBytesPerSession),
          baselineLabel: 'echo connection',
          target: null,
          note:
            `(peak RSS - warm RSS) / shoppers; after a full GC with every shopper still connected ${kb(largest.daehwa.activeSettledBytesPerSession)} KB of RSS ` +
            `(echo ${kb(largest.echo.activeSettledBytesPerSession)} KB), of which live V8 heap ${kb(largest.daehwa.activeLiveHeapBytesPerSession)} KB (echo ${kb(largest.echo.activeLiveHeapBytesPerSession)} KB)`,
        });
      }
    }

    if (sections.has('store')) {
      log(`store growth: ${plan.storeSizes.join(' / ')} stored conversations (scripts/bench/store.ts)`);
      const store = await benchStore({ sizes: plan.storeSizes, turns: plan.storeTurns, log });
      details.store = store;
      figures.push(...storeFigures(store));
    }

    if (sections.has('cold')) {
      const runs = await coldStarts(ctx, plan.coldRuns);
      details.coldStart = runs;
      figures.push({
        id: 'cold_start',
        label: `Cold start to first reply, trained model (median of ${plan.coldRuns})`,
        unit: 'ms',
        value: median(runs.daehwa.map((r) => r.firstReplyMs)),
        baseline: median(runs.echo.map((r) => r.firstReplyMs)),
        baselineLabel: 'echo',
        target: { on: 'value', kind: 'below', limit: 3000 },
        note: `all runs: ${runs.daehwa.map((r) => r.firstReplyMs).join(', ')} ms; accepting after ${runs.daehwa.map((r) => r.acceptingMs).join(', ')} ms`,
      });
    }

    if (sections.has('kakao')) {
      const run = await benchKakao(ctx, { ...plan.kakao, warmupMs: plan.warmupMs });
      details.kakao = run;
      const at = `${run.ratePerSecond} requests/s, ${run.users.toLocaleString('en-US')} users`;
      const invalid =
        run.skill.errors + run.skill.timeouts > run.skill.sent * MAX_FAILED_SHARE ? `${run.skill.errors} errors and ${run.skill.timeouts} timeouts of ${run.skill.sent} requests` : undefined;
      figures.push(
        {
          id: 'kakao.throughput',
          label: `Kakao skill answered, fixed rate (${at})`,
          unit: 'req/s',
          value: run.skill.requestsPerSecond,
          baseline: run.websocket.turnsPerSecond,
          baselineLabel: 'websocket, same rate',
          target: null,
          note: `the websocket's shoppers send at random (uniform) gaps averaging the same rate; its first gaps make it answer a little less than offered in a short run`,
          invalid,
        },
        {
          id: 'kakao.p99',
          label: `Kakao skill latency p99 (${at})`,
          unit: 'ms',
          value: run.skill.latency.p99Ms,
          baseline: run.websocket.latency.p99Ms,
          baselineLabel: 'websocket, same rate',
          // Kakao gives a skill 5 s; daehwa answers "확인 중이에요" at channels.kakao.deadlineMs (4 s).
          target: { on: 'value', kind: 'below', limit: 4000 },
          note: `p50 ${run.skill.latency.p50Ms} ms (websocket ${run.websocket.latency.p50Ms} ms); ${run.skill.sent} sent, ${run.skill.late} past the deadline, errors ${run.skill.errors}, timeouts ${run.skill.timeouts}` +
            (run.skill.errorSamples.length > 0 ? `; first errors: ${run.skill.errorSamples.join(' | ')}` : ''),
          invalid,
        },
      );
    }

    if (sections.has('postgres')) {
      const bench = await benchPostgres(ctx, plan.postgres);
      details.postgres = bench;
      figures.push(
        ...postgresFigures(bench, machine.cpus, (run) => {
          const attempted = run.turnsPerSecond > 0 ? run.turnsPerSecond * (plan.postgres.durationMs / 1000) : 0;
          const failed = run.errors + run.timeouts + run.connectFailures;
          return attempted === 0 ? 'no turn was answered' : failed / attempted > MAX_FAILED_SHARE ? `${failed} errors, timeouts or failed connections` : undefined;
        }),
      );
    }

    if (sections.has('analytics')) {
      const result = await benchAnalytics({ conversations: plan.analytics.conversations, turns: plan.analytics.recordTurns, log });
      details.analytics = result;
      const month = `${result.conversations.toLocaleString('en-US')} conversations, ${result.facts.toLocaleString('en-US')} facts`;
      const invalid = result.identical ? undefined : 'the figures from aggregates differ from those from facts';
      figures.push(
        {
          id: 'analytics.month.cold',
          label: `Dashboard report of a month, freshly opened lowdb store (${month})`,
          unit: 'ms',
          value: result.aggregates.coldMs,
          baseline: result.raw.coldMs,
          baselineLabel: 'from the facts',
          target: { on: 'value', kind: 'below', limit: 1000 },
          note: `${result.aggregates.sources.keptDays} days from kept aggregates and ${result.aggregates.sources.factDays} from their facts; the ${result.aggregates.computedDays} closed days were computed once in ${result.aggregates.computeMs} ms`,
          invalid,
        },
        {
          id: 'analytics.month.warm',
          label: 'Dashboard report of the month again (warm)',
          unit: 'ms',
          value: result.aggregates.warmMs,
          baseline: result.raw.warmMs,
          baselineLabel: 'from the facts',
          target: { on: 'value', kind: 'below', limit: 1000 },
          invalid,
        },
        ...result.recording.map((r, index) => ({
          id: `analytics.record.${index}`,
          label: `Recording a turn's fact in process, a line ${r.line}`,
          unit: 'µs CPU',
          value: r.cpuMicrosPerTurn,
          baseline: null,
          baselineLabel: '',
          target: null,
        })),
      );
    }

    const rows: Row[] = figures.map(judge);
    const serverMissed = rows.some((r) => r.status === 'MISS' && (r.id.startsWith('capacity') || r.id.startsWith('open')));
    if (values.profile || (serverMissed && !values['no-profile'])) {
      const profiled = await profileUnderLoad(ctx, plan.profileShoppers, plan.profileMs, plan.warmupMs);
      details.profile = profiled;
      log(`profile: ${profiled.load.turnsPerSecond} turns/s under the profiler; idle ${profiled.profile.idlePercent}%`);
    }

    const table = formatTable(rows);
    const loadAverageAtEnd = round(loadavg()[0] ?? 0, 2);
    const report = {
      generatedAt: startedAt.toISOString(),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      quick: values.quick,
      serverCode: workspace.code,
      machine: { ...machine, loadAverageAtEnd },
      durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
      rows,
      details,
    };
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);

    process.stdout.write(`\n${table}\n\n`);
    for (const row of rows.filter((r) => r.note)) process.stdout.write(`- ${row.label}: ${row.note}\n`);
    const profile = details.profile as Awaited<ReturnType<typeof profileUnderLoad>> | undefined;
    if (profile) {
      // The profiler samples the main thread's stack on a wall clock: a syscall (writev most of all, which on
      // loopback also wakes the load client) holds its samples while the thread waits for a core too.
      process.stdout.write('\nWhere the server spends its CPU under load (self time, share of busy samples; a syscall\'s share is\n' +
        'wall time, waits for a core included: the system time in the CPU-per-turn note is what the kernel ran):\n');
      for (const area of profile.profile.topAreas) process.stdout.write(`  ${String(area.selfPercent).padStart(5)}%  ${area.name}\n`);
      process.stdout.write('Top functions:\n');
      for (const fn of profile.profile.topFunctions) process.stdout.write(`  ${String(fn.selfPercent).padStart(5)}%  ${fn.name}\n`);
    }
    process.stdout.write(
      `\n${machine.cpus} x ${machine.cpuModel}, node ${machine.node}, server ${workspace.code === 'compiled' ? 'dist/ (compiled)' : 'src/ through tsx'}, ${startedAt.toISOString()}, ${report.durationS} s, ` +
        `load average ${machine.loadAverageAtStart} at start and ${loadAverageAtEnd} at end (above ${machine.cpus}: other work competed); written to ${out}\n`,
    );
    // A missed target is a finding, not a failed run: the table and the JSON say it.
    return 0;
  } finally {
    await workspace.remove();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
