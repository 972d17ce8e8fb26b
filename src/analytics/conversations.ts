// From facts to conversations (docs/analytics.md): the facts of one session are one
// conversation, however often the shopper reconnected or resumed it. Each conversation gets one
// outcome and its flow runs; the turn-level counts of the range ride along, so figures and
// drill-downs aggregate the same summaries and can never disagree.
import type { AnalyticsFact, DeskFact, TurnFact } from '../store/types.ts';
import { type ShopCalendar, nextDay, weekOf } from './time.ts';
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

export interface ConversationSummary {
  sessionId: string;
  /** Began inside the range: counted in the conversation figures. */
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
  // Turn-level, for turns inside the range only:
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

export function summarise(facts: readonly AnalyticsFact[], options: AnalysisOptions): ConversationSummary[] {
  const { from, to } = factWindow(options);
  const bySession = new Map<string, AnalyticsFact[]>();
  for (const fact of facts) {
    let list = bySession.get(fact.sessionId);
    if (!list) bySession.set(fact.sessionId, (list = []));
    list.push(fact);
  }
  const nowMs = Date.parse(options.now);
  const out: ConversationSummary[] = [];
  for (const [sessionId, list] of bySession) {
    const first = list[0] as AnalyticsFact;
    if (options.locale !== undefined && first.locale !== options.locale) continue;
    if (options.channel !== undefined && first.channel !== options.channel) continue;
    const startedInRange = first.startedAt >= from && first.startedAt < to;
    const inRange = list.filter((fact) => fact.at >= from && fact.at < to);
    if (!startedInRange && inRange.length === 0) continue;
    const start = options.calendar.local(first.startedAt);
    const summary: ConversationSummary = {
      sessionId,
      startedInRange,
      startedDay: start.day,
      startedHour: start.hour,
      locale: first.locale,
      channel: first.channel,
      outcome: 'ongoing',
      handoffReason: null,
      runs: [],
      items: [],
      tickets: 0,
      textTurns: 0,
      turns: 0,
      intents: new Map(),
      fallbacks: 0,
      offered: 0,
      picks: [],
      themes: new Map(),
      turnDays: new Map(),
    };
    countTurns(summary, inRange, options);
    if (startedInRange) {
      // Only what happened from the start on: a fact before startedAt cannot exist, facts after the tail were not read.
      summary.runs = flowRuns(list, Date.parse(list.at(-1)?.at ?? first.at) > nowMs - options.idleMs);
      summary.items = agentItems(list);
      summary.tickets = list.filter((fact) => fact.kind === 'desk' && fact.event === 'offline_ticket').length;
      summary.handoffReason = firstHandoffReason(list);
      summary.outcome = outcomeOf(list, nowMs, options.idleMs);
    }
    out.push(summary);
  }
  return out;
}

function countTurns(summary: ConversationSummary, facts: readonly AnalyticsFact[], options: AnalysisOptions): void {
  let offeredBy: TurnFact | null = null;
  for (const fact of facts) {
    if (fact.kind !== 'turn') continue;
    summary.turns++;
    const day = options.calendar.local(fact.at).day;
    summary.turnDays.set(day, (summary.turnDays.get(day) ?? 0) + 1);
    if (offeredBy && fact.input === 'quick_reply' && fact.intent !== null && offeredBy.suggestions.includes(fact.intent)) summary.picks.push(fact.intent);
    offeredBy = null;
    if (fact.fallback && fact.suggestions.length > 0) {
      summary.offered++;
      offeredBy = fact;
    }
    if (fact.input !== 'text') continue;
    summary.textTurns++;
    if (fact.fallback) summary.fallbacks++;
    if (fact.intent !== null) summary.intents.set(fact.intent, (summary.intents.get(fact.intent) ?? 0) + 1);
    if (options.voc) {
      for (const theme of options.voc.themesOf({ intent: fact.intent, text: fact.text, locale: fact.locale })) {
        let weeks = summary.themes.get(theme);
        if (!weeks) summary.themes.set(theme, (weeks = new Set()));
        weeks.add(weekOf(day));
      }
    }
  }
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
        open = { flow: event.flow, steps: [], end: 'ongoing', lastStep: null };
      } else if (open && event.flow === open.flow) {
        close(event.event === 'completed' ? 'completed' : (ABANDON_END[event.why ?? ''] ?? 'failed'));
      }
    }
    const run = open as FlowRun | null;
    if (run && fact.flow === run.flow && fact.step !== null) {
      if (!run.steps.includes(fact.step)) run.steps.push(fact.step);
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
