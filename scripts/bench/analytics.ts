// Analytics bench (issue 12): `npx tsx scripts/bench/analytics.ts [conversations]`.
// 1. Dashboard figures for N stored conversations (default 100,000, the synthetic month's
//    scenarios) from a lowdb store: cold (a freshly opened store parses the day files) and warm.
// 2. The cost of recording one turn's fact (build + mask + appendFacts + its share of the
//    flush), against the server's CPU per turn from the last `npm run bench` (README).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { factWindow } from '../../src/analytics/conversations.ts';
import { computeFigures } from '../../src/analytics/figures.ts';
import { turnFact } from '../../src/analytics/record.ts';
import { ShopCalendar } from '../../src/analytics/time.ts';
import { VocMatcher, loadVocThemes } from '../../src/analytics/voc.ts';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import type { SessionRecord } from '../../src/store/types.ts';
import { MONTH, syntheticMonth } from '../../test/analytics/synthetic-month.ts';

/** Server CPU per turn, 1,000 shoppers closed loop (README, npm run bench of 2026-12-07). */
const SERVER_CPU_PER_TURN_MS = 0.21;

const count = Number(process.argv[2] ?? 100_000);
const dir = await mkdtemp(join(tmpdir(), 'daehwa-bench-analytics-'));
try {
  const month = syntheticMonth(count, 1);
  let store = await createLowdbStore({ dir });
  await store.appendFacts(month.facts);
  await store.close();
  const themes = await loadVocThemes();
  const options = { calendar: new ShopCalendar(MONTH.timeZone), fromDay: MONTH.fromDay, toDay: MONTH.toDay, now: MONTH.now, idleMs: 1_800_000, voc: new VocMatcher(themes) };
  const window = factWindow(options);
  store = await createLowdbStore({ dir });
  const timings: number[] = [];
  let total = 0;
  for (let run = 0; run < 4; run++) {
    const started = performance.now();
    const facts = await store.listFacts({ from: window.from, to: window.readTo });
    total = computeFigures(facts, options, themes.map((t) => t.id)).conversations.total;
    timings.push(performance.now() - started);
  }
  await store.close();
  console.log(`figures: ${total} conversations, ${month.facts.length} facts: cold ${timings[0]?.toFixed(0)} ms, warm ${Math.min(...timings.slice(1)).toFixed(0)} ms (target < 1000 ms)`);

  // Recording: one fact per turn, as conversation.ts does it; lines with a phone number to mask (the
  // costly case) and lines without personal data.
  for (const [name, line] of [['with a phone number', '주문한 게 아직 안 와요 010-1234-5678'], ['without personal data', '주문한 게 아직 안 와요 언제 와요']] as const) {
    store = await createLowdbStore({ dir: join(dir, `record-${name.length}`), flushIntervalMs: 50 });
    const session: SessionRecord = { id: 's1', tokenHash: 'h', customerId: null, locale: 'ko', status: 'open', createdAt: '2026-12-07T00:00:00.000Z', updatedAt: '2026-12-07T00:00:00.000Z', mode: 'bot', dialog: { version: 1, locale: 'ko' } };
    const turns = 50_000;
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < turns; i++) {
      const at = new Date(Date.parse('2026-12-07T00:00:00.000Z') + i * 1000).toISOString();
      await store.appendFacts([
        turnFact({
          session: { ...session, id: `s${i % 500}` },
          input: { kind: 'text', text: line },
          nlu: { text: line, locale: 'ko', intent: 'order.status', score: 0.9, entities: [], alternatives: [{ intent: 'refund.status', score: 0.05 }] },
          events: [{ type: 'flow_started', flow: 'order_status' }],
          replies: [{ text: 'x', meta: { intent: 'order.status', score: 0.9, flow: 'order_status', state: 'ask_order_number' } }],
          at,
          open: true,
        }),
      ]);
      if (i % 1000 === 999) await store.flush();
    }
    await store.close();
    const cpu = process.cpuUsage(cpuBefore);
    const perTurnMs = (cpu.user + cpu.system) / 1000 / turns;
    console.log(`recording (${name}): ${perTurnMs.toFixed(4)} ms CPU per turn, build + mask + append + write = ${((100 * perTurnMs) / SERVER_CPU_PER_TURN_MS).toFixed(1)}% of the server's ${SERVER_CPU_PER_TURN_MS} ms per turn (target < 5%)`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
