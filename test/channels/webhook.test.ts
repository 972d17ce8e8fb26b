// The generic webhook channel: HMAC-signed JSON in, JSON out, on the same conversations.
import { afterEach, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../src/channels/webhook/route.ts';
import { api, login, scriptedDialog, startTestServer, waitFor, type TestServer } from '../server/helpers.ts';
import { Gate, gatedDialog } from './kakao-helpers.ts';

const SECRET = 'webhook-secret-0123456789abcdef-xyz';
let server: TestServer;
afterEach(async () => {
  await server?.close();
});

async function post(body: unknown, signature?: string | null): Promise<{ status: number; body: any }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig = signature === undefined ? signWebhookBody(SECRET, raw) : signature;
  if (sig !== null) headers['x-daehwa-signature'] = sig;
  const response = await fetch(`${server.url}/channels/webhook`, { method: 'POST', headers, body: raw });
  return { status: response.status, body: await response.json() };
}

describe('webhook channel', () => {
  it('answers a signed message with the bot messages and its quick replies, one conversation per user', async () => {
    server = await startTestServer({ config: { channels: { webhook: { secret: SECRET } } } });
    const first = await post({ id: 'm1', user: 'line:U123', text: '안녕하세요' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      conversation: expect.stringMatching(/^s_/),
      messages: [{ kind: 'text', from: 'bot', text: '#1 안녕하세요', quickReplies: [{ label: '배송 조회', payload: 'intent:order.status' }] }],
      pending: false,
    });
    const second = await post({ id: 'm2', user: 'line:U123', quickReply: 'intent:order.status' });
    expect(second.body.messages[0].text).toBe('#2 intent:order.status');
    expect(second.body.conversation).toBe(first.body.conversation);
    const other = await post({ id: 'm3', user: 'line:U999', text: 'hello' });
    expect(other.body.conversation).not.toBe(first.body.conversation);
    expect(JSON.stringify(await server.store.listSessions())).not.toContain('line:U123');
  });

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    server = await startTestServer({ config: { channels: { webhook: { secret: SECRET } } } });
    const body = JSON.stringify({ id: 'm1', user: 'u1', text: '안녕' });
    expect(await post(body, null)).toMatchObject({ status: 401, body: { error: { code: 'missing_signature' } } });
    expect(await post(body, signWebhookBody('another-secret-of-enough-length-000', body))).toMatchObject({ status: 401, body: { error: { code: 'bad_signature' } } });
    // Signed, then changed on the way: refused.
    expect(await post(body.replace('안녕', '취소'), signWebhookBody(SECRET, body))).toMatchObject({ status: 401 });
    expect(await server.store.listSessions()).toHaveLength(0);
  });

  it('names the problem of a malformed body, and answers a replayed id once', async () => {
    server = await startTestServer({ config: { channels: { webhook: { secret: SECRET } } } });
    const two = await post({ id: 'm1', user: 'u1', text: 'a', quickReply: 'b' });
    expect(two).toMatchObject({ status: 400, body: { error: { code: 'invalid_body', message: expect.stringMatching(/exactly one of text, quickReply or event/) } } });
    const noUser = await post({ id: 'm1', text: 'a' });
    expect(noUser.body.error.message).toMatch(/user/);
    const reserved = await post({ id: 'm1', user: 'u1', event: { name: 'daehwa.start_flow' } });
    expect(reserved.body.error.message).toMatch(/event\.name/);
    expect(await server.store.listSessions()).toHaveLength(0);
    const first = await post({ id: 'dup', user: 'u1', text: '한 번' });
    expect(await post({ id: 'dup', user: 'u1', text: '한 번' })).toEqual(first);
    expect((await post({ id: 'next', user: 'u1', text: '두 번' })).body.messages[0].text).toBe('#2 두 번');
  });

  it('hands off, and brings agent answers with the next request', async () => {
    server = await startTestServer({ config: { channels: { webhook: { secret: SECRET } } } });
    const handoff = await post({ id: 'h1', user: 'u1', text: '상담원 연결해 주세요' });
    expect(handoff.body.messages.at(-1)).toEqual({ kind: 'handoff', status: 'queued', position: 1 });
    const token = await login(server.url);
    const [item] = (await api(server.url, 'GET', '/api/agent/queue', { token })).body.items as { id: string }[];
    await api(server.url, 'POST', `/api/agent/queue/${item!.id}/claim`, { token });
    await api(server.url, 'POST', `/api/agent/queue/${item!.id}/messages`, { token, body: { text: '무엇을 도와드릴까요?' } });
    const next = await post({ id: 'h2', user: 'u1', text: '주문이 안 왔어요' });
    expect(next.body.messages).toEqual([
      { kind: 'handoff', status: 'assigned' },
      { kind: 'text', from: 'agent', text: '무엇을 도와드릴까요?', quickReplies: [] },
    ]);
  });

  it('answers pending: true when the turn misses the deadline, and brings its answer with the next request', async () => {
    const gate = new Gate();
    server = await startTestServer({ config: { channels: { webhook: { secret: SECRET } } }, deps: { dialog: gatedDialog(scriptedDialog(), gate, /느린/) } });
    const pending = post({ id: 'slow', user: 'u1', text: '느린 조회' });
    await waitFor(async () => gate.waiting === 1 && server.clock.pendingDelays().includes(10_000));
    server.clock.advance(10_000);
    expect((await pending).body).toMatchObject({ messages: [], pending: true });
    gate.open();
    const next = await post({ id: 'after', user: 'u1', text: '됐나요' });
    expect(next.body.messages.map((m: { text: string }) => m.text)).toEqual(['#1 느린 조회', '#2 됐나요']);
  });
});
