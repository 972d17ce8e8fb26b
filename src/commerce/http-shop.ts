// The commerce port over a shop's REST API (endpoints in docs/commerce-http.md). A shop that is
// down, slow or answering nonsense must never crash or stall a conversation: every failure comes
// back as `unavailable`, and the dialog apologises and offers a person.

import { z } from 'zod';
import {
  customerSchema,
  exchangeRequestSchema,
  formatZodIssues,
  orderSchema,
  productSchema,
  refundSchema,
  returnRequestSchema,
  shopPolicySchema,
} from './schemas.ts';
import type { CommerceErrorCode, CommercePort, CommerceResult, Order } from './types.ts';

export interface HttpShopOptions {
  /** e.g. https://shop.example.com/api/support/v1 (no trailing slash needed). */
  baseUrl: string;
  /** Limit for the whole exchange: connecting, the status line and the body. */
  timeoutMs: number;
  /** Defaults to the global fetch; tests and proxies can pass their own. */
  fetch?: typeof fetch;
}

/** The refusals a shop may answer with a 4xx and `{ "error", "message" }`; anything else is an outage. */
const refusalSchema = z.object({
  error: z.enum(['not_found', 'not_allowed', 'past_window', 'out_of_stock', 'invalid']),
  message: z.string(),
});

type Method = 'GET' | 'POST' | 'PATCH';

function unavailable<T>(message: string): CommerceResult<T> {
  return { ok: false, error: 'unavailable', message };
}

function refusal<T>(error: CommerceErrorCode, message: string): CommerceResult<T> {
  return { ok: false, error, message };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createHttpShop(options: HttpShopOptions): CommercePort {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const seg = encodeURIComponent;

  async function call<T>(method: Method, pathAndQuery: string, schema: z.ZodType<T>, body?: unknown): Promise<CommerceResult<T>> {
    const where = `${method} ${pathAndQuery}`;
    let status: number;
    let text: string;
    // One signal for the request and the body read: a server that sends headers and then stalls
    // is cut off just like one that never answers.
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const exchange = (async () => {
        const response = await doFetch(`${base}${pathAndQuery}`, {
          method,
          headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal,
        });
        return { status: response.status, text: await response.text() };
      })();
      // Also give up when the signal fires, in case an injected fetch ignores it.
      const gaveUp = new Promise<never>((_, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      ({ status, text } = await Promise.race([exchange, gaveUp]));
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return unavailable(
        timedOut ? `${where}: no answer within ${options.timeoutMs} ms` : `${where}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }

    const json = parseJson(text);
    if (status < 200 || status >= 300) {
      const refused = refusalSchema.safeParse(json);
      if (status >= 400 && status < 500 && refused.success) return refusal(refused.data.error, refused.data.message);
      if (status === 404) return refusal('not_found', `${where}: not found`);
      return unavailable(`${where}: shop API answered HTTP ${status}`);
    }
    if (json === undefined) return unavailable(`${where}: response body is not JSON`);
    const parsed = schema.safeParse(json);
    if (!parsed.success) return unavailable(`${where}: unexpected response body: ${formatZodIssues(parsed.error)}`);
    return { ok: true, value: parsed.data };
  }

  /** The API is scoped by customer already; checking again costs nothing and never leaks an order. */
  const ownedBy = (customerId: string, result: CommerceResult<Order>): CommerceResult<Order> =>
    result.ok && result.value.customerId !== customerId ? refusal('not_found', `no order ${result.value.id} for customer ${customerId}`) : result;

  const orderPath = (customerId: string, orderId: string) => `/customers/${seg(customerId)}/orders/${seg(orderId)}`;

  return {
    getCustomer: (customerId) => call('GET', `/customers/${seg(customerId)}`, customerSchema),
    getOrder: async (orderId, customerId) => ownedBy(customerId, await call('GET', orderPath(customerId, orderId), orderSchema)),
    listOrders: (customerId, listOptions) => {
      const query = listOptions?.limit === undefined ? '' : `?limit=${listOptions.limit}`;
      return call('GET', `/customers/${seg(customerId)}/orders${query}`, z.array(orderSchema));
    },
    cancelOrder: async (orderId, customerId) =>
      ownedBy(customerId, await call('POST', `${orderPath(customerId, orderId)}/cancel`, orderSchema, {})),
    changeAddress: async (orderId, customerId, address) =>
      ownedBy(customerId, await call('PATCH', `${orderPath(customerId, orderId)}/address`, orderSchema, address)),
    createReturn: ({ orderId, customerId, lineIds, reason, now }) =>
      call('POST', `/customers/${seg(customerId)}/returns`, returnRequestSchema, {
        orderId,
        lineIds,
        reason,
        requestedAt: now.toISOString(),
      }),
    createExchange: ({ orderId, customerId, lineId, toSize, toColor, now }) =>
      call('POST', `/customers/${seg(customerId)}/exchanges`, exchangeRequestSchema, {
        orderId,
        lineId,
        toSize,
        toColor,
        requestedAt: now.toISOString(),
      }),
    listRefunds: (customerId, orderId) => {
      const query = orderId === undefined ? '' : `?orderId=${seg(orderId)}`;
      return call('GET', `/customers/${seg(customerId)}/refunds${query}`, z.array(refundSchema));
    },
    getProduct: (productId) => call('GET', `/products/${seg(productId)}`, productSchema),
    findProducts: (query) => call('GET', `/products?q=${seg(query)}`, z.array(productSchema)),
    getPolicy: () => call('GET', '/policy', shopPolicySchema),
  };
}
