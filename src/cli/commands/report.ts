// `daehwa report --from YYYY-MM-DD --to YYYY-MM-DD [--locale ko|en] [--channel web] [--json]`:
// the dashboard's figures on the command line (docs/analytics.md), as tables or as JSON for cron
// jobs. It opens the configured store itself: the lowdb directory is locked while a server runs
// on it, so ask a running server's GET /api/admin/analytics/report instead.
import type { DaehwaConfig } from '../../config/schema.ts';
import { AnalyticsService, rangeQuerySchema, type Report } from '../../analytics/service.ts';
import { VocRulesError } from '../../analytics/voc.ts';
import { describeIssues } from '../../shared/zod-issues.ts';
import { createLowdbStore } from '../../store/lowdb.ts';
import { createPostgresStore } from '../../store/postgres/index.ts';
import type { Store } from '../../store/types.ts';
import { readConfig, readOptions } from './options.ts';

const USAGE = `usage: daehwa report --from YYYY-MM-DD --to YYYY-MM-DD [--locale ko|en] [--channel NAME] [--json]

Conversation figures for the days from --from to --to (inclusive, in the shop's time zone).
`;

const pct = (rate: number | null): string => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);
const secs = (s: number | null): string => (s === null ? '-' : `${s} s`);

function table(title: string, rows: [string, string | number][]): string {
  const width = Math.max(title.length, ...rows.map(([k]) => k.length));
  return `${title}\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

export function formatReport(r: Report): string {
  const c = r.conversations;
  const parts = [
    `daehwa report ${r.range.from} .. ${r.range.to} (${r.range.timeZone})${r.filters.locale ? ` locale ${r.filters.locale}` : ''}${r.filters.channel ? ` channel ${r.filters.channel}` : ''}\n`,
    table('conversations', [
      ['total', c.total],
      ['containment', `${pct(c.containment.rate)} (${c.containment.count}/${c.containment.of})`],
      ['resolved by the bot', `${pct(c.botResolution.rate)} (${c.botResolution.count}/${c.botResolution.of})`],
      ...Object.entries(c.outcomes).map(([k, v]): [string, number] => [`  ${k}`, v]),
      ...Object.entries(c.byLocale).map(([k, v]): [string, number] => [`  locale ${k}`, v]),
    ]),
    table('by channel', Object.entries(r.channels).map(([channel, ch]): [string, string] => [
      channel,
      `${ch.conversations} conversations, containment ${pct(ch.containment.rate)}, hand-offs ${pct(ch.handoffs.rate)}, ${ch.turns} turns, fallback ${pct(ch.fallback.rate)}`,
    ])),
    table('turns', [
      ['total', r.turns.total],
      ['text', r.turns.text],
      ['fallback rate', `${pct(r.turns.fallback.rate)} (${r.turns.fallback.count}/${r.turns.fallback.of})`],
      ...Object.entries(r.turns.byIntent).slice(0, 15).map(([k, v]): [string, number] => [`  ${k}`, v]),
    ]),
    table('hand-offs', [
      ['rate', `${pct(r.handoffs.total.rate)} (${r.handoffs.total.count})`],
      ...Object.entries(r.handoffs.byReason).map(([k, v]): [string, string] => [`  ${k}`, `${v.count} (${pct(v.rate)})`]),
    ]),
    table('agents', [
      ['items', r.agents.items],
      ['queue wait (median / p90)', `${secs(r.agents.queueWait.medianSeconds)} / ${secs(r.agents.queueWait.p90Seconds)}`],
      ['first response (median / p90)', `${secs(r.agents.firstResponse.medianSeconds)} / ${secs(r.agents.firstResponse.p90Seconds)}`],
      ['resolution (median / p90)', `${secs(r.agents.resolution.medianSeconds)} / ${secs(r.agents.resolution.p90Seconds)}`],
      ['resolved / handed back / tickets', `${r.agents.resolved} / ${r.agents.handedBack} / ${r.agents.tickets}`],
    ]),
    table('did you mean', [
      ['offered', r.didYouMean.offered],
      ['picked', `${r.didYouMean.picked.count} (${pct(r.didYouMean.picked.rate)})`],
    ]),
    ...r.funnels.map((f) =>
      table(`flow ${f.flow}`, [
        ['entered', f.entered],
        ...Object.entries(f.ends).map(([k, v]): [string, number] => [`  ${k}`, v]),
        ...f.steps.map((s): [string, string] => [`  step ${s.step}`, `reached ${s.reached}, left ${s.left}`]),
      ]),
    ),
    table(`VOC themes by week (${r.voc.weeks.join(', ')})`, r.themes.map((t): [string, string] => {
      const theme = r.voc.themes[t.id];
      return [t.label.en, `${theme?.byWeek.join(' ') ?? ''} (change ${theme?.change ?? '-'})`];
    })),
  ];
  if (r.satisfaction) {
    parts.push(table('satisfaction', [
      ['CSAT', `${r.satisfaction.csat.score ?? '-'} (${r.satisfaction.csat.answered} answered)`],
      ['NPS', `${r.satisfaction.nps.score ?? '-'} (${r.satisfaction.nps.answered} answered)`],
    ]));
  }
  return parts.join('\n');
}

/** The store the configuration names (lowdb or PostgreSQL), for the analytics commands. */
export async function openConfiguredStore(config: DaehwaConfig): Promise<Store> {
  if (config.store.kind === 'postgres') return createPostgresStore({ connectionString: config.store.url });
  if (config.store.kind === 'lowdb') return createLowdbStore({ dir: config.store.dir });
  throw new Error('the memory store keeps nothing between runs; configure lowdb or PostgreSQL');
}

export async function run(args: string[]): Promise<number> {
  const parsed = readOptions('report', USAGE, args, {
    from: { type: 'string' },
    to: { type: 'string' },
    locale: { type: 'string' },
    channel: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (parsed.exitCode !== undefined) return parsed.exitCode;
  const { json, ...query } = parsed.values;
  const range = rangeQuerySchema.safeParse(query);
  if (!range.success) {
    process.stderr.write(`daehwa report: ${describeIssues(range.error, 'options')}\n\n${USAGE}`);
    return 2;
  }
  const loaded = await readConfig('report');
  if (!loaded) return 1;
  const { config } = loaded;
  if (config.store.kind === 'memory') {
    process.stderr.write('daehwa report: the memory store keeps nothing between runs; configure lowdb or PostgreSQL\n');
    return 1;
  }
  const store = await openConfiguredStore(config);
  try {
    const service = new AnalyticsService({ facts: store, surveys: (filter) => store.listSurveys(filter), timeZone: config.handoff.businessHours.timeZone, idleMs: config.sessions.idleTimeoutMs, now: () => new Date() });
    const report = await service.report(range.data);
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return 0;
  } catch (err) {
    if (err instanceof VocRulesError) {
      process.stderr.write(`daehwa report: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}
