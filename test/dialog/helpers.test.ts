import { describe, expect, it } from 'vitest';
import { holds } from '../../src/dialog/conditions.ts';
import { searchWords } from '../../src/dialog/products.ts';
import { recommendForBody, recommendForFoot } from '../../src/dialog/sizing.ts';
import { formatDate, formatMoney, render, renderValue, templateRefs, withParticle } from '../../src/dialog/template.ts';
import { bareNumbers, hasEnglishWord, isPhrase } from '../../src/dialog/understanding.ts';
import { productSchema } from '../../src/commerce/schemas.ts';
import type { Product } from '../../src/commerce/types.ts';
import { runAction } from '../../src/dialog/actions.ts';
import { PRODUCT, fakeCommerce } from './fake-commerce.ts';
import { testFlowSet } from './harness.ts';

const messages = testFlowSet().messages;

describe('templates', () => {
  const scope = {
    order: { id: '20261101', status: 'shipped', total: 80800, items: [{ name: { ko: '데님 팬츠', en: 'Denim Jeans' } }, { name: { ko: '티셔츠', en: 'Tee' } }] },
    sizes: ['S', 'M'],
  };

  it('renders paths, localized values and filters in the conversation’s language', () => {
    const ko = render('{{order.id}} {{order.status | status}} {{order.total | money}} {{order.items | names}} {{order.items.0.name}} {{sizes | list}} {{sizes | count}}', { locale: 'ko', scope, messages });
    expect(ko).toBe('20261101 배송 중 80,800원 데님 팬츠, 티셔츠 데님 팬츠 S, M 2');
    const en = render('{{order.status | status}} {{order.total | money}} {{order.items | names}}', { locale: 'en', scope, messages });
    expect(en).toBe('on its way ₩80,800 Denim Jeans, Tee');
  });

  it('prints nothing for a missing value, and keeps a whole-placeholder argument’s type', () => {
    expect(render('[{{order.carrier}}]', { locale: 'ko', scope, messages })).toBe('[]');
    expect(renderValue('{{order.total}}', { locale: 'ko', scope, messages })).toBe(80800);
    expect(renderValue('{{order}}', { locale: 'ko', scope, messages })).toEqual(scope.order);
  });

  it('formats calendar dates as written, without a time-zone shift', () => {
    expect(formatDate('2026-11-21', 'ko')).toBe('11월 21일(토)');
    expect(formatDate('2026-11-21T00:30:00+09:00', 'en')).toBe('Sat, Nov 21');
    expect(formatMoney(3000, 'ko')).toBe('3,000원');
  });

  it('picks the Korean particle by the last sound of the value', () => {
    expect(withParticle('와이드 데님 팬츠', '은는')).toBe('와이드 데님 팬츠는');
    expect(withParticle('숏 덕다운 패딩', '은는')).toBe('숏 덕다운 패딩은');
    expect(withParticle('블랙', '으로')).toBe('블랙으로');
    expect(withParticle('서울', '으로')).toBe('서울로');
    expect(withParticle('L', '으로')).toBe('L로');
    expect(withParticle('M', '을를')).toBe('M을');
    expect(withParticle('250', '이에요')).toBe('250이에요');
    expect(withParticle('RT1004', '이에요')).toBe('RT1004예요');
    expect(withParticle('신용카드 (현대카드)', '으로')).toBe('신용카드 (현대카드)로');
    expect(render('{{size | 이가}} {{missing | 이가}}', { locale: 'ko', scope: { size: 'XL' }, messages })).toBe('XL이 ');
  });

  it('lists the variables a template refers to', () => {
    expect(templateRefs('{{ order.id }} {{policy.fee | money}}')).toEqual([
      { path: ['order', 'id'], filter: null },
      { path: ['policy', 'fee'], filter: 'money' },
    ]);
  });
});

describe('conditions', () => {
  const scope = { order: { status: 'paid', items: [1, 2] }, confirm: false, size: '250', due: '2026-11-19', today: '2026-11-20' };
  it.each([
    [{ 'order.status': 'paid' }, true],
    [{ 'order.status': ['shipped', 'paid'] }, true],
    [{ 'order.status': { not: ['paid'] } }, false],
    [{ confirm: false }, true],
    [{ size: 250 }, true],
    [{ 'order.items': { gt: 1 } }, true],
    [{ 'order.items': { lte: 1 } }, false],
    [{ missing: { exists: false } }, true],
    [{ 'order.status': 'paid', confirm: true }, false],
    [{ due: { before: 'today' } }, true],
    [{ due: { after: '2026-11-18' } }, true],
    [{ missing: { before: 'today' } }, false],
  ] as const)('%j is %s', (condition, expected) => {
    expect(holds(condition as Parameters<typeof holds>[0], scope)).toBe(expected);
  });
});

describe('reading short answers', () => {
  const { cancel } = messages.commands;
  it('matches commands only as the whole reply', () => {
    expect(isPhrase('그만 할게요!', cancel)).toBe(true);
    expect(isPhrase('Never mind.', cancel)).toBe(true);
    expect(isPhrase('주문 취소해 주세요', cancel)).toBe(false);
  });

  it('finds bare numbers, and English words apart from sizes', () => {
    expect(bareNumbers('170에 65.5요')).toEqual([170, 65.5]);
    expect(hasEnglishWord('20261101')).toBe(false);
    expect(hasEnglishWord('XL')).toBe(false);
    expect(hasEnglishWord('free')).toBe(false);
    expect(hasEnglishWord('size XL please')).toBe(true);
  });

  it('splits a sentence into catalogue search words without particles', () => {
    expect(searchWords('니트 원피스는 재고 있어요? 250')).toEqual(['니트', '원피스', '재고', '있어']);
  });
});

describe('compiled flows', () => {
  it('knows the questions after which a flow only talks', () => {
    const flows = testFlowSet().flows;
    expect([...(flows.get('cancel')?.closingAsks ?? [])]).toEqual([]); // the confirmation leads to the cancellation
    expect([...(flows.get('fit')?.closingAsks ?? [])]).toEqual([]); // the weight leads to the recommendation
    expect([...(flows.get('pay')?.closingAsks ?? [])]).toEqual(['ask_problem']); // only a thank-you follows
  });
});

describe('return window', () => {
  const delivered = (deliveredAt: string) => ({ id: '1', status: 'delivered', items: [], deliveredAt });
  const ctx = (today: string) => ({ commerce: fakeCommerce(), customerId: 'c1', now: new Date(`${today}T12:00:00+09:00`), today });

  it('counts calendar days in the shop: delivered on the 13th with 7 days, the 20th is the last day', async () => {
    const lastDay = await runAction('check_return_window', { order: delivered('2026-11-13T15:00:00+09:00') }, ctx('2026-11-20'));
    expect(lastDay).toEqual({ outcome: 'ok', value: { window_days: 7, deadline: '2026-11-20', days_left: 0 } });
    const after = await runAction('check_return_window', { order: delivered('2026-11-13T15:00:00+09:00') }, ctx('2026-11-21'));
    expect(after.outcome).toBe('past_window');
  });

  it('answers not_delivered for an order on its way, and invalid for a wrong argument', async () => {
    expect((await runAction('check_return_window', { order: { id: '1', status: 'shipped', items: [] } }, ctx('2026-11-20'))).outcome).toBe('not_delivered');
    expect((await runAction('check_return_window', { order: 'x' }, ctx('2026-11-20'))).outcome).toBe('invalid');
  });
});

describe('size recommendation', () => {
  it('recommends the size both measurements fall in', () => {
    expect(recommendForBody(PRODUCT, 170, 60)).toMatchObject({ size: 'M', match: 'both' });
  });

  it('takes the larger size when height and weight disagree', () => {
    expect(recommendForBody(PRODUCT, 160, 70)).toMatchObject({ size: 'L', heightSize: 'S', weightSize: 'L', match: 'split' });
  });

  it('says when the shopper is outside the chart, with the nearest size', () => {
    expect(recommendForBody(PRODUCT, 195, 90)).toMatchObject({ size: 'L', match: 'outside' });
  });

  it('moves one size up for a product that runs small when the shopper is in the upper half of the range', () => {
    const runsSmall: Product = { ...PRODUCT, fit: 'small' };
    expect(recommendForBody(runsSmall, 172, 65)).toMatchObject({ size: 'L', chartSize: 'M', match: 'both', fitShift: 'up', row: { size: 'L' } });
    expect(recommendForBody(runsSmall, 167, 58)).toMatchObject({ size: 'M', chartSize: 'M', fitShift: 'none' });
  });

  it('moves one size down for a product that runs large when the shopper is in the lower half of the range', () => {
    const runsLarge: Product = { ...PRODUCT, fit: 'large' };
    expect(recommendForBody(runsLarge, 176, 70)).toMatchObject({ size: 'M', chartSize: 'L', fitShift: 'down' });
    expect(recommendForBody(runsLarge, 172, 65)).toMatchObject({ size: 'M', chartSize: 'M', fitShift: 'none' });
    expect(recommendForBody({ ...PRODUCT, fit: 'true' }, 172, 65)).toMatchObject({ size: 'M', fitShift: null });
  });

  it('accepts only the fits it knows in shop data', () => {
    expect(productSchema.safeParse({ ...PRODUCT, fit: 'small' }).success).toBe(true);
    const wrong = productSchema.safeParse({ ...PRODUCT, fit: 'tight' });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(['fit']);
  });

  it('never recommends a size the product does not offer', () => {
    expect(recommendForBody({ ...PRODUCT, fit: 'small' }, 183, 78)).toMatchObject({ size: 'L', fitShift: 'unavailable' });
    expect(recommendForBody({ ...PRODUCT, fit: 'large' }, 157, 47)).toMatchObject({ size: 'S', fitShift: 'unavailable' });
    // The chart still has an L row, but L is no longer sold.
    const noLarge: Product = { ...PRODUCT, sizes: ['S', 'M'] };
    expect(recommendForBody(noLarge, 183, 78)).toMatchObject({ size: 'M', match: 'outside' });
    expect(recommendForBody({ ...noLarge, fit: 'small' }, 172, 65)).toMatchObject({ size: 'M', fitShift: 'unavailable' });
  });

  it('picks the smallest shoe that fits the usual size, and has no answer without a chart', () => {
    const shoes: Product = { ...PRODUCT, sizes: ['240', '245', '250'], sizeChart: [{ size: '240', footLengthMm: 240 }, { size: '245', footLengthMm: 245 }, { size: '250', footLengthMm: 250 }] };
    expect(recommendForFoot(shoes, 243)).toMatchObject({ size: '245', match: 'exact' });
    expect(recommendForFoot(shoes, 260)).toMatchObject({ size: '250', match: 'outside' });
    expect(recommendForBody({ ...PRODUCT, sizeChart: [] }, 170, 60)).toBeNull();
  });
});
