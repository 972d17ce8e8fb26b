// Conversation search: by customer, order number or words, newest first, over open and finished
// conversations; masked data cannot be searched for; only signed-in agents may search.
import { describe, expect, it, afterEach } from 'vitest';
import { matchConversation } from '../../src/desk/search/search.ts';
import { agentSocket, api, login, shopper, startTestServer, type TestServer } from '../server/helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

describe('matching one conversation', () => {
  const item = {
    context: {
      customer: { id: 'c1002', name: '이서연' },
      recentOrders: [{ id: '20261105-0042' }],
      slots: { order_number: '20261030-0007' },
      cases: ['C-20261120-0001'],
    },
  };

  it('finds the customer, then the order, then the words, ignoring case', () => {
    expect(matchConversation(item, [], '서연')).toEqual({ field: 'customer', snippet: '이서연' });
    expect(matchConversation(item, [], 'C1002')).toEqual({ field: 'customer', snippet: 'c1002' });
    expect(matchConversation(item, [], '0042')).toEqual({ field: 'order', snippet: '20261105-0042' });
    expect(matchConversation(item, [], '20261030')).toEqual({ field: 'order', snippet: '20261030-0007' });
    expect(matchConversation(item, [], 'c-20261120')).toEqual({ field: 'order', snippet: 'C-20261120-0001' });
    expect(matchConversation(item, [{ from: 'shopper', text: 'The COAT arrived torn' }], 'coat')).toEqual({ field: 'text', snippet: 'The COAT arrived torn' });
    expect(matchConversation(item, [{ from: 'shopper', text: '안녕하세요' }], '환불')).toBeNull();
  });

  it('does not find what agents see masked, nor internal or system lines', () => {
    const transcript = [
      { from: 'shopper' as const, text: '제 번호는 010-1234-5678 이에요' },
      { from: 'agent' as const, text: 'VIP 고객', internal: true },
      { from: 'system' as const, text: 'resolved by agent' },
    ];
    expect(matchConversation({ context: {} }, transcript, '5678')).toBeNull();
    expect(matchConversation({ context: {} }, transcript, 'VIP')).toBeNull();
    expect(matchConversation({ context: {} }, transcript, 'resolved')).toBeNull();
    expect(matchConversation({ context: {} }, transcript, '번호는')).toEqual({ field: 'text', snippet: '제 번호는 [PHONE] 이에요' });
  });

  it('shortens a long line around the match', () => {
    const long = `${'가'.repeat(100)}배송 지연${'나'.repeat(100)}`;
    const found = matchConversation({ context: {} }, [{ from: 'shopper', text: long }], '배송 지연');
    expect(found?.snippet.startsWith('…')).toBe(true);
    expect(found?.snippet.endsWith('…')).toBe(true);
    expect(found?.snippet).toContain('배송 지연');
    expect(found!.snippet.length).toBeLessThanOrEqual(82);
  });
});

describe('GET /api/agent/search', () => {
  it('finds open and finished conversations by what was said, newest first', async () => {
    server = await startTestServer();
    const token = await login(server.url);
    const console = (await agentSocket(server.wsUrl, token)).socket;
    const first = await shopper(server.wsUrl);
    first.socket.send({ type: 'message', text: '코트 배송이 늦어요, 상담원 연결해 주세요' });
    await first.socket.nextOfType('handoff');
    const [item] = await server.store.listQueue(['waiting']);
    console.send({ type: 'claim', itemId: item!.id, ref: 'c' });
    await console.next((f) => f.type === 'ack');
    // Said after the hand-off: found in the live transcript.
    first.socket.send({ type: 'message', text: '주문한 니트도 같이 봐 주세요' });
    await console.next((f) => f.type === 'entries' && (f['entries'] as { text: string }[]).some((e) => e.text.includes('니트')));
    console.send({ type: 'resolve', itemId: item!.id, ref: 'r' });
    await console.next((f) => f.type === 'ack' && f['ref'] === 'r');
    server.clock.advance(1000);
    const second = await shopper(server.wsUrl);
    second.socket.send({ type: 'message', text: '코트 환불 문의요. 상담원이요' });
    await second.socket.nextOfType('handoff');

    const coats = await api(server.url, 'GET', `/api/agent/search?q=${encodeURIComponent('코트')}`, { token });
    expect(coats.status).toBe(200);
    expect(coats.body.results.map((r: { sessionId: string; status: string; match: { field: string } }) => [r.sessionId, r.status, r.match.field])).toEqual([
      [second.session.sessionId, 'waiting', 'text'],
      [first.session.sessionId, 'resolved', 'text'],
    ]);
    const knit = await api(server.url, 'GET', `/api/agent/search?q=${encodeURIComponent('니트')}`, { token });
    expect(knit.body.results).toEqual([expect.objectContaining({ itemId: item!.id, match: { field: 'text', snippet: '주문한 니트도 같이 봐 주세요' } })]);
    expect((await api(server.url, 'GET', '/api/agent/search?q=x', { token })).body).toMatchObject({ error: { code: 'invalid_query' } });
    console.close();
    first.socket.close();
    second.socket.close();
  });

  it('is for signed-in agents only: no token, a wrong token, a shopper\'s token', async () => {
    server = await startTestServer();
    const { session, socket } = await shopper(server.wsUrl);
    const path = '/api/agent/search?q=coat';
    expect(await api(server.url, 'GET', path)).toMatchObject({ status: 401, body: { error: { code: 'missing_credentials' } } });
    expect(await api(server.url, 'GET', path, { token: 'not-a-token' })).toMatchObject({ status: 401, body: { error: { code: 'invalid_token' } } });
    expect(await api(server.url, 'GET', path, { token: session.sessionToken })).toMatchObject({ status: 401, body: { error: { code: 'invalid_token' } } });
    socket.close();
  });
});
