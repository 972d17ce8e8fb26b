// The lowdb store's audit log (privacy, issue 18): <dir>/audit.jsonl, one JSON line per event,
// only ever appended. Each append is awaited to the file before it resolves: an audit event that
// was acknowledged is on disk. A kill can only cut the last line short; that line is dropped when
// the log is next opened, like the session catalog's.

import { appendFile, readFile, truncate } from 'node:fs/promises';
import { StoreError, nullIfMissing } from './errors.ts';
import { auditEventSchema, auditFields } from './schemas.ts';
import type { AuditEvent } from './types.ts';

export class AuditFile {
  readonly path: string;
  #lastSeq: number;
  #chain: Promise<unknown> = Promise.resolve();

  private constructor(path: string, lastSeq: number) {
    this.path = path;
    this.#lastSeq = lastSeq;
  }

  static async open(path: string): Promise<AuditFile> {
    const text = await readFile(path, 'utf8').catch(nullIfMissing);
    if (text === null) return new AuditFile(path, 0);
    const complete = text.lastIndexOf('\n') + 1;
    if (complete < text.length) await truncate(path, Buffer.byteLength(text.slice(0, complete)));
    const events = parseEvents(path, text.slice(0, complete));
    return new AuditFile(path, events.at(-1)?.seq ?? 0);
  }

  /** Appends one event, numbered after the last; resolves once it is in the file. */
  append(event: Omit<AuditEvent, 'seq'>): Promise<AuditEvent> {
    const run = this.#chain.then(async () => {
      const stored: AuditEvent = { seq: this.#lastSeq + 1, ...auditFields(event) };
      await appendFile(this.path, `${JSON.stringify(stored)}\n`, 'utf8');
      this.#lastSeq = stored.seq;
      return stored;
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async list(after: number, limit: number | undefined): Promise<AuditEvent[]> {
    await this.#chain;
    const text = await readFile(this.path, 'utf8').catch(nullIfMissing);
    if (text === null) return [];
    const found = parseEvents(this.path, text.slice(0, text.lastIndexOf('\n') + 1)).filter((event) => event.seq > after);
    return limit === undefined ? found : found.slice(0, limit);
  }
}

function parseEvents(path: string, text: string): AuditEvent[] {
  const lines = text.split('\n');
  lines.pop();
  return lines.map((line, index) => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new StoreError('corrupt', `${path}:${index + 1}: not valid JSON (${(error as Error).message}); the file was left as it is`);
    }
    const result = auditEventSchema.safeParse(json);
    if (!result.success) {
      throw new StoreError('corrupt', `${path}:${index + 1}: not an audit event (${result.error.issues[0]?.message}); the file was left as it is`);
    }
    return result.data;
  });
}
