// The conversation-test file format (documented in docs/conversation-tests.md): fixtures,
// turns and what each turn must produce.

import { z } from 'zod';
import { LOCALES } from '../../nlu/types.ts';

const PORT_METHODS = [
  'getCustomer',
  'getOrder',
  'listOrders',
  'cancelOrder',
  'changeAddress',
  'createReturn',
  'createExchange',
  'listRefunds',
  'getProduct',
  'findProducts',
  'getPolicy',
] as const;
export type PortMethod = (typeof PORT_METHODS)[number];

/** Channels a conversation test can run through (docs/conversation-tests.md#channels). */
export const CHANNELS = ['web', 'kakao'] as const;
export type ChannelId = (typeof CHANNELS)[number];

const FixtureFields = {
  locale: z.enum(LOCALES).optional(),
  /** The signed-in shopper; null for a guest. */
  customer: z.string().nullable().optional(),
  /** The turn clock, ISO 8601 with offset ("2026-11-20T10:00:00+09:00"). */
  clock: z.iso.datetime({ offset: true }).optional(),
  shop: z
    .strictObject({
      /** Port methods that fail with `unavailable` (an outage), or `true` for all of them. */
      unavailable: z.union([z.literal(true), z.array(z.enum(PORT_METHODS)).min(1)]).optional(),
      /** Another seed directory than the committed demo shop. */
      seed: z.string().optional(),
    })
    .optional(),
  /** Engine options: a low-confidence threshold to test hand-offs deterministically. */
  handoff_threshold: z.number().min(0).max(1).optional(),
  /** Channels the conversation runs through, each once (issue 15): `web` is the dialog's own replies, `kakao` the Kakao skill's rendering. */
  channels: z.array(z.enum(CHANNELS)).min(1).optional(),
  /** Complaint cases the shopper opened before this conversation, oldest first (numbered C-20261101-0001, -0002 ...). */
  cases: z
    .array(
      z.strictObject({
        status: z.enum(['open', 'with_agent', 'resolved']),
        kind: z.string().min(1).default('defect'),
        order: z.string().nullable().default(null),
        /** The shop's calendar day it was opened (YYYY-MM-DD). */
        day: z.iso.date().default('2026-11-01'),
      }),
    )
    .optional(),
  /** The surveys (docs/surveys.md): what the customer answered before, and settings other than the defaults. */
  surveys: z
    .strictObject({
      /** When the customer last answered (or skipped) the NPS question; none by default. */
      last_nps: z.iso.datetime({ offset: true }).nullable().optional(),
      /** Config `surveys` keys for this conversation, e.g. `{ nps: { periodDays: 30 } }`. */
      settings: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
};

const Regexes = z.union([z.string(), z.array(z.string()).min(1)]);

export const ExpectSchema = z.strictObject({
  intent: z.string().optional(),
  /** The flow that gave the last reply (null: the engine itself, or nothing said). */
  flow: z.string().nullable().optional(),
  /** The step the conversation now waits in; null when no question is pending. */
  step: z.string().nullable().optional(),
  /** Slot values the flow holds after the turn (or filled during it); only the listed ones are compared. */
  slots: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  /** Regular expressions every one of which must match the bot's replies of this turn. */
  bot: Regexes.optional(),
  /** Regular expressions none of which may match (say, another shopper's data). */
  not_bot: Regexes.optional(),
  /** Quick replies that must be offered (by label or payload); `[]` means none at all. */
  quick_replies: z.array(z.string()).optional(),
  /** false: no hand-off; true: any; a reason; or reason with priority. */
  handoff: z
    .union([z.boolean(), z.string(), z.strictObject({ reason: z.string(), priority: z.enum(['normal', 'high']).optional() })])
    .optional(),
  /** Events the turn must emit, by type ("fallback", "digression", "flow_abandoned" ...). */
  events: z.array(z.string()).optional(),
  /** The conversation language after the turn. */
  locale: z.enum(LOCALES).optional(),
  /** The survey question waiting after the turn (`csat`, `comment`, `offer`, `nps`), or null for none. */
  survey: z.enum(['csat', 'comment', 'offer', 'nps']).nullable().optional(),
  /** Survey answers stored by the turn, each matched by the fields given; `[]` means none. */
  recorded: z
    .array(
      z.strictObject({
        kind: z.enum(['csat', 'nps']).optional(),
        score: z.number().int().nullable().optional(),
        comment: z.string().nullable().optional(),
        agent: z.string().nullable().optional(),
        flow: z.string().nullable().optional(),
        intent: z.string().nullable().optional(),
      }),
    )
    .optional(),
});
export type Expectation = z.infer<typeof ExpectSchema>;

export const TurnSchema = z
  .strictObject({
    user: z.string().optional(),
    quick_reply: z.string().optional(),
    event: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    expect: ExpectSchema.optional(),
  })
  .refine((t) => [t.user, t.quick_reply, t.event].filter((x) => x !== undefined).length === 1, {
    message: 'a turn is exactly one of `user`, `quick_reply` or `event`',
  });
export type TurnSpec = z.infer<typeof TurnSchema>;

export const ConversationSchema = z.strictObject({
  name: z.string().min(1),
  ...FixtureFields,
  turns: z.array(TurnSchema).min(1),
});
export type ConversationSpec = z.infer<typeof ConversationSchema>;

export const ConversationFileSchema = z.strictObject({
  /** Fixtures every conversation in the file starts from; a conversation may override each. */
  defaults: z.strictObject(FixtureFields).optional(),
  conversations: z.array(ConversationSchema).min(1),
});
