// Analytics bench (issue 12): the `analytics` section of `npm run bench`, or on its own
// `npx tsx scripts/bench/analytics.ts [conversations]`.
// 1. Reading a month: the dashboard's report over a busy shop's month (default 100,000 synthetic
//    conversations, the scenarios of test/analytics/synthetic-month.ts) from a lowdb store,
//    asked at noon on the month's last day. Before: every report reads the month's facts.
//    After: it sums the kept aggregates of the closed days and reads only the last two days'
//    facts. Each measured on a freshly opened store (cold) and again (warm); the two must agree.
// 2. Recording cost in process: CPU per turn of FactRecorder.turn (build, mask, batch) with a
//    lowdb store's append and its share of the flush.
// 3. Recording cost end to end (run from the capacity section): the server's CPU per turn in a
//    closed loop with fact recording on and off (analytics.recordFacts), rounds alternated.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { factWindow } from '../../src/analytics/conversations.ts';
import { computeFigures, type Figures } from '../../src/analytics/figures.ts';
import type { TurnInput } from '../../src/analytics/record.ts';
import { FactRecorder } from '../../src/analytics/recorder.ts';
import { AnalyticsService, type ReportSources } from '../../src/analytics/service.ts';
import { shopCalendar } from '../../src/commerce/shop-calendar.ts';
import { VocMatcher, loadVocThemes } from '../../src/analytics/voc.ts';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import type { SessionRecord } from '../../src/store/types.ts';
import { MONTH, syntheticMonth } from '../../test/analytics/synthetic-month.ts';
import { waitUntilAccepting, type ServerProcess } from './processes.ts';
import { closedLoop, median, warmUp, type ScenarioContext, type ServerLoadRun } from './scenarios.ts';

/** Noon on the month's last day, shop time: the 29th and the 30th are not closed yet. */
const NOW = '2026-11-30T03:00:00.000Z';
const IDLE_MS = 30 * 60_000;
const RANGE = { from: MONTH.fromDay, to: MONTH.toDay };

export interface AnalyticsBenchResult {
  conversations: number;
  facts: number;
  /** Before: the report from the month's facts. */
  raw: { coldMs: number; warmMs: number };
  /** After: from kept day aggregates and the facts of the days not closed. */
  aggregates: { computeMs: number; computedDays: number; coldMs: number; warmMs: number; sources: ReportSources };
  /** The report from aggregates equals the one from the facts. */
  identical: boolean;
  recording: { line: string; cpuMicrosPerTurn: number }[];
}

export async function benchAnalytics(options: { conversations: number; turns: number; log: (line: string) => void }): Promise<AnalyticsBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'daehwa-bench-analytics-'));
  try {
    // Measured first, on a small heap: a server's heap holds no month of facts.
    const recording = [];
    for (const [name, line] of [['with a phone number', '주문한 게 아직 안 와요 010-1234-5678'], ['without personal data', '주문한 게 아직 안 와요 언제 와요']] as const) {
      recording.push({ line: name, cpuMicrosPerTurn: await recordingMicros(join(dir, `record-${recording.length}`), line, options.turns) });
    }
    options.log(`  recording in process: ${recording.map((r) => `${r.cpuMicrosPerTurn} µs CPU per turn ${r.line}`).join(', ')}`);
    options.log(`analytics: a month of ${options.conversations.toLocaleString('en-US')} conversations in a lowdb store`);
    const month = syntheticMonth(options.conversations, 1);
    const facts = month.facts.filter((fact) => fact.at <= NOW);
    let store = await createLowdbStore({ dir });
    await store.appendFacts(facts);
    await store.close();

    const themes = await loadVocThemes();
    const analysis = { calendar: shopCalendar(MONTH.timeZone), fromDay: RANGE.from, toDay: RANGE.to, now: NOW, idleMs: IDLE_MS, voc: new VocMatcher(themes) };
    const window = factWindow(analysis);
    const timed = async <T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> => {
      const started = performance.now();
      const value = await work();
      return { ms: Math.round(performance.now() - started), value };
    };
    const service = (): AnalyticsService => new AnalyticsService({ facts: store, timeZone: MONTH.timeZone, idleMs: IDLE_MS, now: () => new Date(NOW) });

    // Before: facts read and summed at every report.
    store = await createLowdbStore({ dir });
    const fromFacts = async (): Promise<Figures> => computeFigures(await store.listFacts({ from: window.from, to: window.readTo }), analysis, themes.map((t) => t.id));
    const rawCold = await timed(fromFacts);
    const rawWarm = await timed(fromFacts);
    await store.close();
    options.log(`  from facts: cold ${rawCold.ms} ms, warm ${rawWarm.ms} ms`);

    // The closed days computed once (the server's hourly job does this as days close).
    store = await createLowdbStore({ dir });
    const compute = await timed(() => service().closeDays());
    await store.close();

    // After: a freshly opened store, then again.
    store = await createLowdbStore({ dir });
    const analytics = service();
    const report = async (): Promise<Figures> => {
      const { satisfaction: _s, themes: _t, ...figures } = await analytics.report(RANGE);
      return figures;
    };
    const cold = await timed(report);
    const sources = analytics.lastSources;
    const warm = await timed(report);
    await store.close();
    options.log(`  from aggregates: ${compute.value} days computed in ${compute.ms} ms; report cold ${cold.ms} ms, warm ${warm.ms} ms (${sources.keptDays} kept days, ${sources.factDays} days from facts)`);
    const identical = isDeepStrictEqual(cold.value, rawCold.value) && isDeepStrictEqual(warm.value, rawCold.value);
    if (!identical) options.log('  the report from aggregates differs from the one from facts');

    return {
      conversations: month.ledger.length,
      facts: facts.length,
      raw: { coldMs: rawCold.ms, warmMs: rawWarm.ms },
      aggregates: { computeMs: compute.ms, computedDays: compute.value, coldMs: cold.ms, warmMs: warm.ms, sources },
      identical,
      recording,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** CPU per turn of recording one turn's fact as the server does, with a lowdb store's writes. */
export async function recordingMicros(dir: string, line: string, turns: number): Promise<number> {
  const store = await createLowdbStore({ dir, flushIntervalMs: 50 });
  const recorder = new FactRecorder({ store, enabled: true, log: { error: () => undefined } });
  const session: SessionRecord = { id: 's1', tokenHash: 'h', customerId: null, locale: 'ko', status: 'open', createdAt: '2026-12-07T00:00:00.000Z', updatedAt: '2026-12-07T00:00:00.000Z', mode: 'bot', dialog: { version: 1, locale: 'ko' } };
  const sessions = Array.from({ length: 500 }, (_, i) => ({ ...session, id: `s${i}` }));
  // What a turn has in hand (its time, the NLU's reading, the dialog's events and replies) exists with
  // or without facts: made before the clock starts, so that only recording is timed.
  const inputs: TurnInput[] = Array.from({ length: turns }, (_, i) => ({
    session: sessions[i % 500] as SessionRecord,
    input: { kind: 'text', text: line },
    nlu: { text: line, locale: 'ko', intent: 'order.status', score: 0.9, entities: [], alternatives: [{ intent: 'refund.status', score: 0.05 }] },
    events: [{ type: 'flow_started', flow: 'order_status' }],
    replies: [{ text: 'x', meta: { intent: 'order.status', score: 0.9, flow: 'order_status', state: 'ask_order_number' } }],
    at: new Date(Date.parse('2026-12-07T00:00:00.000Z') + i * 1000).toISOString(),
    open: true,
  }));
  const record = (i: number): void => void recorder.turn(inputs[i] as TurnInput);
  // Warm: the JIT has compiled the path before it is timed.
  for (let i = 0; i < 20_000; i++) record(i % turns);
  await recorder.flush();
  await store.flush();
  const before = process.cpuUsage();
  for (let i = 0; i < turns; i++) {
    record(i);
    // A server's turns come a few at a time per turn of the event loop.
    if (i % 10 === 9) await new Promise<void>((resolve) => setImmediate(resolve));
    if (i % 1000 === 999) await store.flush();
  }
  await recorder.flush();
  await store.flush();
  const cpu = process.cpuUsage(before);
  await store.close();
  return Math.round(((cpu.user + cpu.system) / turns) * 100) / 100;
}

export interface RecordingCostRun {
  shoppers: number;
  withFacts: ServerLoadRun[];
  withoutFacts: ServerLoadRun[];
  /** Medians of the rounds, ms of server CPU per turn. */
  cpuWithMs: number;
  cpuWithoutMs: number;
}

/**
 * The server's CPU per turn with fact recording on and off, the same load on both: two servers up
 * at once, taking turns (on, off, off, on, ...), so that other work on the machine weighs on both.
 */
export async function recordingCost(ctx: ScenarioContext, shoppers: number, durationMs: number, warmupMs: number, rounds: number): Promise<RecordingCostRun> {
  const servers: ServerProcess[] = [];
  try {
    const on = await ctx.workspace.spawnDaehwa('capacity-facts-on');
    servers.push(on);
    const off = await ctx.workspace.spawnDaehwa('capacity-facts-off', [], { analytics: { recordFacts: false } });
    servers.push(off);
    for (const server of servers) {
      await waitUntilAccepting(server, 60_000);
      await warmUp(ctx, server, warmupMs);
    }
    const withFacts: ServerLoadRun[] = [];
    const withoutFacts: ServerLoadRun[] = [];
    for (let round = 0; round < rounds; round++) {
      // On then off, then off then on: what drifts during the run (the machine's other work, the JIT) weighs on both alike.
      const onFirst = round % 2 === 0;
      ctx.log(`recording cost: round ${round + 1} of ${rounds}, facts ${onFirst ? 'on, then off' : 'off, then on'}`);
      for (const facts of onFirst ? [true, false] : [false, true]) {
        const run = await closedLoop(ctx, facts ? on : off, 'daehwa', shoppers, durationMs);
        (facts ? withFacts : withoutFacts).push(run);
      }
    }
    return {
      shoppers,
      withFacts,
      withoutFacts,
      cpuWithMs: median(withFacts.map((run) => run.cpuMsPerTurn)),
      cpuWithoutMs: median(withoutFacts.map((run) => run.cpuMsPerTurn)),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const conversations = Number(process.argv[2] ?? 100_000);
  const result = await benchAnalytics({ conversations, turns: 50_000, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
