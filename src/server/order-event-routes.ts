// Order events into the chat (docs/proactive.md#order-notifications):
//   POST /api/shop/order-events                    the shop API's webhook, HMAC-signed (docs/commerce-http.md#order-events)
//   POST /api/admin/shop/orders/:orderId/events    the demo shop moves an order on (admin agents)
// A webhook with a bad signature is answered 401 and nothing is stored.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readOrderWebhook, SIGNATURE_HEADER } from '../commerce/order-events.ts';
import { type CommercePort, ORDER_EVENT_KINDS, type OrderEvent, type OrderEventKind, type CommerceResult } from '../commerce/types.ts';
import type { AgentAuth } from './agent-auth.ts';
import { agentOnly } from './agent-routes.ts';
import { HttpError } from './http-errors.ts';
import type { NotificationDesk } from './notifications.ts';
import type { ZodFastify } from './route-schemas.ts';
import { anyOf } from './route-security.ts';

export interface OrderEventRouteOptions {
  notifications: NotificationDesk;
  commerce: CommercePort;
  auth: AgentAuth;
  /** The webhook's shared secret; absent, the webhook answers 501. */
  webhookSecret: string | undefined;
}

type Advancing = CommercePort & { advanceOrder(orderId: string, kind: OrderEventKind): Promise<CommerceResult<OrderEvent>> };

const orderEventRoute = {
  schema: { params: z.object({ orderId: z.string().min(1).max(100) }), body: z.strictObject({ kind: z.enum(ORDER_EVENT_KINDS) }) },
  config: { invalidParams: 'invalid_order_id' },
};

const REFUSAL_STATUS: Record<string, number> = { not_found: 404, not_allowed: 409, unavailable: 503 };

export const orderEventRoutes: FastifyPluginAsyncZod<OrderEventRouteOptions> = async (app, options) => {
  await app.register(async (scoped) => {
    // The signature is over the exact bytes sent: the body is kept as they came (so no schema checks it).
    scoped.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scoped.post('/api/shop/order-events', { schema: { security: anyOf('orderEventSignature') } }, async (request, reply) => {
      if (!options.webhookSecret) throw new HttpError(501, 'webhook_not_configured', 'set commerce.webhookSecret (DAEHWA_SHOP_WEBHOOK_SECRET) to accept order events');
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = request.headers[SIGNATURE_HEADER];
      const read = readOrderWebhook(body, typeof signature === 'string' ? signature : undefined, options.webhookSecret);
      if (!read.ok) throw new HttpError(read.status, read.code, read.message);
      const outcome = await options.notifications.receive(read.event);
      return reply.code(202).send({ ok: true, outcome });
    });
  });

  await app.register(async (scoped: ZodFastify) => {
    agentOnly(scoped, options.auth, { admin: 'moving demo orders on needs an admin agent' });
    const { commerce } = options;
    // Before the input is read: with a shop API, no order id or event is right here.
    const demoShopOnly = async (): Promise<void> => {
      if (!('advanceOrder' in commerce) || typeof commerce.advanceOrder !== 'function') {
        throw new HttpError(501, 'not_demo_shop', 'only the demo shop moves orders on; a shop API sends its events to POST /api/shop/order-events');
      }
    };
    scoped.post('/api/admin/shop/orders/:orderId/events', { ...orderEventRoute, preValidation: demoShopOnly }, async (request) => {
      const result = await (commerce as Advancing).advanceOrder(request.params.orderId, request.body.kind);
      if (!result.ok) throw new HttpError(REFUSAL_STATUS[result.error] ?? 409, result.error, result.message);
      // The demo shop reports the event to its listeners (the notification desk) as it happens.
      return { ok: true, event: result.value };
    });
  });
};
