// Every figure of docs/analytics.md, from the tallies of a range's cells (tally.ts), which come
// from the facts (conversations.ts) or from kept day aggregates. Pure: the same facts and options
// give the same figures, whichever store they came from and however the range was split in days.
import type { AnalyticsFact } from '../store/types.ts';
import { type AnalysisOptions, analyseSessions, type Cell, OUTCOMES, type Outcome, passesCell, type RunEnd } from './conversations.ts';
import { type CellTallies, RUN_ENDS, sumTallies, type Tally, tallyCells } from './tally.ts';
import { daysBetween, weekOf } from './time.ts';

export interface Rate {
  count: number;
  of: number;
  /** count / of, to four places; null when `of` is 0. */
  rate: number | null;
}

export interface DurationStat {
  count: number;
  meanSeconds: number | null;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface FunnelStep {
  step: string;
  /** Runs that waited in the step. */
  reached: number;
  /** Runs the shopper left while the step waited for them. */
  left: number;
}

export interface FlowFunnel {
  flow: string;
  entered: number;
  ends: Record<RunEnd, number>;
  steps: FunnelStep[];
}

/** A channel's share of the figures (split by channel). */
export interface ChannelFigures {
  conversations: number;
  containment: Rate;
  botResolution: Rate;
  handoffs: Rate;
  turns: number;
  fallback: Rate;
}

export interface Figures {
  range: { from: string; to: string; timeZone: string };
  filters: { locale: string | null; channel: string | null };
  conversations: {
    total: number;
    byDay: Record<string, number>;
    byHour: number[];
    byLocale: Record<string, number>;
    byChannel: Record<string, number>;
    outcomes: Record<Outcome, number>;
    containment: Rate;
    botResolution: Rate;
  };
  turns: {
    total: number;
    text: number;
    byDay: Record<string, number>;
    byIntent: Record<string, number>;
    fallback: Rate;
  };
  handoffs: { total: Rate; byReason: Record<string, Rate> };
  funnels: FlowFunnel[];
  didYouMean: { offered: number; picked: Rate; picks: Record<string, number> };
  agents: {
    items: number;
    tickets: number;
    queueWait: DurationStat;
    firstResponse: DurationStat;
    resolution: DurationStat;
    resolved: number;
    handedBack: number;
    byAgent: Record<string, { firstResponse: DurationStat; resolution: DurationStat }>;
  };
  voc: { weeks: string[]; themes: Record<string, { byWeek: number[]; total: number; change: number | null }> };
  /** The main figures per channel (of the conversations and turns the filters keep), most conversations first. */
  channels: Record<string, ChannelFigures>;
}

export function rate(count: number, of: number): Rate {
  return { count, of, rate: of === 0 ? null : Math.round((count / of) * 10_000) / 10_000 };
}

export function durationStat(millis: readonly number[]): DurationStat {
  if (millis.length === 0) return { count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null };
  const sorted = [...millis].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = n % 2 === 1 ? (sorted[(n - 1) / 2] as number) : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
  const seconds = (ms: number): number => Math.round(ms / 100) / 10;
  return {
    count: n,
    meanSeconds: seconds(sorted.reduce((a, b) => a + b, 0) / n),
    medianSeconds: seconds(mid),
    p90Seconds: seconds(sorted[Math.ceil(0.9 * n) - 1] as number),
  };
}

const add = (record: Record<string, number>, key: string, by = 1): void => {
  record[key] = (record[key] ?? 0) + by;
};

const sortedRecord = (record: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(record).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)));

const byFirstThenName = (a: [string, { first: string }], b: [string, { first: string }]): number =>
  a[1].first < b[1].first ? -1 : a[1].first > b[1].first ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;

/** The figures of the facts (read over factWindow of the options). */
export function computeFigures(facts: readonly AnalyticsFact[], options: AnalysisOptions, themeIds: readonly string[] = []): Figures {
  return figuresOfCells(tallyCells(analyseSessions(facts, options)), options, themeIds);
}

/** The figures of a range from its cells' tallies (any number per cell: a range's days), filtered by the options. */
export function figuresOfCells(cells: CellTallies | ReadonlyMap<Cell, readonly Tally[]>, options: AnalysisOptions, themeIds: readonly string[] = []): Figures {
  const entries: [Cell, readonly Tally[]][] = cells instanceof Map ? [...cells] : (Object.entries(cells) as [Cell, Tally][]).map(([cell, tally]) => [cell, [tally]]);
  const kept = entries.filter(([cell]) => passesCell(cell, options));
  const byLocale: Record<string, number> = {};
  const perChannel = new Map<string, Tally[]>();
  for (const [cell, tallies] of kept) {
    const [locale, channel] = [cell.slice(0, cell.indexOf('|')), cell.slice(cell.indexOf('|') + 1)];
    const conversations = tallies.reduce((n, t) => n + t.conversations, 0);
    if (conversations > 0) add(byLocale, locale, conversations);
    let list = perChannel.get(channel);
    if (!list) perChannel.set(channel, (list = []));
    list.push(...tallies);
  }
  const total = sumTallies(kept.flatMap(([, tallies]) => tallies));
  const channels = [...perChannel].map(([channel, tallies]) => [channel, sumTallies(tallies)] as const);
  const byChannel: Record<string, number> = {};
  for (const [channel, t] of channels) if (t.conversations > 0) byChannel[channel] = t.conversations;
  const figures = figuresOfTally(total, options, themeIds);
  figures.conversations.byLocale = sortedRecord(byLocale);
  figures.conversations.byChannel = sortedRecord(byChannel);
  figures.channels = Object.fromEntries(
    channels
      .sort(([a, x], [b, y]) => y.conversations - x.conversations || y.turns - x.turns || (a < b ? -1 : 1))
      .map(([channel, t]) => [channel, channelFigures(t)]),
  );
  return figures;
}

function conversationRates(t: Tally): { containment: Rate; botResolution: Rate; handoffs: Rate } {
  const finished = t.conversations - t.outcomes.ongoing;
  const withPeople = t.outcomes.handed_to_person + t.outcomes.ticket_outside_hours;
  return {
    containment: rate(finished - withPeople, finished),
    botResolution: rate(t.outcomes.resolved_by_bot, finished),
    handoffs: rate(withPeople, t.conversations),
  };
}

function channelFigures(t: Tally): ChannelFigures {
  const { containment, botResolution, handoffs } = conversationRates(t);
  return { conversations: t.conversations, containment, botResolution, handoffs, turns: t.turns, fallback: rate(t.fallbacks, t.textTurns) };
}

function figuresOfTally(t: Tally, options: AnalysisOptions, themeIds: readonly string[]): Figures {
  const days = daysBetween(options.fromDay, options.toDay);
  const byDay = Object.fromEntries(days.map((day) => [day, t.byDay[day] ?? 0]));
  const turnsByDay = Object.fromEntries(days.map((day) => [day, t.turnsByDay[day] ?? 0]));
  const weeks = [...new Set(days.map(weekOf))];
  const themes = Object.fromEntries(
    themeIds.map((id) => {
      const raised = t.themes[id] ?? {};
      const byWeek = weeks.map((week) => raised[week]?.length ?? 0);
      const total = new Set(Object.values(raised).flat()).size;
      const n = byWeek.length;
      return [id, { byWeek, total, change: n >= 2 ? (byWeek[n - 1] as number) - (byWeek[n - 2] as number) : null }];
    }),
  );
  const { containment, botResolution, handoffs } = conversationRates(t);
  return {
    range: { from: options.fromDay, to: options.toDay, timeZone: options.calendar.timeZone },
    filters: { locale: options.locale ?? null, channel: options.channel ?? null },
    conversations: {
      total: t.conversations,
      byDay,
      byHour: Array.from({ length: 24 }, (_, hour) => t.byHour[hour] ?? 0),
      byLocale: {},
      byChannel: {},
      outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, t.outcomes[o] ?? 0])) as Record<Outcome, number>,
      containment,
      botResolution,
    },
    turns: { total: t.turns, text: t.textTurns, byDay: turnsByDay, byIntent: sortedRecord(t.intents), fallback: rate(t.fallbacks, t.textTurns) },
    handoffs: {
      total: handoffs,
      byReason: Object.fromEntries(Object.entries(sortedRecord(t.reasons)).map(([reason, n]) => [reason, rate(n, t.conversations)])),
    },
    funnels: Object.entries(t.funnels)
      .sort((a, b) => b[1].entered - a[1].entered || byFirstThenName(a, b))
      .map(([flow, f]) => ({
        flow,
        entered: f.entered,
        ends: Object.fromEntries(RUN_ENDS.map((e) => [e, f.ends[e] ?? 0])) as Record<RunEnd, number>,
        steps: Object.entries(f.steps)
          .sort((a, b) => b[1].reached - a[1].reached || byFirstThenName(a, b))
          .map(([step, st]) => ({ step, reached: st.reached, left: st.left })),
      })),
    didYouMean: { offered: t.offered, picked: rate(t.picked, t.offered), picks: sortedRecord(t.picks) },
    agents: {
      items: t.items,
      tickets: t.tickets,
      queueWait: durationStat(t.waits),
      firstResponse: durationStat(t.responses),
      resolution: durationStat(t.resolutions),
      resolved: t.resolved,
      handedBack: t.handedBack,
      byAgent: Object.fromEntries(
        Object.keys(t.agents)
          .sort()
          .map((id) => {
            const entry = t.agents[id] as { responses: number[]; resolutions: number[] };
            return [id, { firstResponse: durationStat(entry.responses), resolution: durationStat(entry.resolutions) }];
          }),
      ),
    },
    voc: { weeks, themes },
    channels: {},
  };
}
