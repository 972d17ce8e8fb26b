// The routes' zod schemas (fastify-type-provider-zod) refuse bad params, bodies and queries with
// the documented codes and a message naming the field; who is asking is settled before the input
// is read (401 and 403 come before 400), and a schema's refusal reaches no handler.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommercePort, CommerceResult, OrderEvent, OrderEventKind } from '../../src/commerce/types.ts';
import { hashPassword } from '../../src/config/passwords.ts';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { api, login, offlineCommerce, startTestServer, type TestServer } from './helpers.ts';

const JUNHO = { id: 'junho', name: '이준호', role: 'agent' as const, passwordHash: await hashPassword('junho-pass-2025') };

/** The 400 answers carry the code and a message with `field: problem`. */
function refused(code: string, field: string) {
  return { status: 400, body: { error: { code, message: expect.stringMatching(new RegExp(`(^|; )${field}: `)) } } };
}

describe('route schemas', () => {
  let server: TestServer;
  let admin: string;
  let agent: string;
  beforeAll(async () => {
    server = await startTestServer({ config: { agents: [DEFAULT_AGENT, JUNHO] } });
    admin = await login(server.url);
    agent = await login(server.url, 'junho', 'junho-pass-2025');
  });
  afterAll(async () => {
    await server.close();
  });

  it('names the bad field of a body, and the body when there is none', async () => {
    const post = (path: string, body?: unknown) => api(server.url, 'POST', path, { token: admin, ...(body !== undefined ? { body } : {}) });
    expect(await post('/api/agent/queue/q1/messages', { text: 42 })).toMatchObject(refused('invalid_body', 'text'));
    expect(await post('/api/agent/queue/q1/notes', { text: ' ' })).toMatchObject(refused('invalid_body', 'text'));
    expect(await post('/api/agent/queue/q1/notes')).toMatchObject(refused('invalid_body', 'body'));
    expect(await post('/api/dev/customer-token', { customerId: 'has space' })).toMatchObject(refused('invalid_body', 'customerId'));
    const canned = await post('/api/agent/canned-replies', { shortcut: '/delay', title: 'x', text: 'y', locale: 'fr' });
    expect(canned).toMatchObject(refused('invalid_body', 'locale'));
    expect(await api(server.url, 'POST', '/api/agent/login', { body: { agentId: 'agent', password: '' } })).toMatchObject(refused('invalid_body', 'password'));
  });

  it('gives each path parameter its own code', async () => {
    // An empty segment reaches the route with an empty parameter.
    expect(await api(server.url, 'POST', '/api/agent/queue//claim', { token: admin })).toMatchObject(refused('invalid_item_id', 'itemId'));
    expect(await api(server.url, 'GET', '/api/agent/queue//read', { token: admin })).toMatchObject(refused('invalid_item_id', 'itemId'));
    expect(await api(server.url, 'GET', '/api/sessions//transcript', { token: 'any' })).toMatchObject(refused('invalid_session_id', 'sessionId'));
    expect(await api(server.url, 'GET', '/api/admin/privacy/customers//export', { token: admin })).toMatchObject(refused('invalid_customer_id', 'customerId'));
    expect(await api(server.url, 'DELETE', '/api/agent/canned-replies/', { token: admin })).toMatchObject(refused('invalid_canned_reply_id', 'id'));
    expect(await api(server.url, 'GET', '/api/admin/analytics/transcript/not.an.id', { token: admin })).toMatchObject(refused('invalid_query', 'sessionId'));
  });

  it('answers what the router refuses before any route in the same shape', async () => {
    const long = await api(server.url, 'POST', `/api/agent/queue/${'q'.repeat(101)}/claim`, { token: admin });
    expect(long).toEqual({ status: 414, body: { error: { code: 'fst_err_max_param_length', message: expect.stringContaining('max param length') } } });
    const malformed = await api(server.url, 'GET', '/api/agent/queue/%E0%A4%A', { token: admin });
    expect(malformed).toEqual({ status: 400, body: { error: { code: 'fst_err_bad_url', message: expect.any(String) } } });
  });

  it('names the bad query parameter', async () => {
    expect(await api(server.url, 'GET', '/api/admin/audit?limit=lots', { token: admin })).toMatchObject(refused('invalid_query', 'limit'));
    expect(await api(server.url, 'GET', '/api/admin/audit?color=red', { token: admin })).toMatchObject(refused('invalid_query', 'query'));
    expect(await api(server.url, 'GET', '/api/agent/search?q=x', { token: admin })).toMatchObject(refused('invalid_query', 'q'));
    expect(await api(server.url, 'GET', '/api/admin/analytics/report?from=2026-11-20', { token: admin })).toMatchObject(refused('invalid_query', 'to'));
    const drill = await api(server.url, 'GET', '/api/admin/analytics/conversations?from=2026-11-20&to=2026-11-20&by=hour&value=25', { token: admin });
    expect(drill).toMatchObject(refused('invalid_query', 'value'));
    const unknownDrill = await api(server.url, 'GET', '/api/admin/analytics/conversations?from=2026-11-20&to=2026-11-20&by=weather', { token: admin });
    expect(unknownDrill).toMatchObject(refused('invalid_query', 'by'));
  });

  it('answers who may ask before what was asked', async () => {
    expect(await api(server.url, 'POST', '/api/agent/queue//messages', { body: { text: 42 } })).toMatchObject({ status: 401 });
    expect(await api(server.url, 'GET', '/api/admin/privacy/customers//export', { token: agent })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await api(server.url, 'GET', '/api/admin/audit?limit=lots', { token: agent })).toMatchObject({ status: 403 });
    expect(await api(server.url, 'POST', '/api/agent/canned-replies', { token: agent, body: { locale: 'fr' } })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    // With a shop API there is no demo order to move, whatever the request says.
    expect(await api(server.url, 'POST', '/api/admin/shop/orders/o1/events', { token: admin, body: { kind: 'exploded' } })).toMatchObject({ status: 501, body: { error: { code: 'not_demo_shop' } } });
  });
});

describe('the demo shop route behind its schema', () => {
  let server: TestServer;
  let admin: string;
  const moved: [string, OrderEventKind][] = [];
  beforeAll(async () => {
    const demoShop = Object.assign(Object.create(offlineCommerce) as CommercePort, {
      async advanceOrder(orderId: string, kind: OrderEventKind): Promise<CommerceResult<OrderEvent>> {
        moved.push([orderId, kind]);
        return { ok: false, error: 'not_allowed', message: `order ${orderId} cannot be ${kind} now` };
      },
    });
    server = await startTestServer({ deps: { commerce: demoShop } });
    admin = await login(server.url);
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses a bad order id or event before the shop is asked', async () => {
    const post = (path: string, body: unknown) => api(server.url, 'POST', path, { token: admin, body });
    expect(await post('/api/admin/shop/orders//events', { kind: 'shipped' })).toMatchObject(refused('invalid_order_id', 'orderId'));
    expect(await post('/api/admin/shop/orders/o1/events', { kind: 'exploded' })).toMatchObject(refused('invalid_body', 'kind'));
    expect(await post('/api/admin/shop/orders/o1/events', { kind: 'shipped', note: 'extra' })).toMatchObject(refused('invalid_body', 'body'));
    expect(moved).toEqual([]);
    expect(await post('/api/admin/shop/orders/o1/events', { kind: 'shipped' })).toMatchObject({ status: 409, body: { error: { code: 'not_allowed' } } });
    expect(moved).toEqual([['o1', 'shipped']]);
  });
});
