// Agent and shopper HTTP access control, transcript exports, and the admin reload endpoints.
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/config/passwords.ts';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import type { DialogEngine } from '../../src/dialog/types.ts';
import { agentSocket, api, login, scriptedDialog, shopper, startTestServer, TestSocket, type TestServer } from './helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

async function queuedItem(s: TestServer, token: string, text = '상담원 연결해 주세요'): Promise<{ itemId: string; socket: TestSocket }> {
  const { socket } = await shopper(s.wsUrl);
  socket.send({ type: 'message', text });
  await socket.nextOfType('handoff');
  const { body } = await api(s.url, 'GET', '/api/agent/queue', { token });
  return { itemId: body.items.at(-1).id, socket };
}

describe('agent authentication', () => {
  it('refuses agent calls without credentials', async () => {
    server = await startTestServer();
    const response = await api(server.url, 'GET', '/api/agent/queue');
    expect(response).toEqual({
      status: 401,
      body: { error: { code: 'missing_credentials', message: expect.stringContaining('Authorization') } },
    });
  });

  it('refuses a wrong password and an unknown agent alike', async () => {
    server = await startTestServer();
    for (const body of [
      { agentId: 'agent', password: 'guess' },
      { agentId: 'nobody', password: 'daehwa-demo' },
    ]) {
      const response = await api(server.url, 'POST', '/api/agent/login', { body });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('invalid_credentials');
    }
    expect((await api(server.url, 'POST', '/api/agent/login', { body: { agentId: 'agent' } })).body.error).toMatchObject({
      code: 'invalid_body',
      message: expect.stringContaining('password'),
    });
  });

  it('slows down password guessing from one address', async () => {
    server = await startTestServer();
    // An id no account has: a real account would be locked for this address first (sign-in-guard.ts).
    const guess = () => api(server.url, 'POST', '/api/agent/login', { body: { agentId: 'nobody', password: 'wrong' } });
    for (let i = 0; i < 10; i++) expect((await guess()).status).toBe(401);
    expect(await guess()).toMatchObject({ status: 429, body: { error: { code: 'too_many_attempts' } } });
    server.clock.advance(6_000);
    expect((await guess()).status).toBe(401);
  });

  it('refuses forged and expired tokens', async () => {
    server = await startTestServer({ config: { agentTokenTtlMs: 60_000 } });
    const token = await login(server.url);
    const forged = `${token.split('.')[0]}.c2lnbmF0dXJlLW1hZGUtdXA`;
    expect((await api(server.url, 'GET', '/api/agent/queue', { token: forged })).body.error.code).toBe('invalid_token');
    expect((await api(server.url, 'GET', '/api/agent/queue', { token })).status).toBe(200);
    server.clock.advance(60_001);
    const expired = await api(server.url, 'GET', '/api/agent/queue', { token });
    expect(expired).toMatchObject({ status: 401, body: { error: { code: 'token_expired' } } });
  });

  it('closes an agent websocket that sends a bad token, and one that acts before signing in', async () => {
    server = await startTestServer();
    const early = await TestSocket.open(`${server.wsUrl}/agent/ws`);
    early.send({ type: 'claim', itemId: 'x' });
    expect(await early.nextOfType('error')).toMatchObject({ code: 'missing_credentials' });
    early.send({ type: 'auth', token: 'not-a-token' });
    expect(await early.nextOfType('error')).toMatchObject({ code: 'invalid_token' });
    expect((await early.closed).code).toBe(4401);
  });

  it('lets only the owner act on an assigned conversation', async () => {
    const minji = { id: 'minji', name: '김민지', passwordHash: await hashPassword('minji-pass-2025') };
    server = await startTestServer({ config: { agents: [DEFAULT_AGENT, minji] } });
    const [mine, hers] = [await login(server.url), await login(server.url, 'minji', 'minji-pass-2025')];
    const { itemId, socket } = await queuedItem(server, mine);
    expect((await api(server.url, 'POST', `/api/agent/queue/${itemId}/claim`, { token: mine })).status).toBe(200);
    const stolen = await api(server.url, 'POST', `/api/agent/queue/${itemId}/claim`, { token: hers });
    expect(stolen).toMatchObject({ status: 409, body: { error: { code: 'already_claimed' } } });
    const meddled = await api(server.url, 'POST', `/api/agent/queue/${itemId}/messages`, { token: hers, body: { text: 'hi' } });
    expect(meddled).toMatchObject({ status: 403, body: { error: { code: 'not_owner' } } });
    expect((await api(server.url, 'POST', '/api/agent/queue/nope/claim', { token: mine })).status).toBe(404);
    const empty = await api(server.url, 'POST', `/api/agent/queue/${itemId}/messages`, { token: mine, body: { text: '  ' } });
    expect(empty).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } });
    socket.close();
  });
});

describe('transcripts', () => {
  it('lets a shopper read their own transcript and nobody else’s', async () => {
    server = await startTestServer();
    const alice = await shopper(server.wsUrl);
    const bob = await shopper(server.wsUrl);
    alice.socket.send({ type: 'message', text: '제 주문 어디 있어요' });
    await alice.socket.nextOfType('bot');

    const own = await api(server.url, 'GET', `/api/sessions/${alice.session.sessionId}/transcript`, {
      token: alice.session.sessionToken,
    });
    expect(own.status).toBe(200);
    expect(own.body.entries.map((e: { text: string }) => e.text)).toEqual(['제 주문 어디 있어요', '#1 제 주문 어디 있어요']);

    const snooping = await api(server.url, 'GET', `/api/sessions/${alice.session.sessionId}/transcript`, {
      token: bob.session.sessionToken,
    });
    expect(snooping).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(JSON.stringify(snooping.body)).not.toContain('주문');
    const noToken = await api(server.url, 'GET', `/api/sessions/${alice.session.sessionId}/transcript`);
    expect(noToken.status).toBe(401);
    const forged = await api(server.url, 'GET', `/api/sessions/${alice.session.sessionId}/transcript`, { token: 'x'.repeat(43) });
    expect(forged).toMatchObject({ status: 401, body: { error: { code: 'invalid_session_token' } } });
    alice.socket.close();
    bob.socket.close();
  });

  it('masks personal data in transcript exports', async () => {
    server = await startTestServer();
    const token = await login(server.url);
    const { itemId, socket } = await queuedItem(server, token, '상담원 연결해 주세요 제 번호는 010-2345-6789, 이메일 minji.kim@example.com 이에요');
    const exported = await api(server.url, 'GET', `/api/agent/queue/${itemId}/export`, { token });
    const text = JSON.stringify(exported.body);
    expect(text).toContain('[PHONE]');
    expect(text).toContain('[EMAIL]');
    expect(text).not.toContain('010-2345-6789');
    expect(text).not.toContain('minji.kim@example.com');
    // The console shows them masked too, until the agent reveals them (recorded in the audit log).
    const detail = await api(server.url, 'GET', `/api/agent/queue/${itemId}`, { token });
    expect(JSON.stringify(detail.body.transcript)).not.toContain('010-2345-6789');
    expect(JSON.stringify(detail.body.transcript)).toContain('[PHONE]');
    const revealed = await api(server.url, 'POST', `/api/agent/queue/${itemId}/reveal`, { token });
    expect(JSON.stringify(revealed.body.transcript)).toContain('010-2345-6789');
    socket.close();
  });
});

describe('admin reload', () => {
  it('swaps in new flows, refuses an invalid set with its problems, and keeps serving', async () => {
    let nextLoad: { ok: true; dialog: DialogEngine } | { ok: false; problems: string } = {
      ok: false,
      problems: 'flows/order.yaml:12:5: unknown step "ask_ordr"',
    };
    const reworded: DialogEngine = {
      ...scriptedDialog(),
      turn: async (state, input, nlu, ctx) => {
        const result = await scriptedDialog().turn(state, input, nlu, ctx);
        return { ...result, replies: result.replies.map((r) => ({ ...r, text: `v2 ${r.text}` })) };
      },
    };
    server = await startTestServer({ deps: { reloaders: { loadFlows: async () => nextLoad } } });
    const token = await login(server.url);
    const { socket } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: 'one' });
    expect((await socket.nextOfType('bot')).text).toBe('#1 one');

    const refused = await api(server.url, 'POST', '/api/admin/reload/flows', { token });
    expect(refused).toEqual({
      status: 422,
      body: { error: { code: 'reload_invalid', message: 'flows/order.yaml:12:5: unknown step "ask_ordr"' } },
    });
    socket.send({ type: 'message', text: 'two' });
    expect((await socket.nextOfType('bot')).text).toBe('#2 two');

    nextLoad = { ok: true, dialog: reworded };
    expect((await api(server.url, 'POST', '/api/admin/reload/flows', { token })).status).toBe(200);
    // The conversation carries on (its turn counter lives in the stored state) with the new flows.
    socket.send({ type: 'message', text: 'three' });
    expect((await socket.nextOfType('bot')).text).toBe('v2 #3 three');
    expect((await api(server.url, 'POST', '/api/admin/reload/model', { token })).status).toBe(501);
    socket.close();
  });

  it('keeps the old model when the new one fails to load', async () => {
    server = await startTestServer({
      deps: {
        reloaders: {
          loadModel: async () => {
            throw new Error('models/current.json: unexpected end of JSON input; run `npm run train`');
          },
        },
      },
    });
    const token = await login(server.url);
    const response = await api(server.url, 'POST', '/api/admin/reload/model', { token });
    expect(response).toMatchObject({ status: 422, body: { error: { message: expect.stringContaining('npm run train') } } });
    const { socket } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: '안녕하세요' });
    expect((await socket.nextOfType('bot')).meta).toMatchObject({ intent: 'greeting' });
    socket.close();
  });

  it('needs an admin agent', async () => {
    const plain = { id: 'junho', name: '이준호', role: 'agent' as const, passwordHash: await hashPassword('junho-pass-2025') };
    server = await startTestServer({ config: { agents: [plain] } });
    const token = await login(server.url, 'junho', 'junho-pass-2025');
    expect((await api(server.url, 'POST', '/api/admin/reload/flows', { token })).body.error.code).toBe('forbidden');
    expect((await api(server.url, 'POST', '/api/admin/reload/flows')).status).toBe(401);
  });
});

describe('agent websocket', () => {
  it('answers an unknown item with a named error and stays open', async () => {
    server = await startTestServer();
    const token = await login(server.url);
    const agent = await agentSocket(server.wsUrl, token);
    agent.socket.send({ type: 'claim', itemId: 'does-not-exist', ref: 'r1' });
    expect(await agent.socket.nextOfType('error')).toMatchObject({ code: 'not_found', ref: 'r1' });
    agent.socket.send('not json');
    expect(await agent.socket.nextOfType('error')).toMatchObject({ code: 'invalid_json' });
    agent.socket.send({ type: 'message', itemId: 'x' });
    expect(await agent.socket.nextOfType('error')).toMatchObject({ code: 'invalid_frame' });
    agent.socket.close();
  });
});
