// Page events the widget sends (`{"type":"event","name":"page_view","data":{...}}`): what the
// shopper does on the shop's pages, read by the proactive rules and the contextual FAQ. Each known
// event has a data schema; the server checks it where the frame enters (src/server/protocol.ts).
import { z } from 'zod';

export const PAGE_TYPES = ['home', 'category', 'product', 'cart', 'checkout', 'order', 'help'] as const;
export type PageType = (typeof PAGE_TYPES)[number];

export const CHECKOUT_ERROR_CODES = ['payment_declined', 'coupon_rejected', 'address_invalid'] as const;
export type CheckoutErrorCode = (typeof CHECKOUT_ERROR_CODES)[number];

const id = z.string().min(1).max(100);
/** KRW, what the basket holds right now. */
const cartValue = z.number().int().min(0).max(1_000_000_000);

const pageView = z.strictObject({
  page: z.enum(PAGE_TYPES),
  productId: id.optional(),
  /** The product's (or the category page's) category: top, bottom, outer, dress, shoes, accessory. */
  category: id.optional(),
  orderNumber: z.string().regex(/^\d{8,20}$/, 'expected the digits of an order number').optional(),
  /** Which help page (returns, shipping, sizes ...): the same help page seen twice is a trigger. */
  topic: id.optional(),
  cartValue: cartValue.optional(),
});
const dwell = z.strictObject({ seconds: z.number().int().min(1).max(86_400) });
const cartIdle = z.strictObject({ minutes: z.number().min(0).max(10_080), cartValue: cartValue.optional() });
const checkoutError = z.strictObject({
  code: z.enum(CHECKOUT_ERROR_CODES),
  orderNumber: z.string().regex(/^\d{8,20}$/, 'expected the digits of an order number').optional(),
  cartValue: cartValue.optional(),
});

export const PAGE_EVENT_SCHEMAS = {
  page_view: pageView,
  dwell,
  cart_idle: cartIdle,
  checkout_error: checkoutError,
} as const;
export type PageEventName = keyof typeof PAGE_EVENT_SCHEMAS;
export const PAGE_EVENT_NAMES = Object.keys(PAGE_EVENT_SCHEMAS) as PageEventName[];

export type PageView = z.infer<typeof pageView>;
export type PageEvent =
  | { name: 'page_view'; data: PageView }
  | { name: 'dwell'; data: z.infer<typeof dwell> }
  | { name: 'cart_idle'; data: z.infer<typeof cartIdle> }
  | { name: 'checkout_error'; data: z.infer<typeof checkoutError> };

export function isPageEventName(name: string): name is PageEventName {
  return Object.hasOwn(PAGE_EVENT_SCHEMAS, name);
}

/** The known event's data, checked; `null` data is read as `{}`. */
export function parsePageEvent(name: PageEventName, data: unknown): { ok: true; event: PageEvent } | { ok: false; error: z.ZodError } {
  const parsed = PAGE_EVENT_SCHEMAS[name].safeParse(data ?? {});
  if (!parsed.success) return { ok: false, error: parsed.error };
  return { ok: true, event: { name, data: parsed.data } as PageEvent };
}
