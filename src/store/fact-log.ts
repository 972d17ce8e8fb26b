// Analytics facts on disk for the lowdb store (issue 12): one append-only JSON-lines file per UTC
// day, `<dir>/analytics/<YYYY-MM-DD>.jsonl`. A turn adds one line to today's file; reading a month
// opens about thirty files and nothing else. A fact accepted is turned into its line at once (the
// store's private copy, and what the flush appends: no copy of the object, no second
// serialisation) and written with the store's flush. A day's parsed facts are kept (frozen) while
// its file has not grown, so a dashboard refreshed over the same month parses each file once.
// Privacy erasure and retention rewrite the day files that hold what they remove (temp file and
// rename); the store runs them between flushes.
import { appendFile, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TextFile } from 'lowdb/node';
import { nullIfMissing } from './errors.ts';
import { analyticsFactSchema, byFactTime, factDay, frozenFact } from './schemas.ts';
import type { AnalyticsFact, FactDeletion, FactQuery, FactRange } from './types.ts';

export const factsDir = (dir: string): string => join(dir, 'analytics');
export const factDayPath = (dir: string, day: string): string => join(factsDir(dir), `${day}.jsonl`);
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

/** The UTC days from `from`'s to `to`'s, inclusive. */
export function daysOf(range: FactRange): string[] {
  const days: string[] = [];
  const last = factDay(range.to);
  const cursor = new Date(`${factDay(range.from)}T00:00:00.000Z`);
  if (Number.isNaN(cursor.getTime()) || range.from >= range.to) return days;
  for (let day = factDay(cursor.toISOString()); day <= last; day = factDay(cursor.toISOString())) {
    days.push(day);
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

/** The line of a fact as a session id appears in it: what a file is searched for before it is parsed. */
const sessionMark = (sessionId: string): string => `"sessionId":${JSON.stringify(sessionId)}`;

export class FactLog {
  /** Accepted, not yet written, by day: the lines the flush appends. */
  readonly #pending = new Map<string, string[]>();
  /** Written facts already parsed, by day, with the file length they were read at. */
  readonly #parsed = new Map<string, { bytes: number; facts: AnalyticsFact[] }>();
  /** The days that have a file, once listed. */
  #written: Set<string> | null = null;
  #dirMade = false;

  constructor(
    private readonly dir: string,
    /** A line that cannot be read is skipped and reported here, named by file:line. */
    private readonly onBadLine: (error: Error) => void,
  ) {}

  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  accept(facts: readonly AnalyticsFact[]): void {
    for (const fact of facts) {
      // Checked with the schema when the day file is read back; a turn pays for one JSON.stringify.
      const day = factDay(fact.at);
      let lines = this.#pending.get(day);
      if (!lines) this.#pending.set(day, (lines = []));
      lines.push(`${JSON.stringify(fact)}\n`);
    }
  }

  /** Writes what was accepted; what fails to be written stays pending for the next flush. */
  async write(): Promise<void> {
    if (this.#pending.size === 0) return;
    await this.#makeDir();
    const batch = [...this.#pending];
    this.#pending.clear();
    const failed: unknown[] = [];
    await Promise.all(
      batch.map(async ([day, lines]) => {
        try {
          await appendFile(factDayPath(this.dir, day), lines.join(''));
          this.#written?.add(day);
        } catch (error) {
          failed.push(error);
          const again = this.#pending.get(day) ?? [];
          this.#pending.set(day, [...lines, ...again]);
        }
      }),
    );
    if (failed.length > 0) throw failed[0];
  }

  async list(query: FactQuery): Promise<AnalyticsFact[]> {
    const found: AnalyticsFact[] = [];
    const sessions = query.sessionIds ? new Set(query.sessionIds) : null;
    const keep = (fact: AnalyticsFact): boolean => fact.at >= query.from && fact.at < query.to && (sessions === null || sessions.has(fact.sessionId));
    for (const day of await this.#daysIn(query)) {
      for (const fact of await this.#readDay(day)) if (keep(fact)) found.push(fact);
      for (const line of this.#pending.get(day) ?? []) {
        const fact = frozenFact(JSON.parse(line) as AnalyticsFact);
        if (keep(fact)) found.push(fact);
      }
    }
    return byFactTime(found);
  }

  /**
   * Plans removing the facts the deletion names, from the files (rewritten without them, or
   * removed) and from what waits to be written: `removed` is the instants of the facts it takes,
   * known before anything changes (the store voids the days holding them first), and `apply` does
   * it. The caller runs both between flushes, never during one.
   */
  async planDelete(scope: FactDeletion): Promise<{ removed: string[]; apply(): Promise<{ count: number; taken: string[] }> }> {
    const removed: string[] = [];
    const marks = 'sessionIds' in scope ? [...new Set(scope.sessionIds)].map(sessionMark) : null;
    const sessions = 'sessionIds' in scope ? new Set(scope.sessionIds) : null;
    const cutoffDay = 'before' in scope ? factDay(scope.before) : null;
    const goes = (fact: AnalyticsFact): boolean => (sessions ? sessions.has(fact.sessionId) : fact.at < (scope as { before: string }).before);

    /** Takes the facts the deletion names out of what waits to be written; their instants. */
    const takePending = (): string[] => {
      const taken: string[] = [];
      for (const [day, lines] of this.#pending) {
        if (cutoffDay !== null && day > cutoffDay) continue;
        const kept = lines.filter((line) => {
          if (marks && !marks.some((mark) => line.includes(mark))) return true;
          const fact = JSON.parse(line) as AnalyticsFact;
          if (!goes(fact)) return true;
          taken.push(fact.at);
          return false;
        });
        if (kept.length === 0) this.#pending.delete(day);
        else if (kept.length < lines.length) this.#pending.set(day, kept);
      }
      return taken;
    };
    let fromFiles = 0;
    for (const lines of this.#pending.values()) {
      for (const line of lines) {
        if (marks && !marks.some((mark) => line.includes(mark))) continue;
        const fact = JSON.parse(line) as AnalyticsFact;
        if (goes(fact)) removed.push(fact.at);
      }
    }

    const files = new Map<string, string | null>();
    // A day's margin before `since`: the files older than that hold none of the sessions' facts.
    const since = 'sessionIds' in scope && scope.since !== undefined ? new Date(Date.parse(scope.since) - 24 * 3600_000).toISOString() : '0000-01-01T00:00:00.000Z';
    for (const day of await this.#daysIn({ from: since, to: '9999-12-31T23:59:59.999Z' })) {
      if (cutoffDay !== null && day > cutoffDay) continue;
      const text = await readFile(factDayPath(this.dir, day), 'utf8').catch(nullIfMissing);
      if (text === null) continue;
      if (marks && !marks.some((mark) => text.includes(mark))) continue;
      const before = removed.length;
      const kept: string[] = [];
      for (const line of text.split('\n')) {
        if (line.length === 0) continue;
        if (marks && !marks.some((mark) => line.includes(mark))) {
          kept.push(line);
          continue;
        }
        let fact: AnalyticsFact | null = null;
        try {
          fact = JSON.parse(line) as AnalyticsFact;
        } catch {
          // A line cut short by a kill: when it names a session being erased it goes too; otherwise it stays as it is.
        }
        if (fact === null ? marks !== null : goes(fact)) {
          if (fact && typeof fact.at === 'string') removed.push(fact.at);
          continue;
        }
        kept.push(line);
      }
      if (removed.length === before && kept.length > 0) continue;
      fromFiles += removed.length - before;
      files.set(day, kept.length === 0 ? null : kept.map((line) => `${line}\n`).join(''));
    }

    return {
      removed,
      /** How many facts went, and the instants of the waiting ones it took (those of the plan, and any accepted since). */
      apply: async () => {
        const taken = takePending();
        for (const [day, text] of files) {
          const path = factDayPath(this.dir, day);
          this.#parsed.delete(day);
          if (text === null) {
            await unlink(path).catch(nullIfMissing);
            this.#written?.delete(day);
          } else {
            await new TextFile(path).write(text);
          }
        }
        return { count: fromFiles + taken.length, taken };
      },
    };
  }

  /** The days of the range with a file or with facts waiting, in order. */
  async #daysIn(range: FactRange): Promise<string[]> {
    if (this.#written === null) {
      const names = await readdir(factsDir(this.dir)).catch(nullIfMissing);
      this.#written = new Set((names ?? []).map((name) => DAY_FILE.exec(name)?.[1]).filter((day): day is string => day !== undefined));
    }
    const first = factDay(range.from);
    const last = factDay(range.to);
    const days = new Set<string>();
    for (const day of this.#written) if (day >= first && day <= last) days.add(day);
    for (const day of this.#pending.keys()) if (day >= first && day <= last) days.add(day);
    return [...days].sort();
  }

  async #readDay(day: string): Promise<AnalyticsFact[]> {
    const path = factDayPath(this.dir, day);
    const info = await stat(path).catch(nullIfMissing);
    if (!info) return [];
    const cached = this.#parsed.get(day);
    if (cached && cached.bytes === info.size) return cached.facts;
    const text = await readFile(path, 'utf8');
    const facts: AnalyticsFact[] = [];
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      if (line.length === 0) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        // The last line of a file cut short by a kill: the facts before it are kept.
        this.onBadLine(new Error(`${path}:${index + 1}:1: not a JSON line; skipped`));
        return;
      }
      const parsed = analyticsFactSchema.safeParse(value);
      if (parsed.success) facts.push(frozenFact(parsed.data));
      else this.onBadLine(new Error(`${path}:${index + 1}:1: not an analytics fact (${parsed.error.issues[0]?.message ?? 'invalid'}); skipped`));
    });
    // A file that ended mid-line is not cached: the next append may complete or follow it.
    if (text.endsWith('\n') || text.length === 0) this.#parsed.set(day, { bytes: info.size, facts });
    return facts;
  }

  async #makeDir(): Promise<void> {
    if (this.#dirMade) return;
    await mkdir(factsDir(this.dir), { recursive: true });
    this.#dirMade = true;
  }
}
