// Canned replies: admins save them per language (and team), agents pick one with `/shortcut` and
// get its text filled from the conversation. Kept through the Store port.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CannedReply, Store, StoredLocale } from '../../store/types.ts';
import { DeskError } from '../errors.ts';
import { fillPlaceholders, hasUnclosedPlaceholder, PLACEHOLDERS, type PlaceholderName, unknownPlaceholders, valuesFromContext } from './placeholders.ts';

export const SHORTCUT_PATTERN = /^[a-z0-9가-힣_-]{1,32}$/;

/** What an admin sends to create or replace a canned reply (the routes' body schema, src/desk/canned/routes.ts). */
export const cannedReplyInput = z.strictObject({
  shortcut: z
    .string()
    .transform((value) => value.trim().replace(/^\//, ''))
    .pipe(z.string().regex(SHORTCUT_PATTERN, 'use 1-32 lower-case letters, Hangul, digits, "_" or "-" (typed after "/")')),
  title: z.string().trim().min(1, 'must not be empty').max(100),
  text: z
    .string()
    .max(2000, 'must be at most 2000 characters')
    .refine((text) => text.trim().length > 0, 'must not be empty'),
  locale: z.enum(['ko', 'en']),
  /** A team id; absent or null: every team. */
  team: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a team id: letters, digits, dot, dash or underscore').nullable().default(null),
});
export type CannedReplyInput = z.input<typeof cannedReplyInput>;
/** A canned reply's fields as the schema gave them (shortcut without its "/", team null for every team). */
export type CannedReplyFields = z.output<typeof cannedReplyInput>;

/** A reply as the agent gets it for one conversation: filled, and what could not be filled. */
export interface FilledReply {
  id: string;
  shortcut: string;
  title: string;
  locale: StoredLocale;
  team: string | null;
  text: string;
  missing: PlaceholderName[];
}

export interface CannedRepliesOptions {
  store: Store;
  now: () => Date;
  /** Tracking page of an order, `{carrier}` and `{trackingNumber}` filled in. */
  trackingUrl: string;
}

export class CannedReplies {
  constructor(private readonly options: CannedRepliesOptions) {}

  list(): Promise<CannedReply[]> {
    return this.options.store.listCannedReplies();
  }

  async create(fields: CannedReplyFields, adminId: string): Promise<CannedReply> {
    this.#checkPlaceholders(fields.text);
    await this.#assertShortcutFree(fields, null);
    const at = this.options.now().toISOString();
    const reply: CannedReply = { id: `cr_${randomUUID().replaceAll('-', '')}`, ...fields, createdAt: at, updatedAt: at, updatedBy: adminId };
    await this.options.store.putCannedReply(reply);
    return reply;
  }

  async update(id: string, fields: CannedReplyFields, adminId: string): Promise<CannedReply> {
    const existing = (await this.options.store.listCannedReplies()).find((reply) => reply.id === id);
    if (!existing) throw new DeskError('not_found', 'canned_reply_not_found', `there is no canned reply ${id}`);
    this.#checkPlaceholders(fields.text);
    await this.#assertShortcutFree(fields, id);
    const reply: CannedReply = { ...existing, ...fields, updatedAt: this.options.now().toISOString(), updatedBy: adminId };
    await this.options.store.putCannedReply(reply);
    return reply;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.options.store.deleteCannedReply(id))) {
      throw new DeskError('not_found', 'canned_reply_not_found', `there is no canned reply ${id}`);
    }
  }

  /**
   * The replies for one conversation: in its language, for every team or the conversation's
   * team, filled from its hand-off snapshot.
   */
  async forConversation(context: Record<string, unknown>, locale: StoredLocale, team: string | null = null): Promise<FilledReply[]> {
    const values = valuesFromContext(context, this.options.trackingUrl);
    const replies = await this.options.store.listCannedReplies();
    return replies
      .filter((reply) => reply.locale === locale && (reply.team === null || reply.team === team))
      .map((reply) => {
        const filled = fillPlaceholders(reply.text, values);
        return { id: reply.id, shortcut: reply.shortcut, title: reply.title, locale: reply.locale, team: reply.team, text: filled.text, missing: filled.missing };
      });
  }

  /** The text's placeholders are all known and closed. */
  #checkPlaceholders(text: string): void {
    const unknown = unknownPlaceholders(text);
    if (unknown.length > 0) {
      const known = PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ');
      throw new DeskError(
        'invalid',
        'unknown_placeholder',
        `text: unknown placeholder ${unknown.map((name) => `{{${name}}}`).join(', ')}; the placeholders are ${known}`,
      );
    }
    if (hasUnclosedPlaceholder(text)) {
      throw new DeskError('invalid', 'unknown_placeholder', 'text: a placeholder opened with "{{" is not closed with "}}"');
    }
  }

  async #assertShortcutFree(fields: { shortcut: string; locale: StoredLocale; team: string | null }, exceptId: string | null): Promise<void> {
    const taken = (await this.options.store.listCannedReplies()).find(
      (reply) => reply.id !== exceptId && reply.shortcut === fields.shortcut && reply.locale === fields.locale && reply.team === fields.team,
    );
    if (taken) {
      throw new DeskError('conflict', 'duplicate_shortcut', `/${fields.shortcut} is already "${taken.title}" (${fields.locale}); pick another shortcut or edit that reply`);
    }
  }
}
