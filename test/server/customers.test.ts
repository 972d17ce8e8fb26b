// The shop vouches for its customers: a `hello` names a customer only with a token the shop
// signed, or with a plain customerId where config trusts it (development).
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CUSTOMER_SECRET } from '../../src/config/schema.ts';
import { signCustomerToken, verifyCustomerToken } from '../../src/server/tokens.ts';
import { api, OPEN_HOURS, shopper, startTestServer, type TestServer } from './helpers.ts';

const SECRET = 'b8e4f1a09c2d47e6a3f5c7d9e0b1a2c3';
const NOW_MS = Date.parse(OPEN_HOURS);
const IN_AN_HOUR = NOW_MS / 1000 + 3600;

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

/** A server that believes only signed tokens, as in production. */
function startStrict(): Promise<TestServer> {
  return startTestServer({ config: { shopper: { customerTokenSecret: SECRET, trustCustomerId: false } } });
}

describe('customer tokens', () => {
  it('are the customer id, the expiry and the hex HMAC-SHA256 of both, as docs/server.md tells shops', () => {
    const token = signCustomerToken(SECRET, 'c1001', IN_AN_HOUR);
    const hmac = createHmac('sha256', SECRET).update(`c1001.${IN_AN_HOUR}`).digest('hex');
    expect(token).toBe(`c1001.${IN_AN_HOUR}.${hmac}`);
    expect(verifyCustomerToken(SECRET, token, NOW_MS)).toEqual({ ok: true, customerId: 'c1001' });
  });

  it('accept customer ids with dots, and refuse expired, forged and malformed tokens', () => {
    expect(verifyCustomerToken(SECRET, signCustomerToken(SECRET, 'shop.kr.user.77', IN_AN_HOUR), NOW_MS)).toEqual({
      ok: true,
      customerId: 'shop.kr.user.77',
    });
    const token = signCustomerToken(SECRET, 'c1001', IN_AN_HOUR);
    expect(verifyCustomerToken(SECRET, token, IN_AN_HOUR * 1000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyCustomerToken('another-secret-of-32-characters!', token, NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    // The signature covers the customer: swapping the id breaks it.
    expect(verifyCustomerToken(SECRET, token.replace('c1001', 'c1002'), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    for (const bad of ['', 'c1001', `c1001.${IN_AN_HOUR}`, `c1001.soon.${'0'.repeat(64)}`, `c1001.${IN_AN_HOUR}.XYZ`]) {
      expect(verifyCustomerToken(SECRET, bad, NOW_MS)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});

describe('who a hello names', () => {
  it('a valid customer token makes the session that customer\'s', async () => {
    server = await startStrict();
    const { socket, session } = await shopper(server.wsUrl, { customerToken: signCustomerToken(SECRET, 'c1001', IN_AN_HOUR) });
    expect(socket.frames.filter((f) => f.type === 'error')).toEqual([]);
    expect((await server.store.getSession(session.sessionId))?.customerId).toBe('c1001');
    socket.close();
  });

  it('an invalid or expired token gets an error frame and a guest session that goes on', async () => {
    server = await startStrict();
    const forged = `c1001.${IN_AN_HOUR}.${'ab'.repeat(32)}`;
    const expired = signCustomerToken(SECRET, 'c1001', NOW_MS / 1000 - 1);
    for (const customerToken of [forged, expired]) {
      const { socket, session } = await shopper(server.wsUrl, { customerToken });
      expect(socket.frames[0]).toMatchObject({ type: 'error', code: 'invalid_customer_token' });
      expect((await server.store.getSession(session.sessionId))?.customerId).toBeNull();
      socket.send({ type: 'message', text: 'hello' });
      expect((await socket.nextOfType('bot')).text).toBe('#1 hello');
      socket.close();
    }
  });

  it('a plain customerId is refused where it is not trusted: nobody can claim someone else\'s orders', async () => {
    server = await startStrict();
    const { socket, session } = await shopper(server.wsUrl, { customerId: 'c1001' });
    expect(socket.frames[0]).toMatchObject({ type: 'error', code: 'customer_id_not_trusted' });
    expect((await server.store.getSession(session.sessionId))?.customerId).toBeNull();
    socket.close();
  });

  it('a plain customerId is believed where config trusts it (development)', async () => {
    server = await startTestServer();
    const { socket, session } = await shopper(server.wsUrl, { customerId: 'c1002' });
    expect(socket.frames.filter((f) => f.type === 'error')).toEqual([]);
    expect((await server.store.getSession(session.sessionId))?.customerId).toBe('c1002');
    socket.close();
  });

  it('a resumed session keeps the customer it was started with', async () => {
    server = await startStrict();
    const tokenFor = (customerId: string) => signCustomerToken(SECRET, customerId, IN_AN_HOUR);
    const first = await shopper(server.wsUrl, { customerToken: tokenFor('c1001') });
    const guest = await shopper(server.wsUrl);

    const again = await shopper(server.wsUrl, { sessionToken: first.session.sessionToken, customerToken: tokenFor('c1002') });
    expect(again.session).toMatchObject({ sessionId: first.session.sessionId, resumed: true });
    expect(again.socket.frames[0]).toMatchObject({ type: 'error', code: 'customer_mismatch' });
    expect((await server.store.getSession(first.session.sessionId))?.customerId).toBe('c1001');

    const signedInLater = await shopper(server.wsUrl, { sessionToken: guest.session.sessionToken, customerToken: tokenFor('c1001') });
    expect(signedInLater.socket.frames[0]).toMatchObject({ type: 'error', code: 'customer_mismatch' });
    expect((await server.store.getSession(guest.session.sessionId))?.customerId).toBeNull();

    // The same customer reconnecting is nothing to complain about.
    const same = await shopper(server.wsUrl, { sessionToken: first.session.sessionToken, customerToken: tokenFor('c1001') });
    expect(same.socket.frames.filter((f) => f.type === 'error')).toEqual([]);
    for (const s of [first, guest, again, signedInLater, same]) s.socket.close();
  });
});

describe('demo customer tokens', () => {
  it('are minted for the demo page where a plain customerId is trusted anyway', async () => {
    server = await startTestServer();
    const { status, body } = await api(server.url, 'POST', '/api/dev/customer-token', { body: { customerId: 'c1003' } });
    expect(status).toBe(200);
    expect(body).toEqual({ customerId: 'c1003', customerToken: expect.stringMatching(/^c1003\.\d+\.[0-9a-f]{64}$/), expiresAt: expect.any(String) });
    expect(verifyCustomerToken(DEFAULT_CUSTOMER_SECRET, body.customerToken, NOW_MS)).toEqual({ ok: true, customerId: 'c1003' });
    const { socket, session } = await shopper(server.wsUrl, { customerToken: body.customerToken });
    expect((await server.store.getSession(session.sessionId))?.customerId).toBe('c1003');
    socket.close();
  });

  it('do not exist where only the shop may vouch', async () => {
    server = await startStrict();
    const response = await api(server.url, 'POST', '/api/dev/customer-token', { body: { customerId: 'c1003' } });
    expect(response).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});
