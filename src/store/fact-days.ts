// Daily aggregates of the analytics facts (issue 12) as the memory and lowdb stores keep them:
// the kept days by day, the claims of days being computed, and the rule every store follows: a
// fact appended or deleted inside a day's window drops what was kept for the day and voids a
// claim on it, so that an aggregate never outlives a change to the facts it was computed from.
// The lowdb store keeps the days under `<dir>/analytics/days/`: one JSON file per day and an
// index of the kept days with their windows, read when the store opens.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TextFile } from 'lowdb/node';
import { z } from 'zod';
import { nullIfMissing } from './errors.ts';
import type { DayRange, FactDayRecord, FactDayWindow } from './types.ts';

/** Claims wait at most this many at once; an abandoned one (a computation that failed) gives way. */
const MAX_CLAIMS = 1000;

const holds = (window: FactDayWindow, at: string): boolean => window.from <= at && at < window.to;

/** The days being computed: day -> its latest claim and window. */
export class DayClaims {
  readonly #byDay = new Map<string, FactDayWindow & { claim: string }>();

  claim(windows: readonly FactDayWindow[]): string {
    const claim = randomUUID();
    for (const { day, from, to } of windows) {
      this.#byDay.delete(day);
      this.#byDay.set(day, { day, from, to, claim });
    }
    for (const day of this.#byDay.keys()) {
      if (this.#byDay.size <= MAX_CLAIMS) break;
      this.#byDay.delete(day);
    }
    return claim;
  }

  get waiting(): boolean {
    return this.#byDay.size > 0;
  }

  /** Changes at these instants void the claims whose window holds one. */
  void(ats: readonly string[]): void {
    if (this.#byDay.size === 0) return;
    for (const [day, window] of this.#byDay) if (ats.some((at) => holds(window, at))) this.#byDay.delete(day);
  }

  holds(claim: string, day: string): boolean {
    return this.#byDay.get(day)?.claim === claim;
  }

  /** True (and the claim is spent) when `claim` still holds `day`. */
  take(claim: string, day: string): boolean {
    if (this.#byDay.get(day)?.claim !== claim) return false;
    this.#byDay.delete(day);
    return true;
  }
}

/** An index of kept days with their windows, and the latest window end: a change after it touches none. */
export class KeptWindows<T extends FactDayWindow> {
  readonly #days = new Map<string, T>();
  #latestEnd = '';

  get(day: string): T | undefined {
    return this.#days.get(day);
  }

  delete(day: string): boolean {
    return this.#days.delete(day);
  }

  set(entry: T): void {
    this.#days.set(entry.day, entry);
    if (entry.to > this.#latestEnd) this.#latestEnd = entry.to;
  }

  /** The entries in the day range, by day. */
  inRange(range: DayRange): T[] {
    return [...this.#days.values()].filter((entry) => entry.day >= range.from && entry.day <= range.to).sort((a, b) => (a.day < b.day ? -1 : 1));
  }

  values(): IterableIterator<T> {
    return this.#days.values();
  }

  /** Whether a change at `at` may touch a kept day (it is before the latest window's end). */
  touchedBy(at: string): boolean {
    return at < this.#latestEnd;
  }

  /** Drops the days whose window holds one of the instants; the days dropped. Costs one comparison per instant for facts of today. */
  void(ats: readonly string[]): string[] {
    const touching = ats.filter((at) => at < this.#latestEnd);
    if (touching.length === 0) return [];
    const dropped: string[] = [];
    for (const [day, entry] of this.#days) {
      if (touching.some((at) => holds(entry, at))) {
        this.#days.delete(day);
        dropped.push(day);
      }
    }
    this.#latestEnd = '';
    for (const entry of this.#days.values()) if (entry.to > this.#latestEnd) this.#latestEnd = entry.to;
    return dropped;
  }
}

// ---- lowdb: files under <dir>/analytics/days/ ----

export const factDaysDir = (dir: string): string => join(dir, 'analytics', 'days');
const indexPath = (dir: string): string => join(factDaysDir(dir), 'index.json');
const dayPath = (dir: string, day: string): string => join(factDaysDir(dir), `${day}.json`);

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const windowSchema = z.object({ day: z.string().regex(DAY), from: z.string(), to: z.string() });
const indexEntrySchema = windowSchema.extend({ basis: z.string(), computedAt: z.string() });
type IndexEntry = z.infer<typeof indexEntrySchema>;
const indexSchema = z.object({ version: z.literal(1), days: z.array(indexEntrySchema) });
export const factDayRecordSchema = indexEntrySchema.extend({
  data: z.looseObject({ version: z.number() }),
}) satisfies z.ZodType<FactDayRecord>;

/**
 * The lowdb store's kept days. Order on disk: a day's file is written before the index names it,
 * and the index stops naming a voided day before its file goes, so the index never names a day
 * whose aggregate is not whole, and never names a day a change has voided once that change is
 * written (the store writes this index before the facts at each flush).
 */
export class FactDayFiles {
  readonly #index = new KeptWindows<IndexEntry>();
  readonly #claims = new DayClaims();
  /** Parsed records, by day, while their index entry stands. */
  readonly #cache = new Map<string, FactDayRecord>();
  /** Voided days whose file is still on disk. */
  readonly #unlink = new Set<string>();
  #indexDirty = false;
  #dirMade = false;
  /** One write of the index at a time. */
  #writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly onBadFile: (error: Error) => void,
  ) {}

  static async open(dir: string, onBadFile: (error: Error) => void): Promise<FactDayFiles> {
    const files = new FactDayFiles(dir, onBadFile);
    const text = await readFile(indexPath(dir), 'utf8').catch(nullIfMissing);
    if (text !== null) {
      const parsed = indexSchema.safeParse(safeJson(text));
      // An unreadable index loses nothing but time: the days are computed again from the facts.
      if (parsed.success) for (const entry of parsed.data.days) files.#index.set(entry);
      else onBadFile(new Error(`${indexPath(dir)}: not an index of analytics days; the days will be computed again`));
    }
    return files;
  }

  claim(windows: readonly FactDayWindow[]): string {
    return this.#claims.claim(windows);
  }

  /** Facts appended: as changed(), at no cost for facts of today (after every kept window, and no claim waiting). */
  appended(facts: readonly { at: string }[]): void {
    if (!this.#claims.waiting && facts.every((fact) => !this.#index.touchedBy(fact.at))) return;
    this.changed(facts.map((fact) => fact.at));
  }

  /** Facts appended or deleted at these instants: the days whose window holds one are voided now, in memory; on disk at the next write. */
  changed(ats: readonly string[]): void {
    this.#claims.void(ats);
    for (const day of this.#index.void(ats)) {
      this.#cache.delete(day);
      this.#unlink.add(day);
      this.#indexDirty = true;
    }
  }

  async list(range: DayRange): Promise<FactDayRecord[]> {
    const found: FactDayRecord[] = [];
    for (const entry of this.#index.inRange(range)) {
      const record = this.#cache.get(entry.day) ?? (await this.#read(entry));
      // Voided while the file was read: not handed out.
      if (record && this.#index.get(entry.day) === entry) found.push(structuredClone(record));
    }
    return found;
  }

  async put(claim: string, records: readonly FactDayRecord[]): Promise<string[]> {
    const candidates = records.filter((record) => this.#claims.holds(claim, record.day)).map((record) => structuredClone(record));
    if (candidates.length === 0) return [];
    await this.#makeDir();
    for (const record of candidates) await new TextFile(dayPath(this.dir, record.day)).write(JSON.stringify(record));
    // Synchronous from here: a change during the writes voided its claims, which are checked now.
    const named: string[] = [];
    for (const record of candidates) {
      if (!this.#claims.take(claim, record.day)) {
        // Voided meanwhile: its file (which may hold erased sessions) goes, and so does any older entry for the day.
        if (this.#index.delete(record.day)) this.#cache.delete(record.day);
        this.#unlink.add(record.day);
        continue;
      }
      const { data: _data, ...entry } = record;
      this.#index.set(entry);
      this.#cache.set(record.day, record);
      this.#unlink.delete(record.day);
      named.push(record.day);
    }
    this.#indexDirty = true;
    await this.writePending();
    return named;
  }

  get dirty(): boolean {
    return this.#indexDirty || this.#unlink.size > 0;
  }

  /** Writes the index if it changed, then removes the files of voided days. */
  writePending(): Promise<void> {
    const run = this.#writing.then(() => this.#write());
    this.#writing = run.catch(() => undefined);
    return run;
  }

  async #write(): Promise<void> {
    if (this.#indexDirty) {
      this.#indexDirty = false;
      await this.#makeDir();
      try {
        await new TextFile(indexPath(this.dir)).write(JSON.stringify({ version: 1, days: [...this.#index.values()] }));
      } catch (error) {
        this.#indexDirty = true;
        throw error;
      }
    }
    for (const day of [...this.#unlink]) {
      if (this.#index.get(day)) {
        this.#unlink.delete(day); // kept again since: its new file stays
        continue;
      }
      await unlink(dayPath(this.dir, day)).catch(nullIfMissing);
      this.#unlink.delete(day);
    }
  }

  async #read(entry: IndexEntry): Promise<FactDayRecord | null> {
    const path = dayPath(this.dir, entry.day);
    const text = await readFile(path, 'utf8').catch(nullIfMissing);
    const parsed = text === null ? null : factDayRecordSchema.safeParse(safeJson(text));
    if (!parsed?.success || parsed.data.day !== entry.day || parsed.data.computedAt !== entry.computedAt) {
      this.onBadFile(new Error(`${path}: missing or not the aggregate the index names; the day will be computed again`));
      return null;
    }
    this.#cache.set(entry.day, parsed.data);
    return parsed.data;
  }

  async #makeDir(): Promise<void> {
    if (this.#dirMade) return;
    await mkdir(factDaysDir(this.dir), { recursive: true });
    this.#dirMade = true;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
