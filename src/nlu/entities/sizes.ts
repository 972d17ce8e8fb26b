// Garment and shoe sizes: letter sizes, Korean women's sizes (44-88), shoe sizes in millimetres
// (220-300) or US sizes, and waist sizes in inches.
import type { Entity } from '../types.ts';
import { collect, inRange, LATIN_AFTER, LATIN_BEFORE, NUMBER_AFTER, NUMBER_BEFORE } from './match.ts';

const LETTER_SIZES: Record<string, string> = { xxs: 'XS', xs: 'XS', s: 'S', m: 'M', l: 'L', xl: 'XL', xxl: 'XXL', '2xl': 'XXL' };

// Two or more letters (XS, XL, XXL, 2XL) are sizes wherever they stand.
const MULTI_LETTER = new RegExp(`${LATIN_BEFORE}(xxs|xs|xxl|2xl|xl)${LATIN_AFTER}`, 'giu');
// A lone S/M/L is a size when written in capitals, next to "size"/"사이즈", or with a Korean particle.
const SINGLE_LETTER = new RegExp(
  `(?<![\\p{L}\\p{N}'’])(?:(?<cue>size|사이즈)\\s*)?(?<letter>[sml])(?:(?=\\s*(?:size|사이즈))|${LATIN_AFTER})(?<particle>으로|로|이|가|은|는|을|를|도|요|이요|만|말고|에서)?`,
  'giu',
);
// Sizes spelt as words: "미디움으로", "in medium", "라지 사이즈". "too small" and "a bit large" say how
// an item fits, not which size is wanted, so a degree word before the English ones rules them out.
// Keyed without spaces or hyphens: "x-large", "x large" and "xlarge" are one word.
const SIZE_WORDS: Record<string, string> = {
  스몰: 'S', 스말: 'S', 미디움: 'M', 미디엄: 'M', 미듐: 'M', 라지: 'L', 엑스라지: 'XL', 엑라: 'XL', 투엑스라지: 'XXL',
  small: 'S', medium: 'M', med: 'M', large: 'L', xlarge: 'XL', extralarge: 'XL', extrasmall: 'XS', xsmall: 'XS',
};
const wordKey = (word: string) => word.toLowerCase().replace(/[\s-]+/g, '');
const SIZE_WORD = new RegExp(
  `(?<!(?:too|so|very|bit|little|kinda|of|way|much|more|less|slightly|quite|pretty|rather)\\s+)(?<![\\p{L}\\p{N}])(${Object.keys(SIZE_WORDS)
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/^(x|extra)(?=[a-z])/, '$1[\\s-]?'))
    .join('|')})(?![a-z])`,
  'giu',
);
const FREE_SIZE = /(프리\s*사이즈|프리|free\s*size|one\s*size|원\s*사이즈)/giu;
const WOMENS_SIZE = new RegExp(`${NUMBER_BEFORE}(44|55|66|77|88)(?:\\s*반)?${NUMBER_AFTER}(?!\\s*(?:키로|킬로|kg|cm|센|인치|inch|개|일|월|세|살|%|원|mm|lbs?|pounds?|번|호))`, 'giu');
const SHOE_MM = new RegExp(`${NUMBER_BEFORE}(2[2-9]\\d|300)(?:\\s*(mm|밀리))?${NUMBER_AFTER}(?!\\s*(?:lbs?|pounds?|kg|키로|킬로|cm|센|원|개|일|%))`, 'giu');
const US_SHOE = /(?<![\p{L}\p{N}])(?:(us|미국)\s*(?:size|사이즈)?\s*(w(?:omen'?s)?|여성|men'?s|남성)?\s*(\d{1,2}(?:\.5)?)|(women'?s|men'?s)\s*(?:us\s*)?(\d{1,2}(?:\.5)?)\s*(?:us)?)(?![\p{N}])/giu;
const WAIST = /(?:(허리|waist)\s*(?:사이즈|size|가|는|은)?\s*(\d{2})(?:\s*(?:인치|inch(?:es)?|in\b|"))?|(?<![\p{N}.])(\d{2})\s*(?:인치|inch(?:es)?|"))/giu;

export function extractLetterSizes(text: string): Entity[] {
  const multi = collect(text, MULTI_LETTER, 'size', (m) => LETTER_SIZES[(m[1] ?? '').toLowerCase()]);
  const single = collect(text, SINGLE_LETTER, 'size', (m) => {
    const letter = m.groups?.letter ?? '';
    const marked = m.groups?.cue || m.groups?.particle || /\s*(size|사이즈)/i.test(text.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 8));
    return marked || letter === letter.toUpperCase() ? LETTER_SIZES[letter.toLowerCase()] : undefined;
  }).map((e) => {
    // The span is the letter alone, not its cue or particle.
    const offset = e.text.search(/[sml](?=[^a-z]*$)/i);
    return { ...e, text: e.text.slice(offset, offset + 1), start: e.start + offset, end: e.start + offset + 1 };
  });
  const words = collect(text, SIZE_WORD, 'size', (m) => SIZE_WORDS[wordKey(m[1] ?? '')]);
  const free = collect(text, FREE_SIZE, 'size', () => 'FREE');
  const womens = collect(text, WOMENS_SIZE, 'size', (m) => m[1]);
  return [...multi, ...single, ...words, ...free, ...womens];
}

function usToMillimetres(us: number, womens: boolean): number {
  // US men's 9 is 270 mm, women's 7 is 240 mm; each full size is 10 mm.
  return womens ? 240 + (us - 7) * 10 : 270 + (us - 9) * 10;
}

export function extractShoeSizes(text: string): Entity[] {
  const mm = collect(text, SHOE_MM, 'shoe_size', (m) => {
    const value = Number(m[1]);
    // Korean shoe sizes go in 5 mm steps; 233 is not a shoe size.
    return value % 5 === 0 ? value : undefined;
  });
  const us = collect(text, US_SHOE, 'shoe_size', (m) => {
    const gender = (m[2] ?? m[4] ?? '').toLowerCase();
    const size = Number(m[3] ?? m[5]);
    const womens = gender.startsWith('w') || gender === '여성';
    return inRange(usToMillimetres(size, womens), 200, 320);
  });
  return [...mm, ...us];
}

export function extractWaists(text: string): Entity[] {
  return collect(text, WAIST, 'waist', (m) => inRange(Number(m[2] ?? m[3]), 24, 40));
}
