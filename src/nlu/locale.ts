import type { Locale } from './types.ts';

// Hangul syllables, compatibility jamo (ㅋㅋ, ㄱㄴ) and conjoining jamo.
const HANGUL = /[\uAC00-\uD7A3\u3131-\u318E\u1100-\u11FF]/u;

/**
 * Chooses the locale from the script: any Hangul means Korean, since Korean shoppers mix in
 * English words ("refund 언제 돼요?") far more often than English shoppers type Hangul.
 */
export function detectLocale(text: string): Locale {
  return HANGUL.test(text) ? 'ko' : 'en';
}

export function hasHangul(text: string): boolean {
  return HANGUL.test(text);
}
