import { describe, expect, it } from 'vitest';
import type { Customer, Order } from '../../src/commerce/types.ts';
import { buildHandoffContext, queuedContext, readHandoffContext } from '../../src/handoff/context.ts';
import type { TranscriptEntry } from '../../src/store/types.ts';

const customer: Customer = { id: 'c-1001', name: '김지은', email: 'jieun@example.com', phone: '010-1234-5678', locale: 'ko' };

const order = (id: string, placedAt: string): Order => ({
  id,
  customerId: 'c-1001',
  status: 'delivered',
  items: [{ lineId: '1', productId: 'p-1', name: { ko: '린넨 셔츠', en: 'Linen shirt' }, size: 'M', color: 'white', quantity: 1, unitPrice: 39000 }],
  total: 39000,
  placedAt,
  address: { recipient: '김지은', phone: '010-1234-5678', line1: '서울시 마포구 월드컵로 1', postalCode: '03900' },
  paymentMethod: 'card',
});

const transcript: TranscriptEntry[] = [
  { seq: 1, at: '2026-03-02T01:00:00.000Z', from: 'shopper', text: '받은 셔츠에 얼룩이 있어요', intent: 'product.defect', score: 0.91 },
  { seq: 2, at: '2026-03-02T01:00:01.000Z', from: 'bot', text: '주문번호를 알려 주세요.', flow: 'defect', state: 'ask_order' },
  { seq: 3, at: '2026-03-02T01:00:20.000Z', from: 'shopper', text: '20260301', intent: 'None', score: 0.2 },
];

describe('buildHandoffContext', () => {
  it('keeps the whole transcript, intents with scores, slots, customer and the recent orders, newest first', () => {
    const orders = Array.from({ length: 7 }, (_, i) => order(`o${i}`, `2026-02-0${i + 1}T00:00:00.000Z`));
    const context = buildHandoffContext({
      transcript,
      dialogState: { version: 1, locale: 'ko' },
      customer,
      recentOrders: orders,
      slots: { order_number: '20260301' },
    });
    expect(context.transcript).toEqual(transcript);
    expect(context.intents).toEqual([
      { text: '받은 셔츠에 얼룩이 있어요', intent: 'product.defect', score: 0.91 },
      { text: '20260301', intent: 'None', score: 0.2 },
    ]);
    expect(context.slots).toEqual({ order_number: '20260301' });
    expect(context.customer).toEqual(customer);
    expect(context.recentOrders.map((o) => o.id)).toEqual(['o6', 'o5', 'o4', 'o3', 'o2']);
    expect(context.locale).toBe('ko');
  });

  it('prefers the NLU readings the caller passes', () => {
    const context = buildHandoffContext({
      transcript,
      dialogState: { version: 1, locale: 'en' },
      customer: null,
      recentOrders: [],
      lastIntents: [{ text: 'stain on my shirt', intent: 'product.defect', score: 0.88, alternatives: [{ intent: 'return.request', score: 0.4 }] }],
      slots: { order_number: 'A-77' },
    });
    expect(context.intents[0]?.alternatives).toEqual([{ intent: 'return.request', score: 0.4 }]);
    expect(context.slots).toEqual({ order_number: 'A-77' });
    expect(context.customer).toBeNull();
  });

  it('is plain JSON that shares nothing with its inputs', () => {
    const slots = { order_number: '20260301', note: undefined };
    const context = buildHandoffContext({ transcript, dialogState: { version: 1, locale: 'ko' }, customer, recentOrders: [], slots });
    expect(JSON.parse(JSON.stringify(context))).toEqual(context);
    expect('note' in context.slots).toBe(false);
    slots.order_number = 'changed';
    expect(context.slots['order_number']).toBe('20260301');
  });

  it('names the order the conversation is about: the recent order of the slot, else the one looked up', () => {
    const orders = [order('20260301', '2026-03-01T00:00:00.000Z'), order('20260215', '2026-02-15T00:00:00.000Z')];
    const base = { transcript, dialogState: { version: 1 as const, locale: 'ko' as const }, customer, recentOrders: orders };
    expect(buildHandoffContext({ ...base, slots: { order_number: '20260215' } }).order?.id).toBe('20260215');
    const older = order('20251101', '2025-11-01T00:00:00.000Z');
    expect(buildHandoffContext({ ...base, order: older, slots: { order_number: '20251101' } }).order?.id).toBe('20251101');
    expect(buildHandoffContext({ ...base, slots: {} }).order).toBeNull();
  });
});

describe('the stored hand-off context', () => {
  const snapshot = buildHandoffContext({ transcript, dialogState: { version: 1, locale: 'ko' }, customer, recentOrders: [order('20260301', '2026-03-01T00:00:00.000Z')], slots: { order_number: '20260301' } });

  it('goes into the queue with what the server adds, checked', () => {
    expect(queuedContext(snapshot, { team: 'returns', cases: ['C-20260302-0001'] })).toMatchObject({ team: 'returns', cases: ['C-20260302-0001'], order: { id: '20260301' } });
    expect(() => queuedContext(snapshot, { team: '' })).toThrow(/^invalid hand-off context: team: /);
    expect(() => queuedContext({ ...snapshot, intents: [{ text: 'x', intent: 'product.defect', score: 1.5 }] }, {})).toThrow(/intents\.0\.score/);
  });

  it('is read back typed; an item queued before `order` was kept reads as without one; anything else names its problem', () => {
    const { order: _order, ...older } = snapshot;
    expect(readHandoffContext(JSON.parse(JSON.stringify(older)))).toEqual({ ok: true, context: { ...snapshot, order: null } });
    expect(readHandoffContext({ ...snapshot, locale: 'ja' })).toEqual({ ok: false, problem: expect.stringMatching(/^locale: /) });
    expect(readHandoffContext({ ...snapshot, surprise: true })).toEqual({ ok: false, problem: expect.stringMatching(/surprise/) });
  });
});
