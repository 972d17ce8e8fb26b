import { describe, expect, it } from 'vitest';
import { extractAllEntities, extractEntities } from '../../src/nlu/entities/index.ts';
import { extractMoney, koreanAmount } from '../../src/nlu/entities/money.ts';
import type { Money } from '../../src/nlu/entities/kinds.ts';
import { extractLetterSizes, extractShoeSizes } from '../../src/nlu/entities/sizes.ts';

const NOW = new Date('2025-03-10T12:00:00+09:00');

function amounts(text: string): [Money, string][] {
  return extractMoney(text).map((e) => {
    expect(e.type).toBe('money');
    expect(text.slice(e.start, e.end)).toBe(e.text);
    return [e.value, e.text];
  });
}

const krw = (amount: number): Money => ({ amount, currency: 'KRW' });
const usd = (amount: number): Money => ({ amount, currency: 'USD' });

describe('won', () => {
  it.each([
    ['35,000원 결제했어요', 35_000, '35,000원'],
    ['35000원이요', 35_000, '35000원'],
    ['3만5천원', 35_000, '3만5천원'],
    ['3만 5천 원이 빠져나갔어요', 35_000, '3만 5천 원'],
    ['만원 할인 쿠폰', 10_000, '만원'],
    ['만 원', 10_000, '만 원'],
    ['12만원짜리 코트', 120_000, '12만원'],
    ['3.5만원', 35_000, '3.5만원'],
    ['3만5000원', 35_000, '3만5000원'],
    ['1억2천만원', 120_000_000, '1억2천만원'],
    ['오천원만 더 내면 돼요?', 5_000, '오천원'],
    ['삼만오천원', 35_000, '삼만오천원'],
    ['십이만원', 120_000, '십이만원'],
    ['배송비 3,000원인데', 3_000, '3,000원'],
    ['배송비 0원', 0, '0원'],
    ['10만원대 패딩', 100_000, '10만원'],
    ['₩35,000', 35_000, '₩35,000'],
    ['₩ 35000', 35_000, '₩ 35000'],
    ['￦35,000원', 35_000, '￦35,000원'],
    ['KRW 35000', 35_000, 'KRW 35000'],
    ['krw35,000', 35_000, 'krw35,000'],
    ['35000 KRW', 35_000, '35000 KRW'],
    ['a 35,000 won cardigan', 35_000, '35,000 won'],
  ])('%s', (text, amount, span) => {
    expect(amounts(text)).toEqual([[krw(amount), span]]);
  });

  it('reads each amount of a sentence, the unit grammar included', () => {
    expect(amounts('49,000원이 두 번 청구돼서 98,000원 나갔어요')).toEqual([
      [krw(49_000), '49,000원'],
      [krw(98_000), '98,000원'],
    ]);
    // A range: only the amount that carries the currency.
    expect(amounts('1~2만원 정도')).toEqual([[krw(20_000), '2만원']]);
  });

  it('computes Korean place values', () => {
    expect(koreanAmount('3만5천')).toBe(35_000);
    expect(koreanAmount('만')).toBe(10_000);
    expect(koreanAmount('천만')).toBe(10_000_000);
    expect(koreanAmount('5천만')).toBe(50_000_000);
    expect(koreanAmount('1억')).toBe(100_000_000);
    expect(koreanAmount('2백')).toBe(200);
    expect(koreanAmount('35,000')).toBe(35_000);
  });
});

describe('dollars', () => {
  it.each([
    ['$25.50', 25.5, '$25.50'],
    ['it was $25', 25, '$25'],
    ['$ 25', 25, '$ 25'],
    ['$1,200.00', 1_200, '$1,200.00'],
    ['US$12', 12, 'US$12'],
    ['$25 USD', 25, '$25 USD'],
    ['USD 25', 25, 'USD 25'],
    ['usd25.5', 25.5, 'usd25.5'],
    ['25 USD', 25, '25 USD'],
    ['25 dollars', 25, '25 dollars'],
    ['25.50 dollars', 25.5, '25.50 dollars'],
    ['1 dollar', 1, '1 dollar'],
    ['10 bucks', 10, '10 bucks'],
    ['25달러', 25, '25달러'],
    ['25 달러', 25, '25 달러'],
    ['25불이요', 25, '25불'],
    ['금액은$25였어요', 25, '$25'],
  ])('%s', (text, amount, span) => {
    expect(amounts(text)).toEqual([[usd(amount), span]]);
  });
});

describe('what is not money', () => {
  it.each([
    // Numbers without a currency: order numbers, counts, sizes, dates.
    '35000',
    '주문번호 20240311 배송 언제 와요',
    'order #25 arrived',
    'order 2024031587',
    '2개 주문할게요',
    '3만보 걸었어요',
    '5천 개',
    // Words that begin with 원 or 불.
    '원피스 2벌',
    '55 원피스',
    '천 원단',
    '팀의 일원이에요',
    '한 벌만 원해요',
    '2 불량이에요',
    '3불편해요',
    // Questions about an amount.
    '무배 기준 몇 만원?',
    '몇천 원짜리',
    '수십만원 들었어요',
    // Malformed amounts and other currencies.
    '35000.5원',
    '1,2345원',
    '$25.555',
    '€25',
    '25 euros',
    '¥3000',
    'I won 3 items',
    'I won',
  ])('%s', (text) => {
    expect(amounts(text)).toEqual([]);
  });
});

describe('money among the other entities', () => {
  const types = (text: string) => extractAllEntities(text, 'ko', NOW).map((e) => [e.type, e.text]);

  it('is returned by extractAllEntities next to the others', () => {
    expect(types('2개 3만원에 샀어요')).toEqual([
      ['quantity', '2개'],
      ['money', '3만원'],
    ]);
    expect(types('주문번호 2024031587 환불 35,000원 언제 돼요')).toEqual([
      ['order_number', '2024031587'],
      ['money', '35,000원'],
    ]);
  });

  it('wins its span over an order number, a size or a shoe size', () => {
    // Alone, the size extractors would read these.
    expect(extractLetterSizes('55,000원이에요').map((e) => e.value)).toEqual(['55']);
    expect(extractShoeSizes('250 dollars').map((e) => e.value)).toEqual([250]);
    expect(types('55,000원이에요')).toEqual([['money', '55,000원']]);
    expect(types('250 dollars')).toEqual([['money', '250 dollars']]);
    expect(types('₩240,000')).toEqual([['money', '₩240,000']]);
    // Cued, "35000" would be an order number; with 원 it is an amount.
    expect(types('주문 35000원 결제했어요')).toEqual([['money', '35000원']]);
    expect(types('주문 35000 확인해 주세요')).toEqual([['order_number', '35000']]);
  });

  it('is a contract entity with its amount as the value and its currency beside it, taking its span from the others', () => {
    expect(extractEntities('55,000원이에요', 'ko', NOW)).toEqual([{ type: 'money', value: 55000, currency: 'KRW', text: '55,000원', start: 0, end: 7 }]);
    expect(extractEntities('44,000원짜리 원피스 2벌', 'ko', NOW).map((e) => [e.type, e.value])).toEqual([['money', 44000], ['quantity', 2]]);
  });
});
