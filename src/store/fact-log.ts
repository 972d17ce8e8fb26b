// Analytics facts on disk for the lowdb store (issue 12): one append-only JSON-lines file per UTC
// day, `<dir>/analytics/<YYYY-MM-DD>.jsonl`. A turn adds one line to today's file; reading a month
// opens about thirty files and nothing else. Facts are accepted in memory and written with the
// store's flush. A day's parsed facts are kept (frozen) while its file has not grown, so a
// dashboard refreshed over the same month parses each file once.
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { nullIfMissing } from './errors.ts';
import { analyticsFactSchema, byFactTime, copyFact, factDay, frozenFact } from './schemas.ts';
import type { AnalyticsFact, FactRange } from './types.ts';

export const factsDir = (dir: string): string => join(dir, 'analytics');
export const factDayPath = (dir: string, day: string): string => join(factsDir(dir), `${day}.jsonl`);

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

export class FactLog {
  /** Accepted, not yet written, by day. */
  readonly #pending = new Map<string, AnalyticsFact[]>();
  /** Written facts already parsed, by day, with the file length they were read at. */
  readonly #parsed = new Map<string, { bytes: number; facts: AnalyticsFact[] }>();
  #dirMade = false;

  constructor(
    private readonly dir: string,
    /** A line that cannot be read is skipped and reported here, named by file:line. */
    private readonly onBadLine: (error: Error) => void,
  ) {}

  get hasPending(): boolean {
    return this.#pending.size > 0;
  }

  accept(facts: AnalyticsFact[]): void {
    for (const fact of facts) {
      // Checked with the schema when the day file is read back; a turn pays only for a copy.
      const parsed = frozenFact(copyFact(fact));
      const day = factDay(parsed.at);
      let list = this.#pending.get(day);
      if (!list) this.#pending.set(day, (list = []));
      list.push(parsed);
    }
  }

  /** Writes what was accepted; what fails to be written stays pending for the next flush. */
  async write(): Promise<void> {
    if (this.#pending.size === 0) return;
    if (!this.#dirMade) {
      await mkdir(factsDir(this.dir), { recursive: true });
      this.#dirMade = true;
    }
    const batch = [...this.#pending];
    this.#pending.clear();
    const failed: unknown[] = [];
    await Promise.all(
      batch.map(async ([day, facts]) => {
        try {
          await appendFile(factDayPath(this.dir, day), facts.map((fact) => `${JSON.stringify(fact)}\n`).join(''));
        } catch (error) {
          failed.push(error);
          const again = this.#pending.get(day) ?? [];
          this.#pending.set(day, [...facts, ...again]);
        }
      }),
    );
    if (failed.length > 0) throw failed[0];
  }

  async list(range: FactRange): Promise<AnalyticsFact[]> {
    const found: AnalyticsFact[] = [];
    for (const day of daysOf(range)) {
      const written = await this.#readDay(day);
      const pending = this.#pending.get(day) ?? [];
      for (const list of [written, pending]) {
        for (const fact of list) if (fact.at >= range.from && fact.at < range.to) found.push(fact);
      }
    }
    return byFactTime(found);
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
}
