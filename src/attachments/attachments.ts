// Files shoppers send (a photo of the damaged item, the size tag): checked by their content, not
// their name; stripped of where they were taken; stored through the storage port; put in the
// conversation's transcript (so the agents and the hand-off snapshot have them); handed out only
// to the shopper who sent them and the agents of that conversation.
import { randomUUID } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { HandoffQueue } from '../handoff/queue.ts';
import type { AgentIdentity } from '../server/agent-protocol.ts';
import type { Clock } from '../server/clock.ts';
import type { SerialLanes } from '../server/lanes.ts';
import type { SessionDirectory } from '../server/sessions.ts';
import type { AttachmentRecord, Store, TranscriptEntry } from '../store/types.ts';
import { DeskError } from '../desk/errors.ts';
import { MalformedImageError, stripJpegMetadata, stripPngMetadata, stripWebpMetadata } from './metadata.ts';
import type { AttachmentStorage } from './storage.ts';

/**
 * The image types accepted, as sniffed, with what removes their location data. HEIC is taken as
 * it is: its EXIF sits in an ISO-BMFF item this code does not rewrite (docs/console.md says so);
 * browsers on iPhones convert photos to JPEG when they upload them through a file input.
 */
const ACCEPTED: Record<string, ((bytes: Buffer) => Buffer) | null> = {
  'image/jpeg': stripJpegMetadata,
  'image/png': stripPngMetadata,
  'image/webp': stripWebpMetadata,
  'image/heic': null,
  'image/heif': null,
};
export const ACCEPTED_TYPES = Object.keys(ACCEPTED);

/** The words the transcript keeps for a photo, in the conversation's language. */
const PHOTO_TEXT = { ko: '📷 사진을 보냈어요', en: '📷 Sent a photo' } as const;

export interface AttachmentsOptions {
  store: Store;
  storage: AttachmentStorage;
  sessions: SessionDirectory;
  lanes: SerialLanes;
  queue: HandoffQueue;
  clock: Clock;
  maxBytes: number;
  /** New transcript entries of a conversation with people, for their consoles. */
  relay(sessionId: string, entries: TranscriptEntry[]): Promise<void>;
}

export type Requester = { kind: 'shopper'; sessionId: string } | { kind: 'agent'; agent: AgentIdentity };

export class Attachments {
  constructor(private readonly options: AttachmentsOptions) {}

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** Checks, cleans and keeps `bytes` sent by the shopper of `sessionId`; the record and its transcript entry. */
  async upload(sessionId: string, bytes: Buffer): Promise<{ attachment: AttachmentRecord; entry: TranscriptEntry }> {
    const { store, storage, lanes, clock, sessions } = this.options;
    if (bytes.length === 0) throw new DeskError('invalid', 'empty_file', 'the file is empty');
    if (bytes.length > this.options.maxBytes) throw tooLarge(this.options.maxBytes);
    const sniffed = await fileTypeFromBuffer(bytes);
    const mime = sniffed?.mime;
    if (mime === undefined || !Object.hasOwn(ACCEPTED, mime)) {
      throw new DeskError(
        'unsupported',
        'unsupported_type',
        `the file's content is ${mime ?? 'not a known type'}; send a JPEG, PNG, WebP or HEIC photo (the file name does not count)`,
      );
    }
    let cleaned: Buffer;
    try {
      cleaned = ACCEPTED[mime]?.(bytes) ?? bytes;
    } catch (err) {
      if (err instanceof MalformedImageError) throw new DeskError('invalid', 'invalid_image', `the ${mime} file is damaged: ${err.message}`);
      throw err;
    }
    return lanes.run(sessionId, async () => {
      const live = await sessions.get(sessionId);
      if (!live || live.record.status === 'closed') {
        throw new DeskError('conflict', 'session_closed', 'the conversation has ended; start a new chat to send a photo');
      }
      const record: AttachmentRecord = {
        id: `att_${randomUUID().replaceAll('-', '')}`,
        sessionId,
        mime,
        bytes: cleaned.length,
        createdAt: clock.now().toISOString(),
      };
      // Bytes first: a record never points at nothing.
      await storage.put(record.id, cleaned);
      await store.putAttachment(record);
      const [entry] = await store.appendTranscript(sessionId, [
        { at: record.createdAt, from: 'shopper', text: PHOTO_TEXT[live.record.locale], attachmentId: record.id },
      ]);
      if (!entry) throw new Error('the store returned no transcript entry');
      if (live.record.mode === 'queued' || live.record.mode === 'agent') await this.options.relay(sessionId, [entry]);
      return { attachment: record, entry };
    });
  }

  /** The file, for the shopper who sent it or an agent of its conversation; 404 or 403 otherwise. */
  async read(id: string, requester: Requester): Promise<{ record: AttachmentRecord; bytes: Buffer }> {
    const record = await this.options.store.getAttachment(id);
    if (!record) throw new DeskError('not_found', 'attachment_not_found', `there is no attachment ${id}`);
    if (!(await this.#allowed(record, requester))) {
      throw new DeskError('forbidden', 'forbidden', requester.kind === 'shopper'
        ? 'a session token only opens the files that session sent'
        : `attachment ${id} belongs to a conversation ${requester.agent.id} is not part of`);
    }
    const bytes = await this.options.storage.get(id);
    if (!bytes) throw new DeskError('not_found', 'attachment_not_found', `the file of attachment ${id} is no longer stored`);
    return { record, bytes };
  }

  /**
   * Shoppers: their own session's. Agents: conversations waiting in the queue (any agent may
   * read one before claiming it), and the ones they have or had; admins: all.
   */
  async #allowed(record: AttachmentRecord, requester: Requester): Promise<boolean> {
    if (requester.kind === 'shopper') return requester.sessionId === record.sessionId;
    if (requester.agent.role === 'admin') return true;
    const items = (await this.options.queue.list()).filter((item) => item.sessionId === record.sessionId);
    return items.some((item) => item.status === 'waiting' || item.agentId === requester.agent.id);
  }
}

export function tooLarge(maxBytes: number): DeskError {
  return new DeskError('too_large', 'file_too_large', `the file is larger than ${Math.floor(maxBytes / 1024)} KB; send a smaller photo`);
}
