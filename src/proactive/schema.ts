// What a designer writes in flows/proactive/rules.yaml and flows/proactive/suggestions.yaml
// (docs/proactive.md), as zod schemas. Unknown keys are errors, so a misspelt trigger or condition
// is reported at its line and column instead of being silently ignored.
import { z } from 'zod';
import { CHECKOUT_ERROR_CODES, PAGE_TYPES } from './events.ts';

const localized = z.strictObject({ ko: z.string().min(1), en: z.string().min(1) });
export type LocalizedText = z.infer<typeof localized>;

const ruleId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a rule id is lowercase letters, digits and _ (e.g. size_help_on_dwell)');
const payload = z.string().min(1).max(200);

const quickReply = z.strictObject({ label: localized, payload });

export const TRIGGERS = ['page_view', 'dwell', 'cart_idle', 'checkout_error', 'page_revisit', 'order_late'] as const;
export type TriggerName = (typeof TRIGGERS)[number];

const trigger = z.discriminatedUnion('trigger', [
  z.strictObject({ trigger: z.literal('page_view') }),
  /** The shopper has been on the page at least `seconds` (the widget reports dwell marks). */
  z.strictObject({ trigger: z.literal('dwell'), seconds: z.number().int().min(1) }),
  /** The basket has been left alone at least `minutes`. */
  z.strictObject({ trigger: z.literal('cart_idle'), minutes: z.number().min(0) }),
  /** Checkout failed; without `code`, any failure. */
  z.strictObject({ trigger: z.literal('checkout_error'), code: z.enum(CHECKOUT_ERROR_CODES).optional() }),
  /** The same page (help topic, product, order) seen `times` times in one visit. */
  z.strictObject({ trigger: z.literal('page_revisit'), times: z.number().int().min(2).default(2) }),
  /** An order page viewed after the order's promised delivery date, the order not delivered. */
  z.strictObject({ trigger: z.literal('order_late') }),
]);
export type Trigger = z.output<typeof trigger>;

const oneOrMore = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

const conditions = z.strictObject({
  page: oneOrMore(z.enum(PAGE_TYPES)).optional(),
  product: oneOrMore(z.string().min(1)).optional(),
  category: oneOrMore(z.string().min(1)).optional(),
  /** KRW, both ends included. */
  cart_value: z
    .strictObject({ min: z.number().min(0).optional(), max: z.number().min(0).optional() })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not be above max')
    .optional(),
  locale: oneOrMore(z.enum(['ko', 'en'])).optional(),
  signed_in: z.boolean().optional(),
  /** The signed-in customer's membership grade, as the shop names it (e.g. VIP); a guest has none. */
  customer_tier: oneOrMore(z.string().min(1)).optional(),
  /** How many orders the customer placed in the last `days` days (default 90), both ends included; a guest has 0. */
  recent_orders: z
    .strictObject({
      min: z.number().int().min(0).optional(),
      max: z.number().int().min(0).optional(),
      days: z.number().int().min(1).max(3650).default(90),
    })
    .refine((r) => r.min !== undefined || r.max !== undefined, 'give `min`, `max` or both')
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not be above max')
    .optional(),
  /** `open`: people answer now (handoff.businessHours); `closed`: they do not. */
  business_hours: z.enum(['open', 'closed']).optional(),
});
export type Conditions = z.output<typeof conditions>;

/** The conditions that need the customer's profile from the shop (one look-up per visit, only when a rule has one). */
export const CUSTOMER_CONDITIONS = ['customer_tier', 'recent_orders'] as const satisfies readonly (keyof Conditions)[];

/** Values taken from the event: `$product`, `$order`, `$category`, `$code`, `$topic`; anything else is literal. */
export const EVENT_FIELDS = ['$product', '$order', '$category', '$code', '$topic'] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

const action = z
  .strictObject({
    message: localized.optional(),
    /** A message with "talk to a person" among its quick replies. */
    offer_person: localized.optional(),
    quick_replies: z.array(quickReply).max(4).optional(),
    flow: z.string().min(1).optional(),
    slots: z.record(z.string(), z.string().min(1)).optional(),
  })
  .superRefine((a, ctx) => {
    const kinds = (['message', 'offer_person', 'flow'] as const).filter((k) => a[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `an action is exactly one of \`message\`, \`offer_person\` or \`flow\`; found ${kinds.length === 0 ? 'none' : kinds.join(' and ')}` });
    }
    if (a.slots !== undefined && a.flow === undefined) ctx.addIssue({ code: 'custom', path: ['slots'], message: '`slots` go with `flow`' });
    if (a.quick_replies !== undefined && a.flow !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['quick_replies'], message: 'a flow offers its own quick replies; `quick_replies` go with `message` or `offer_person`' });
    }
  });
export type Action = z.output<typeof action>;

const rule = z.strictObject({
  id: ruleId,
  description: z.string().optional(),
  when: trigger,
  if: conditions.optional(),
  do: action,
  /** Once it fired, the rule stays quiet for the rest of the visit (default true). */
  once_per_visit: z.boolean().default(true),
});
export type Rule = z.output<typeof rule>;

const caps = z.strictObject({
  /** At most one proactive message per shopper in this many minutes. */
  min_minutes_between: z.number().min(0).default(10),
  /** And at most this many in any 24 hours. */
  max_per_day: z.number().int().min(0).default(3),
  /** A `typing` frame holds nudges back for this many seconds (or until `typing` with active false). */
  typing_quiet_seconds: z.number().min(0).default(10),
  /** Nothing while a flow waits on the shopper's answer. */
  quiet_in_flow: z.boolean().default(true),
  /** A `dismiss` silences the rest of the visit. */
  dismiss_silences_visit: z.boolean().default(true),
});
export type Caps = z.output<typeof caps>;

export const RulesFileSchema = z.strictObject({
  caps: caps.default(caps.parse({})),
  rules: z.array(rule).default([]),
});
export type RulesFile = z.output<typeof RulesFileSchema>;

/** Filled in from the signed-in shopper's latest order; the item is left out for guests. */
export const PERSONAL_FIELDS = ['latest_order'] as const;

const suggestion = z.strictObject({
  label: localized,
  payload,
  /** `latest_order`: label may use {product} and {order}, payload {order}; shown only to a signed-in shopper with an order. */
  personal: z.enum(PERSONAL_FIELDS).optional(),
});
export type Suggestion = z.output<typeof suggestion>;

/** Order events the chat tells the shopper about (src/commerce/types.ts ORDER_EVENT_KINDS). */
export const NOTIFICATION_KINDS = ['shipped', 'delivered', 'delayed', 'refund_completed'] as const;
/** What a notification's message and payloads may name, filled in from the event and the order. */
export const NOTIFICATION_FIELDS = ['order', 'product', 'carrier', 'tracking', 'date', 'amount'] as const;

const notification = z.strictObject({
  message: localized,
  quick_replies: z.array(quickReply).max(4).optional(),
});
export type NotificationSpec = z.output<typeof notification>;

/** Said after a `delivered` notification: an invitation to review the order, at most once per customer in `at_most_every_days`. */
const reviewInvite = z.strictObject({
  message: localized,
  quick_replies: z.array(quickReply).max(4).optional(),
  at_most_every_days: z.number().int().min(1).max(365).default(30),
});
export type ReviewInviteSpec = z.output<typeof reviewInvite>;

export const NotificationsFileSchema = z.strictObject({
  notifications: z.partialRecord(z.enum(NOTIFICATION_KINDS), notification),
  review_invite: reviewInvite.optional(),
});
export type NotificationsFile = z.output<typeof NotificationsFileSchema>;

/** How the chips are put in order by what shoppers on the page asked (src/proactive/demand.ts). */
const ranking = z.strictObject({
  /** Off: every page keeps its file order. */
  enabled: z.boolean().default(true),
  /** Turns counted on a page before its chips are reordered; fewer keep the file order. */
  min_asks: z.number().int().min(1).default(30),
  /** The window counted, in days back from now (re-read daily). */
  days: z.number().int().min(1).max(365).default(28),
  /** Pages whose chips keep their file order whatever shoppers ask. */
  fixed: z.array(z.enum(PAGE_TYPES)).default([]),
});

export const SuggestionsFileSchema = z.strictObject({
  ranking: ranking.prefault({}),
  pages: z.partialRecord(z.enum(PAGE_TYPES), z.array(suggestion).min(1).max(5)),
});
export type SuggestionsFile = z.output<typeof SuggestionsFileSchema>;
