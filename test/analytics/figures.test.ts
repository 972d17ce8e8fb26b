// The figures of docs/analytics.md over a seeded synthetic month (test/analytics/synthetic-month.ts):
// every definition is checked against the ledger the generator wrote while it made the facts.
import { describe, expect, it } from 'vitest';
import { computeFigures, durationStat, type Figures } from '../../src/analytics/figures.ts';
import { shopCalendar } from '../../src/commerce/shop-calendar.ts';
import { VocMatcher, loadVocThemes } from '../../src/analytics/voc.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { type AnalysisOptions, factWindow, summarise } from '../../src/analytics/conversations.ts';
import { drillDown } from '../../src/analytics/drill.ts';
import { MONTH, syntheticMonth, type LedgerEntry } from './synthetic-month.ts';

const month = syntheticMonth(4000);
const themes = await loadVocThemes();
const options: AnalysisOptions = {
  calendar: shopCalendar(MONTH.timeZone),
  fromDay: MONTH.fromDay,
  toDay: MONTH.toDay,
  now: MONTH.now,
  idleMs: 30 * 60_000,
  voc: new VocMatcher(themes),
};
const themeIds = themes.map((t) => t.id);

/** Figures as the product reads them: facts stored, then the month's window listed back. */
async function figuresFromStore(extra: Partial<AnalysisOptions> = {}): Promise<Figures> {
  const store = createMemoryStore();
  await store.appendFacts(month.facts);
  const window = factWindow({ ...options, ...extra });
  const facts = await store.listFacts({ from: window.from, to: window.readTo });
  return computeFigures(facts, { ...options, ...extra }, themeIds);
}

const counted = month.ledger.filter((e) => e.counted);
const tally = <K extends string>(entries: LedgerEntry[], key: (e: LedgerEntry) => K | null): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const e of entries) {
    const k = key(e);
    if (k !== null) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};
const sum = (entries: LedgerEntry[], value: (e: LedgerEntry) => number): number => entries.reduce((a, e) => a + value(e), 0);

describe('figures over a synthetic month (4,000 conversations, Asia/Seoul)', async () => {
  const figures = await figuresFromStore();

  it('counts each conversation once, on the shop-time day and hour it began', () => {
    expect(counted.length).toBeGreaterThan(4000);
    expect(figures.conversations.total).toBe(counted.length);
    const byDay = tally(counted, (e) => e.day);
    for (const [day, n] of Object.entries(figures.conversations.byDay)) expect([day, n]).toEqual([day, byDay[day] ?? 0]);
    expect(Object.keys(figures.conversations.byDay)).toHaveLength(30);
    const byHour = tally(counted, (e) => String(e.hour));
    expect(figures.conversations.byHour).toEqual(Array.from({ length: 24 }, (_, h) => byHour[String(h)] ?? 0));
    expect(figures.conversations.byLocale).toEqual(expect.objectContaining(tally(counted, (e) => e.locale)));
    expect(figures.conversations.byChannel).toEqual(expect.objectContaining(tally(counted, (e) => e.channel)));
  });

  it('counts a conversation across midnight on its first day, and its turns on the day each was said', () => {
    const midnight = counted.filter((e) => e.day === '2026-11-10' && e.hour === 23);
    expect(midnight.length).toBeGreaterThanOrEqual(15);
    // Every scenario's second turn falls on 11 November.
    expect(midnight.some((e) => e.turnDays.includes('2026-11-11'))).toBe(true);
    const turnDays: Record<string, number> = {};
    for (const e of month.ledger) for (const day of e.turnDays) turnDays[day] = (turnDays[day] ?? 0) + 1;
    expect(figures.turns.byDay).toEqual(Object.fromEntries(Object.keys(figures.turns.byDay).map((d) => [d, turnDays[d] ?? 0])));
  });

  it('gives every conversation exactly one outcome, as the scenario meant it', () => {
    const outcomes = tally(counted, (e) => e.outcome);
    expect(figures.conversations.outcomes).toEqual({
      resolved_by_bot: outcomes['resolved_by_bot'] ?? 0,
      left_after_answer: outcomes['left_after_answer'] ?? 0,
      left_in_flow: outcomes['left_in_flow'] ?? 0,
      handed_to_person: outcomes['handed_to_person'] ?? 0,
      ticket_outside_hours: outcomes['ticket_outside_hours'] ?? 0,
      ongoing: 0,
    });
  });

  it('treats a resumed session as one conversation and a reconnect as no drop-off', () => {
    const resumed = counted.filter((e) => e.scenario === 'resumed');
    const reconnected = counted.filter((e) => e.scenario === 'size_reconnect');
    expect(resumed.length).toBeGreaterThan(50);
    expect(reconnected.length).toBeGreaterThan(50);
    const size = figures.funnels.find((f) => f.flow === 'size_help');
    const leftAtWeight = counted.filter((e) => e.scenario === 'size_left_at_weight').length;
    expect(size?.ends.completed).toBe(reconnected.length);
    expect(size?.ends.left).toBe(leftAtWeight);
    expect(size?.steps).toEqual([
      { step: 'ask_height', reached: reconnected.length + leftAtWeight, left: 0 },
      { step: 'ask_weight', reached: reconnected.length + leftAtWeight, left: leftAtWeight },
    ]);
  });

  it('computes containment and bot resolution over finished conversations', () => {
    const withPeople = counted.filter((e) => e.outcome === 'handed_to_person' || e.outcome === 'ticket_outside_hours').length;
    expect(figures.conversations.containment.count).toBe(counted.length - withPeople);
    expect(figures.conversations.containment.of).toBe(counted.length);
    expect(figures.conversations.containment.rate).toBe(Math.round(((counted.length - withPeople) / counted.length) * 10_000) / 10_000);
    const resolved = counted.filter((e) => e.outcome === 'resolved_by_bot').length;
    expect(figures.conversations.botResolution).toEqual({ count: resolved, of: counted.length, rate: Math.round((resolved / counted.length) * 10_000) / 10_000 });
  });

  it('counts the fallback rate over text turns inside the month, and the intents of those turns', () => {
    const fallbacks = sum(month.ledger, (e) => e.fallbacks);
    const textTurns = sum(month.ledger, (e) => e.textTurns);
    expect(figures.turns.fallback).toEqual({ count: fallbacks, of: textTurns, rate: Math.round((fallbacks / textTurns) * 10_000) / 10_000 });
    const intents: Record<string, number> = {};
    for (const e of month.ledger) for (const i of e.intents) intents[i] = (intents[i] ?? 0) + 1;
    expect(figures.turns.byIntent).toEqual(intents);
    expect(Object.keys(figures.turns.byIntent)[0]).toBe(Object.entries(intents).sort((a, b) => b[1] - a[1])[0]?.[0]);
    expect(figures.turns.total).toBe(sum(month.ledger, (e) => e.turns));
  });

  it('counts hand-offs by the reason of the first one', () => {
    const reasons = tally(counted, (e) => e.reason);
    expect(Object.fromEntries(Object.entries(figures.handoffs.byReason).map(([k, v]) => [k, v.count]))).toEqual(reasons);
    expect(figures.handoffs.byReason['offline_message']?.of).toBe(counted.length);
    expect(figures.handoffs.total.count).toBe(sum(counted, (e) => (e.reason ? 1 : 0)));
  });

  it('builds a funnel per flow: entered, and how each run ended', () => {
    const runs = counted.flatMap((e) => e.runs);
    for (const funnel of figures.funnels) {
      const mine = runs.filter((r) => r.flow === funnel.flow);
      expect([funnel.flow, funnel.entered]).toEqual([funnel.flow, mine.length]);
      for (const end of ['completed', 'switched', 'cancelled', 'failed', 'left', 'ongoing'] as const) {
        expect([funnel.flow, end, funnel.ends[end]]).toEqual([funnel.flow, end, mine.filter((r) => r.end === end).length]);
      }
      for (const step of funnel.steps) {
        expect(step.reached).toBe(mine.filter((r) => r.steps.includes(step.step)).length);
        expect(step.left).toBe(mine.filter((r) => r.end === 'left' && r.lastStep === step.step).length);
      }
    }
    expect(new Set(figures.funnels.map((f) => f.flow))).toEqual(new Set(runs.map((r) => r.flow)));
    expect(figures.funnels.find((f) => f.flow === 'cancel_order')?.ends.switched).toBe(counted.filter((e) => e.scenario === 'switched').length);
  });

  it('counts "did you mean" offers and the picks that followed them', () => {
    const offered = sum(month.ledger, (e) => e.offered);
    const picks = month.ledger.flatMap((e) => e.picks);
    expect(figures.didYouMean.offered).toBe(offered);
    expect(figures.didYouMean.picked.count).toBe(picks.length);
    expect(figures.didYouMean.picks).toEqual({ 'return.policy': picks.length });
  });

  it('times agents: queue wait, first response, resolution, hand-backs, per agent', () => {
    const items = counted.flatMap((e) => e.items);
    expect(figures.agents.items).toBe(items.length);
    expect(figures.agents.queueWait).toEqual(durationStat(items.map((i) => i.waitMs)));
    expect(figures.agents.firstResponse).toEqual(durationStat(items.map((i) => i.responseMs)));
    expect(figures.agents.resolution).toEqual(durationStat(items.map((i) => i.resolutionMs)));
    expect(figures.agents.handedBack).toBe(items.filter((i) => i.handedBack).length);
    expect(figures.agents.resolved).toBe(items.filter((i) => !i.handedBack).length);
    expect(figures.agents.tickets).toBe(sum(counted, (e) => e.tickets));
    for (const agent of ['mina', 'joon']) {
      expect(figures.agents.byAgent[agent]?.resolution).toEqual(durationStat(items.filter((i) => i.agent === agent).map((i) => i.resolutionMs)));
    }
    // Hand-back scenarios are timed exactly: 60 s wait, 70 s to the first answer, 100 s to the hand-back.
    expect(figures.agents.queueWait.count).toBe(items.length);
  });

  it('counts VOC themes per week, one conversation once per week', () => {
    const weeks = figures.voc.weeks;
    expect(weeks[0]).toBe('2026-10-26');
    expect(weeks.at(-1)).toBe('2026-11-30');
    for (const theme of ['delivery_delay', 'defect', 'refund_delay']) {
      const raised = month.ledger.filter((e) => e.themes[theme] !== undefined);
      expect([theme, figures.voc.themes[theme]?.byWeek]).toEqual([theme, weeks.map((w) => raised.filter((e) => e.themes[theme] === w).length)]);
      const byWeek = figures.voc.themes[theme]?.byWeek ?? [];
      expect(figures.voc.themes[theme]?.change).toBe((byWeek.at(-1) ?? 0) - (byWeek.at(-2) ?? 0));
    }
    expect(figures.voc.themes['rudeness']?.total).toBe(0);
  });

  it('filters by locale and by channel', async () => {
    const en = await figuresFromStore({ locale: 'en' });
    expect(en.conversations.total).toBe(counted.filter((e) => e.locale === 'en').length);
    expect(en.conversations.total).toBeLessThan(figures.conversations.total);
    const kakao = await figuresFromStore({ channel: 'kakao' });
    expect(kakao.conversations.total).toBe(counted.filter((e) => e.channel === 'kakao').length);
    expect(kakao.conversations.outcomes.handed_to_person).toBe(counted.filter((e) => e.channel === 'kakao' && e.outcome === 'handed_to_person').length);
  });

  it('calls a conversation still within the idle time ongoing, not left', () => {
    // The fixed last-night conversations began at 23:58 on 30 November; at 23:59:30 two are ongoing.
    const [completed, resumed, handed] = month.ledger.slice(4000 + 15, 4000 + 18);
    expect([completed?.scenario, resumed?.scenario, handed?.scenario]).toEqual(['order_completed', 'resumed', 'handed']);
    const now = '2026-11-30T14:59:30.000Z';
    const early = { ...options, now };
    const window = factWindow(early);
    const read = month.facts.filter((f) => f.at < window.readTo);
    const summaries = summarise(read, early);
    const ongoing = drillDown(summaries, { by: 'outcome', value: 'ongoing' });
    expect(ongoing).toContain(completed?.sessionId);
    expect(ongoing).toContain(resumed?.sessionId);
    expect(drillDown(summaries, { by: 'outcome', value: 'handed_to_person' })).toContain(handed?.sessionId);
    expect(computeFigures(read, early).conversations.outcomes.ongoing).toBe(ongoing.length);
  });

  it('drills down to exactly the conversations a number counts', () => {
    const summaries = summarise(month.facts, options);
    expect(drillDown(summaries, { by: 'outcome', value: 'left_in_flow' })).toHaveLength(figures.conversations.outcomes.left_in_flow);
    expect(drillDown(summaries, { by: 'reason', value: 'flow_request' })).toHaveLength(figures.handoffs.byReason['flow_request']?.count ?? -1);
    expect(drillDown(summaries, { by: 'day', value: '2026-11-10' })).toHaveLength(figures.conversations.byDay['2026-11-10'] ?? -1);
    const leftAtWeight = drillDown(summaries, { by: 'flow', value: 'size_help', step: 'ask_weight', end: 'left' });
    expect(leftAtWeight.sort()).toEqual(counted.filter((e) => e.scenario === 'size_left_at_weight').map((e) => e.sessionId).sort());
  });
});

describe('durations', () => {
  it('gives mean, median and the 90th percentile (nearest rank) in seconds', () => {
    expect(durationStat([1000, 2000, 3000, 4000])).toEqual({ count: 4, meanSeconds: 2.5, medianSeconds: 2.5, p90Seconds: 4 });
    expect(durationStat([5000])).toEqual({ count: 1, meanSeconds: 5, medianSeconds: 5, p90Seconds: 5 });
    expect(durationStat([])).toEqual({ count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null });
  });
});
