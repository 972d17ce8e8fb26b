import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpShop, DEFAULT_SEED_DIR } from '../../src/commerce/index.ts';
import { loadSeed, type ShopSeed } from '../../src/commerce/seed.ts';
import type { CommercePort, CommerceResult } from '../../src/commerce/types.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Recorded {
  method: string;
  url: string;
  body: string;
}

let server: Server;
let baseUrl: string;
let handler: Handler;
let requests: Recorded[];
let seed: ShopSeed;

beforeEach(async () => {
  seed = await loadSeed(DEFAULT_SEED_DIR);
  requests = [];
  handler = (_req, res) => {
    res.writeHead(500).end();
  };
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});

afterEach(async () => {
  // Hanging handlers keep sockets open; drop them so the server can close.
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function shop(timeoutMs = 2000): CommercePort {
  return createHttpShop({ baseUrl, timeoutMs });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function seedOrder(id: string) {
  const order = seed.orders.find((o) => o.id === id);
  if (!order) throw new Error(`seed has no order ${id}`);
  return order;
}

function expectError<T>(result: CommerceResult<T>, error: string, message?: RegExp): void {
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.error).toBe(error);
    if (message) expect(result.message).toMatch(message);
  }
}

describe('talking to a healthy shop API', () => {
  it('reads an order from the customer-scoped path', async () => {
    const order = seedOrder('20261101');
    handler = (_req, res) => json(res, 200, order);
    const result = await shop().getOrder('20261101', 'c1001');
    expect(result).toEqual({ ok: true, value: order });
    expect(requests[0]).toMatchObject({ method: 'GET', url: '/api/customers/c1001/orders/20261101' });
  });

  it('sends a return with the conversation’s clock', async () => {
    const created = { id: 'RT9', orderId: '20261012', customerId: 'c1001', lineIds: ['20261012-1'], reason: '사이즈가 작아요', status: 'requested', createdAt: '2026-11-20T01:00:00.000Z' };
    handler = (_req, res) => json(res, 201, created);
    const now = new Date('2026-11-20T10:00:00+09:00');
    const result = await shop().createReturn({ orderId: '20261012', customerId: 'c1001', reason: '사이즈가 작아요', now });
    expect(result).toEqual({ ok: true, value: created });
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.url).toBe('/api/customers/c1001/returns');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ orderId: '20261012', reason: '사이즈가 작아요', requestedAt: now.toISOString() });
  });

  it('escapes path segments and query text', async () => {
    handler = (_req, res) => json(res, 200, []);
    await shop().findProducts('데님 팬츠&size=M');
    expect(requests[0]?.url).toBe(`/api/products?q=${encodeURIComponent('데님 팬츠&size=M')}`);
  });

  it('passes on a business refusal from a 4xx body', async () => {
    handler = (_req, res) => json(res, 409, { error: 'not_allowed', message: 'order already shipped' });
    expectError(await shop().cancelOrder('20261101', 'c1001'), 'not_allowed', /already shipped/);
  });

  it('treats an order of another customer as not found, even if the API returned it', async () => {
    handler = (_req, res) => json(res, 200, seedOrder('20261101'));
    expectError(await shop().getOrder('20261101', 'c1002'), 'not_found');
  });
});

describe('when the shop API fails', () => {
  it('maps 404 to not_found', async () => {
    handler = (_req, res) => res.writeHead(404).end('Not Found');
    expectError(await shop().getOrder('20231105', 'c1001'), 'not_found');
  });

  it('maps a 500 to unavailable', async () => {
    handler = (_req, res) => json(res, 500, { error: 'not_allowed', message: 'a 5xx is never a refusal' });
    expectError(await shop().getPolicy(), 'unavailable', /HTTP 500/);
  });

  it('maps a body that is not JSON to unavailable', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('<html>Bad gateway</html>');
    expectError(await shop().getPolicy(), 'unavailable', /not JSON/);
  });

  it('maps JSON of the wrong shape to unavailable and names the field', async () => {
    handler = (_req, res) => json(res, 200, { ...seed.policy, returnWindowDays: 'seven' });
    expectError(await shop().getPolicy(), 'unavailable', /returnWindowDays/);
  });

  it('gives up on a server that never answers', async () => {
    handler = () => {
      /* never responds */
    };
    expectError(await shop(100).listOrders('c1001'), 'unavailable', /no answer within 100 ms/);
  });

  it('gives up on a server that sends headers and then stalls', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"returnWindowDays": ');
    };
    expectError(await shop(100).getPolicy(), 'unavailable', /no answer within 100 ms/);
  });

  it('maps a refused connection to unavailable', async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expectError(await shop().getCustomer('c1001'), 'unavailable');
    // Let afterEach close a server again.
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  it('gives up even when an injected fetch ignores the abort signal', async () => {
    const deaf = createHttpShop({ baseUrl, timeoutMs: 50, fetch: () => new Promise<Response>(() => {}) });
    expectError(await deaf.getPolicy(), 'unavailable', /no answer within 50 ms/);
  });
});
