// Issue 18 through the real server (in-process, memory store, manual clock): the audit log and
// who may read it, masked agent views and the audited reveal, sign-out revocation on HTTP and on
// the agent socket, the per-account lockout, and a customer's data exported and erased.
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/config/passwords.ts';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { AgentAuth } from '../../src/server/agent-auth.ts';
import { CLOSE_UNAUTHENTICATED } from '../../src/server/agent-socket.ts';
import { LOCK_MS, MAX_FAILURES } from '../../src/server/sign-in-guard.ts';
import { ManualClock, OPEN_HOURS, TestSocket, agentSocket, api, login, shopper, startTestServer, type TestServer } from '../server/helpers.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const PERSONAL = '상담원 연결해 주세요. 제 번호 010-2345-6789, 메일 minji.kim@example.com, 주소 서울 마포구 월드컵북로 396, 101동 1203호';

async function queued(s: TestServer, token: string, text = PERSONAL, hello: Record<string, unknown> = {}): Promise<{ itemId: string; socket: TestSocket; sessionId: string }> {
  const { socket, session } = await shopper(s.wsUrl, hello);
  socket.send({ type: 'message', text });
  await socket.nextOfType('handoff');
  const { body } = await api(s.url, 'GET', '/api/agent/queue', { token });
  // By session: items queued at the same instant of the manual clock are in no fixed order.
  const item = (body.items as { id: string; sessionId: string }[]).find((i) => i.sessionId === session.sessionId);
  if (!item) throw new Error(`no queue item for session ${session.sessionId}: ${JSON.stringify(body)}`);
  return { itemId: item.id, socket, sessionId: session.sessionId };
}

const actions = async (s: TestServer, token: string): Promise<string[]> =>
  ((await api(s.url, 'GET', '/api/admin/audit', { token })).body.events as { action: string }[]).map((event) => event.action);

describe('the audit log', () => {
  it('is read by admins only: 401 without a token, 403 for an agent', async () => {
    const junho = { id: 'junho', name: '이준호', role: 'agent' as const, passwordHash: await hashPassword('junho-pass-2025') };
    server = await startTestServer({ config: { agents: [DEFAULT_AGENT, junho] } });
    expect(await api(server.url, 'GET', '/api/admin/audit')).toMatchObject({ status: 401, body: { error: { code: 'missing_credentials' } } });
    const agentToken = await login(server.url, 'junho', 'junho-pass-2025');
    expect(await api(server.url, 'GET', '/api/admin/audit', { token: agentToken })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const admin = await login(server.url);
    const read = await api(server.url, 'GET', '/api/admin/audit', { token: admin });
    expect(read.status).toBe(200);
    expect(read.body.events).toEqual([
      expect.objectContaining({ seq: 1, action: 'sign_in', actor: 'junho', address: '127.0.0.1', at: OPEN_HOURS }),
      expect.objectContaining({ seq: 2, action: 'sign_in', actor: 'agent' }),
    ]);
    expect((await api(server.url, 'GET', '/api/admin/audit?after=1', { token: admin })).body.events.map((e: { seq: number }) => e.seq)).toEqual([2]);
    expect(await api(server.url, 'GET', '/api/admin/audit?limit=0', { token: admin })).toMatchObject({ status: 400, body: { error: { code: 'invalid_query' } } });
  });

  it('records claims, reveals, notes, hand-backs and resolutions, on HTTP and on the socket, without the personal data', async () => {
    server = await startTestServer();
    const token = await login(server.url);
    const first = await queued(server, token);
    await api(server.url, 'POST', `/api/agent/queue/${first.itemId}/claim`, { token });
    await api(server.url, 'POST', `/api/agent/queue/${first.itemId}/reveal`, { token });
    await api(server.url, 'POST', `/api/agent/queue/${first.itemId}/notes`, { token, body: { text: '환불 확인 필요' } });
    await api(server.url, 'GET', `/api/agent/queue/${first.itemId}/export`, { token });
    await api(server.url, 'POST', `/api/agent/queue/${first.itemId}/hand-back`, { token });
    const second = await queued(server, token, '상담원 연결해 주세요');
    const agent = await agentSocket(server.wsUrl, token);
    agent.socket.send({ type: 'claim', itemId: second.itemId, ref: 'c' });
    await agent.socket.next((f) => f.type === 'ack' && f.ref === 'c');
    agent.socket.send({ type: 'resolve', itemId: second.itemId, ref: 'r' });
    await agent.socket.next((f) => f.type === 'ack' && f.ref === 'r');

    const { events } = (await api(server.url, 'GET', '/api/admin/audit', { token })).body as { events: { action: string; target?: { id: string } }[] };
    expect(events.map((e) => [e.action, e.target?.id ?? null])).toEqual([
      ['sign_in', null],
      ['claim', first.itemId],
      ['reveal', first.itemId],
      ['note', first.itemId],
      ['export', first.itemId],
      ['hand_back', first.itemId],
      ['claim', second.itemId],
      ['resolve', second.itemId],
    ]);
    const text = JSON.stringify(events);
    for (const secret of ['010-2345-6789', 'minji.kim', '월드컵북로', '환불 확인']) expect(text).not.toContain(secret);
    first.socket.close();
    second.socket.close();
    agent.socket.close();
  });
});

describe('what agents see', () => {
  it('masks phone numbers, e-mails and addresses in the queue, the conversation, live entries and acks; reveal shows them', async () => {
    server = await startTestServer();
    const token = await login(server.url);
    const agent = await agentSocket(server.wsUrl, token);
    const { itemId, socket } = await queued(server, token);
    const summaries = JSON.stringify((await api(server.url, 'GET', '/api/agent/queue', { token })).body);
    const detail = JSON.stringify((await api(server.url, 'GET', `/api/agent/queue/${itemId}`, { token })).body);
    agent.socket.send({ type: 'claim', itemId, ref: 'c' });
    const ack = JSON.stringify(await agent.socket.next((f) => f.type === 'ack' && f.ref === 'c'));
    socket.send({ type: 'message', text: '다른 번호 010-9876-5432 로도 돼요' });
    const live = JSON.stringify(await agent.socket.next((f) => f.type === 'entries' && JSON.stringify(f).includes('다른 번호')));
    for (const view of [summaries, detail, ack, live]) {
      for (const secret of ['010-2345-6789', '010-9876-5432', 'minji.kim@example.com', '월드컵북로']) expect(view).not.toContain(secret);
    }
    expect(detail).toContain('[PHONE]');
    expect(detail).toContain('[EMAIL]');
    expect(detail).toContain('[ADDRESS]');
    expect(live).toContain('[PHONE]');
    // Ids and states reach the console exactly.
    expect(JSON.parse(detail).item).toMatchObject({ id: itemId, status: 'waiting' });

    const revealed = JSON.stringify((await api(server.url, 'POST', `/api/agent/queue/${itemId}/reveal`, { token })).body);
    for (const secret of ['010-2345-6789', '010-9876-5432', 'minji.kim@example.com', '월드컵북로 396']) expect(revealed).toContain(secret);
    expect(await actions(server, token)).toContain('reveal');
    socket.close();
    agent.socket.close();
  });
});

describe('sign-out', () => {
  it('revokes the token: 401 token_revoked on HTTP, and the agent socket is closed and refuses it', async () => {
    server = await startTestServer();
    const token = await login(server.url);
    const agent = await agentSocket(server.wsUrl, token);
    expect(await api(server.url, 'POST', '/api/agent/logout', { token })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await api(server.url, 'GET', '/api/agent/queue', { token })).toMatchObject({ status: 401, body: { error: { code: 'token_revoked' } } });
    expect(await agent.socket.nextOfType('error')).toMatchObject({ code: 'token_revoked' });
    expect((await agent.socket.closed).code).toBe(CLOSE_UNAUTHENTICATED);
    const again = await TestSocket.open(`${server.wsUrl}/agent/ws`);
    again.send({ type: 'auth', token });
    expect(await again.nextOfType('error')).toMatchObject({ code: 'token_revoked' });
    expect((await again.closed).code).toBe(CLOSE_UNAUTHENTICATED);
    // Another sign-in of the same agent is not affected.
    const fresh = await login(server.url);
    expect((await api(server.url, 'GET', '/api/agent/queue', { token: fresh })).status).toBe(200);
    expect(await actions(server, fresh)).toEqual(['sign_in', 'sign_out', 'sign_in']);
  });

  it('closes an agent socket when its token expires', async () => {
    server = await startTestServer({ config: { agentTokenTtlMs: 60_000 } });
    const agent = await agentSocket(server.wsUrl, await login(server.url));
    server.clock.advance(59_000);
    expect(agent.socket.frames.some((f) => f.type === 'error')).toBe(false);
    server.clock.advance(1_000);
    expect(await agent.socket.nextOfType('error')).toMatchObject({ code: 'token_expired' });
    expect((await agent.socket.closed).code).toBe(CLOSE_UNAUTHENTICATED);
  });
});

describe('sign-in lockout', () => {
  it(`locks an account for the address after ${MAX_FAILURES} wrong passwords, the right one included, and audits it`, async () => {
    server = await startTestServer();
    const attempt = (password: string) => api(server!.url, 'POST', '/api/agent/login', { body: { agentId: 'agent', password } });
    for (let i = 0; i < MAX_FAILURES; i++) expect((await attempt('wrong')).body.error.code).toBe('invalid_credentials');
    const locked = await attempt('daehwa-demo');
    expect(locked).toMatchObject({ status: 429, body: { error: { code: 'account_locked', message: expect.stringContaining('15 minutes') } } });
    server.clock.advance(LOCK_MS);
    const token = await login(server.url);
    const events = (await api(server.url, 'GET', '/api/admin/audit', { token })).body.events as { action: string; detail?: { lockedNow?: boolean } }[];
    expect(events.map((e) => e.action)).toEqual([...Array(MAX_FAILURES).fill('sign_in_failed'), 'sign_in_locked', 'sign_in']);
    expect(events[MAX_FAILURES - 1]?.detail).toEqual({ lockedNow: true });
    expect(JSON.stringify(events)).not.toContain('wrong');
  });

  it('does not lock the account for other addresses, and locks longer each time', async () => {
    const clock = new ManualClock(OPEN_HOURS);
    const auth = new AgentAuth([DEFAULT_AGENT], 'a-secret-of-16-chars', 60_000, clock);
    for (let i = 0; i < MAX_FAILURES; i++) await auth.login('agent', 'wrong', '203.0.113.9');
    expect(await auth.login('agent', 'daehwa-demo', '203.0.113.9')).toMatchObject({ code: 'account_locked', retryAfterMs: LOCK_MS });
    expect(await auth.login('agent', 'daehwa-demo', '198.51.100.4')).toHaveProperty('token');
    clock.advance(LOCK_MS);
    for (let i = 0; i < MAX_FAILURES; i++) await auth.login('agent', 'wrong', '203.0.113.9');
    expect(await auth.login('agent', 'daehwa-demo', '203.0.113.9')).toMatchObject({ code: 'account_locked', retryAfterMs: 2 * LOCK_MS });
    // A correct password once unlocked starts the address afresh.
    clock.advance(2 * LOCK_MS);
    expect(await auth.login('agent', 'daehwa-demo', '203.0.113.9')).toHaveProperty('token');
    for (let i = 0; i < MAX_FAILURES - 1; i++) await auth.login('agent', 'wrong', '203.0.113.9');
    expect(await auth.login('agent', 'daehwa-demo', '203.0.113.9')).toHaveProperty('token');
  });
});

describe('a customer\'s data on request (admin endpoints)', () => {
  it('exports and erases every session, transcript and queue item of a customer, reporting counts, and leaves others alone', async () => {
    server = await startTestServer();
    const token = await login(server.url);
    const mine = await queued(server, token, PERSONAL, { customerId: 'c-1001' });
    mine.socket.close();
    const again = await shopper(server.wsUrl, { customerId: 'c-1001' });
    again.socket.send({ type: 'message', text: '안녕하세요' });
    await again.socket.nextOfType('bot');
    const other = await queued(server, token, '상담원 연결해 주세요', { customerId: 'c-2002' });

    // What the store holds for the customer, counted here to check the report against.
    const ids = [mine.sessionId, again.session.sessionId];
    const entries = (await Promise.all(ids.map((id) => server!.store.getTranscript(id)))).flat().length;
    expect(entries).toBeGreaterThanOrEqual(4);
    const exported = await api(server.url, 'GET', '/api/admin/privacy/customers/c-1001/export', { token });
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ customerId: 'c-1001', found: { sessions: 2, transcript_entries: entries, queue_items: 1, offline_tickets: 0 } });
    expect(JSON.stringify(exported.body.records)).toContain('010-2345-6789'); // the customer's own data, as stored
    expect(JSON.stringify(exported.body.records)).not.toContain('tokenHash');
    // issue 12: the analytics facts of the customer's turns and hand-off, the phone number masked in them.
    const facts = exported.body.found.analytics_facts as number;
    expect(facts).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(exported.body.records.analytics_facts)).not.toContain('010-2345-6789');

    const erased = await api(server.url, 'POST', '/api/admin/privacy/customers/c-1001/erase', { token });
    expect(erased.body).toMatchObject({
      customerId: 'c-1001',
      found: { sessions: 2, transcript_entries: entries, queue_items: 1 },
      removed: { sessions: 2, transcript_entries: entries, queue_items: 1, offline_tickets: 0, analytics_facts: facts, proactive_shown: 0 },
    });
    const left = await server.store.listFacts({ from: '2000-01-01T00:00:00.000Z', to: '2100-01-01T00:00:00.000Z' });
    expect(left.length).toBeGreaterThan(0);
    expect(left.filter((fact) => ids.includes(fact.sessionId))).toEqual([]);
    // The live shopper socket of an erased session is closed.
    expect((await again.socket.closed).code).toBe(4005);
    expect((await server.store.listSessions()).map((s) => s.customerId)).toEqual(['c-2002']);
    expect((await server.store.listQueue()).map((item) => item.id)).toEqual([other.itemId]);
    expect(await server.store.getTranscript(mine.sessionId)).toEqual([]);
    const after = await api(server.url, 'GET', '/api/admin/privacy/customers/c-1001/export', { token });
    expect(after.body.found).toEqual({ surveys: 0, cases: 0, notifications: 0, analytics_facts: 0, proactive_shown: 0, queue_items: 0, offline_tickets: 0, sessions: 0, transcript_entries: 0 });

    const events = (await api(server.url, 'GET', '/api/admin/audit', { token })).body.events as { action: string; target?: unknown; detail?: unknown }[];
    const erase = events.find((e) => e.action === 'erase');
    expect(erase).toMatchObject({ target: { kind: 'customer', id: 'c-1001' }, detail: { sessions: 2, transcript_entries: entries, via: 'api' } });
    expect(JSON.stringify(events)).not.toContain('010-2345-6789');
    other.socket.close();
  });

  it('needs an admin', async () => {
    const junho = { id: 'junho', name: '이준호', role: 'agent' as const, passwordHash: await hashPassword('junho-pass-2025') };
    server = await startTestServer({ config: { agents: [junho] } });
    const token = await login(server.url, 'junho', 'junho-pass-2025');
    expect((await api(server.url, 'POST', '/api/admin/privacy/customers/c-1001/erase', { token })).status).toBe(403);
    expect((await api(server.url, 'GET', '/api/admin/privacy/customers/c-1001/export')).status).toBe(401);
  });
});
