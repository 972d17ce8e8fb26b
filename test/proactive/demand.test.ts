// The contextual FAQ's order: what shoppers on a page asked puts its chips first, once the page
// has enough counted turns; personal items stay on top, ties and fixed pages keep file order.
import { describe, expect, it } from 'vitest';
import { type AskedTurn, demandKey, PageDemand, rankedItems } from '../../src/proactive/demand.ts';
import { SuggestionsFileSchema } from '../../src/proactive/schema.ts';

const file = (ranking: Record<string, unknown> = {}) =>
  SuggestionsFileSchema.parse({
    ranking: { min_asks: 5, ...ranking },
    pages: {
      product: [
        { label: { ko: '사이즈', en: 'Size' }, payload: 'intent:size.help' },
        { label: { ko: '재고', en: 'Stock' }, payload: 'intent:product.stock' },
        { label: { ko: '배송비', en: 'Shipping' }, payload: 'intent:shipping.fee' },
        { label: { ko: '상담원', en: 'Person' }, payload: 'handoff' },
      ],
      home: [
        { label: { ko: '{product} 배송 조회', en: 'Track {product}' }, payload: 'flow:order_status?order_number={order}', personal: 'latest_order' },
        { label: { ko: '반품', en: 'Returns' }, payload: 'intent:return.policy' },
        { label: { ko: '배송 조회', en: 'Where is it?' }, payload: 'flow:order_status' },
      ],
    },
  });

const asked = (page: string | undefined, intent: string | null, over: Partial<AskedTurn> = {}): AskedTurn => ({ page, input: 'text', intent, flows: [], handoff: null, ...over });
const times = (n: number, turn: AskedTurn): AskedTurn[] => Array.from({ length: n }, () => turn);
const payloads = (items: readonly { payload: string }[]) => items.map((item) => item.payload);

describe('page demand', () => {
  it('puts the most asked chips first once the page has min_asks counted turns', () => {
    const demand = PageDemand.of([...times(3, asked('product', 'product.stock')), asked('product', 'shipping.fee')]);
    // Four turns: below the five needed, the file order holds.
    expect(payloads(rankedItems(file(), 'product', demand))).toEqual(['intent:size.help', 'intent:product.stock', 'intent:shipping.fee', 'handoff']);
    demand.count(asked('product', 'agent.request', { handoff: { reason: 'requested' } }));
    expect(demand.asks('product')).toBe(5);
    // Stock 3, shipping 1, person 1 (tie: file order), size 0.
    expect(payloads(rankedItems(file(), 'product', demand))).toEqual(['intent:product.stock', 'intent:shipping.fee', 'handoff', 'intent:size.help']);
  });

  it('counts only turns with a page and something asked; events, None and other pages do not count', () => {
    const demand = PageDemand.of([
      asked(undefined, 'product.stock'),
      asked('product', 'None'),
      asked('product', 'product.stock', { input: 'event' }),
      ...times(10, asked('cart', 'product.stock')),
    ]);
    expect(demand.asks('product')).toBe(0);
    expect(demand.of('cart', 'intent:product.stock')).toBe(10);
  });

  it('a flow chip is counted by the flow started; the personal item keeps the top', () => {
    expect(demandKey('flow:order_status?order_number=20261112')).toBe('flow:order_status');
    const started = asked('home', 'order.status', { flows: [{ flow: 'order_status', event: 'started' }] });
    const demand = PageDemand.of(times(6, started));
    expect(demand.of('home', 'flow:order_status')).toBe(6);
    expect(payloads(rankedItems(file(), 'home', demand))).toEqual(['flow:order_status?order_number={order}', 'flow:order_status', 'intent:return.policy']);
  });

  it('fixed pages and a disabled ranking keep the file order', () => {
    const demand = PageDemand.of(times(9, asked('product', 'shipping.fee')));
    expect(payloads(rankedItems(file(), 'product', demand))[0]).toBe('intent:shipping.fee');
    expect(payloads(rankedItems(file({ fixed: ['product'] }), 'product', demand))[0]).toBe('intent:size.help');
    expect(payloads(rankedItems(file({ enabled: false }), 'product', demand))[0]).toBe('intent:size.help');
    expect(payloads(rankedItems(file(), 'product', null))[0]).toBe('intent:size.help');
  });
});
