// A step's card (`card: { order: order }`): what the step says, as structured data for channels
// that draw cards (the Kakao skill renders an order as a list card). Read from the flow's
// variables and written in the conversation's language; the reply's text stays the whole answer,
// so a channel without cards (the web widget) loses nothing.
import type { Locale } from '../nlu/types.ts';
import type { MessagesSpec, StepSpec } from './schema.ts';
import { formatDate, isLocalized, lookupPath, splitPath, type Json, type Scope } from './template.ts';
import type { OrderCard, ReplyCard } from './types.ts';

/** The card of a step, or none when its variable does not hold what the card shows. */
export function stepCard(card: NonNullable<StepSpec['card']>, scope: Scope, locale: Locale, messages: MessagesSpec): ReplyCard | undefined {
  return orderCard(lookupPath(scope, splitPath(card.order)), locale, messages);
}

function orderCard(value: Json | undefined, locale: Locale, messages: MessagesSpec): OrderCard | undefined {
  if (!isObject(value) || typeof value['id'] !== 'string' || typeof value['status'] !== 'string') return undefined;
  const status = value['status'];
  const label = messages.order_status[status as keyof MessagesSpec['order_status']];
  const items = (Array.isArray(value['items']) ? value['items'] : []).flatMap((item) => {
    if (!isObject(item)) return [];
    const name = text(item['name'], locale);
    if (!name) return [];
    const option = [item['color'], item['size']].filter((part): part is string => typeof part === 'string' && part !== '').join(' / ');
    const quantity = typeof item['quantity'] === 'number' && item['quantity'] > 0 ? item['quantity'] : 1;
    return [{ name, quantity, ...(option ? { option } : {}) }];
  });
  const optional = (key: string, date = false): string | undefined => {
    const v = value[key];
    return typeof v === 'string' && v !== '' ? (date ? formatDate(v, locale) : v) : undefined;
  };
  const carrier = optional('carrier');
  const trackingNumber = optional('trackingNumber');
  const expectedDelivery = optional('expectedDelivery', true);
  const deliveredAt = optional('deliveredAt', true);
  return {
    kind: 'order',
    orderId: value['id'],
    status,
    statusLabel: label ? label[locale] : status,
    items,
    ...(carrier ? { carrier } : {}),
    ...(trackingNumber ? { trackingNumber } : {}),
    ...(expectedDelivery ? { expectedDelivery } : {}),
    ...(deliveredAt ? { deliveredAt } : {}),
  };
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: Json | undefined, locale: Locale): string {
  if (isLocalized(value)) return value[locale];
  return typeof value === 'string' ? value : '';
}
