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

/** Null when the file says nothing about this kind of event. */
export function notificationMessage(file: NotificationsFile, facts: NotificationFacts, locale: 'ko' | 'en'): { text: string; quickReplies: QuickReply[] } | null {
  const spec = file.notifications[facts.kind as keyof NotificationsFile['notifications']];
  if (!spec) return null;
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
