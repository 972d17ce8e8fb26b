// Money amounts in won and US dollars: "35,000원", "3만5천원", "3만 5천 원", "만원", "12만원",
// "오천원", "₩35,000", "KRW 35000", "35,000 won", "$25.50", "US$25", "25 dollars", "USD 25", "25달러",
// "25불". The value is { amount, currency } in major units (25.5 for $25.50); won have no minor
// unit, so a KRW amount must be whole ("3.5만원" is 35000; "35000.5원" is not read).
// A currency is required, before or after the number: a bare number (35000, an order number,
// 20240311) is never money. Other currencies (€, ¥, £, euros) are not read.
import type { Currency, Money, MoneyEntity } from './kinds.ts';
import { collect, LATIN_AFTER, NUMBER_AFTER, NUMBER_BEFORE, withoutOverlaps } from './match.ts';

// A number as written, with or without thousands separators (35,000 / 35000 / 3.5).
const DIGITS = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
// Dollars take at most two decimals.
const CENTS_DIGITS = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?`;
const HANGUL_DIGITS: Record<string, number> = { 일: 1, 이: 2, 삼: 3, 사: 4, 오: 5, 육: 6, 칠: 7, 팔: 8, 구: 9 };
const UNITS: Record<string, number> = { 십: 10, 백: 100, 천: 1_000, 만: 10_000, 억: 100_000_000 };

// Korean place-value amounts: 3만5천, 3만 5천, 12만, 만, 3.5만, 1억2천만, 3만5000, 오천, 삼만오천, 십이만.
// A Hangul digit counts only joined to a unit (오천, not 오): "팀의 일원" is no money. Nor is a
// question ("몇 만원?", "몇천 원").
const GROUP = String.raw`(?:(?:${DIGITS})\s*|[일이삼사오육칠팔구])?[십백천만억]`;
const KOREAN_AMOUNT = String.raw`(?:${GROUP}\s*)+(?:${DIGITS})?|${DIGITS}`;
// Words that begin with 원 or 불 but say no amount: 원피스, 원단, 원래, 원산지, 원사이즈 ...; 불량, 불가능, 불편 ...
const NOT_WON = '피스|단|래|산지|사이즈|룸|본|형|칙|리|조|작|숭이';
const NOT_DOLLAR = '량|가능|편|친절|필요|합격|포함|법';
const KOREAN = new RegExp(
  String.raw`(?:${NUMBER_BEFORE}(?=\d)|(?<![가-힣\p{N}.,])(?<!몇\s*)(?=[일이삼사오육칠팔구십백천만억]))(${KOREAN_AMOUNT})\s*(?:(원)(?!${NOT_WON})|(달러)|(불)(?!${NOT_DOLLAR}))`,
  'gu',
);

// A sign or code before the number, with the same currency repeated after it or not: $25.50,
// US$25, $25 USD, USD 25, ₩35,000, ₩35,000원, KRW 35000. Hangul may stand right before: "금액은$25".
const PREFIXED = new RegExp(
  String.raw`(?<![A-Za-z\p{N}$₩￦])(?:(US\s?\$|\$|USD)\s*(${CENTS_DIGITS})${NUMBER_AFTER}(?:\s*(?:USD|dollars?)(?![A-Za-z]))?|(₩|￦|KRW)\s*(${DIGITS})${NUMBER_AFTER}(?:\s*(?:KRW|won(?![A-Za-z])|원(?!${NOT_WON})))?)`,
  'giu',
);
// A code or word after the number: 25 dollars, 25.50 USD, 10 bucks, 35000 KRW, 35,000 won.
const SUFFIXED = new RegExp(String.raw`${NUMBER_BEFORE}(${DIGITS})\s*(usd|dollars?|bucks|krw|won)${LATIN_AFTER}`, 'giu');

function plainNumber(written: string): number {
  return Number(written.replace(/,/g, ''));
}

/** The value of a Korean place-value amount: 3만5천 = 35000, 1억2천만 = 120000000, 만 = 10000. */
export function koreanAmount(written: string): number | undefined {
  let total = 0;
  let section = 0; // below 만
  let pending: number | undefined;
  for (const [, digits, hangul, unit] of written.matchAll(/(\d[\d,]*(?:\.\d+)?)|([일이삼사오육칠팔구])|([십백천만억])/gu)) {
    if (digits !== undefined || hangul !== undefined) {
      if (pending !== undefined) return undefined;
      pending = digits !== undefined ? plainNumber(digits) : HANGUL_DIGITS[hangul ?? ''];
      continue;
    }
    const size = UNITS[unit ?? ''];
    if (size === undefined) return undefined;
    if (size < 10_000) {
      section += (pending ?? 1) * size;
    } else {
      section += pending ?? 0;
      total += (section || 1) * size;
      section = 0;
    }
    pending = undefined;
  }
  return total + section + (pending ?? 0);
}

/** A whole number of won, or dollars rounded to the cent; undefined for anything else. */
function money(amount: number | undefined, currency: Currency): Money | undefined {
  if (amount === undefined || !Number.isFinite(amount) || amount < 0) return undefined;
  if (currency === 'USD') return { amount: Math.round(amount * 100) / 100, currency };
  const won = Math.round(amount);
  // 3.5만 is 35000 (give or take the float); 35000.5원 is not an amount of won.
  return Math.abs(amount - won) < 1e-6 ? { amount: won, currency } : undefined;
}

function currencyOf(word: string): Currency {
  return /^(?:krw|won|₩|￦)$/i.test(word) ? 'KRW' : 'USD';
}

export function extractMoney(text: string): MoneyEntity[] {
  // Each pattern needs its currency word or sign; a plain substring test is cheaper than the pattern.
  const latin = /usd|krw|dollar|buck|won/i.test(text);
  return withoutOverlaps([
    ...(/원|달러|불/.test(text) ? collect(text, KOREAN, 'money', (m) => money(koreanAmount(m[1] ?? ''), m[2] === undefined ? 'USD' : 'KRW')) : []),
    ...(latin || /[$₩￦]/.test(text)
      ? collect(text, PREFIXED, 'money', (m) => (m[1] !== undefined ? money(plainNumber(m[2] ?? ''), 'USD') : money(plainNumber(m[4] ?? ''), 'KRW')))
      : []),
    ...(latin ? collect(text, SUFFIXED, 'money', (m) => money(plainNumber(m[1] ?? ''), currencyOf(m[2] ?? ''))) : []),
  ]);
}
