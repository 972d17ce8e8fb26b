// Daily aggregates (docs/analytics.md#daily-aggregates): the report of a range sums the kept
// aggregates of its closed days and the tallies of the days not closed yet, read from their facts.
// Over the seeded synthetic month its figures must be exactly those computed from the raw facts,
// for every range and filter; a late fact or an erasure drops the days it touches, which are
// computed again; a kept day outlives a restart (lowdb) and never holds an erased session.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { factWindow } from '../../src/analytics/conversations.ts';
import { computeFigures, type Figures } from '../../src/analytics/figures.ts';
import { AnalyticsService, type RangeQuery } from '../../src/analytics/service.ts';
import { shopCalendar } from '../../src/commerce/shop-calendar.ts';
import { DEFAULT_VOC_FILE, VocMatcher, loadVocThemes } from '../../src/analytics/voc.ts';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { AnalyticsFact, Store, TurnFact } from '../../src/store/types.ts';
import { MONTH, syntheticMonth } from './synthetic-month.ts';

const month = syntheticMonth(4000, 7);
const themes = await loadVocThemes();
const IDLE_MS = 30 * 60_000;

function service(store: Store, now: string, vocFile = DEFAULT_VOC_FILE): AnalyticsService {
  return new AnalyticsService({ facts: store, timeZone: MONTH.timeZone, idleMs: IDLE_MS, now: () => new Date(now), vocFile });
}

/** The figures straight from the raw facts the store holds, read as the report's range would be. */
async function rawFigures(store: Store, query: RangeQuery, now: string, themeList = themes): Promise<Figures> {
  const options = {
    calendar: shopCalendar(MONTH.timeZone),
    fromDay: query.from,
    toDay: query.to,
    now,
    idleMs: IDLE_MS,
    voc: new VocMatcher(themeList),
    ...(query.locale ? { locale: query.locale } : {}),
    ...(query.channel ? { channel: query.channel } : {}),
  };
  const window = factWindow(options);
  const facts = await store.listFacts({ from: window.from, to: window.readTo });
  return computeFigures(facts, options, themeList.map((t) => t.id));
}

/** The report's figures without satisfaction and theme labels (not made of facts). */
async function reported(analytics: AnalyticsService, query: RangeQuery): Promise<Figures> {
  const { satisfaction: _s, themes: _t, ...figures } = await analytics.report(query);
  return figures;
}

const QUERIES: RangeQuery[] = [
  { from: '2026-11-01', to: '2026-11-30' },
  { from: '2026-11-01', to: '2026-11-30', locale: 'en' },
  { from: '2026-11-01', to: '2026-11-30', channel: 'kakao' },
  { from: '2026-11-01', to: '2026-11-30', locale: 'ko', channel: 'web' },
  // Across the midnight conversations of the 10th, one day, and a range running past the month.
  { from: '2026-11-10', to: '2026-11-11' },
  { from: '2026-11-10', to: '2026-11-10' },
  { from: '2026-10-29', to: '2026-12-03' },
];

describe('daily aggregates', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('give exactly the figures of the raw facts, for every range and filter, computed once and then read', async () => {
    const store = createMemoryStore();
    await store.appendFacts(month.facts);
    const analytics = service(store, MONTH.now);
    for (const query of QUERIES) expect([query, await reported(analytics, query)]).toEqual([query, await rawFigures(store, query, MONTH.now)]);
    // The reports computed every closed day they covered (29 October to 3 December), once; the rest read them.
    expect((await store.listFactDays({ from: '2026-10-29', to: '2026-12-03' })).length).toBe(36);
    await reported(analytics, QUERIES[0] as RangeQuery);
    expect(analytics.lastSources).toEqual({ keptDays: 30, computedDays: 0, factDays: 0 });
    // The split by channel sums to the whole.
    const figures = await reported(analytics, QUERIES[0] as RangeQuery);
    expect(Object.keys(figures.channels).sort()).toEqual(['kakao', 'web']);
    expect(Object.values(figures.channels).reduce((n, c) => n + c.conversations, 0)).toBe(figures.conversations.total);
    expect(Object.values(figures.channels).reduce((n, c) => n + c.turns, 0)).toBe(figures.turns.total);
  });

  it('reads the days not closed yet from their facts, mid-month', async () => {
    const store = createMemoryStore();
    // What was said up to 12:00 on 20 November (shop time), as a running server would hold it.
    const now = '2026-11-20T03:00:00.000Z';
    await store.appendFacts(month.facts.filter((fact) => fact.at <= now));
    const analytics = service(store, now);
    for (const query of QUERIES.slice(0, 5)) expect([query, await reported(analytics, query)]).toEqual([query, await rawFigures(store, query, now)]);
    await reported(analytics, QUERIES[0] as RangeQuery);
    // The 18th is closed at midnight on the 20th plus the idle time; the 19th and the 20th are read from facts.
    expect(analytics.lastSources).toEqual({ keptDays: 18, computedDays: 0, factDays: 12 });
  });

  it('computes a day again when a late fact lands in it, or when an erasure takes facts from it', async () => {
    const store = createMemoryStore();
    await store.appendFacts(month.facts);
    const analytics = service(store, MONTH.now);
    const query = QUERIES[0] as RangeQuery;
    await reported(analytics, query);

    // A late fact: a turn at 10:00 on 5 November (shop time) of a conversation begun then. It is
    // inside the windows of the 5th and of the 4th (whose outcome tail runs to the end of the 5th).
    const late: TurnFact = { ...(month.facts.find((f) => f.kind === 'turn') as TurnFact), sessionId: 'late1', at: '2026-11-05T01:00:00.000Z', startedAt: '2026-11-05T01:00:00.000Z', intent: 'thanks', input: 'text', fallback: false };
    await store.appendFacts([late]);
    const after = await reported(analytics, query);
    expect(analytics.lastSources).toEqual({ keptDays: 28, computedDays: 2, factDays: 0 });
    expect(after).toEqual(await rawFigures(store, query, MONTH.now));
    expect(after.conversations.byDay['2026-11-05']).toBe((await rawFigures(store, { from: '2026-11-05', to: '2026-11-05' }, MONTH.now)).conversations.total);

    // An erasure of conversations that raised VOC themes: the days holding them are computed again, without them.
    const themed = month.ledger.filter((e) => e.counted && Object.keys(e.themes).length > 0 && e.day === '2026-11-07').map((e) => e.sessionId);
    expect(themed.length).toBeGreaterThan(3);
    const keptBefore = JSON.stringify(await store.listFactDays({ from: '2026-11-01', to: '2026-11-30' }));
    expect(keptBefore).toContain(themed[0]);
    expect(await store.deleteFacts({ sessionIds: themed })).toBeGreaterThan(themed.length);
    expect(JSON.stringify(await store.listFactDays({ from: '2026-11-01', to: '2026-11-30' }))).not.toContain(themed[0]);
    const erased = await reported(analytics, query);
    expect(analytics.lastSources.computedDays).toBeGreaterThanOrEqual(1);
    expect(erased).toEqual(await rawFigures(store, query, MONTH.now));
    expect(erased.conversations.total).toBe(after.conversations.total - themed.length);
    expect(JSON.stringify(await store.listFactDays({ from: '2026-11-01', to: '2026-11-30' }))).not.toContain(themed[0]);
  });

  it('computes every day again when the VOC themes change', async () => {
    const store = createMemoryStore();
    await store.appendFacts(month.facts);
    const query = QUERIES[0] as RangeQuery;
    await reported(service(store, MONTH.now), query);
    const dir = await mkdtemp(join(tmpdir(), 'daehwa-voc-'));
    dirs.push(dir);
    const file = join(dir, 'themes.yaml');
    const text = await readFile(DEFAULT_VOC_FILE, 'utf8');
    await writeFile(file, text.replace(/keywords:\s*\n\s*ko: \[[^\]]*\]/, 'keywords:\n      ko: [배송]'));
    const edited = await loadVocThemes(file);
    expect(JSON.stringify(edited)).not.toBe(JSON.stringify(themes));
    const analytics = service(store, MONTH.now, file);
    expect(await reported(analytics, query)).toEqual(await rawFigures(store, query, MONTH.now, edited));
    expect(analytics.lastSources).toEqual({ keptDays: 0, computedDays: 30, factDays: 0 });
  });

  it('keeps the days on lowdb across a restart, and reads a month from them and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'daehwa-days-'));
    dirs.push(dir);
    let store = await createLowdbStore({ dir });
    await store.appendFacts(month.facts);
    const query = QUERIES[0] as RangeQuery;
    await reported(service(store, MONTH.now), query);
    await store.close();
    expect((await readdir(join(dir, 'analytics', 'days'))).filter((f) => f.endsWith('.json') && f !== 'index.json')).toHaveLength(30);

    store = await createLowdbStore({ dir });
    const analytics = service(store, MONTH.now);
    const figures = await reported(analytics, query);
    expect(analytics.lastSources).toEqual({ keptDays: 30, computedDays: 0, factDays: 0 });
    expect(figures).toEqual(await rawFigures(store, query, MONTH.now));
    // An erased session leaves no trace in the files of kept days.
    const victim = month.ledger.find((e) => e.counted && e.themes['delivery_delay'] !== undefined)?.sessionId as string;
    await store.deleteFacts({ sessionIds: [victim] });
    await store.close();
    for (const file of await readdir(join(dir, 'analytics', 'days'))) expect([file, await readFile(join(dir, 'analytics', 'days', file), 'utf8')]).not.toEqual([file, expect.stringContaining(victim)]);
    for (const file of (await readdir(join(dir, 'analytics'))).filter((f) => f.endsWith('.jsonl'))) expect(await readFile(join(dir, 'analytics', file), 'utf8')).not.toContain(victim);
    store = await createLowdbStore({ dir });
    const again = service(store, MONTH.now);
    expect(await reported(again, query)).toEqual(await rawFigures(store, query, MONTH.now));
    expect(again.lastSources.computedDays).toBeGreaterThanOrEqual(1);
    await store.close();
  });

  it('keeps the closed days of the last weeks in the background job', async () => {
    const store = createMemoryStore();
    const facts: AnalyticsFact[] = month.facts;
    await store.appendFacts(facts);
    const analytics = service(store, '2026-11-25T03:00:00.000Z');
    // 35 days back from the 25th: 21 October to the 23rd, closed.
    expect(await analytics.closeDays()).toBe(34);
    expect(await analytics.closeDays()).toBe(0);
  });
});
