// The lowdb store's part for the agent desk (issue 14), in the store's directory:
//
//   <dir>/desk/canned-replies.json     every canned reply, one document (admins change it rarely)
//   <dir>/desk/attachments/<id>.json   one record per attachment (its bytes live in the attachment storage)
//
// Each write is awaited and atomic (temp file, then rename): a canned reply an admin saved is on
// disk when the call resolves. Documents are checked on read like the rest of the store.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { assertStorableId } from './errors.ts';
import { JsonDocumentFile } from './json-document.ts';
import { attachmentRecordSchema, cannedReplySchema, sortCannedReplies } from './schemas.ts';
import type { AttachmentRecord, CannedReply, DeskStore } from './types.ts';

const cannedDocSchema = z.object({ version: z.literal(1), replies: z.array(cannedReplySchema) });
type CannedDoc = z.infer<typeof cannedDocSchema>;

export const deskDir = (dir: string): string => join(dir, 'desk');
export const cannedRepliesPath = (dir: string): string => join(deskDir(dir), 'canned-replies.json');
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
