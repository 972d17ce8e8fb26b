// An order's status as a Kakao list card (issue 15): its number, status, items and a tracking
// button, within the list card's limits; the text before it unchanged, and on the web the text only.
import { describe, expect, it, afterEach } from 'vitest';
import { renderCard, trackingLink } from '../../src/channels/kakao/cards.ts';
import { kakaoSkillResponseSchema } from '../../src/channels/kakao/format.ts';
import { renderBubbles } from '../../src/channels/kakao/render.ts';
import { channelTexts } from '../../src/channels/texts.ts';
import { signWebhookBody } from '../../src/channels/webhook/route.ts';
import type { DialogEngine, OrderCard } from '../../src/dialog/types.ts';
import { scriptedDialog, shopper, startTestServer, type TestServer } from '../server/helpers.ts';
import { postSkill, skillRequest, textsOf } from './kakao-helpers.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';

const TRACKING = 'https://tracker.example/{carrier}/{trackingNumber}';
const ko = { texts: channelTexts(SHOP_MESSAGES, 'ko'), trackingUrl: TRACKING };

const shipped: OrderCard = {
  kind: 'order',
  orderId: '20261101',
  status: 'shipped',
  statusLabel: '배송 중',
  items: [
    { name: '와이드 데님 팬츠', quantity: 1, option: '진청 / M' },
    { name: '베이직 라운드 긴팔 티셔츠', quantity: 2, option: '화이트 / M' },
  ],
  carrier: 'CJ대한통운',
  trackingNumber: '651240387712',
  expectedDelivery: '11월 21일(토)',
};

function valid(output: unknown): void {
  const response = { version: '2.0', template: { outputs: [output] } };
  const checked = kakaoSkillResponseSchema.safeParse(response);
  expect(checked.success, JSON.stringify(checked.error?.issues)).toBe(true);
}

describe('order card', () => {
  it('shows the number, the status with the parcel and date, the items, and a tracking button', () => {
    const output = renderCard(shipped, ko);
    valid(output);
    expect(output).toEqual({
      listCard: {
        header: { title: '주문 20261101' },
        items: [
          { title: '배송 중', description: 'CJ대한통운 651240387712 · 11월 21일(토) 도착 예정' },
          { title: '와이드 데님 팬츠', description: '진청 / M · 1개' },
          { title: '베이직 라운드 긴팔 티셔츠', description: '화이트 / M · 2개' },
        ],
        buttons: [{ action: 'webLink', label: '배송 조회', webLinkUrl: 'https://tracker.example/CJ%EB%8C%80%ED%95%9C%ED%86%B5%EC%9A%B4/651240387712' }],
      },
    });
  });

  it('keeps within five items, saying how many more products there are, and cuts long names', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ name: `${'아주 긴 상품 이름 '.repeat(8)}${i + 1}`, quantity: i + 1 }));
    const output = renderCard({ ...shipped, items }, ko) as { listCard: { items: { title: string }[] } };
    valid(output);
    expect(output.listCard.items).toHaveLength(5);
    expect(output.listCard.items.at(-1)).toEqual({ title: '외 4개 상품' });
    for (const item of output.listCard.items) expect(item.title.length).toBeLessThanOrEqual(50);
    expect(output.listCard.items[1]!.title.endsWith('…')).toBe(true);
  });

  it('says when a delivered order arrived, nothing of dates for a cancelled one, and has no button without a parcel', () => {
    const delivered = renderCard({ ...shipped, status: 'delivered', statusLabel: '배송 완료', deliveredAt: '11월 18일(수)' }, ko) as any;
    expect(delivered.listCard.items[0]).toEqual({ title: '배송 완료', description: 'CJ대한통운 651240387712 · 11월 18일(수) 배송 완료' });
    const { carrier: _c, trackingNumber: _t, ...noParcel } = shipped;
    const cancelled = renderCard({ ...noParcel, status: 'cancelled', statusLabel: '취소' }, ko) as any;
    valid(cancelled);
    expect(cancelled.listCard.items[0]).toEqual({ title: '취소' });
    expect(cancelled.listCard.buttons).toBeUndefined();
    // No tracking page configured: no button either.
    expect((renderCard(shipped, { texts: channelTexts(SHOP_MESSAGES, 'ko') }) as any).listCard.buttons).toBeUndefined();
    expect(trackingLink('not a url {carrier}', shipped)).toBeUndefined();
  });

  it('writes English titles as titles', () => {
    const output = renderCard({ ...shipped, statusLabel: 'on its way', expectedDelivery: 'Sat, Nov 21' }, { texts: channelTexts(SHOP_MESSAGES, 'en'), trackingUrl: TRACKING }) as any;
    expect(output.listCard.header.title).toBe('Order 20261101');
    expect(output.listCard.items[0]).toEqual({ title: 'On its way', description: 'CJ대한통운 651240387712 · arriving Sat, Nov 21' });
    expect(output.listCard.buttons[0].label).toBe('Track parcel');
  });

  it('is a bubble of its own: never packed with texts, and carried to "더 보기" when the outputs are full', () => {
    const rendered = renderBubbles({ parts: ['하나', '두울', '세엣', '네엣', { card: shipped }], quickReplies: [] }, ko, '');
    expect(rendered.response.template.outputs).toEqual([{ simpleText: { text: '하나\n\n두울' } }, { simpleText: { text: '세엣\n\n네엣' } }, renderCard(shipped, ko)]);
    const long = 'ㄱ'.repeat(990);
    const full = renderBubbles({ parts: [long, long, long, { card: shipped }], quickReplies: [{ label: '상담원 연결', payload: 'handoff' }] }, ko, '');
    expect(full.response.template.outputs).toHaveLength(3);
    expect(full.overflow).toEqual({ parts: [{ card: shipped }], quickReplies: [{ label: '상담원 연결', payload: 'handoff' }] });
  });
});

describe('order card through the channels', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  /** The scripted dialog, with an order card on the reply to "배송 조회". */
  function cardDialog(): DialogEngine {
    const inner = scriptedDialog();
    return {
      initialState: inner.initialState,
      async turn(state, input, nlu, ctx) {
        const result = await inner.turn(state, input, nlu, ctx);
        if (input.kind !== 'text' || input.text !== '배송 조회') return result;
        return { ...result, replies: [{ ...result.replies[0]!, text: '20261101 주문은 배송 중이에요.', card: shipped }] };
      },
    };
  }

  it('Kakao: the text, then the list card with the configured tracking page', async () => {
    server = await startTestServer({ config: { desk: { trackingUrl: TRACKING } }, deps: { dialog: cardDialog() } });
    const { status, body } = await postSkill(server.url, skillRequest({ utterance: '배송 조회' }));
    expect(status).toBe(200);
    expect(kakaoSkillResponseSchema.safeParse(body).success).toBe(true);
    expect(textsOf(body)[0]).toBe('20261101 주문은 배송 중이에요.');
    expect(body.template.outputs[1]).toEqual(renderCard(shipped, ko));
  });

  it('web: the bot frame keeps its text, the card beside it; the webhook passes the card on', async () => {
    const secret = 'webhook-secret-0123456789abcdef-xyz';
    server = await startTestServer({ config: { channels: { webhook: { secret } } }, deps: { dialog: cardDialog() } });
    const { socket } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: '배송 조회' });
    const frame = await socket.nextOfType('bot');
    expect(frame).toMatchObject({ text: '20261101 주문은 배송 중이에요.', card: shipped });
    socket.close();
    const raw = JSON.stringify({ id: 'm1', user: 'u1', text: '배송 조회' });
    const response = await fetch(`${server.url}/channels/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-daehwa-signature': signWebhookBody(secret, raw) },
      body: raw,
    });
    expect((await response.json()).messages).toEqual([{ kind: 'text', from: 'bot', text: '20261101 주문은 배송 중이에요.', quickReplies: [], card: shipped }]);
  });
});
