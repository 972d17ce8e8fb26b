// Order notifications end to end (trained model, the project's flows and notification texts, the
// demo shop, lowdb): an event told at once to a connected shopper, in their language, with buttons
// that run their flows; told once on the next visit otherwise; the shop API's webhook with its
// HMAC signature (a bad one: 401, nothing stored), an event reported twice told once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signOrderEvent } from '../../src/commerce/order-events.ts';
import { api, login, shopper, startAssembled, type Frame, type TestServer } from './helpers.ts';

const SECRET = 'shop-webhook-secret-for-the-tests-0123456789';
let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startAssembled(undefined, { webhookSecret: SECRET });
  token = await login(server.url);
});
afterAll(async () => {
  await server?.close();
});

const isNotice = (f: Frame) => f.type === 'bot' && (f.meta as { flow?: string }).flow === 'notification';

async function webhook(body: string, signature: string | undefined): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/api/shop/order-events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== undefined ? { 'x-daehwa-signature': signature } : {}) },
    body,
  });
  return { status: response.status, body: await response.json() };
}

describe('order notifications', () => {
  it('tells a connected shopper at once, in their language, with buttons that run their flows', async () => {
    const { socket } = await shopper(server.wsUrl, { customerId: 'c1001' });
    const guest = await shopper(server.wsUrl);
    const shipped = await api(server.url, 'POST', '/api/admin/shop/orders/20261118/events', { token, body: { kind: 'shipped' } });
    expect(shipped.status).toBe(200);
    expect(shipped.body.event).toMatchObject({ kind: 'shipped', orderId: '20261118', customerId: 'c1001', carrier: 'CJ대한통운' });

    const notice = await socket.next(isNotice, 'the notification');
    expect(notice.text).toMatch(/^주문하신 캔버스 로우 스니커즈 상품이 출고됐어요\. CJ대한통운 운송장 번호는 \d+이에요\.$/);
    expect(notice.meta).toMatchObject({ flow: 'notification', state: 'shipped' });
    expect(notice.quickReplies).toEqual([
      { label: '배송 조회', payload: 'flow:order_status?order_number=20261118' },
      { label: '상담원 연결', payload: 'handoff' },
    ]);
    const [told] = await server.store.listNotifications({ customerId: 'c1001' });
    expect(told).toMatchObject({ kind: 'shipped', orderId: '20261118', deliveredAt: expect.any(String) });

    socket.send({ type: 'quick_reply', payload: 'flow:order_status?order_number=20261118' });
    const status = await socket.next((f) => f.type === 'bot' && (f.meta as { flow?: string }).flow === 'order_status');
    expect(status.text).toContain('20261118');
    // The tap is kept by its label; the guest heard nothing.
    const session = (await server.store.listSessions()).find((s) => s.customerId === 'c1001');
    expect((await server.store.getTranscript(session!.id)).map((e) => e.text)).toContain('배송 조회');
    expect(guest.socket.frames.some(isNotice)).toBe(false);
  });

  it('tells a shopper who is away once, on their next visit', async () => {
    const delayed = await api(server.url, 'POST', '/api/admin/shop/orders/20261115/events', { token, body: { kind: 'delayed' } });
    expect(delayed.status).toBe(200);
    expect(await server.store.listNotifications({ customerId: 'c1002', pending: true })).toHaveLength(1);

    const first = await shopper(server.wsUrl, { customerId: 'c1002', locale: 'en' });
    const notice = await first.socket.next(isNotice, 'the notification on the next visit');
    expect(notice.text).toBe(`Sorry, order 20261115 is running late. It is now expected on ${delayed.body.event.expectedDelivery}.`);
    expect((notice.quickReplies as { payload: string }[]).map((q) => q.payload)).toEqual([
      'flow:order_status?order_number=20261115',
      'flow:change_address?order_number=20261115',
      'handoff',
    ]);
    first.socket.close();
    const second = await shopper(server.wsUrl, { customerId: 'c1002', locale: 'en' });
    second.socket.send({ type: 'message', text: 'hello' });
    await second.socket.nextOfType('bot');
    expect(second.socket.frames.some(isNotice)).toBe(false);
    expect(await server.store.listNotifications({ customerId: 'c1002', pending: true })).toEqual([]);
  });

  it('refuses what the demo shop would not do, and non-admins', async () => {
    expect((await api(server.url, 'POST', '/api/admin/shop/orders/20261012/events', { token, body: { kind: 'shipped' } })).body.error.code).toBe('not_allowed');
    expect((await api(server.url, 'POST', '/api/admin/shop/orders/99999999/events', { token, body: { kind: 'shipped' } })).status).toBe(404);
    expect((await api(server.url, 'POST', '/api/admin/shop/orders/20261118/events', { token, body: { kind: 'exploded' } })).status).toBe(400);
    expect((await api(server.url, 'POST', '/api/admin/shop/orders/20261118/events', { body: { kind: 'delivered' } })).status).toBe(401);
  });

  it('accepts the shop API’s webhook with a good signature; a bad one is 401 and nothing is stored', async () => {
    const event = { id: 'evt-7001', kind: 'refund_completed', orderId: '20261105', customerId: 'c1003', at: '2026-11-20T10:05:00+09:00', amount: 39000 };
    const body = JSON.stringify(event);

    for (const signature of [undefined, 'sha256=00', signOrderEvent(body, 'another-secret-of-thirty-two-characters!'), signOrderEvent(`${body} `, SECRET)]) {
      const refused = await webhook(body, signature);
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('invalid_signature');
    }
    expect(await server.store.listNotifications({ customerId: 'c1003' })).toEqual([]);

    const badShape = JSON.stringify({ ...event, kind: 'lost_at_sea' });
    expect((await webhook(badShape, signOrderEvent(badShape, SECRET))).status).toBe(400);
    expect(await server.store.listNotifications({ customerId: 'c1003' })).toEqual([]);

    const accepted = await webhook(body, signOrderEvent(body, SECRET));
    expect(accepted).toEqual({ status: 202, body: { ok: true, outcome: 'stored' } });
    // Retried by the shop: kept once.
    expect((await webhook(body, signOrderEvent(body, SECRET))).body.outcome).toBe('duplicate');
    expect(await server.store.listNotifications({ customerId: 'c1003' })).toEqual([
      expect.objectContaining({ id: 'evt-7001', kind: 'refund_completed', data: { amount: 39000 }, deliveredAt: null }),
    ]);
    const { socket } = await shopper(server.wsUrl, { customerId: 'c1003' });
    expect((await socket.next(isNotice, 'the refund notice')).text).toBe('20261105 주문의 환불 39,000원이 완료됐어요. 카드사에 따라 표시되기까지 며칠 걸릴 수 있어요.');
  });

  it('invites a review after a delivery, whose button explains where; a second delivery within 30 days brings none', async () => {
    const { socket } = await shopper(server.wsUrl, { customerId: 'c1006', locale: 'en' });
    const state = (f: Frame) => (isNotice(f) ? (f.meta as { state?: string }).state : undefined);
    await api(server.url, 'POST', '/api/admin/shop/orders/20261114/events', { token, body: { kind: 'delivered' } });
    await socket.next((f) => state(f) === 'delivered', 'the delivered notice');
    const invite = await socket.next((f) => state(f) === 'review_invite', 'the review invitation');
    expect(invite.quickReplies).toEqual([{ label: 'How to review', payload: 'flow:review?order_number=20261114' }]);
    socket.send({ type: 'quick_reply', payload: 'flow:review?order_number=20261114' });
    const how = await socket.next((f) => f.type === 'bot' && (f.meta as { flow?: string }).flow === 'review', 'the review flow');
    expect(how.text).toContain('open order 20261114 and press "Write a review"');

    // The customer's next delivery: told, not invited.
    await api(server.url, 'POST', '/api/admin/shop/orders/20261120/events', { token, body: { kind: 'shipped' } });
    await api(server.url, 'POST', '/api/admin/shop/orders/20261120/events', { token, body: { kind: 'delivered' } });
    await socket.next((f) => state(f) === 'delivered', 'the second delivered notice'); // the first was taken above
    await socket.next((f) => state(f) === 'shipped', 'the shipped notice');
    socket.send({ type: 'message', text: 'thanks' });
    await socket.next((f) => f.type === 'bot' && !isNotice(f) && (f.meta as { flow?: string }).flow !== 'review', 'the reply to thanks');
    expect(socket.frames.filter((f) => state(f) === 'review_invite')).toHaveLength(1);
    socket.close();
  });

  it('waits while people have the conversation', async () => {
    const { socket } = await shopper(server.wsUrl, { customerId: 'c1004' });
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued');
    await api(server.url, 'POST', '/api/admin/shop/orders/20261112/events', { token, body: { kind: 'delivered' } });
    expect(await server.store.listNotifications({ customerId: 'c1004', pending: true })).toHaveLength(1);
    expect(socket.frames.some(isNotice)).toBe(false);
  });
});
