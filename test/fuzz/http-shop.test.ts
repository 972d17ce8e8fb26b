// Property-based tests of the commerce HTTP adapter's response handling (src/commerce/http-shop.ts)
// against a real local HTTP server answering with generated statuses and bodies. The adapter's
// promise (docs/commerce-http.md): a shop answering nonsense never throws into a conversation;
// a 4xx with `{error, message}` is that refusal, a bare 404 is not_found, everything else that is
// not a 2xx with a body of the documented shape is `unavailable`; valid bodies come back as sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpShop, DEFAULT_SEED_DIR } from '../../src/commerce/index.ts';
import { customerSchema, exchangeRequestSchema, orderSchema, productSchema, refundSchema, returnRequestSchema, shopPolicySchema } from '../../src/commerce/schemas.ts';
import { loadSeed, type ShopSeed } from '../../src/commerce/seed.ts';
import type { CommercePort, CommerceResult } from '../../src/commerce/types.ts';

type Reply = { status: number; body: Buffer; contentType?: string; cut?: boolean };

let server: Server;
let shop: CommercePort;
let seed: ShopSeed;
let next: Reply = { status: 500, body: Buffer.alloc(0) };

beforeAll(async () => {
  seed = await loadSeed(DEFAULT_SEED_DIR);
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const reply = next;
      res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' });
      if (reply.cut) {
        // Headers, part of the body, then the connection drops.
        res.write(reply.body.subarray(0, Math.floor(reply.body.length / 2)));
        res.destroy();
        return;
      }
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  shop = createHttpShop({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, timeoutMs: 5000 });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A call of the port, and the schema its answer must have. */
interface Call {
  name: string;
  run: (port: CommercePort) => Promise<CommerceResult<unknown>>;
  schema: z.ZodType;
}

const CUSTOMER = 'c1001';
const NOW = new Date('2026-11-20T01:00:00.000Z');
const CALLS: Call[] = [
  { name: 'getCustomer', run: (p) => p.getCustomer(CUSTOMER), schema: customerSchema },
  { name: 'getOrder', run: (p) => p.getOrder('20261101', CUSTOMER), schema: orderSchema },
  { name: 'listOrders', run: (p) => p.listOrders(CUSTOMER, { limit: 3 }), schema: z.array(orderSchema) },
  { name: 'cancelOrder', run: (p) => p.cancelOrder('20261101', CUSTOMER), schema: orderSchema },
  { name: 'changeAddress', run: (p) => p.changeAddress('20261101', CUSTOMER, { line1: '서울시 마포구 월드컵로 12' }), schema: orderSchema },
  { name: 'createReturn', run: (p) => p.createReturn({ orderId: '20261101', customerId: CUSTOMER, reason: 'size', now: NOW }), schema: returnRequestSchema },
  { name: 'createExchange', run: (p) => p.createExchange({ orderId: '20261101', customerId: CUSTOMER, lineId: 'L1', toSize: 'M', now: NOW }), schema: exchangeRequestSchema },
  { name: 'listRefunds', run: (p) => p.listRefunds(CUSTOMER), schema: z.array(refundSchema) },
  { name: 'getProduct', run: (p) => p.getProduct('P100'), schema: productSchema },
  { name: 'findProducts', run: (p) => p.findProducts('데님'), schema: z.array(productSchema) },
  { name: 'getPolicy', run: (p) => p.getPolicy(), schema: shopPolicySchema },
];
const call = fc.constantFrom(...CALLS);

const REFUSALS = ['not_found', 'not_allowed', 'past_window', 'out_of_stock', 'invalid'] as const;
const ERRORS = [...REFUSALS, 'unavailable'];

/** Statuses a server can send with a body (no 1xx, 204, 205 or 304). */
const status = fc.oneof(
  fc.integer({ min: 200, max: 299 }).filter((s) => s !== 204 && s !== 205),
  fc.integer({ min: 300, max: 599 }).filter((s) => s !== 304),
);

/** Whatever a broken shop might send: bytes, text, JSON of any shape. */
const body = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v))),
  fc.record({ error: fc.oneof(fc.constantFrom(...REFUSALS), fc.string()), message: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] }).map((v) => Buffer.from(JSON.stringify(v))),
);

function isJson(buffer: Buffer): boolean {
  try {
    JSON.parse(buffer.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

async function answer(reply: Reply, c: Call): Promise<CommerceResult<unknown>> {
  next = reply;
  return c.run(shop);
}

describe('commerce HTTP adapter, fuzzed responses', () => {
  it('any status and body: never throws; the result follows the documented rules', async () => {
    await fc.assert(
      fc.asyncProperty(call, status, body, async (c, code, bytes) => {
        const result = await answer({ status: code, body: bytes }, c);
        const text = bytes.toString('utf8');
        const json: unknown = isJson(bytes) ? JSON.parse(text) : undefined;
        if (result.ok) {
          // Only a 2xx whose body has the documented shape is an answer.
          expect(code).toBeGreaterThanOrEqual(200);
          expect(code).toBeLessThan(300);
          expect(c.schema.safeParse(json).success).toBe(true);
          return;
        }
        expect(ERRORS).toContain(result.error);
        expect(result.message.length).toBeLessThan(1000);
        const refusal = z.object({ error: z.enum(REFUSALS), message: z.string() }).safeParse(json);
        if (code === 407) {
          // fetch itself fails on 407 Proxy Authentication Required ("fetch failed"), whatever the
          // body says: an outage all the same.
          expect(result.error).toBe('unavailable');
        } else if (code >= 400 && code < 500 && refusal.success) {
          // getOrder & co. turn another customer's order into not_found, never a refusal body.
          expect(result).toEqual({ ok: false, error: refusal.data.error, message: refusal.data.message });
        } else if (code === 404) {
          expect(result.error).toBe('not_found');
        } else if (code < 200 || code >= 300) {
          expect(result).toMatchObject({ error: 'unavailable', message: expect.stringContaining(`HTTP ${code}`) });
        } else if (json === undefined) {
          expect(result).toMatchObject({ error: 'unavailable', message: expect.stringContaining('not JSON') });
        } else {
          expect(result.error).toBe('unavailable');
          expect(c.schema.safeParse(json).success).toBe(false);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('a body cut off mid-way is unavailable, never an exception', async () => {
    await fc.assert(
      fc.asyncProperty(call, fc.constantFrom(...seedBodies()), async (c, bytes) => {
        const result = await answer({ status: 200, body: bytes, cut: true }, c);
        expect(result).toMatchObject({ ok: false, error: 'unavailable' });
      }),
      { numRuns: 100 },
    );
  });

  it('valid bodies round-trip: the seed\'s own records come back as the shop sent them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom('getOrder', 'listOrders', 'getProduct', 'findProducts', 'getCustomer', 'getPolicy', 'listRefunds'), async (n, name) => {
        const c = CALLS.find((x) => x.name === name)!;
        const pick = <T>(items: T[]): T => items[n % items.length]!;
        const value: unknown = {
          getOrder: () => ({ ...pick(seed.orders), customerId: CUSTOMER }),
          listOrders: () => seed.orders.slice(0, n % 4),
          getProduct: () => pick(seed.products),
          findProducts: () => seed.products.slice(n % 3, (n % 3) + (n % 5)),
          getCustomer: () => pick(seed.customers),
          getPolicy: () => seed.policy,
          listRefunds: () => seed.refunds.slice(0, n % 3),
        }[name]!();
        const result = await answer({ status: 200, body: Buffer.from(JSON.stringify(value)) }, c);
        expect(result).toEqual({ ok: true, value: c.schema.parse(JSON.parse(JSON.stringify(value))) });
        expect(result.ok && JSON.parse(JSON.stringify(result.value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('a seed order with one field broken is unavailable or, if the field is optional, still an order', async () => {
    const getOrder = CALLS.find((x) => x.name === 'getOrder')!;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.string(), fc.array(fc.string())), async (n, k, bad) => {
        const order: Record<string, unknown> = { ...seed.orders[n % seed.orders.length]!, customerId: CUSTOMER };
        const key = Object.keys(order)[k % Object.keys(order).length]!;
        if (key === 'customerId') return;
        order[key] = bad;
        const result = await answer({ status: 200, body: Buffer.from(JSON.stringify(order)) }, getOrder);
        const valid = orderSchema.safeParse(JSON.parse(JSON.stringify(order)));
        if (valid.success) expect(result).toEqual({ ok: true, value: valid.data });
        else expect(result).toMatchObject({ ok: false, error: 'unavailable', message: expect.stringContaining('unexpected response body') });
      }),
      { numRuns: 800 },
    );
  });
});

function seedBodies(): Buffer[] {
  return [JSON.stringify(seed.orders), JSON.stringify(seed.products), JSON.stringify(seed.policy)].map((s) => Buffer.from(s));
}
