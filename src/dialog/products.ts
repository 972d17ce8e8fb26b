// Which product a shopper means ("와이드 데님 팬츠 사이즈 추천해 주세요"). The catalogue search
// finds candidates; the one whose name or keywords cover most words of the sentence wins. A tie
// ("패딩" fits two parkas) is not guessed: the candidates are offered as choices.

import { oneSyllableOff } from '../commerce/matching.ts';
import type { CommercePort, Product } from '../commerce/types.ts';
import { normalize } from './understanding.ts';

const MAX_CANDIDATES = 4;
// Particles and endings glued onto Korean nouns in a question ("셔츠는", "원피스요").
const KOREAN_ENDINGS = /(?:이에요|에서|으로|이요|은|는|이|가|을|를|로|의|에|도|만|요)$/u;

// Words that come before a product name without describing it ("아니 ...", "그거 말고 ...").
const NOT_DESCRIBING: ReadonlySet<string> = new Set(['아니', '아니요', '아뇨', '말고', '그거', '이거', '저거', '혹시', '그럼', '근데', '그냥', '저희', '제가', '저는']);

export type ProductMatch =
  | { id: string }
  | {
      candidates: { id: string; name: { ko: string; en: string } }[];
      /** The product phrase the shopper typed ("린넨 셔츠") when part of it matches no product: the candidates are only the closest. */
      unmatched?: string;
    }
  | null;

export async function resolveProduct(commerce: CommercePort, text: string): Promise<ProductMatch> {
  let found: Product[];
  try {
    const result = await commerce.findProducts(text.trim());
    if (!result.ok) return null;
    found = result.value;
  } catch {
    return null; // the question is asked again; an outage shows up at the lookup that follows
  }
  const words = searchWords(text);
  const scores = coverageWithTypos(found, words);
  const scored = found.map((product, i) => ({ product, score: scores[i] ?? 0 }));
  const best = Math.max(0, ...scored.map((s) => s.score));
  const top = scored.filter((s) => s.score === best && best > 0).map((s) => s.product);
  if (top.length === 0) return null;
  const unmatched = unmatchedPhrase(text, top);
  const [only] = top;
  if (only && top.length === 1 && !unmatched) return { id: only.id };
  // A phrase the catalogue lacks: offer what its known word names exactly ("셔츠" is a shirt, not a T-shirt).
  const closest = unmatched ? closestByExactWord(top, words) : top;
  return { candidates: closest.slice(0, MAX_CANDIDATES).map((p) => ({ id: p.id, name: p.name })), ...(unmatched ? { unmatched } : {}) };
}

/**
 * Which of the products `ids` the text names ("그 바지" in an order of jeans and a T-shirt), when
 * it names exactly one of them best; undefined otherwise.
 */
export async function productAmong(commerce: CommercePort, text: string, ids: readonly string[]): Promise<string | undefined> {
  const words = searchWords(text);
  if (words.length === 0 || ids.length === 0) return undefined;
  let found: Product[];
  try {
    const result = await commerce.findProducts(text.trim());
    if (!result.ok) return undefined;
    found = result.value.filter((p) => ids.includes(p.id));
  } catch {
    return undefined; // the question is asked as usual
  }
  const scores = coverageWithTypos(found, words);
  const scored = found.map((p, i) => ({ id: p.id, score: scores[i] ?? 0 })).filter((s) => s.score > 0);
  const best = Math.max(0, ...scored.map((s) => s.score));
  const top = scored.filter((s) => s.score === best);
  return top.length === 1 ? top[0]?.id : undefined;
}

/**
 * "린넨 셔츠": a catalogue word right after a word no product has. Only the one word before counts:
 * Korean puts what describes a product just before it, and further back is the rest of the sentence.
 */
function unmatchedPhrase(text: string, products: readonly Product[]): string | undefined {
  const raw = text.split(/[\s\p{P}\p{S}]+/u);
  for (let i = 1; i < raw.length; i += 1) {
    const [word] = searchWords(raw[i] ?? '');
    const [before] = searchWords(raw[i - 1] ?? '');
    if (!word || !before || !/^\p{Script=Hangul}+$/u.test(before) || NOT_DESCRIBING.has(before)) continue;
    const known = (w: string) => products.some((p) => coverage(p, [w], true) > 0);
    if (known(word) && !known(before)) return `${raw[i - 1]} ${raw[i]?.replace(KOREAN_ENDINGS, '')}`;
  }
  return undefined;
}

/** The products one of whose names or keywords is exactly a word of the sentence, or all of them when none is. */
function closestByExactWord(products: readonly Product[], words: readonly string[]): Product[] {
  const exact = products.filter((p) => [p.name.ko, p.name.en, ...(p.keywords ?? [])].some((t) => words.includes(normalize(t))));
  return exact.length > 0 ? exact : [...products];
}

/**
 * Each candidate's coverage of the words, where a word no candidate contains as written may be one syllable off
 * ("트랜치 코트"): "청바지" names the jeans, and is never read as a typo for 면바지.
 */
function coverageWithTypos(candidates: readonly Product[], words: readonly string[]): number[] {
  const loose = words.filter((w) => !candidates.some((c) => coverage(c, [w]) > 0));
  return candidates.map((product) => coverage(product, words) + (loose.length > 0 ? coverage(product, loose, true) : 0));
}

interface NameTerms {
  names: readonly string[];
  /** The names, normalised. */
  terms: readonly string[];
  /** The words of the names, lower case, two letters or more. */
  englishWords: readonly string[];
}

/** A product's names read once per product and name: a turn scores every candidate, often more than once. */
const nameTermsById = new Map<string, NameTerms>();
const MAX_REMEMBERED_PRODUCTS = 10_000;

function nameTerms(product: Product): NameTerms {
  const names = [product.name.ko, product.name.en, ...(product.keywords ?? [])];
  const known = nameTermsById.get(product.id);
  // A shop may rename a product while the engine runs: the names are compared, not trusted.
  if (known && known.names.length === names.length && known.names.every((n, i) => n === names[i])) return known;
  const read: NameTerms = {
    names,
    terms: names.map(normalize),
    englishWords: names.flatMap((n) => n.toLowerCase().split(/[\s\p{P}\p{S}]+/u)).filter((t) => t.length >= 2),
  };
  if (nameTermsById.size >= MAX_REMEMBERED_PRODUCTS) nameTermsById.clear();
  nameTermsById.set(product.id, read);
  return read;
}

/** How many of the sentence's words the product's names and keywords contain (`typos`: or one syllable off). */
function coverage(product: Product, words: readonly string[], typos = false): number {
  // English words match whole words of a name, or their start ("shirts", "hood"): "the" is not in "leather".
  const { terms, englishWords } = nameTerms(product);
  const contains = (w: string) =>
    /[a-z]/.test(w)
      ? englishWords.some((t) => t.startsWith(w) || (w.startsWith(t) && t.length >= 3))
      : terms.some((t) => t.includes(w) || (w.length >= 3 && w.includes(t) && t.length >= 2) || (typos && oneSyllableOff(w, t)));
  return words.filter(contains).length;
}

export function searchWords(text: string): string[] {
  const words = text
    .split(/[\s\p{P}\p{S}]+/u)
    .map((w) => normalize(w.replace(KOREAN_ENDINGS, '')))
    .filter((w) => (/[a-z]/.test(w) ? w.length >= 3 : w.length >= 2) && !/\d/.test(w));
  return [...new Set(words)];
}
