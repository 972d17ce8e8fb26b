// The session catalog: id -> token hash and status, for every stored session. It is what makes
// token look-ups and status listings possible without opening every conversation, and it is an
// append-only log so that recording a new session costs the same whatever the number stored.
// A kill can only cut the last line short; that line is dropped when the log is next opened.

import { readFile, truncate } from 'node:fs/promises';
import { TextFile } from 'lowdb/node';
import { PendingLines } from './pending-lines.ts';
import { StoreError, nullIfMissing } from './errors.ts';
import { type CatalogEntry, catalogDeletionLine, catalogDeletionSchema, catalogEntrySchema, catalogLine } from './layout.ts';

/** Rewrite the log when it holds this many more lines than live entries (and at least this many). */
const COMPACTION_SLACK = 1024;

export class SessionCatalog {
  readonly path: string;
  readonly #entries = new Map<string, CatalogEntry>();
  readonly #idByTokenHash = new Map<string, string>();
  readonly #pending: PendingLines;

  private constructor(path: string) {
    this.path = path;
    this.#pending = new PendingLines(path);
  }

  static async open(path: string): Promise<SessionCatalog> {
    const catalog = new SessionCatalog(path);
    const text = await readFile(path, 'utf8').catch(nullIfMissing);
    if (text === null) return catalog;

    const complete = text.lastIndexOf('\n') + 1;
    if (complete < text.length) {
      // The tail was being appended when the process died: it was never acknowledged as flushed.
      await truncate(path, Buffer.byteLength(text.slice(0, complete)));
    }
    const lines = text.slice(0, complete).split('\n');
    lines.pop(); // after the final newline
    lines.forEach((line, index) => {
      const parsed = parseLine(path, line, index + 1);
      if ('deleted' in parsed) catalog.#remove(parsed.id);
      else catalog.#apply(parsed);
    });

    if (lines.length > catalog.#entries.size * 2 + COMPACTION_SLACK) await catalog.#compact();
    return catalog;
  }

  get(id: string): CatalogEntry | undefined {
    return this.#entries.get(id);
  }

  idForTokenHash(tokenHash: string): string | undefined {
    return this.#idByTokenHash.get(tokenHash);
  }

  ids(status?: CatalogEntry['status']): string[] {
    const ids: string[] = [];
    for (const entry of this.#entries.values()) if (status === undefined || entry.status === status) ids.push(entry.id);
    return ids;
  }

  /** Records the entry in memory now; the log line is written by the next `writePending`. */
  record(entry: CatalogEntry): void {
    const known = this.#entries.get(entry.id);
    if (known && known.tokenHash === entry.tokenHash && known.status === entry.status) return;
    this.#apply(entry);
    this.#pending.push(catalogLine(entry));
  }

  /** Forgets the session now (privacy erase, retention); the deletion line is written by the next `writePending`. */
  forget(id: string): boolean {
    if (!this.#entries.has(id)) return false;
    this.#remove(id);
    this.#pending.push(catalogDeletionLine(id));
    return true;
  }

  #remove(id: string): void {
    const known = this.#entries.get(id);
    if (!known) return;
    this.#entries.delete(id);
    if (this.#idByTokenHash.get(known.tokenHash) === id) this.#idByTokenHash.delete(known.tokenHash);
  }

  writePending(): Promise<void> {
    return this.#pending.write();
  }

  #apply(entry: CatalogEntry): void {
    const known = this.#entries.get(entry.id);
    if (known && known.tokenHash !== entry.tokenHash) this.#idByTokenHash.delete(known.tokenHash);
    this.#entries.set(entry.id, { ...entry });
    this.#idByTokenHash.set(entry.tokenHash, entry.id);
  }

  async #compact(): Promise<void> {
    const text = [...this.#entries.values()].map(catalogLine).join('');
    await new TextFile(this.path).write(text); // temp file + rename: the old log stays whole until then
  }
}

function parseLine(path: string, line: string, lineNumber: number): CatalogEntry | { id: string; deleted: true } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new StoreError('corrupt', `${path}:${lineNumber}: not valid JSON (${(error as Error).message}); the file was left as it is`);
  }
  const deletion = catalogDeletionSchema.safeParse(json);
  if (deletion.success) return deletion.data;
  const result = catalogEntrySchema.safeParse(json);
  if (!result.success) {
    throw new StoreError('corrupt', `${path}:${lineNumber}: not a catalog entry (${result.error.issues[0]?.message}); the file was left as it is`);
  }
  return result.data;
}
