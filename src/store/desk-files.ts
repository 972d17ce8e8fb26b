// The lowdb store's part for the agent desk (issue 14), in the store's directory:
//
//   <dir>/desk/canned-replies.json     every canned reply, one document (admins change it rarely)
//   <dir>/desk/attachments/<id>.json   one record per attachment (its bytes live in the attachment storage)
//
// Each write is awaited and atomic (temp file, then rename): a canned reply an admin saved is on
// disk when the call resolves. Documents are checked on read like the rest of the store.

import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { assertStorableId } from './errors.ts';
import { JsonDocumentFile } from './json-document.ts';
import { StoreError } from './errors.ts';
import { attachmentRecordSchema, cannedReplySchema, slaBreachSchema, sortCannedReplies, sortSlaBreaches } from './schemas.ts';
import type { AttachmentRecord, CannedReply, DeskStore, SlaBreach } from './types.ts';

const cannedDocSchema = z.object({ version: z.literal(1), replies: z.array(cannedReplySchema) });
type CannedDoc = z.infer<typeof cannedDocSchema>;

export const deskDir = (dir: string): string => join(dir, 'desk');
export const cannedRepliesPath = (dir: string): string => join(deskDir(dir), 'canned-replies.json');
export const slaBreachesPath = (dir: string): string => join(deskDir(dir), 'sla-breaches.jsonl');
export const attachmentRecordPath = (dir: string, id: string): string => join(deskDir(dir), 'attachments', `${id}.json`);

export class DeskFiles implements DeskStore {
  readonly #dir: string;
  readonly #canned: JsonDocumentFile<CannedDoc>;
  /** Loaded once, then kept: this store is the only writer of its directory (dir-lock.ts). */
  #replies: Map<string, CannedReply> | null = null;
  /** Writes of the canned document one after another, each with the latest replies. */
  #writes: Promise<void> = Promise.resolve();

  constructor(dir: string) {
    this.#dir = dir;
    this.#canned = new JsonDocumentFile(cannedRepliesPath(dir), cannedDocSchema);
  }

  async putCannedReply(reply: CannedReply): Promise<void> {
    assertStorableId('canned reply', reply.id);
    const replies = await this.#loaded();
    replies.set(reply.id, structuredClone(reply));
    await this.#writeCanned();
  }

  async listCannedReplies(): Promise<CannedReply[]> {
    return sortCannedReplies([...(await this.#loaded()).values()].map((reply) => structuredClone(reply)));
  }

  async deleteCannedReply(id: string): Promise<boolean> {
    const replies = await this.#loaded();
    if (!replies.delete(id)) return false;
    await this.#writeCanned();
    return true;
  }

  /** One JSON line per breach, appended; a later line with the same id wins. */
  async recordSlaBreach(breach: SlaBreach): Promise<void> {
    await mkdir(deskDir(this.#dir), { recursive: true });
    const run = this.#writes.then(() => appendFile(slaBreachesPath(this.#dir), `${JSON.stringify(breach)}\n`));
    this.#writes = run.catch(() => undefined);
    await run;
  }

  async listSlaBreaches(): Promise<SlaBreach[]> {
    await this.#writes;
    let text: string;
    try {
      text = await readFile(slaBreachesPath(this.#dir), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const byId = new Map<string, SlaBreach>();
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      let parsed: ReturnType<typeof slaBreachSchema.safeParse>;
      try {
        parsed = slaBreachSchema.safeParse(JSON.parse(line));
      } catch {
        // A line cut short by a kill is the last one: what was written whole before it stays readable.
        if (index === lines.length - 1 || lines.slice(index + 1).every((rest) => rest.trim() === '')) return;
        throw new StoreError('corrupt', `${slaBreachesPath(this.#dir)}:${index + 1}: not valid JSON; the file was left as it is`);
      }
      if (!parsed.success) throw new StoreError('corrupt', `${slaBreachesPath(this.#dir)}:${index + 1}: not an SLA breach record; the file was left as it is`);
      byId.set(parsed.data.id, parsed.data);
    });
    return sortSlaBreaches([...byId.values()]);
  }

  async putAttachment(record: AttachmentRecord): Promise<void> {
    assertStorableId('attachment', record.id);
    await mkdir(join(deskDir(this.#dir), 'attachments'), { recursive: true });
    await new JsonDocumentFile(attachmentRecordPath(this.#dir, record.id), attachmentRecordSchema).write(record);
  }

  async getAttachment(id: string): Promise<AttachmentRecord | null> {
    // An id that could not have been stored is not looked for on disk.
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) return null;
    return new JsonDocumentFile(attachmentRecordPath(this.#dir, id), attachmentRecordSchema).read();
  }

  async #loaded(): Promise<Map<string, CannedReply>> {
    if (!this.#replies) {
      const doc = await this.#canned.read();
      this.#replies ??= new Map((doc?.replies ?? []).map((reply) => [reply.id, reply]));
    }
    return this.#replies;
  }

  #writeCanned(): Promise<void> {
    const run = this.#writes.then(async () => {
      await mkdir(deskDir(this.#dir), { recursive: true });
      await this.#canned.write({ version: 1, replies: [...(this.#replies ?? new Map()).values()] });
    });
    this.#writes = run.catch(() => undefined);
    return run;
  }
}
