// Records kept by id in one append-only JSON-lines file (the lowdb store's survey answers,
// complaint cases, notifications and channel links): the whole file is read when the store opens,
// a put appends one line at the next flush, and the last line for an id wins; a delete appends a
// line `{"id":…,"deleted":true}`. Like the session catalog, a kill can only cut the last line
// short, and that line is dropped when the file is next opened; a log mostly made of superseded
// lines is rewritten compactly (temp file + rename) at open, and after a write that made it so.

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
  /** Lines in the file, and lines accepted since the last write: when they outnumber the records by far, the file is rewritten. */
  #fileLines = 0;
  #pendingLines = 0;
  /** privacy (issue 12): records were removed; the next write rewrites the file without them. */
  #mustRewrite = false;

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
      if (isDeletion(record)) log.#records.delete(record.id);
      else log.#records.set(record.id, record);
    });
    log.#fileLines = lines.length;
    if (log.#wasteful()) await log.#rewrite();
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
    this.#pendingLines += 1;
  }

  /** Forgets the record now; the line saying so is written by the next `writePending`. False when there was none. */
  delete(id: string): boolean {
    if (!this.#records.delete(id)) return false;
    this.#pending.push(`${JSON.stringify({ id, deleted: true })}\n`);
    this.#pendingLines += 1;
    return true;
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
    if (removed > 0) this.#mustRewrite = true;
    return removed;
  }

  get dirty(): boolean {
    return this.#pending.dirty || this.#mustRewrite;
  }

  async writePending(): Promise<void> {
    if (this.#mustRewrite) {
      // The records in memory include every pending line: the rewrite writes them all.
      this.#pending = new PendingLines(this.path);
      this.#pendingLines = 0;
      this.#mustRewrite = false;
      try {
        await this.#rewrite();
      } catch (error) {
        // Tried again whole at the next write (what was put meanwhile is in the records too).
        this.#mustRewrite = true;
        throw error;
      }
      return;
    }
    const lines = this.#pendingLines;
    this.#pendingLines = 0;
    try {
      await this.#pending.write();
    } catch (error) {
      this.#pendingLines += lines;
      throw error;
    }
    this.#fileLines += lines;
    if (this.#wasteful()) await this.#rewrite();
  }

  #wasteful(): boolean {
    return this.#fileLines > this.#records.size * 2 + COMPACTION_SLACK;
  }

  /** The live records only, replacing the file at once (temp file + rename). */
  async #rewrite(): Promise<void> {
    await new TextFile(this.path).write([...this.#records.values()].map((record) => `${JSON.stringify(record)}\n`).join(''));
    this.#fileLines = this.#records.size;
  }

  /** A record, a deletion line (`{ id, deleted: true }`), or a problem naming the line. */
  #parse(line: string, lineNumber: number): T | { id: string; deleted: true } {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new StoreError('corrupt', `${this.path}:${lineNumber}: not valid JSON (${(error as Error).message}); the file was left as it is`);
    }
    if (isDeletion(json)) return json;
    const result = this.schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      throw new StoreError('corrupt', `${this.path}:${lineNumber}: not a record of this file${field} (${issue?.message}); the file was left as it is`);
    }
    return result.data;
  }
}

function isDeletion(json: unknown): json is { id: string; deleted: true } {
  if (typeof json !== 'object' || json === null) return false;
  const line = json as Record<string, unknown>;
  return line['deleted'] === true && typeof line['id'] === 'string' && Object.keys(line).length === 2;
}
