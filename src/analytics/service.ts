// The analytics use cases the HTTP routes and `daehwa report` share: figures, drill-downs, the
// CSV export and the trainers' inbox, read through the store port. The report sums the kept
// aggregates of closed days (computing and keeping those missing) and the tallies of the days
// not closed yet, read from their facts (docs/analytics.md#daily-aggregates); drill-downs and
// the inbox read the range's facts.
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { z } from 'zod';
import { maskPii } from '../privacy/mask.ts';
import type { AnalyticsFact, FactDayRecord, FactDayWindow, FactStore } from '../store/types.ts';
import { type AnalysisOptions, analyseSessions, type Cell, type ConversationSummary, factWindow, horizonOf, OUTCOME_TAIL_MS, summarise } from './conversations.ts';
import { type Drill, drillDown } from './drill.ts';
import { type Figures, figuresOfCells } from './figures.ts';
import { corpusKeys, inboxClusters, type InboxCluster } from './inbox.ts';
import { type SatisfactionFigures, type SurveySource, satisfactionFigures } from './surveys.ts';
import { addCells, type CellTallies, type Tally, tallyCells, tallySchema } from './tally.ts';
import { type ShopCalendar, shopCalendar } from '../commerce/shop-calendar.ts';
import { daysBetween } from './time.ts';
import { DEFAULT_VOC_FILE, loadVocThemes, type VocTheme, VocMatcher } from './voc.ts';

/** The format of a kept day's `data`: a day kept in another is computed again. */
export const DAY_FORMAT = 1;
/** Days computed from one read of facts at most: bounds what a computation holds in memory. */
const DAYS_PER_READ = 7;
/** How far back the background job makes sure every closed day is kept. */
export const CLOSE_DAYS_BACK = 35;

/** The longest range one request may ask for. */
export const MAX_RANGE_DAYS = 366;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a calendar date');

export const rangeQuerySchema = z
  .object({
    from: day,
    to: day,
    locale: z.enum(['ko', 'en']).optional(),
    channel: z.string().min(1).max(40).optional(),
  })
  .refine((q) => q.from <= q.to, { message: "'from' must not be after 'to'", path: ['from'] })
  .refine((q) => daysBetween(q.from, q.to).length <= MAX_RANGE_DAYS, { message: `a range is at most ${MAX_RANGE_DAYS} days`, path: ['to'] });
export type RangeQuery = z.infer<typeof rangeQuerySchema>;

export interface Report extends Figures {
  themes: { id: string; label: { ko: string; en: string } }[];
  /** null until a survey source is wired (Store.listSurveys, surveys feature). */
  satisfaction: SatisfactionFigures | null;
}

export interface AnalyticsServiceOptions {
  facts: FactStore;
  timeZone: string;
  /** Conversations quiet for less than this are ongoing: the server's session idle timeout. */
  idleMs: number;
  now: () => Date;
  vocFile?: string;
  /** The training corpus (intents/): lines already in it are done in the trainers' inbox. */
  corpusDir?: string;
  /** The survey records of the range (Store.listSurveys). */
  surveys?: SurveySource;
}

export interface ConversationRow {
  sessionId: string;
  startedDay: string;
  startedHour: number;
  locale: string;
  channel: string;
  outcome: string;
  handoffReason: string | null;
  intents: string[];
  themes: string[];
  /** The first line the shopper typed, masked. */
  firstLine: string | null;
}

/** How the report read its range: days summed from kept aggregates, days computed and kept now, days read from their facts. */
export interface ReportSources {
  keptDays: number;
  computedDays: number;
  factDays: number;
}

export class AnalyticsService {
  readonly #calendar: ShopCalendar;
  /** What the last report read (tests and the bench look). */
  lastSources: ReportSources = { keptDays: 0, computedDays: 0, factDays: 0 };

  constructor(private readonly options: AnalyticsServiceOptions) {
    this.#calendar = shopCalendar(options.timeZone);
  }

  async #setup(query: RangeQuery): Promise<{ analysis: AnalysisOptions; themes: VocTheme[] }> {
    const themes = await loadVocThemes(this.options.vocFile ?? DEFAULT_VOC_FILE);
    const analysis: AnalysisOptions = {
      calendar: this.#calendar,
      fromDay: query.from,
      toDay: query.to,
      now: this.options.now().toISOString(),
      idleMs: this.options.idleMs,
      voc: new VocMatcher(themes),
      ...(query.locale ? { locale: query.locale } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
    };
    return { analysis, themes };
  }

  async #read(query: RangeQuery): Promise<{ facts: AnalyticsFact[]; analysis: AnalysisOptions; themes: VocTheme[] }> {
    const { analysis, themes } = await this.#setup(query);
    const window = factWindow(analysis);
    const facts = await this.options.facts.listFacts({ from: window.from, to: window.readTo });
    return { facts, analysis, themes };
  }

  /**
   * A day is closed once nothing can change its figures any more: its horizon (the end of the day
   * and the outcome tail) has passed, and so has the idle time after it (no conversation of the
   * day is ongoing). Closed days are a prefix of any range.
   */
  #closed(day: string, nowMs: number): boolean {
    return Date.parse(horizonOf(this.#calendar, day)) + this.options.idleMs <= nowMs;
  }

  /** What a kept day's aggregate depends on besides its facts: a day of another basis is computed again. */
  #basis(themes: readonly VocTheme[]): string {
    const basis = JSON.stringify({ format: DAY_FORMAT, timeZone: this.options.timeZone, tailMs: OUTCOME_TAIL_MS, themes });
    return createHash('sha256').update(basis).digest('hex').slice(0, 32);
  }

  #window(day: string): FactDayWindow {
    return { day, from: this.#calendar.dayStart(day), to: horizonOf(this.#calendar, day) };
  }

  /**
   * The cell tallies of closed days: kept ones as they are, the others computed from their
   * windows' facts (a few days per read, yielding between days) and kept through the store.
   */
  async #closedDays(days: readonly string[], themes: readonly VocTheme[], nowIso: string): Promise<{ cells: Map<string, CellTallies>; computed: number }> {
    const basis = this.#basis(themes);
    const cells = new Map<string, CellTallies>();
    if (days.length === 0) return { cells, computed: 0 };
    for (const record of await this.options.facts.listFactDays({ from: days[0] as string, to: days.at(-1) as string })) {
      const kept = keptCells(record, basis, this.#window(record.day));
      if (kept) cells.set(record.day, kept);
    }
    const missing = days.filter((day) => !cells.has(day));
    const voc = new VocMatcher(themes);
    for (let start = 0; start < missing.length; ) {
      // Consecutive missing days share one read of facts.
      let end = start + 1;
      while (end < missing.length && end - start < DAYS_PER_READ && missing[end] === nextDayOf(missing[end - 1] as string)) end++;
      const windows = missing.slice(start, end).map((day) => this.#window(day));
      const claim = await this.options.facts.claimFactDays(windows);
      const facts = await this.options.facts.listFacts({ from: (windows[0] as FactDayWindow).from, to: (windows.at(-1) as FactDayWindow).to });
      const records: FactDayRecord[] = [];
      for (const window of windows) {
        const slice = facts.slice(firstAtOrAfter(facts, window.from), firstAtOrAfter(facts, window.to));
        const analyses = analyseSessions(slice, { calendar: this.#calendar, fromDay: window.day, toDay: window.day, now: nowIso, idleMs: this.options.idleMs, voc });
        const day = tallyCells(analyses);
        cells.set(window.day, day);
        records.push({ ...window, basis, computedAt: nowIso, data: { version: DAY_FORMAT, cells: day } });
        await yieldToEventLoop();
      }
      await this.options.facts.putFactDays(claim, records);
      start = end;
    }
    return { cells, computed: missing.length };
  }

  /**
   * Makes sure the closed days of the last `daysBack` days are kept (the background job runs this
   * hourly, so that a report finds them kept); how many were computed.
   */
  async closeDays(daysBack = CLOSE_DAYS_BACK): Promise<number> {
    const themes = await loadVocThemes(this.options.vocFile ?? DEFAULT_VOC_FILE);
    const now = this.options.now();
    const today = this.#calendar.localTime(now.toISOString()).day;
    const days = daysBetween(shiftDay(today, -daysBack), today).filter((day) => this.#closed(day, now.getTime()));
    return (await this.#closedDays(days, themes, now.toISOString())).computed;
  }

  async report(query: RangeQuery): Promise<Report> {
    const { analysis, themes } = await this.#setup(query);
    const nowMs = Date.parse(analysis.now);
    const days = daysBetween(query.from, query.to);
    const closed = days.filter((day) => this.#closed(day, nowMs));
    const open = days.slice(closed.length);
    const cells = new Map<Cell, Tally[]>();
    const kept = await this.#closedDays(closed, themes, analysis.now);
    for (const day of closed) addCells(cells, kept.cells.get(day) ?? {});
    if (open.length > 0) {
      // The days not closed yet, from their facts (with the outcome tail, up to now).
      const recent: AnalysisOptions = { ...analysis, fromDay: open[0] as string };
      const window = factWindow(recent);
      const facts = await this.options.facts.listFacts({ from: window.from, to: window.readTo });
      addCells(cells, tallyCells(analyseSessions(facts, recent)));
    }
    this.lastSources = { keptDays: closed.length - kept.computed, computedDays: kept.computed, factDays: open.length };
    const figures = figuresOfCells(cells, analysis, themes.map((t) => t.id));
    let satisfaction: SatisfactionFigures | null = null;
    if (this.options.surveys) {
      const window = factWindow(analysis);
      const records = await this.options.surveys({ from: window.from, to: window.to });
      satisfaction = satisfactionFigures(records.filter((r) => query.locale === undefined || r.locale === query.locale));
    }
    return { ...figures, themes: themes.map((t) => ({ id: t.id, label: t.label })), satisfaction };
  }

  /** The trainers' inbox over the range: clusters of lines not understood, biggest first. */
  async inbox(query: RangeQuery): Promise<{ clusters: InboxCluster[] }> {
    const { facts, analysis } = await this.#read(query);
    const { from, to } = factWindow(analysis);
    const inRange = facts.filter((f) => f.at >= from && f.at < to && (query.locale === undefined || f.locale === query.locale) && (query.channel === undefined || f.channel === query.channel));
    const known = this.options.corpusDir ? await corpusKeys(this.options.corpusDir) : new Set<string>();
    return { clusters: inboxClusters(inRange, known) };
  }

  /** The conversations behind a number, newest first, as table rows. */
  async conversations(query: RangeQuery, drill: Drill | null): Promise<ConversationRow[]> {
    const { facts, analysis } = await this.#read(query);
    const summaries = summarise(facts, analysis);
    const firstLines = new Map<string, string>();
    for (const fact of facts) if (fact.kind === 'turn' && fact.text !== undefined && !firstLines.has(fact.sessionId)) firstLines.set(fact.sessionId, fact.text);
    const byId = new Map(summaries.map((s) => [s.sessionId, s]));
    const ids = drill ? drillDown(summaries, drill) : summaries.filter((s) => s.startedInRange).map((s) => s.sessionId);
    return ids.map((id) => row(byId.get(id) as ConversationSummary, firstLines.get(id) ?? null));
  }
}

function row(s: ConversationSummary, firstLine: string | null): ConversationRow {
  return {
    sessionId: s.sessionId,
    startedDay: s.startedDay,
    startedHour: s.startedHour,
    locale: s.locale,
    channel: s.channel,
    outcome: s.outcome,
    handoffReason: s.handoffReason,
    intents: [...s.intents.keys()],
    themes: [...s.themes.keys()],
    // Masked on the way in already; masked again so an export never depends on how a fact was written.
    firstLine: firstLine === null ? null : maskPii(firstLine),
  };
}

const CSV_COLUMNS: (keyof ConversationRow)[] = ['sessionId', 'startedDay', 'startedHour', 'locale', 'channel', 'outcome', 'handoffReason', 'intents', 'themes', 'firstLine'];

function csvCell(value: unknown): string {
  const text = Array.isArray(value) ? value.join(' ') : value === null || value === undefined ? '' : String(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet: quoted with a leading apostrophe.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Conversation rows as CSV (RFC 4180), personal data masked. */
export function conversationsCsv(rows: readonly ConversationRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(c === 'firstLine' && r.firstLine !== null ? maskPii(r.firstLine) : r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A kept day's cells, when it was computed under this basis over this window and reads as tallies. */
function keptCells(record: FactDayRecord, basis: string, window: FactDayWindow): CellTallies | null {
  if (record.basis !== basis || record.data.version !== DAY_FORMAT || record.from !== window.from || record.to !== window.to) return null;
  const cells = z.record(z.string().regex(/^(ko|en)\|.+$/), tallySchema).safeParse(record.data['cells']);
  return cells.success ? (cells.data as CellTallies) : null;
}

/** The index of the first fact at or after `at` (facts sorted by time). */
function firstAtOrAfter(facts: readonly AnalyticsFact[], at: string): number {
  let lo = 0;
  let hi = facts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((facts[mid] as AnalyticsFact).at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function shiftDay(day: string, by: number): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + by);
  return date.toISOString().slice(0, 10);
}

const nextDayOf = (day: string): string => shiftDay(day, 1);
