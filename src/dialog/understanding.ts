// Reading a reply in the context of the question just asked: commands, yes/no, bare numbers.
// The NLU classifies sentences; these helpers cover the short answers it has no context for.

import type { Phrases } from './schema.ts';

/**
 * Normalised texts, remembered: a turn normalises the same choice labels, phrases and words several
 * times over, and shoppers send the same lines again and again. Emptied when full.
 */
const normalised = new Map<string, string>();
const MAX_NORMALISED = 10_000;

/** Lowercase, without spaces or punctuation: "그만 할게요!" and "그만할게요" compare equal. */
export function normalize(text: string): string {
  let n = normalised.get(text);
  if (n === undefined) {
    n = text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
    if (normalised.size >= MAX_NORMALISED) normalised.clear();
    normalised.set(text, n);
  }
  return n;
}

/** Each phrase list normalised once: the lists come from the flow set and do not change. */
const normalisedPhrases = new WeakMap<Phrases, ReadonlySet<string>>();

/** The whole utterance is one of the phrases (in either language: shoppers mix them). */
export function isPhrase(text: string, phrases: Phrases): boolean {
  const n = normalize(text);
  if (n.length === 0) return false;
  let known = normalisedPhrases.get(phrases);
  if (!known) normalisedPhrases.set(phrases, (known = new Set([...phrases.ko, ...phrases.en].map(normalize))));
  return known.has(n);
}

/** Numbers written in the reply, in order ("170에 65요" -> [170, 65]). */
export function bareNumbers(text: string): number[] {
  return [...text.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
}

/**
 * Whether the reply has an English word in it: three or more Latin letters that are not a size
 * ("M", "XL", "free"). Order numbers and sizes say nothing about the language the shopper writes in.
 */
export function hasEnglishWord(text: string): boolean {
  const words = text.match(/[a-z]{3,}/gi) ?? [];
  return words.some((w) => !/^x*[sl]$/i.test(w) && w.toLowerCase() !== 'free');
}
