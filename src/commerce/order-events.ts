// Order events from a shop API: the webhook body and its signature (docs/commerce-http.md#order-events).
// The shop signs the exact bytes it sends with the shared secret:
//   X-Daehwa-Signature: sha256=<lowercase hex of HMAC-SHA256(secret, body)>
// A request whose signature does not match is refused before its body is read as JSON.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { formatZodIssues } from './schemas.ts';
import { ORDER_EVENT_KINDS, type OrderEvent, type OrderEventListener } from './types.ts';

export const SIGNATURE_HEADER = 'x-daehwa-signature';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const orderEventSchema = z.strictObject({
  id: z.string().min(1).max(200),
  kind: z.enum(ORDER_EVENT_KINDS),
  orderId: z.string().min(1).max(100),
  customerId: z.string().min(1).max(100),
  at: z.iso.datetime({ offset: true }),
  carrier: z.string().min(1).max(100).optional(),
  trackingNumber: z.string().min(1).max(100).optional(),
  expectedDelivery: isoDate.optional(),
  amount: z.number().int().min(0).optional(),
}) satisfies z.ZodType<OrderEvent>;

/** The signature a shop sends for `body`. */
export function signOrderEvent(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export type WebhookReading = { ok: true; event: OrderEvent } | { ok: false; status: 400 | 401; code: string; message: string };

/** Checks the signature of the raw body, then its shape. */
export function readOrderWebhook(body: Buffer, signature: string | undefined, secret: string): WebhookReading {
  const expected = Buffer.from(signOrderEvent(body, secret));
  const given = Buffer.from(signature ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 401, code: 'invalid_signature', message: `the ${SIGNATURE_HEADER} header is missing or does not match the body; sign the exact body with HMAC-SHA256 and the shared secret` };
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, status: 400, code: 'invalid_body', message: 'the body is not JSON' };
  }
  const parsed = orderEventSchema.safeParse(json);
  if (!parsed.success) return { ok: false, status: 400, code: 'invalid_body', message: `not an order event: ${formatZodIssues(parsed.error)}` };
  return { ok: true, event: parsed.data };
}

/** Listeners of one port's order events. */
export class OrderEventHub {
  readonly #listeners = new Set<OrderEventListener>();

  on(listener: OrderEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: OrderEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
