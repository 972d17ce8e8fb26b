// The proactive rules and suggestions as the project ships them (flows/proactive/), with the demo
// shop: the signed-in shopper's latest order in the chips, a late order's page, a declined card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopper, startAssembled, type TestServer } from './helpers.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startAssembled();
});
afterAll(async () => {
  await server?.close();
});

describe('proactive help with the shipped rules and the demo shop', () => {
  it('offers a signed-in shopper the tracking of their latest order, and a guest not', async () => {
    const member = await shopper(server.wsUrl, { customerId: 'c1001' });
    const chips = await member.socket.nextOfType('suggestions');
    expect(chips.items).toContainEqual({ label: '주문하신 캔버스 로우 스니커즈 배송 조회', payload: 'flow:order_status?order_number=20261118' });
    const guest = await shopper(server.wsUrl);
    const guestChips = await guest.socket.nextOfType('suggestions');
    expect((guestChips.items as { label: string }[]).map((i) => i.label)).toEqual(['배송 조회', '배송비 안내', '반품 규정', '상담원 연결']);
    member.socket.close();
    guest.socket.close();
  });

  it('the page of an order past its promised date starts its tracking; an order on time does not', async () => {
    const { socket } = await shopper(server.wsUrl, { customerId: 'c1004' });
    socket.send({ type: 'event', name: 'page_view', data: { page: 'order', orderNumber: '20261112' } });
    const nudge = await socket.nextOfType('nudge');
    expect(nudge).toMatchObject({ rule: 'order_late', meta: { flow: 'order_status' } });
    expect(nudge.text).toContain('512091128834');
    socket.close();
    // An order on time brings nothing but the chips.
    const onTime = await shopper(server.wsUrl, { customerId: 'c1006', locale: 'en' });
    onTime.socket.send({ type: 'event', name: 'page_view', data: { page: 'order', orderNumber: '20261114' } });
    onTime.socket.send({ type: 'message', text: 'hello' });
    await onTime.socket.nextOfType('bot');
    expect(onTime.socket.frames.filter((f) => f.type === 'nudge')).toEqual([]);
    onTime.socket.close();
  });

  it('a declined card brings the payment help in the shopper language', async () => {
    const { socket } = await shopper(server.wsUrl, { locale: 'en' });
    socket.send({ type: 'event', name: 'page_view', data: { page: 'checkout', cartValue: 49000 } });
    socket.send({ type: 'event', name: 'checkout_error', data: { code: 'payment_declined' } });
    const nudge = await socket.nextOfType('nudge');
    expect(nudge).toMatchObject({ rule: 'payment_declined', text: expect.stringContaining('check your card limit'), quickReplies: [{ label: 'Talk to a person', payload: 'handoff' }] });
    socket.close();
  });
});
