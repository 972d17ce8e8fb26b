// Analytics facts on disk for the lowdb store (issue 12): one append-only JSON-lines file per UTC
// day, `<dir>/analytics/<YYYY-MM-DD>.jsonl`. A turn adds one line to today's file; reading a month
// opens about thirty files and nothing else. A fact accepted is turned into its line at once (the
// store's private copy, and what the flush appends: no copy of the object, no second
// serialisation) and written with the store's flush. A day's parsed facts are kept (frozen) while
// its file has not grown, so a dashboard refreshed over the same month parses each file once.
// A read during a flush sees each fact once: it reads a day's file only up to the length its
// appends had reached when the read began (committed), and takes the lines on their way to the
// file (in flight) and those waiting from what it saw then.
// Privacy erasure and retention rewrite the day files that hold what they remove (temp file and
// rename); the store runs them between flushes.
import { appendFile, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { Buffer } from 'node:buffer';
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
  /** Being appended now, by day. */
  readonly #inFlight = new Map<string, string[]>();
  /** Written facts already parsed, by day, with the file length they were read at. */
  readonly #parsed = new Map<string, { bytes: number; facts: AnalyticsFact[] }>();
  /** Every day file's length as far as whole appends reached: what a read takes of the file. */
  readonly #committed = new Map<string, number>();
  /** Days whose last append failed part-way: the next one starts on a new line. */
  readonly #broken = new Set<string>();
  /** The day files found when first needed (lengths into #committed). */
  #ready: Promise<void> | null = null;
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
    await this.#known();
    await this.#makeDir();
    // Synchronous: the lines move from waiting to in flight at once, so that a read sees them in one of the two.
    const batch = [...this.#pending];
    this.#pending.clear();
    for (const [day, lines] of batch) this.#inFlight.set(day, lines);
    const failed: unknown[] = [];
    await Promise.all(
      batch.map(async ([day, lines]) => {
        const text = (this.#broken.has(day) ? '\n' : '') + lines.join('');
        try {
          await appendFile(factDayPath(this.dir, day), text);
          this.#broken.delete(day);
          this.#committed.set(day, (this.#committed.get(day) ?? 0) + Buffer.byteLength(text));
        } catch (error) {
          failed.push(error);
          // The file may hold part of the append: its length is read again, and the next append starts on a new line.
          this.#broken.add(day);
          const info = await stat(factDayPath(this.dir, day)).catch(() => null);
          if (info) this.#committed.set(day, info.size);
          const again = this.#pending.get(day) ?? [];
          this.#pending.set(day, [...lines, ...again]);
        } finally {
          this.#inFlight.delete(day);
        }
      }),
    );
    if (failed.length > 0) throw failed[0];
  }

  async list(query: FactQuery): Promise<AnalyticsFact[]> {
    await this.#known();
    const sessions = query.sessionIds ? new Set(query.sessionIds) : null;
    const keep = (fact: AnalyticsFact): boolean => fact.at >= query.from && fact.at < query.to && (sessions === null || sessions.has(fact.sessionId));
    // What each day holds as of now, taken at once: the file's committed length, the lines in flight and waiting.
    const days = this.#daysIn(query).map((day) => ({ day, bytes: this.#committed.get(day) ?? 0, lines: [...(this.#inFlight.get(day) ?? []), ...(this.#pending.get(day) ?? [])] }));
    const found: AnalyticsFact[] = [];
    for (const { day, bytes, lines } of days) {
      for (const fact of await this.#readDay(day, bytes)) if (keep(fact)) found.push(fact);
      for (const line of lines) {
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
    await this.#known();
    for (const day of this.#daysIn({ from: since, to: '9999-12-31T23:59:59.999Z' })) {
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
            this.#committed.delete(day);
          } else {
            await new TextFile(path).write(text);
            this.#committed.set(day, Buffer.byteLength(text));
          }
          this.#broken.delete(day);
        }
        return { count: fromFiles + taken.length, taken };
      },
    };
  }

  /** The day files there are, with their lengths: listed once, then kept up to date by this log's own writes. */
  #known(): Promise<void> {
    this.#ready ??= (async () => {
      const names = (await readdir(factsDir(this.dir)).catch(nullIfMissing)) ?? [];
      for (const name of names) {
        const day = DAY_FILE.exec(name)?.[1];
        if (day === undefined) continue;
        const info = await stat(factDayPath(this.dir, day)).catch(nullIfMissing);
        if (info) this.#committed.set(day, info.size);
      }
    })();
    return this.#ready;
  }

  /** The days of the range with a file, or with facts in flight or waiting, in order. */
  #daysIn(range: FactRange): string[] {
    const first = factDay(range.from);
    const last = factDay(range.to);
    const days = new Set<string>();
    for (const known of [this.#committed.keys(), this.#inFlight.keys(), this.#pending.keys()]) for (const day of known) if (day >= first && day <= last) days.add(day);
    return [...days].sort();
  }

  /** The facts of the first `bytes` of a day's file (what whole appends had written when the read began). */
  async #readDay(day: string, bytes: number): Promise<AnalyticsFact[]> {
    if (bytes === 0) return [];
    const cached = this.#parsed.get(day);
    if (cached && cached.bytes === bytes) return cached.facts;
    const path = factDayPath(this.dir, day);
    const buffer = await readFile(path).catch(nullIfMissing);
    if (!buffer) return [];
    const text = buffer.subarray(0, bytes).toString('utf8');
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
    if (text.endsWith('\n')) this.#parsed.set(day, { bytes, facts });
    return facts;
  }

  async #makeDir(): Promise<void> {
    if (this.#dirMade) return;
    await mkdir(factsDir(this.dir), { recursive: true });
    this.#dirMade = true;
  }
}
