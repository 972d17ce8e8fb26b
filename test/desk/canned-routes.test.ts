// Canned replies over HTTP: who may read and who may change them, placeholders checked at save
// time and filled per conversation.
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/config/passwords.ts';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { api, login, shopper, startTestServer, type TestServer } from '../server/helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

const MINJI = { id: 'minji', name: '김민지', passwordHash: await hashPassword('minji-pass-2025'), role: 'agent' as const };
const delay = { shortcut: '/delay', title: '배송 지연 안내', text: '{{customer.name}}님, 주문 {{order.number}} 배송이 늦어져 죄송합니다.', locale: 'ko' };

async function start(): Promise<{ admin: string; agent: string }> {
  server = await startTestServer({ config: { agents: [DEFAULT_AGENT, MINJI] } });
  return { admin: await login(server.url), agent: await login(server.url, 'minji', 'minji-pass-2025') };
}

describe('canned replies', () => {
  it('refuses every canned-reply endpoint without a token, with a wrong token and with a shopper token', async () => {
    await start();
    const { session } = await shopper(server.wsUrl);
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/agent/canned-replies'],
      ['POST', '/api/agent/canned-replies', delay],
      ['PUT', '/api/agent/canned-replies/cr_x', delay],
      ['DELETE', '/api/agent/canned-replies/cr_x'],
      ['GET', '/api/agent/queue/q1/canned-replies'],
    ];
    for (const [method, path, body] of calls) {
      const withBody = body !== undefined ? { body } : {};
      expect((await api(server.url, method, path, withBody)).body.error.code, `${method} ${path}`).toBe('missing_credentials');
      const wrong = await api(server.url, method, path, { token: 'not.a-token', ...withBody });
      expect(wrong, `${method} ${path}`).toMatchObject({ status: 401, body: { error: { code: 'invalid_token' } } });
      const shopperToken = await api(server.url, method, path, { token: session.sessionToken, ...withBody });
      expect(shopperToken, `${method} ${path}`).toMatchObject({ status: 401, body: { error: { code: 'invalid_token' } } });
    }
    expect(await server.store.listCannedReplies()).toEqual([]);
  });

  it('lets admins save, change and delete them, and agents only read them', async () => {
    const { admin, agent } = await start();
    const created = await api(server.url, 'POST', '/api/agent/canned-replies', { token: admin, body: delay });
    expect(created.status).toBe(201);
    expect(created.body.reply).toMatchObject({ shortcut: 'delay', locale: 'ko', team: null, updatedBy: 'agent' });
    const id = created.body.reply.id as string;

    const refused = await api(server.url, 'POST', '/api/agent/canned-replies', { token: agent, body: { ...delay, shortcut: 'other' } });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringContaining('admin') } } });
    expect((await api(server.url, 'PUT', `/api/agent/canned-replies/${id}`, { token: agent, body: delay })).status).toBe(403);
    expect((await api(server.url, 'DELETE', `/api/agent/canned-replies/${id}`, { token: agent })).status).toBe(403);

    const listed = await api(server.url, 'GET', '/api/agent/canned-replies', { token: agent });
    expect(listed.body.replies.map((r: { id: string }) => r.id)).toEqual([id]);

    server.clock.advance(60_000);
    const changed = await api(server.url, 'PUT', `/api/agent/canned-replies/${id}`, { token: admin, body: { ...delay, text: '늦어져 죄송합니다.' } });
    expect(changed.body.reply).toMatchObject({ id, text: '늦어져 죄송합니다.', createdAt: created.body.reply.createdAt });
    expect(changed.body.reply.updatedAt).not.toBe(created.body.reply.updatedAt);

    expect((await api(server.url, 'DELETE', `/api/agent/canned-replies/${id}`, { token: admin })).body).toEqual({ deleted: id });
    expect((await api(server.url, 'DELETE', `/api/agent/canned-replies/${id}`, { token: admin })).body.error.code).toBe('canned_reply_not_found');
    expect(await server.store.listCannedReplies()).toEqual([]);
  });

  it('refuses an unknown placeholder, a bad shortcut and a taken shortcut, keeping what was saved', async () => {
    const { admin } = await start();
    await api(server.url, 'POST', '/api/agent/canned-replies', { token: admin, body: delay });
    const before = await server.store.listCannedReplies();

    const typo = await api(server.url, 'POST', '/api/agent/canned-replies', { token: admin, body: { ...delay, shortcut: 'x', text: '{{customer.nmae}}님' } });
    expect(typo).toMatchObject({ status: 400, body: { error: { code: 'unknown_placeholder' } } });
    expect(typo.body.error.message).toContain('{{customer.nmae}}');
    expect(typo.body.error.message).toContain('{{order.tracking_url}}');

    const bad = await api(server.url, 'POST', '/api/agent/canned-replies', { token: admin, body: { ...delay, shortcut: 'Has Space' } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_body', message: expect.stringContaining('shortcut') } } });

    const taken = await api(server.url, 'POST', '/api/agent/canned-replies', { token: admin, body: delay });
    expect(taken).toMatchObject({ status: 409, body: { error: { code: 'duplicate_shortcut' } } });
    // The same shortcut in English is another reply.
    expect((await api(server.url, 'POST', '/api/agent/canned-replies', { token: admin, body: { ...delay, locale: 'en', text: 'Sorry, {{customer.name}}.' } })).status).toBe(201);

    const [saved] = before;
    const changedBadly = await api(server.url, 'PUT', `/api/agent/canned-replies/${saved!.id}`, { token: admin, body: { ...delay, text: '{{order.tracking}}' } });
    expect(changedBadly.body.error.code).toBe('unknown_placeholder');
    expect((await server.store.listCannedReplies()).find((r) => r.id === saved!.id)).toEqual(saved);
  });

  it('fills the replies of a conversation in its language, leaving what it cannot know', async () => {
    const { admin, agent } = await start();
    await api(server.url, 'POST', '/api/agent/canned-replies', { token: admin, body: delay });
    await api(server.url, 'POST', '/api/agent/canned-replies', { token: admin, body: { ...delay, locale: 'en', text: 'Sorry, {{customer.name}}.' } });
    const { socket } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.nextOfType('handoff');
    const [item] = (await api(server.url, 'GET', '/api/agent/queue', { token: agent })).body.items;
    const filled = await api(server.url, 'GET', `/api/agent/queue/${item.id}/canned-replies`, { token: agent });
    // A guest (the test shop is down): nothing to fill, both placeholders left for the agent.
    expect(filled.body.replies).toEqual([
      expect.objectContaining({ shortcut: 'delay', locale: 'ko', text: delay.text, missing: ['customer.name', 'order.number'] }),
    ]);
    expect((await api(server.url, 'GET', '/api/agent/queue/nope/canned-replies', { token: agent })).status).toBe(404);
    socket.close();
  });
});
