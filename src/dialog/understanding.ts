// Reading a reply in the context of the question just asked: commands, yes/no, bare numbers.
// The NLU classifies sentences; these helpers cover the short answers it has no context for.

import type { Phrases } from './schema.ts';

/** Lowercase, without spaces or punctuation: "그만 할게요!" and "그만할게요" compare equal. */
export function normalize(text: string): string {
  return text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** The whole utterance is one of the phrases (in either language: shoppers mix them). */
export function isPhrase(text: string, phrases: Phrases): boolean {
  const n = normalize(text);
  return n.length > 0 && [...phrases.ko, ...phrases.en].some((p) => normalize(p) === n);
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
