// What the figures are summed from (docs/analytics.md#daily-aggregates): per locale|channel cell,
// counts, the durations the medians are taken of, and the conversations each VOC theme was raised
// in per week (a conversation counts once a week, and once in a theme's total). A tally is plain
// JSON: a closed day's tallies are kept through the store, and a range's figures are the sum of
// its days' tallies and of today's, read from the facts. Summing is exact: the figures of a range
// are the same whether its days come from aggregates or from the facts.
import { z } from 'zod';
import { OUTCOMES, type Cell, type Outcome, type RunEnd, type SessionAnalysis, type TurnMark } from './conversations.ts';

export const RUN_ENDS = ['completed', 'switched', 'cancelled', 'failed', 'left', 'ongoing'] as const satisfies readonly RunEnd[];

export interface StepTally {
  reached: number;
  left: number;
  /** The earliest a run waited in it: steps reached as often are listed in the order they were first reached. */
  first: string;
}

export interface FunnelTally {
  entered: number;
  /** The earliest a run of the flow began: flows entered as often are listed in that order. */
  first: string;
  ends: Record<RunEnd, number>;
  steps: Record<string, StepTally>;
}

export interface Tally {
  conversations: number;
  byDay: Record<string, number>;
  byHour: number[];
  outcomes: Record<Outcome, number>;
  reasons: Record<string, number>;
  funnels: Record<string, FunnelTally>;
  items: number;
  tickets: number;
  resolved: number;
  handedBack: number;
  /** Milliseconds, one per queue item timed. */
  waits: number[];
  responses: number[];
  resolutions: number[];
  agents: Record<string, { responses: number[]; resolutions: number[] }>;
  turns: number;
  textTurns: number;
  fallbacks: number;
  offered: number;
  picked: number;
  turnsByDay: Record<string, number>;
  intents: Record<string, number>;
  picks: Record<string, number>;
  /** Theme -> week (Monday) -> the sessions with a line of the theme that week, sorted. */
  themes: Record<string, Record<string, string[]>>;
}

export type CellTallies = Partial<Record<Cell, Tally>>;

const counts = z.record(z.string(), z.number().int().nonnegative());
const millis = z.array(z.number());
/** A kept tally is read back through this: one edited by hand is computed again, never trusted. */
export const tallySchema = z.object({
  conversations: z.number().int().nonnegative(),
  byDay: counts,
  byHour: z.array(z.number().int().nonnegative()).length(24),
  outcomes: z.record(z.enum(OUTCOMES), z.number().int().nonnegative()),
  reasons: counts,
  funnels: z.record(
    z.string(),
    z.object({
      entered: z.number().int().nonnegative(),
      first: z.string(),
      ends: z.record(z.enum(RUN_ENDS), z.number().int().nonnegative()),
      steps: z.record(z.string(), z.object({ reached: z.number().int().nonnegative(), left: z.number().int().nonnegative(), first: z.string() })),
    }),
  ),
  items: z.number().int().nonnegative(),
  tickets: z.number().int().nonnegative(),
  resolved: z.number().int().nonnegative(),
  handedBack: z.number().int().nonnegative(),
  waits: millis,
  responses: millis,
  resolutions: millis,
  agents: z.record(z.string(), z.object({ responses: millis, resolutions: millis })),
  turns: z.number().int().nonnegative(),
  textTurns: z.number().int().nonnegative(),
  fallbacks: z.number().int().nonnegative(),
  offered: z.number().int().nonnegative(),
  picked: z.number().int().nonnegative(),
  turnsByDay: counts,
  intents: counts,
  picks: counts,
  themes: z.record(z.string(), z.record(z.string(), z.array(z.string()))),
}) satisfies z.ZodType<Tally>;

export function emptyTally(): Tally {
  return {
    conversations: 0,
    byDay: {},
    byHour: Array.from({ length: 24 }, () => 0),
    outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>,
    reasons: {},
    funnels: {},
    items: 0,
    tickets: 0,
    resolved: 0,
    handedBack: 0,
    waits: [],
    responses: [],
    resolutions: [],
    agents: {},
    turns: 0,
    textTurns: 0,
    fallbacks: 0,
    offered: 0,
    picked: 0,
    turnsByDay: {},
    intents: {},
    picks: {},
    themes: {},
  };
}

const add = (record: Record<string, number>, key: string, by = 1): void => {
  record[key] = (record[key] ?? 0) + by;
};

const earlier = (a: string, b: string): string => (a <= b ? a : b);

function agentOf(tally: Tally, id: string): { responses: number[]; resolutions: number[] } {
  let entry = tally.agents[id];
  if (!entry) tally.agents[id] = entry = { responses: [], resolutions: [] };
  return entry;
}

/** Adds one conversation's own part (it began in the range) to its cell's tally. */
function addConversation(tally: Tally, a: SessionAnalysis): void {
  const c = a.conversation;
  if (!c) return;
  tally.conversations++;
  add(tally.byDay, a.startedDay);
  tally.byHour[a.startedHour] = (tally.byHour[a.startedHour] ?? 0) + 1;
  tally.outcomes[c.outcome]++;
  if (c.handoffReason !== null) add(tally.reasons, c.handoffReason);
  for (const run of c.runs) {
    let funnel = tally.funnels[run.flow];
    if (!funnel) tally.funnels[run.flow] = funnel = { entered: 0, first: run.startedAt, ends: Object.fromEntries(RUN_ENDS.map((e) => [e, 0])) as Record<RunEnd, number>, steps: {} };
    funnel.entered++;
    funnel.first = earlier(funnel.first, run.startedAt);
    funnel.ends[run.end]++;
    run.steps.forEach((step, index) => {
      const at = run.reachedAt[index] ?? run.startedAt;
      const entry = funnel.steps[step];
      if (entry) {
        entry.reached++;
        entry.first = earlier(entry.first, at);
      } else funnel.steps[step] = { reached: 1, left: 0, first: at };
    });
    if (run.end === 'left' && run.lastStep !== null) {
      const entry = funnel.steps[run.lastStep];
      if (entry) entry.left++;
    }
  }
  tally.tickets += c.tickets;
  for (const item of c.items) {
    tally.items++;
    if (item.claimedAt !== null) tally.waits.push(item.claimedAt - item.queuedAt);
    if (item.firstMessageAt !== null) {
      tally.responses.push(item.firstMessageAt - item.queuedAt);
      if (item.firstMessageAgent !== null) agentOf(tally, item.firstMessageAgent).responses.push(item.firstMessageAt - item.queuedAt);
    }
    if (item.doneAt !== null) {
      tally.resolutions.push(item.doneAt - item.queuedAt);
      if (item.doneBy !== null) agentOf(tally, item.doneBy).resolutions.push(item.doneAt - item.queuedAt);
      if (item.handedBack) tally.handedBack++;
      else tally.resolved++;
    }
  }
}

function addTurn(tally: Tally, mark: TurnMark, sessionId: string, raised: Map<Tally, Map<string, Map<string, Set<string>>>>): void {
  tally.turns++;
  add(tally.turnsByDay, mark.day);
  if (mark.offered) tally.offered++;
  if (mark.picked !== null) {
    tally.picked++;
    add(tally.picks, mark.picked);
  }
  if (!mark.text) return;
  tally.textTurns++;
  if (mark.fallback) tally.fallbacks++;
  if (mark.intent !== null) add(tally.intents, mark.intent);
  if (mark.themes.length === 0) return;
  let themes = raised.get(tally);
  if (!themes) raised.set(tally, (themes = new Map()));
  for (const theme of mark.themes) {
    let weeks = themes.get(theme);
    if (!weeks) themes.set(theme, (weeks = new Map()));
    let sessions = weeks.get(mark.week);
    if (!sessions) weeks.set(mark.week, (sessions = new Set()));
    sessions.add(sessionId);
  }
}

/** The tallies of the analyses, per cell: a conversation in its first fact's cell, each turn in its own. */
export function tallyCells(analyses: readonly SessionAnalysis[]): CellTallies {
  const cells: CellTallies = {};
  const tallyOf = (cell: Cell): Tally => (cells[cell] ??= emptyTally());
  const raised = new Map<Tally, Map<string, Map<string, Set<string>>>>();
  for (const a of analyses) {
    if (a.conversation) addConversation(tallyOf(a.cell), a);
    for (const mark of a.turns) addTurn(tallyOf(mark.cell), mark, a.sessionId, raised);
  }
  for (const [tally, themes] of raised) {
    for (const [theme, weeks] of themes) {
      const into: Record<string, string[]> = {};
      for (const [week, sessions] of weeks) into[week] = [...sessions].sort();
      tally.themes[theme] = into;
    }
  }
  return cells;
}

const addAll = (into: Record<string, number>, from: Record<string, number>): void => {
  for (const [key, n] of Object.entries(from)) add(into, key, n);
};

/** Sums tallies (all kept whole: the inputs are not changed). */
export function sumTallies(tallies: readonly Tally[]): Tally {
  const sum = emptyTally();
  const themes = new Map<string, Map<string, Set<string>>>();
  for (const t of tallies) {
    sum.conversations += t.conversations;
    addAll(sum.byDay, t.byDay);
    t.byHour.forEach((n, hour) => (sum.byHour[hour] = (sum.byHour[hour] ?? 0) + n));
    for (const o of OUTCOMES) sum.outcomes[o] += t.outcomes[o] ?? 0;
    addAll(sum.reasons, t.reasons);
    for (const [flow, f] of Object.entries(t.funnels)) {
      let funnel = sum.funnels[flow];
      if (!funnel) sum.funnels[flow] = funnel = { entered: 0, first: f.first, ends: Object.fromEntries(RUN_ENDS.map((e) => [e, 0])) as Record<RunEnd, number>, steps: {} };
      funnel.entered += f.entered;
      funnel.first = earlier(funnel.first, f.first);
      for (const e of RUN_ENDS) funnel.ends[e] += f.ends[e] ?? 0;
      for (const [step, st] of Object.entries(f.steps)) {
        const entry = funnel.steps[step];
        if (entry) {
          entry.reached += st.reached;
          entry.left += st.left;
          entry.first = earlier(entry.first, st.first);
        } else funnel.steps[step] = { ...st };
      }
    }
    sum.items += t.items;
    sum.tickets += t.tickets;
    sum.resolved += t.resolved;
    sum.handedBack += t.handedBack;
    sum.waits.push(...t.waits);
    sum.responses.push(...t.responses);
    sum.resolutions.push(...t.resolutions);
    for (const [id, entry] of Object.entries(t.agents)) {
      const mine = agentOf(sum, id);
      mine.responses.push(...entry.responses);
      mine.resolutions.push(...entry.resolutions);
    }
    sum.turns += t.turns;
    sum.textTurns += t.textTurns;
    sum.fallbacks += t.fallbacks;
    sum.offered += t.offered;
    sum.picked += t.picked;
    addAll(sum.turnsByDay, t.turnsByDay);
    addAll(sum.intents, t.intents);
    addAll(sum.picks, t.picks);
    for (const [theme, weeks] of Object.entries(t.themes)) {
      let mine = themes.get(theme);
      if (!mine) themes.set(theme, (mine = new Map()));
      for (const [week, sessions] of Object.entries(weeks)) {
        let set = mine.get(week);
        if (!set) mine.set(week, (set = new Set()));
        for (const id of sessions) set.add(id);
      }
    }
  }
  for (const [theme, weeks] of themes) sum.themes[theme] = Object.fromEntries([...weeks].map(([week, set]) => [week, [...set].sort()]));
  return sum;
}

/** Adds `more`'s cells into `into`, cell by cell. */
export function addCells(into: Map<Cell, Tally[]>, more: CellTallies): void {
  for (const [cell, tally] of Object.entries(more) as [Cell, Tally][]) {
    let list = into.get(cell);
    if (!list) into.set(cell, (list = []));
    list.push(tally);
  }
}
