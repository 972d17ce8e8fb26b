// The analytics use cases the HTTP routes and `daehwa report` share: read the range's facts once
// through the store port, summarise, and answer figures, drill-downs and the CSV export.
import { z } from 'zod';
import { maskPii } from '../privacy/mask.ts';
import type { AnalyticsFact, FactStore } from '../store/types.ts';
import { type AnalysisOptions, type ConversationSummary, factWindow, summarise } from './conversations.ts';
import { type Drill, drillDown } from './drill.ts';
import { type Figures, figuresOf } from './figures.ts';
import { corpusKeys, inboxClusters, type InboxCluster } from './inbox.ts';
import { type SatisfactionFigures, type SurveySource, satisfactionFigures } from './surveys.ts';
import { ShopCalendar, daysBetween } from './time.ts';
import { DEFAULT_VOC_FILE, loadVocThemes, type VocTheme, VocMatcher } from './voc.ts';

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

export class AnalyticsService {
  readonly #calendar: ShopCalendar;

  constructor(private readonly options: AnalyticsServiceOptions) {
    this.#calendar = new ShopCalendar(options.timeZone);
  }

  async #read(query: RangeQuery): Promise<{ facts: AnalyticsFact[]; analysis: AnalysisOptions; themes: VocTheme[] }> {
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
    const window = factWindow(analysis);
    const facts = await this.options.facts.listFacts({ from: window.from, to: window.readTo });
    return { facts, analysis, themes };
  }

  async report(query: RangeQuery): Promise<Report> {
    const { facts, analysis, themes } = await this.#read(query);
    const figures = figuresOf(summarise(facts, analysis), analysis, themes.map((t) => t.id));
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
