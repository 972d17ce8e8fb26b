// Shop concepts as features: a trainer lists the words and phrases that mean one thing
// ("refund": 환불, 환급, reimbursement, money back), and every text that names any of them gets the
// concept's feature. The model learns what "refund" means for an intent from all the lines that
// use one of its words, so a synonym no training line uses still counts ("chargeback", "취소금액").
// The lexicon itself is read and checked by nlu/concepts.ts; this file only matches it.
import { z } from 'zod';
import { normalizeText } from './normalize.ts';
import { analyzeEnglishRun } from './english.ts';

export const conceptSchema = z.object({
  name: z.string().min(1),
  /** Intents the concept points to: offered as "did you mean" when a text naming it is not understood. */
  intents: z.array(z.string()),
  /** Hangul words and phrases (matched inside the text with its spaces removed). */
  ko: z.array(z.string()),
  /** Latin words and phrases (matched as stemmed word sequences). */
  en: z.array(z.string()),
});
export type Concept = z.infer<typeof conceptSchema>;

/** One word or phrase of the lexicon in the form it is matched: Hangul without spaces, or stems. */
export type ConceptTerm = { script: 'hangul'; text: string } | { script: 'latin'; stems: string[] };

const HANGUL_ONLY = /^[\uAC00-\uD7A3\u3131-\u318E]+$/u;
const LATIN_WORDS = /^[a-z']+( [a-z']+)*$/;

/**
 * The matchable form of a lexicon entry, or why it has none. Korean entries are written in Hangul
 * and English ones in Latin letters: the locale of a message does not choose them, its script does.
 */
export function conceptTerm(entry: string, locale: 'ko' | 'en'): ConceptTerm | { problem: string } {
  const normal = normalizeText(entry);
  if (locale === 'ko') {
    const text = normal.replace(/ /g, '');
    if (!HANGUL_ONLY.test(text)) return { problem: `'${entry}' is not Hangul: Korean concept words are written in Hangul (Latin words go under en)` };
    if ([...text].length < 2) return { problem: `'${entry}' is one syllable: it would match inside unrelated words; write a longer word or phrase` };
    return { script: 'hangul', text };
  }
  if (!LATIN_WORDS.test(normal)) return { problem: `'${entry}' is not a Latin word or phrase: English concept words are written in Latin letters` };
  const stems = normal.split(' ').flatMap(analyzeEnglishRun);
  if (stems.length === 0) return { problem: `'${entry}' has no word to match` };
  return { script: 'latin', stems };
}

/** Finds the concepts a text names; built once per model. */
export class ConceptMatcher {
  /** [Hangul without spaces, concept index]. */
  readonly #hangul: [string, number][] = [];
  /** First stem -> [all stems, concept index]. */
  readonly #latin = new Map<string, [string[], number][]>();

  constructor(readonly concepts: readonly Concept[]) {
    concepts.forEach((concept, index) => {
      for (const locale of ['ko', 'en'] as const) {
        for (const entry of concept[locale]) {
          const term = conceptTerm(entry, locale);
          if ('problem' in term) continue; // the lexicon reader reports it; a stored model holds only sound entries
          if (term.script === 'hangul') this.#hangul.push([term.text, index]);
          else {
            const first = term.stems[0] as string;
            const list = this.#latin.get(first) ?? [];
            list.push([term.stems, index]);
            this.#latin.set(first, list);
          }
        }
      }
    });
  }

  /**
   * Calls `found` with the index of each concept named, in lexicon order of discovery (a concept
   * may come more than once). `hangul` is the text's Hangul with spaces removed, `koreanStems` its
   * analysed Korean words joined (so "돈을 돌려받고" meets "돈돌려받"), `latinStems` its English stems.
   */
  match(hangul: string, koreanStems: string, latinStems: readonly string[], found: (concept: number) => void): void {
    if (hangul.length > 0) {
      for (const [text, concept] of this.#hangul) {
        if (hangul.includes(text) || koreanStems.includes(text)) found(concept);
      }
    }
    for (let i = 0; i < latinStems.length; i++) {
      const candidates = this.#latin.get(latinStems[i] as string);
      if (!candidates) continue;
      for (const [stems, concept] of candidates) {
        if (stems.every((s, k) => latinStems[i + k] === s)) found(concept);
      }
    }
  }
}
