// Every figure of docs/analytics.md, aggregated from conversation summaries (conversations.ts).
// Pure: the same facts and options give the same figures, whichever store they came from.
import type { AnalyticsFact } from '../store/types.ts';
import { type AnalysisOptions, type ConversationSummary, OUTCOMES, type Outcome, type RunEnd, summarise } from './conversations.ts';
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

export function computeFigures(facts: readonly AnalyticsFact[], options: AnalysisOptions, themeIds: readonly string[] = []): Figures {
  return figuresOf(summarise(facts, options), options, themeIds);
}

export function figuresOf(summaries: readonly ConversationSummary[], options: AnalysisOptions, themeIds: readonly string[] = []): Figures {
  const days = daysBetween(options.fromDay, options.toDay);
  const started = summaries.filter((s) => s.startedInRange);
  const byDay = Object.fromEntries(days.map((day) => [day, 0]));
  const turnsByDay = Object.fromEntries(days.map((day) => [day, 0]));
  const byHour = Array.from({ length: 24 }, () => 0);
  const byLocale: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const reasons: Record<string, number> = {};
  const funnels = new Map<string, { entered: number; ends: Record<RunEnd, number>; steps: Map<string, FunnelStep>; order: number }>();
  const waits: number[] = [];
  const responses: number[] = [];
  const resolutions: number[] = [];
  const perAgent = new Map<string, { responses: number[]; resolutions: number[] }>();
  const agentOf = (id: string) => {
    let entry = perAgent.get(id);
    if (!entry) perAgent.set(id, (entry = { responses: [], resolutions: [] }));
    return entry;
  };
  let items = 0;
  let tickets = 0;
  let resolved = 0;
  let handedBack = 0;

  for (const s of started) {
    add(byDay, s.startedDay);
    byHour[s.startedHour] = (byHour[s.startedHour] ?? 0) + 1;
    add(byLocale, s.locale);
    add(byChannel, s.channel);
    outcomes[s.outcome]++;
    if (s.handoffReason !== null) add(reasons, s.handoffReason);
    for (const run of s.runs) {
      let funnel = funnels.get(run.flow);
      if (!funnel) {
        funnel = { entered: 0, ends: { completed: 0, switched: 0, cancelled: 0, failed: 0, left: 0, ongoing: 0 }, steps: new Map(), order: funnels.size };
        funnels.set(run.flow, funnel);
      }
      funnel.entered++;
      funnel.ends[run.end]++;
      for (const step of run.steps) {
        let entry = funnel.steps.get(step);
        if (!entry) funnel.steps.set(step, (entry = { step, reached: 0, left: 0 }));
        entry.reached++;
      }
      if (run.end === 'left' && run.lastStep !== null) {
        const entry = funnel.steps.get(run.lastStep);
        if (entry) entry.left++;
      }
    }
    tickets += s.tickets;
    for (const item of s.items) {
      items++;
      if (item.claimedAt !== null) waits.push(item.claimedAt - item.queuedAt);
      if (item.firstMessageAt !== null) {
        responses.push(item.firstMessageAt - item.queuedAt);
        if (item.firstMessageAgent !== null) agentOf(item.firstMessageAgent).responses.push(item.firstMessageAt - item.queuedAt);
      }
      if (item.doneAt !== null) {
        resolutions.push(item.doneAt - item.queuedAt);
        if (item.doneBy !== null) agentOf(item.doneBy).resolutions.push(item.doneAt - item.queuedAt);
        if (item.handedBack) handedBack++;
        else resolved++;
      }
    }
  }

  const byIntent: Record<string, number> = {};
  const picks: Record<string, number> = {};
  let turns = 0;
  let textTurns = 0;
  let fallbacks = 0;
  let offered = 0;
  let picked = 0;
  const weeks = [...new Set(days.map(weekOf))];
  const themes = Object.fromEntries(themeIds.map((id) => [id, { byWeek: weeks.map(() => 0), total: 0, change: null as number | null }]));
  for (const s of summaries) {
    turns += s.turns;
    textTurns += s.textTurns;
    fallbacks += s.fallbacks;
    offered += s.offered;
    picked += s.picks.length;
    for (const [day, n] of s.turnDays) if (day in turnsByDay) add(turnsByDay, day, n);
    for (const [intent, n] of s.intents) add(byIntent, intent, n);
    for (const intent of s.picks) add(picks, intent);
    for (const [theme, raised] of s.themes) {
      const entry = themes[theme];
      if (!entry) continue;
      entry.total++;
      for (const week of raised) {
        const index = weeks.indexOf(week);
        if (index >= 0) entry.byWeek[index] = (entry.byWeek[index] ?? 0) + 1;
      }
    }
  }
  for (const entry of Object.values(themes)) {
    const n = entry.byWeek.length;
    entry.change = n >= 2 ? (entry.byWeek[n - 1] as number) - (entry.byWeek[n - 2] as number) : null;
  }

  const total = started.length;
  const finished = total - outcomes.ongoing;
  const withPeople = outcomes.handed_to_person + outcomes.ticket_outside_hours;
  return {
    range: { from: options.fromDay, to: options.toDay, timeZone: options.calendar.timeZone },
    filters: { locale: options.locale ?? null, channel: options.channel ?? null },
    conversations: {
      total,
      byDay,
      byHour,
      byLocale: sortedRecord(byLocale),
      byChannel: sortedRecord(byChannel),
      outcomes,
      containment: rate(finished - withPeople, finished),
      botResolution: rate(outcomes.resolved_by_bot, finished),
    },
    turns: { total: turns, text: textTurns, byDay: turnsByDay, byIntent: sortedRecord(byIntent), fallback: rate(fallbacks, textTurns) },
    handoffs: {
      total: rate(withPeople, total),
      byReason: Object.fromEntries(Object.entries(sortedRecord(reasons)).map(([reason, n]) => [reason, rate(n, total)])),
    },
    funnels: [...funnels.entries()]
      .sort(([, a], [, b]) => b.entered - a.entered || a.order - b.order)
      .map(([flow, f]) => ({
        flow,
        entered: f.entered,
        ends: f.ends,
        steps: [...f.steps.values()].sort((a, b) => b.reached - a.reached),
      })),
    didYouMean: { offered, picked: rate(picked, offered), picks: sortedRecord(picks) },
    agents: {
      items,
      tickets,
      queueWait: durationStat(waits),
      firstResponse: durationStat(responses),
      resolution: durationStat(resolutions),
      resolved,
      handedBack,
      byAgent: Object.fromEntries(
        [...perAgent.keys()].sort().map((id) => {
          const entry = agentOf(id);
          return [id, { firstResponse: durationStat(entry.responses), resolution: durationStat(entry.resolutions) }];
        }),
      ),
    },
    voc: { weeks, themes },
  };
}
