// Turns a text into the sparse features the model learns from: analysed words, word bigrams
// and character n-grams. Character n-grams over the Hangul with spaces removed make Korean
// robust to spacing slips ("배송조회" = "배송 조회") and typos; on Latin words they catch
// inflections the stemmer misses, and across the space between two Latin words they catch
// short phrases and the first and last word ("what's my ..."), as the Hangul ones do for Korean.
import { z } from 'zod';
import { normalizeText, splitScripts } from './normalize.ts';
import { analyzeEnglishRun } from './english.ts';
import { analyzeKoreanRun, isFunctionWord } from './korean.ts';

const range = z.tuple([z.number().int().min(1), z.number().int().min(1)]).nullable();

export const featureSpecSchema = z.object({
  /** Which Korean word analysis produced the word features (see analysis/korean-analyzers.ts). */
  koreanAnalyzer: z.string(),
  wordBigrams: z.boolean(),
  /** n-gram sizes over the Hangul of the whole text with spaces removed; null: none. */
  koreanCharNgrams: range,
  /** n-gram sizes within each Latin word, marked with its boundaries; null: none. */
  latinCharNgrams: range,
  /** n-gram sizes over the Latin words joined by spaces, only those that span a space; null: none. */
  latinCrossWordNgrams: range,
});
export type FeatureSpec = z.infer<typeof featureSpecSchema>;

export const DEFAULT_FEATURE_SPEC: FeatureSpec = {
  koreanAnalyzer: 'daehwa+nlpjs',
  wordBigrams: true,
  koreanCharNgrams: [1, 3],
  latinCharNgrams: [2, 5],
  latinCrossWordNgrams: [3, 5],
};

/** Splits a run of Hangul into content words. */
export type KoreanWordAnalyzer = (run: string) => string[];

export const daehwaKoreanAnalyzer: KoreanWordAnalyzer = analyzeKoreanRun;

/** A text's features; each group is scaled to unit length so long texts do not dominate. */
export type FeatureVector = Map<string, number>;

// Indexes by UTF-16 unit: normalised text keeps only letters and digits, all in the BMP in practice.
function charNgrams(text: string, [min, max]: [number, number], prefix: string, out: string[]): void {
  for (let n = min; n <= max; n++) {
    for (let i = 0; i + n <= text.length; i++) out.push(prefix + text.slice(i, i + n));
  }
}

// The n-grams of " word word ... " that contain a space: word pairs' joins and the text's edges.
function crossWordNgrams(words: string[], [min, max]: [number, number], out: string[]): void {
  if (words.length === 0) return;
  const text = ` ${words.join(' ')} `;
  // From 2: a 1-gram holding a space is the space alone.
  for (let n = Math.max(min, 2); n <= max; n++) {
    for (let i = 0; i + n <= text.length; i++) {
      const gram = text.slice(i, i + n);
      if (gram.includes(' ')) out.push(`x:${gram}`);
    }
  }
}

function addGroup(vector: FeatureVector, keys: string[], weight: number): void {
  const unique = new Set(keys);
  if (unique.size === 0) return;
  const value = weight / Math.sqrt(unique.size);
  for (const key of unique) vector.set(key, value);
}

export class Featurizer {
  constructor(
    readonly spec: FeatureSpec,
    private readonly korean: KoreanWordAnalyzer,
  ) {}

  /** The analysed words of a text, in order (numbers reduced to their digit count). */
  words(text: string): { words: string[]; hangul: string; latin: string[] } {
    const words: string[] = [];
    const latin: string[] = [];
    let hangul = '';
    for (const token of normalizeText(text).split(' ')) {
      splitScripts(token).forEach((run, i) => {
        if (run.script === 'hangul') {
          hangul += run.text;
          // A particle glued to a size or number ("M으로", "170에") is no word of its own.
          if (i === 0 || !isFunctionWord(run.text)) words.push(...this.korean(run.text));
        } else if (run.script === 'latin') {
          latin.push(run.text);
          words.push(...analyzeEnglishRun(run.text));
        } else if (run.script === 'digit') {
          words.push(`#${run.text.length}`);
        } else {
          words.push(run.text);
        }
      });
    }
    return { words, hangul, latin };
  }

  features(text: string): FeatureVector {
    const vector: FeatureVector = new Map();
    const { words, hangul, latin } = this.words(text);
    addGroup(vector, words.map((w) => `w:${w}`), 1);
    if (this.spec.wordBigrams) {
      const bigrams: string[] = [];
      for (let i = 1; i < words.length; i++) bigrams.push(`b:${words[i - 1]}|${words[i]}`);
      addGroup(vector, bigrams, 1);
    }
    const chars: string[] = [];
    if (this.spec.koreanCharNgrams) charNgrams(hangul, this.spec.koreanCharNgrams, 'k:', chars);
    if (this.spec.latinCharNgrams) for (const w of latin) charNgrams(`<${w}>`, this.spec.latinCharNgrams, 'l:', chars);
    addGroup(vector, chars, 1);
    // A group of its own: phrases weigh as much as spellings, however many of either a text has.
    if (this.spec.latinCrossWordNgrams) {
      const crossWord: string[] = [];
      crossWordNgrams(latin, this.spec.latinCrossWordNgrams, crossWord);
      addGroup(vector, crossWord, 1);
    }
    if (vector.size === 0) vector.set('empty', 1);
    return vector;
  }
}
