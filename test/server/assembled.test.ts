// End to end with the real engine: the trained model, the project's flows and the demo shop,
// wired exactly as `daehwa serve` wires them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, shopper, startAssembled, type TestServer } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startAssembled();
});
afterAll(async () => {
  await server?.close();
});

describe('the assembled product', () => {
  it('greets with quick replies and hands a signed-in shopper to the queue with their orders', async () => {
    const { socket, session } = await shopper(server.wsUrl, { locale: 'ko', customerId: 'c1001' });
    socket.send({ type: 'message', text: '안녕하세요' });
    const greeting = await socket.nextOfType('bot');
    expect(greeting.meta).toMatchObject({ intent: 'greeting' });
    expect((greeting.quickReplies as unknown[]).length).toBeGreaterThan(0);

    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    expect((await socket.nextOfType('bot')).meta).toMatchObject({ intent: 'agent.request' });
    expect(await socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'queued', position: 1 });

    const token = await login(server.url);
    const { body } = await api(server.url, 'GET', '/api/agent/queue', { token });
    expect(body.items).toMatchObject([{ sessionId: session.sessionId, reason: 'user_request', customerName: '김민지' }]);
    const detail = await api(server.url, 'GET', `/api/agent/queue/${body.items[0].id}`, { token });
    expect(detail.body.item.context.customer).toMatchObject({ id: 'c1001', name: '김민지' });
    expect(detail.body.item.context.recentOrders.length).toBeGreaterThan(0);
    expect(detail.body.item.context.intents.map((r: { intent: string }) => r.intent)).toEqual(['greeting', 'agent.request']);
    socket.close();
  });

  it('gives the agent what a flow collected before the hand-off (the order number, the item, the reason)', async () => {
    const { socket, session } = await shopper(server.wsUrl, { locale: 'ko', customerId: 'c1009' });
    socket.send({ type: 'message', text: '20261102 티셔츠에 얼룩이 있어서 반품할래요' });
    expect((await socket.nextOfType('bot')).meta).toMatchObject({ flow: 'return_request' });
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.nextOfType('handoff');
    const token = await login(server.url);
    const { body } = await api(server.url, 'GET', '/api/agent/queue', { token });
    const item = (body.items as { id: string; sessionId: string }[]).find((i) => i.sessionId === session.sessionId);
    const detail = await api(server.url, 'GET', `/api/agent/queue/${item?.id}`, { token });
    expect(detail.body.item.context.slots).toMatchObject({ order_number: '20261102', line_id: '20261102-2', reason: 'defect' });
    socket.close();
  });

  it('answers in English when the shopper writes English', async () => {
    const { socket } = await shopper(server.wsUrl, { locale: 'en' });
    socket.send({ type: 'message', text: 'how much is shipping?' });
    const reply = await socket.nextOfType('bot');
    expect(reply.meta).toMatchObject({ intent: 'shipping.fee' });
    expect(reply.text).toMatch(/[A-Za-z]/);
    expect(reply.text).not.toMatch(/[가-힣]/);
    socket.close();
  });

  // Last: it moves the shared clock past closing time.
  it('after hours, answers a request for a person with the hours only, never "connecting you"', async () => {
    server.clock.advance(9 * 60 * 60_000); // Friday 19:00 in Seoul
    const { socket } = await shopper(server.wsUrl, { locale: 'ko' });
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.nextOfType('bot');
    socket.send({ type: 'message', text: '교환 신청한 니트 언제 오는지 알려 주세요' });
    await socket.nextOfType('bot');
    // After `session` come the home page's suggested questions (flows/proactive/suggestions.yaml), then the answers.
    expect(socket.frames[1]).toMatchObject({ type: 'suggestions', page: 'home' });
    expect(socket.frames.slice(2)).toEqual([
      {
        type: 'bot',
        text: expect.stringMatching(/^지금은 상담 시간이 아니에요\. 상담원은 .*월요일.* 남기실 말씀을 적어 주시면/),
        quickReplies: [{ label: '챗봇과 계속 이야기할게요', payload: 'daehwa:back_to_bot' }],
        meta: { intent: 'agent.request', score: expect.any(Number), flow: 'handoff', state: 'offline_message' },
      },
      { type: 'bot', text: expect.stringMatching(/^메시지를 잘 받았어요/), meta: { intent: null, score: null, flow: 'handoff', state: null } },
    ]);
    socket.close();
  });
});
