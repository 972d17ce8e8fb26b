// Quantities: "2개", "두 개", "한 벌", "하나만", "two", "3 pairs".
import type { Entity } from '../types.ts';
import { collect, COUNTER_AFTER, KOREAN_AFTER, LATIN_AFTER, LATIN_BEFORE, NUMBER_BEFORE } from './match.ts';

// Native Korean numerals as they stand before a counter (한 개, 두 벌).
const KOREAN_BEFORE_COUNTER: Record<string, number> = { 한: 1, 두: 2, 세: 3, 네: 4, 다섯: 5, 여섯: 6, 일곱: 7, 여덟: 8, 아홉: 9, 열: 10 };
// The same numerals standing alone (하나만, 둘 다).
const KOREAN_ALONE: Record<string, number> = { 하나: 1, 둘: 2, 셋: 3, 넷: 4 };
const ENGLISH_NUMBERS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };

const KOREAN_COUNTERS = '개|벌|장|켤레|족|박스|상자|세트|묶음|팩|병|매';
const ENGLISH_COUNTERS = 'items?|pieces?|pcs|pairs?|units?|sets?|packs?|boxes|box|of them|more';

const DIGIT_COUNTER = new RegExp(`${NUMBER_BEFORE}(\\d{1,3})\\s*(?:${KOREAN_COUNTERS})${COUNTER_AFTER}|${NUMBER_BEFORE}(\\d{1,3})\\s*(?:${ENGLISH_COUNTERS})${LATIN_AFTER}|(?:qty|quantity|수량)\\s*(?:은|:|is)?\\s*(\\d{1,3})|${LATIN_BEFORE}x\\s*(\\d{1,2})${LATIN_AFTER}`, 'giu');
const KOREAN_WORD_COUNTER = new RegExp(`(?<![가-힣])(${Object.keys(KOREAN_BEFORE_COUNTER).join('|')})\\s*(?:${KOREAN_COUNTERS})${COUNTER_AFTER}`, 'gu');
const KOREAN_WORD_ALONE = new RegExp(`(?<![가-힣])(${Object.keys(KOREAN_ALONE).join('|')})(?=\\s*다|${KOREAN_AFTER})`, 'gu');
// "one" is too often a pronoun ("this one"): only with a counter. "two".."ten" stand alone.
const ENGLISH_WORD = new RegExp(`${LATIN_BEFORE}(?:(one)\\s+(?:${ENGLISH_COUNTERS})|(two|three|four|five|six|seven|eight|nine|ten))${LATIN_AFTER}`, 'giu');

export function extractQuantities(text: string): Entity[] {
  return [
    ...collect(text, DIGIT_COUNTER, 'quantity', (m) => {
      const n = Number(m[1] ?? m[2] ?? m[3] ?? m[4]);
      return n > 0 ? n : undefined;
    }),
    ...collect(text, KOREAN_WORD_COUNTER, 'quantity', (m) => KOREAN_BEFORE_COUNTER[m[1] ?? '']),
    ...collect(text, KOREAN_WORD_ALONE, 'quantity', (m) => KOREAN_ALONE[m[1] ?? '']),
    ...collect(text, ENGLISH_WORD, 'quantity', (m) => ENGLISH_NUMBERS[(m[1] ?? m[2] ?? '').toLowerCase()]),
  ];
}
