// What the chat says about an order event (flows/proactive/notifications.yaml): the message in
// the shopper's language and its buttons, with the event's and the order's fields filled in. Pure.
import type { QuickReply } from '../dialog/types.ts';
import type { NotificationsFile } from './schema.ts';

export interface NotificationFacts {
  kind: string;
  order: string;
  /** The order's first item, in the shopper's language; the order number when unknown. */
  product?: string;
  carrier?: string;
  tracking?: string;
  date?: string;
  amount?: number;
}

type Message = { text: string; quickReplies: QuickReply[] };
type MessageSpec = { message: { ko: string; en: string }; quick_replies?: { label: { ko: string; en: string }; payload: string }[] | undefined };

/** Null when the file says nothing about this kind of event. */
export function notificationMessage(file: NotificationsFile, facts: NotificationFacts, locale: 'ko' | 'en'): Message | null {
  const spec = file.notifications[facts.kind as keyof NotificationsFile['notifications']];
  return spec ? filled(spec, facts, locale) : null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The review invitation that follows a `delivered` notification, or null: not a delivery, none in
 * the file, or the customer was told of another delivery (and so invited) in the last
 * `at_most_every_days` days. `toldBefore`: when the customer's other delivered notifications were told.
 */
export function reviewInvite(file: NotificationsFile, facts: NotificationFacts, locale: 'ko' | 'en', toldBefore: readonly string[], now: Date): Message | null {
  const spec = file.review_invite;
  if (facts.kind !== 'delivered' || !spec) return null;
  const since = now.getTime() - spec.at_most_every_days * DAY_MS;
  if (toldBefore.some((at) => Date.parse(at) > since)) return null;
  return filled(spec, facts, locale);
}

function filled(spec: MessageSpec, facts: NotificationFacts, locale: 'ko' | 'en'): Message {
  const values: Record<string, string> = {
    order: facts.order,
    product: facts.product ?? facts.order,
    carrier: facts.carrier ?? '',
    tracking: facts.tracking ?? '',
    date: facts.date ?? '',
    amount: facts.amount === undefined ? '' : facts.amount.toLocaleString('ko-KR'),
  };
  const fill = (text: string, encode: boolean) => text.replace(/\{([a-z]+)\}/g, (_, field: string) => (encode ? encodeURIComponent(values[field] ?? '') : (values[field] ?? '')));
  return {
    text: fill(spec.message[locale], false),
    quickReplies: (spec.quick_replies ?? []).map((reply) => ({ label: fill(reply.label[locale], false), payload: fill(reply.payload, true) })),
  };
}
