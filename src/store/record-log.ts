// Records kept by id in one append-only JSON-lines file (the lowdb store's survey answers and
// complaint cases): the whole file is read when the store opens, a put appends one line at the
// next flush, and the last line for an id wins. Like the session catalog, a kill can only cut the
// last line short, and that line is dropped when the file is next opened; a log mostly made of
// superseded lines is rewritten compactly (temp file + rename) at open.

import { readFile, truncate } from 'node:fs/promises';
import { TextFile } from 'lowdb/node';
import type { z } from 'zod';
import { PendingLines } from './pending-lines.ts';
import { StoreError, nullIfMissing } from './errors.ts';

/** Rewrite the log when it holds this many more lines than live records (and at least this many). */
const COMPACTION_SLACK = 1024;

export class RecordLog<T extends { id: string }> {
  readonly #records = new Map<string, T>();
  #pending: PendingLines;
  /** privacy (issue 12): records were removed; the next write rewrites the file without them. */
  #rewrite = false;

  private constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
  ) {
    this.#pending = new PendingLines(path);
  }

  static async open<T extends { id: string }>(path: string, schema: z.ZodType<T>): Promise<RecordLog<T>> {
    const log = new RecordLog(path, schema);
    const text = await readFile(path, 'utf8').catch(nullIfMissing);
    if (text === null) return log;
    const complete = text.lastIndexOf('\n') + 1;
    if (complete < text.length) await truncate(path, Buffer.byteLength(text.slice(0, complete)));
    const lines = text.slice(0, complete).split('\n');
    lines.pop();
    lines.forEach((line, index) => {
      const record = log.#parse(line, index + 1);
      log.#records.set(record.id, record);
    });
    if (lines.length > log.#records.size * 2 + COMPACTION_SLACK) {
      await new TextFile(path).write([...log.#records.values()].map((record) => `${JSON.stringify(record)}\n`).join(''));
    }
    return log;
  }

  get(id: string): T | undefined {
    return this.#records.get(id);
  }

  values(): IterableIterator<T> {
    return this.#records.values();
  }

  /** Keeps the record (the caller's own copy) now; its line is written by the next `writePending`. */
  put(record: T): void {
    this.#records.set(record.id, record);
    this.#pending.push(`${JSON.stringify(record)}\n`);
  }

  /**
   * privacy (issue 12): forgets the records `goes` takes; the next write rewrites the file (temp
   * file and rename) without them, so that no superseded line keeps them either. How many went.
   */
  remove(goes: (record: T) => boolean): number {
    let removed = 0;
    for (const [id, record] of this.#records) {
      if (!goes(record)) continue;
      this.#records.delete(id);
      removed++;
    }
    if (removed > 0) this.#rewrite = true;
    return removed;
  }

  get dirty(): boolean {
    return this.#pending.dirty || this.#rewrite;
  }

  async writePending(): Promise<void> {
    if (!this.#rewrite) return this.#pending.write();
    // The records in memory include every pending line: the rewrite writes them all.
    this.#pending = new PendingLines(this.path);
    this.#rewrite = false;
    try {
      await new TextFile(this.path).write([...this.#records.values()].map((record) => `${JSON.stringify(record)}\n`).join(''));
    } catch (error) {
      // Tried again whole at the next write (what was put meanwhile is in the records too).
      this.#rewrite = true;
      throw error;
    }
  }

  #parse(line: string, lineNumber: number): T {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new StoreError('corrupt', `${this.path}:${lineNumber}: not valid JSON (${(error as Error).message}); the file was left as it is`);
    }
    const result = this.schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      throw new StoreError('corrupt', `${this.path}:${lineNumber}: not a record of this file${field} (${issue?.message}); the file was left as it is`);
    }
    return result.data;
  }
}
