// Colours in Korean and English, normalised to one lowercase English name.
import type { Entity } from '../types.ts';
import { collect, KOREAN_AFTER, LATIN_AFTER, LATIN_BEFORE } from './match.ts';

const COLOURS: Record<string, string[]> = {
  black: ['검정색', '검은색', '검정', '검은', '까만색', '까만', '블랙', 'black'],
  white: ['흰색', '하얀색', '하얀', '화이트', '흰', 'white'],
  navy: ['네이비', '남색', 'navy'],
  gray: ['회색', '그레이', '차콜', 'gray', 'grey', 'charcoal'],
  beige: ['베이지', 'beige'],
  ivory: ['아이보리', 'ivory', 'cream', '크림'],
  red: ['빨간색', '빨강', '빨간', '레드', 'red'],
  // Denim washes and the shades shoppers name them by, before plain blue.
  'light blue': ['연청', '연청색', 'light wash', 'light denim', 'light blue', '연한 파랑'],
  'dark blue': ['진청', '진청색', 'dark wash', 'dark denim', 'dark blue', '진한 파랑', 'raw denim'],
  blue: ['파란색', '파랑', '파란', '블루', '하늘색', 'blue', 'sky blue'],
  green: ['초록색', '초록', '녹색', '그린', 'green'],
  khaki: ['카키', 'khaki', 'olive', '올리브'],
  yellow: ['노란색', '노랑', '노란', '옐로우', '옐로', 'yellow'],
  pink: ['분홍색', '분홍', '핑크', 'pink'],
  purple: ['보라색', '보라', '퍼플', 'purple'],
  brown: ['갈색', '브라운', '카멜', 'brown', 'camel'],
  orange: ['주황색', '주황', '오렌지', 'orange'],
  mint: ['민트', 'mint'],
  silver: ['은색', '실버', 'silver'],
  gold: ['금색', '골드', 'gold'],
};

const CANONICAL = new Map<string, string>();
for (const [name, aliases] of Object.entries(COLOURS)) for (const alias of aliases) CANONICAL.set(alias, name);

function alternation(words: string[]): string {
  return words
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/ /g, '\\s*'))
    .join('|');
}

const aliases = [...CANONICAL.keys()];
const KOREAN = new RegExp(`(?<![\\uAC00-\\uD7A3])(${alternation(aliases.filter((a) => /[가-힣]/.test(a)))})(?:(?=색|컬러|계열|톤)|${KOREAN_AFTER})`, 'gu');
const ENGLISH = new RegExp(`${LATIN_BEFORE}(${alternation(aliases.filter((a) => /^[a-z ]+$/.test(a)))})${LATIN_AFTER}`, 'giu');

export function extractColours(text: string): Entity[] {
  const read = (m: RegExpMatchArray) => CANONICAL.get((m[1] ?? '').toLowerCase().replace(/\s+/g, ' '));
  return [...collect(text, KOREAN, 'color', read), ...collect(text, ENGLISH, 'color', read)];
}
