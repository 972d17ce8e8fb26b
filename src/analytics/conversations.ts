// From facts to conversations (docs/analytics.md): the facts of one session are one
// conversation, however often the shopper reconnected or resumed it. Each conversation gets one
// outcome and its flow runs, decided by its facts up to its start day's horizon; each turn said in
// the range is marked with what it adds to the turn figures, in its own locale|channel cell.
// Figures (tally.ts) and drill-downs (summariesOf) are made of the same analyses, filtered by
// the same rule, so they can never disagree; and since nothing in an analysis depends on the
// range beyond the days it covers, a range's figures are the sum of its days' (day aggregates).
import type { AnalyticsFact, DeskFact, TurnFact } from '../store/types.ts';
import type { ShopCalendar } from '../commerce/shop-calendar.ts';
import { nextDay, weekOf } from './time.ts';
import type { VocMatcher } from './voc.ts';

export const OUTCOMES = ['resolved_by_bot', 'left_after_answer', 'left_in_flow', 'handed_to_person', 'ticket_outside_hours', 'ongoing'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Intents whose last word closes a conversation the bot resolved. */
export const CLOSING_INTENTS: ReadonlySet<string> = new Set(['thanks', 'goodbye']);

/** How long after the range's end the outcome of its last conversations is still read. */
export const OUTCOME_TAIL_MS = 24 * 60 * 60 * 1000;

export type RunEnd = 'completed' | 'switched' | 'cancelled' | 'failed' | 'left' | 'ongoing';

export interface FlowRun {
  flow: string;
  /** Distinct steps the run waited in, in order. */
  steps: string[];
  end: RunEnd;
  /** The step the run was in when it ended (null: it ended before its first step). */
  lastStep: string | null;
  /** When it began, and when it first waited in each of its steps: how funnels order flows and steps alike from any days. */
  startedAt: string;
  reachedAt: string[];
}

export interface AgentItem {
  itemId: string;
  queuedAt: number;
  claimedAt: number | null;
  firstMessageAt: number | null;
  firstMessageAgent: string | null;
  doneAt: number | null;
  doneBy: string | null;
  handedBack: boolean;
}

/** `locale|channel`: the cells figures are kept in, so that a day's aggregate answers any filter. */
export type Cell = `${'ko' | 'en'}|${string}`;
export const cellOf = (fact: { locale: 'ko' | 'en'; channel: string }): Cell => `${fact.locale}|${fact.channel}`;

/** What one turn said inside the range adds to the turn figures, in its own cell. */
export interface TurnMark {
  cell: Cell;
  /** Local day, and the Monday of its week. */
  day: string;
  week: string;
  text: boolean;
  fallback: boolean;
  /** For a text turn: the NLU's intent. */
  intent: string | null;
  /** A fallback that offered intents ("did you mean"), and the one the next turn picked. */
  offered: boolean;
  picked: string | null;
  /** VOC themes of a text turn. */
  themes: string[];
}

/** The conversation-level part, for a conversation that began inside the range. */
export interface ConversationPart {
  outcome: Outcome;
  /** Reason of the first hand-off (to people or a ticket), if any. */
  handoffReason: string | null;
  runs: FlowRun[];
  items: AgentItem[];
  tickets: number;
}

/** One session as the range sees it, before any filter: what figures and drill-downs are both made of. */
export interface SessionAnalysis {
  sessionId: string;
  /** Of its first fact read: the conversation's, when it began inside the range. */
  locale: 'ko' | 'en';
  channel: string;
  cell: Cell;
  startedDay: string;
  startedHour: number;
  /** Null when it began outside the range. */
  conversation: ConversationPart | null;
  /** Its turns said inside the range, in order. */
  turns: TurnMark[];
}

export interface ConversationSummary {
  sessionId: string;
  /** Began inside the range, and its first fact passes the filters: counted in the conversation figures. */
  startedInRange: boolean;
  startedDay: string;
  startedHour: number;
  locale: 'ko' | 'en';
  channel: string;
  outcome: Outcome;
  /** Reason of the first hand-off (to people or a ticket), if any. */
  handoffReason: string | null;
  runs: FlowRun[];
  items: AgentItem[];
  tickets: number;
  // Turn-level, for turns inside the range that pass the filters:
  textTurns: number;
  turns: number;
  intents: Map<string, number>;
  fallbacks: number;
  offered: number;
  picks: string[];
  /** Theme to the weeks (Monday) it was raised in. */
  themes: Map<string, Set<string>>;
  /** Turn days inside the range. */
  turnDays: Map<string, number>;
}

export interface AnalysisOptions {
  calendar: ShopCalendar;
  /** Local days, inclusive. */
  fromDay: string;
  toDay: string;
  /** Conversations quiet for less than idleMs before `now` are ongoing, not left. */
  now: string;
  idleMs: number;
  locale?: 'ko' | 'en';
  channel?: string;
  voc?: VocMatcher;
}

/** The instants the facts are read over: the range, then the outcome tail, never past now. */
export function factWindow(options: Pick<AnalysisOptions, 'calendar' | 'fromDay' | 'toDay' | 'now'>): { from: string; to: string; readTo: string } {
  const from = options.calendar.dayStart(options.fromDay);
  const to = options.calendar.dayStart(nextDay(options.toDay));
  const tail = new Date(Date.parse(to) + OUTCOME_TAIL_MS).toISOString();
  // Nothing said after now can be read (a report run mid-month stops at now).
  const justAfterNow = new Date(Date.parse(options.now) + 1).toISOString();
  const readTo = tail < justAfterNow ? tail : justAfterNow;
  return { from, to, readTo };
}

/**
 * The end of what decides a conversation begun (or a "did you mean" offered) on `day`: the outcome
 * tail after the day's end. The same for every range holding the day, so that a day's figures do
 * not depend on the range they are read in, and a month is the sum of its days.
 */
export function horizonOf(calendar: ShopCalendar, day: string): string {
  return new Date(Date.parse(calendar.dayStart(nextDay(day))) + OUTCOME_TAIL_MS).toISOString();
}

/** Whether a fact passes the range's locale and channel filters. */
export function passes(fact: { locale: 'ko' | 'en'; channel: string }, options: Pick<AnalysisOptions, 'locale' | 'channel'>): boolean {
  return (options.locale === undefined || fact.locale === options.locale) && (options.channel === undefined || fact.channel === options.channel);
}

/** Every session with something in the range, whatever the filters (facts sorted by time). */
export function analyseSessions(facts: readonly AnalyticsFact[], options: AnalysisOptions): SessionAnalysis[] {
  const { from, to } = factWindow(options);
  const bySession = new Map<string, AnalyticsFact[]>();
  for (const fact of facts) {
    let list = bySession.get(fact.sessionId);
    if (!list) bySession.set(fact.sessionId, (list = []));
    list.push(fact);
  }
  const nowMs = Date.parse(options.now);
  const horizons = new Map<string, string>();
  const horizon = (day: string): string => {
    let at = horizons.get(day);
    if (at === undefined) horizons.set(day, (at = horizonOf(options.calendar, day)));
    return at;
  };
  const out: SessionAnalysis[] = [];
  for (const [sessionId, list] of bySession) {
    const first = list[0] as AnalyticsFact;
    const startedInRange = first.startedAt >= from && first.startedAt < to;
    const turns = turnMarks(list, from, to, options, horizon);
    if (!startedInRange && turns.length === 0) continue;
    const start = options.calendar.localTime(first.startedAt);
    let conversation: ConversationPart | null = null;
    if (startedInRange) {
      // What happened from the start to the start day's horizon: a fact before startedAt cannot exist.
      const end = horizon(start.day);
      const own = list.at(-1)!.at < end ? list : list.filter((fact) => fact.at < end);
      conversation = {
        runs: flowRuns(own, Date.parse(own.at(-1)?.at ?? first.at) > nowMs - options.idleMs),
        items: agentItems(own),
        tickets: own.filter((fact) => fact.kind === 'desk' && fact.event === 'offline_ticket').length,
        handoffReason: firstHandoffReason(own),
        outcome: outcomeOf(own, nowMs, options.idleMs),
      };
    }
    out.push({ sessionId, locale: first.locale, channel: first.channel, cell: cellOf(first), startedDay: start.day, startedHour: start.hour, conversation, turns });
  }
  return out;
}

function turnMarks(list: readonly AnalyticsFact[], from: string, to: string, options: AnalysisOptions, horizon: (day: string) => string): TurnMark[] {
  const marks: TurnMark[] = [];
  for (let i = 0; i < list.length; i++) {
    const fact = list[i] as AnalyticsFact;
    if (fact.kind !== 'turn' || fact.at < from || fact.at >= to) continue;
    const day = options.calendar.localTime(fact.at).day;
    const offered = fact.fallback && fact.suggestions.length > 0;
    let picked: string | null = null;
    if (offered) {
      // The conversation's next turn, before the offer day's horizon: a tapped button answering one of the offers.
      let next: TurnFact | null = null;
      for (let j = i + 1; j < list.length && next === null; j++) if ((list[j] as AnalyticsFact).kind === 'turn') next = list[j] as TurnFact;
      if (next && next.at < horizon(day) && next.input === 'quick_reply' && next.intent !== null && fact.suggestions.includes(next.intent)) picked = next.intent;
    }
    const text = fact.input === 'text';
    marks.push({
      cell: cellOf(fact),
      day,
      week: weekOf(day),
      text,
      fallback: text && fact.fallback,
      intent: text ? fact.intent : null,
      offered,
      picked,
      themes: text && options.voc ? options.voc.themesOf({ intent: fact.intent, text: fact.text, locale: fact.locale }) : [],
    });
  }
  return marks;
}

/** The sessions as the filters see them: the conversation when its first fact passes, the turns that pass. */
export function summarise(facts: readonly AnalyticsFact[], options: AnalysisOptions): ConversationSummary[] {
  return summariesOf(analyseSessions(facts, options), options);
}

export function summariesOf(analyses: readonly SessionAnalysis[], options: Pick<AnalysisOptions, 'locale' | 'channel'>): ConversationSummary[] {
  const out: ConversationSummary[] = [];
  for (const a of analyses) {
    const counted = a.conversation !== null && passes(a, options);
    const turns = a.turns.filter((mark) => passesCell(mark.cell, options));
    if (!counted && turns.length === 0) continue;
    const summary: ConversationSummary = {
      sessionId: a.sessionId,
      startedInRange: counted,
      startedDay: a.startedDay,
      startedHour: a.startedHour,
      locale: a.locale,
      channel: a.channel,
      outcome: counted ? a.conversation!.outcome : 'ongoing',
      handoffReason: counted ? a.conversation!.handoffReason : null,
      runs: counted ? a.conversation!.runs : [],
      items: counted ? a.conversation!.items : [],
      tickets: counted ? a.conversation!.tickets : 0,
      textTurns: 0,
      turns: 0,
      intents: new Map(),
      fallbacks: 0,
      offered: 0,
      picks: [],
      themes: new Map(),
      turnDays: new Map(),
    };
    for (const mark of turns) {
      summary.turns++;
      summary.turnDays.set(mark.day, (summary.turnDays.get(mark.day) ?? 0) + 1);
      if (mark.offered) summary.offered++;
      if (mark.picked !== null) summary.picks.push(mark.picked);
      if (!mark.text) continue;
      summary.textTurns++;
      if (mark.fallback) summary.fallbacks++;
      if (mark.intent !== null) summary.intents.set(mark.intent, (summary.intents.get(mark.intent) ?? 0) + 1);
      for (const theme of mark.themes) {
        let weeks = summary.themes.get(theme);
        if (!weeks) summary.themes.set(theme, (weeks = new Set()));
        weeks.add(mark.week);
      }
    }
    out.push(summary);
  }
  return out;
}

/** Whether a cell passes the filters. */
export function passesCell(cell: string, options: Pick<AnalysisOptions, 'locale' | 'channel'>): boolean {
  const bar = cell.indexOf('|');
  return (options.locale === undefined || cell.slice(0, bar) === options.locale) && (options.channel === undefined || cell.slice(bar + 1) === options.channel);
}

function firstHandoffReason(facts: readonly AnalyticsFact[]): string | null {
  for (const fact of facts) {
    if (fact.kind === 'desk' && (fact.event === 'queued' || fact.event === 'offline_ticket')) return fact.reason;
  }
  return null;
}

export function outcomeOf(facts: readonly AnalyticsFact[], nowMs: number, idleMs: number): Outcome {
  if (facts.some((fact) => fact.kind === 'desk' && fact.event === 'queued')) return 'handed_to_person';
  if (facts.some((fact) => fact.kind === 'desk' && fact.event === 'offline_ticket')) return 'ticket_outside_hours';
  const last = facts.at(-1);
  if (!last || Date.parse(last.at) > nowMs - idleMs) return 'ongoing';
  const turns = facts.filter((fact): fact is TurnFact => fact.kind === 'turn');
  const lastTurn = turns.at(-1);
  if (!lastTurn) return 'left_after_answer';
  if (lastTurn.step !== null) return 'left_in_flow';
  const completed = lastTurn.flows.some((f) => f.event === 'completed');
  const closing = lastTurn.input === 'text' && lastTurn.intent !== null && CLOSING_INTENTS.has(lastTurn.intent);
  if (!lastTurn.fallback && (completed || closing)) return 'resolved_by_bot';
  return 'left_after_answer';
}

const ABANDON_END: Record<string, RunEnd> = { switch: 'switched', cancel: 'cancelled', attempts: 'failed', error: 'failed' };

export function flowRuns(facts: readonly AnalyticsFact[], ongoing: boolean): FlowRun[] {
  const runs: FlowRun[] = [];
  let open: FlowRun | null = null;
  const close = (end: RunEnd): void => {
    if (!open) return;
    open.end = end;
    runs.push(open);
    open = null;
  };
  for (const fact of facts) {
    if (fact.kind !== 'turn') continue;
    for (const event of fact.flows) {
      if (event.event === 'started') {
        close('switched');
        open = { flow: event.flow, steps: [], end: 'ongoing', lastStep: null, startedAt: fact.at, reachedAt: [] };
      } else if (open && event.flow === open.flow) {
        close(event.event === 'completed' ? 'completed' : (ABANDON_END[event.why ?? ''] ?? 'failed'));
      }
    }
    const run = open as FlowRun | null;
    if (run && fact.flow === run.flow && fact.step !== null) {
      if (!run.steps.includes(fact.step)) {
        run.steps.push(fact.step);
        run.reachedAt.push(fact.at);
      }
      run.lastStep = fact.step;
    }
  }
  close(ongoing ? 'ongoing' : 'left');
  return runs;
}

export function agentItems(facts: readonly AnalyticsFact[]): AgentItem[] {
  const items = new Map<string, AgentItem>();
  for (const fact of facts) {
    if (fact.kind !== 'desk') continue;
    const desk: DeskFact = fact;
    const at = Date.parse(desk.at);
    let item = items.get(desk.itemId);
    if (desk.event === 'queued') {
      if (!item) items.set(desk.itemId, { itemId: desk.itemId, queuedAt: at, claimedAt: null, firstMessageAt: null, firstMessageAgent: null, doneAt: null, doneBy: null, handedBack: false });
      continue;
    }
    if (!item) continue; // an offline ticket's item, or one queued before the facts read
    if (desk.event === 'claimed') item.claimedAt ??= at;
    else if (desk.event === 'agent_message' && item.firstMessageAt === null) {
      item.firstMessageAt = at;
      item.firstMessageAgent = desk.agentId;
    } else if ((desk.event === 'resolved' || desk.event === 'handed_back') && item.doneAt === null) {
      item.doneAt = at;
      item.doneBy = desk.agentId;
      item.handedBack = desk.event === 'handed_back';
    }
    item = undefined;
  }
  return [...items.values()];
}
