// Loose matching of what shoppers type against the catalogue: product names in either language
// regardless of spacing ("데님팬츠" = "데님 팬츠"), and sizes and colours as written in English or
// Korean ("black" = "블랙", "250mm" = "250", "m" = "M").

import type { Product } from './types.ts';

/** Lower case, NFC, no spaces or punctuation: "Wide-Leg Denim" and "wideleg denim" compare equal. */
export function normalizeTerm(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Terms per catalogue entry, read once: the catalogue's products are the same objects from one search to the next. */
const termsOf = new WeakMap<Product, string[]>();

function searchTerms(product: Product): string[] {
  let terms = termsOf.get(product);
  if (!terms) {
    terms = [product.name.ko, product.name.en, ...(product.keywords ?? [])].map(normalizeTerm).filter((t) => t.length >= 2);
    termsOf.set(product, terms);
  }
  return terms;
}

/** A query word matches a term either way round, so Korean particles ("청바지는") still match. */
function wordMatches(word: string, terms: string[]): boolean {
  return terms.some((term) => term.includes(word) || word.includes(term));
}

/**
 * "트랜치" for 트렌치, "스니거즈" for 스니커즈: a Korean word of three or more syllables that differs
 * from a name or keyword, or from the start of one, in one syllable only.
 */
export function oneSyllableOff(word: string, term: string): boolean {
  if (word.length < 3 || term.length < word.length || /[a-z0-9]/.test(word)) return false;
  let differences = 0;
  for (let i = 0; i < word.length && differences <= 1; i += 1) if (word[i] !== term[i]) differences += 1;
  return differences === 1;
}

/**
 * Products whose names or keywords match the query, best first: the whole query matching one
 * name outranks matching some of its words. Words shorter than two characters are ignored
 * (they match too much).
 */
export function searchProducts(products: readonly Product[], query: string): Product[] {
  const whole = normalizeTerm(query);
  if (whole.length < 2) return [];
  const words = query.split(/\s+/).map(normalizeTerm).filter((w) => w.length >= 2);
  const allTerms = products.map(searchTerms);
  // The words some product's terms match as written; the others may be a typo of one ("트랜치"),
  // which only a Korean word of three syllables or more can be (see oneSyllableOff).
  const known: string[] = [];
  const typos: string[] = [];
  for (const word of words) {
    if (allTerms.some((terms) => wordMatches(word, terms))) known.push(word);
    else if (word.length >= 3 && !/[a-z0-9]/.test(word)) typos.push(word);
  }
  const scored: { product: Product; score: number }[] = [];
  for (let i = 0; i < products.length; i++) {
    const terms = allTerms[i] as string[];
    let score = wordMatches(whole, terms) ? words.length + 1 : 0;
    for (const word of known) if (wordMatches(word, terms)) score++;
    for (const word of typos) if (terms.some((t) => oneSyllableOff(word, t))) score++;
    if (score > 0) scored.push({ product: products[i] as Product, score });
  }
  // A stable sort: products of equal score keep the catalogue's order.
  return scored.sort((a, b) => b.score - a.score).map((s) => s.product);
}

// The English names of the colours the shop sells, for shoppers who type them in English.
const COLOR_NAMES_EN: Readonly<Record<string, readonly string[]>> = {
  블랙: ['black'],
  화이트: ['white'],
  네이비: ['navy'],
  그레이: ['grey', 'gray'],
  베이지: ['beige'],
  아이보리: ['ivory', 'off white', 'offwhite'],
  차콜: ['charcoal'],
  카키: ['khaki'],
  브라운: ['brown'],
  카멜: ['camel'],
  버건디: ['burgundy'],
  오트밀: ['oatmeal'],
  연청: ['light wash', 'light blue'],
  진청: ['dark wash', 'dark blue'],
  스카이블루: ['sky blue', 'light blue', 'blue'],
  플라워네이비: ['navy floral', 'floral navy'],
  플라워아이보리: ['ivory floral', 'floral ivory'],
};

/** The product's own spelling of a colour the shopper named, or undefined when it does not sell it. */
export function matchColor(product: Product, wanted: string): string | undefined {
  const w = normalizeTerm(wanted);
  return product.colors.find((color) => {
    const names = [color, ...(COLOR_NAMES_EN[color] ?? [])].map(normalizeTerm);
    return names.includes(w);
  });
}

/** Whether a text that shows a colour in the shop's spelling ("M/화이트") shows the one the shopper named ("white", "흰색" read as white). */
export function showsColor(text: string, wanted: string): boolean {
  const w = normalizeTerm(wanted);
  return Object.entries(COLOR_NAMES_EN).some(([color, names]) => text.includes(color) && [color, ...names].map(normalizeTerm).includes(w));
}

/** The product's own spelling of a size: case-insensitive, "250mm" for shoe size "250". */
export function matchSize(product: Product, wanted: string): string | undefined {
  const w = normalizeTerm(wanted).replace(/mm$/, '');
  return product.sizes.find((size) => normalizeTerm(size) === w);
}
