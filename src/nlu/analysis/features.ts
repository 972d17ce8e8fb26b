// Turns a text into the sparse features the model learns from: analysed words, word bigrams
// and character n-grams. Character n-grams over the Hangul with spaces removed make Korean
// robust to spacing slips ("배송조회" = "배송 조회") and typos; on Latin words they catch
// inflections the stemmer misses, and across the space between two Latin words they catch
// short phrases and the first and last word ("what's my ..."), as the Hangul ones do for Korean.
import { z } from 'zod';
import { normalizeText, splitScripts } from './normalize.ts';
import { analyzeEnglishRun } from './english.ts';
import { analyzeKoreanRun, isFunctionWord } from './korean.ts';
import { ConceptMatcher, conceptSchema, type Concept } from './concepts.ts';
import { knownLatinStems, SpellingCorrector } from './spelling.ts';

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
  /** The trainers' concept lexicon (intents/concepts/) and the weight of its group; null: none. */
  concepts: z.object({ weight: z.number().positive(), lexicon: z.array(conceptSchema) }).nullable(),
});
export type FeatureSpec = z.infer<typeof featureSpecSchema>;

export const DEFAULT_FEATURE_SPEC: FeatureSpec = {
  koreanAnalyzer: 'daehwa+nlpjs',
  wordBigrams: true,
  koreanCharNgrams: [1, 3],
  latinCharNgrams: [2, 5],
  latinCrossWordNgrams: [3, 5],
  concepts: null,
};

/** The weight of the concept group beside the others' 1 (chosen by `npm run eval`). */
export const DEFAULT_CONCEPT_WEIGHT = 0.2;

/** `spec` with the concept lexicon as a feature group (or without one, for an empty lexicon). */
export function withConcepts(spec: FeatureSpec, lexicon: readonly Concept[], weight = DEFAULT_CONCEPT_WEIGHT): FeatureSpec {
  return { ...spec, concepts: lexicon.length > 0 ? { weight, lexicon: [...lexicon] } : null };
}

/** Splits a run of Hangul into content words. */
export type KoreanWordAnalyzer = (run: string) => string[];

export const daehwaKoreanAnalyzer: KoreanWordAnalyzer = analyzeKoreanRun;

/** A text's features; each group is scaled to unit length so long texts do not dominate. */
export type FeatureVector = Map<string, number>;

/** What a feature key starts with: its group's kind (words, bigrams, Korean, Latin, cross-word n-grams, concepts). */
export const FEATURE_PREFIXES = ['w:', 'b:', 'k:', 'l:', 'x:', 'c:'] as const;
export type FeaturePrefix = (typeof FEATURE_PREFIXES)[number];
/** The one feature of a text with no other: a model learns a score for "nothing to read". */
export const EMPTY_FEATURE = 'empty';

/**
 * Receives a text's feature keys, group by group, in a fixed order: a key is its prefix followed
 * by a word, a bigram or an n-gram of a source text. A key may come more than once within a
 * group; it counts once. A sink that only looks keys up need not build the n-gram strings.
 */
export interface FeatureSink {
  key(prefix: FeaturePrefix, key: string): void;
  /** The n-grams of `source` listed by `forEachNgram`. */
  ngrams(prefix: FeaturePrefix, source: string, min: number, max: number, spanningOnly: boolean): void;
  /** Ends a group: its keys each get `weight` / sqrt(its number of distinct keys). */
  endGroup(weight: number): void;
}

/**
 * The bounds of the n-grams of `source`, n from `min` to `max`, shortest first, then by position;
 * with `spanningOnly`, only the n-grams that contain a space. Indexes by UTF-16 unit: normalised
 * text keeps only letters and digits, all in the BMP in practice.
 */
export function forEachNgram(source: string, min: number, max: number, spanningOnly: boolean, visit: (start: number, end: number) => void): void {
  for (let n = min; n <= max; n++) {
    for (let i = 0; i + n <= source.length; i++) {
      if (spanningOnly) {
        const space = source.indexOf(' ', i);
        if (space < 0 || space >= i + n) continue;
      }
      visit(i, i + n);
    }
  }
}

/** Builds the FeatureVector: the form training and the eval use. */
class VectorSink implements FeatureSink {
  readonly vector: FeatureVector = new Map();
  #group: string[] = [];

  key(prefix: FeaturePrefix, key: string): void {
    this.#group.push(prefix + key);
  }

  ngrams(prefix: FeaturePrefix, source: string, min: number, max: number, spanningOnly: boolean): void {
    forEachNgram(source, min, max, spanningOnly, (start, end) => this.#group.push(prefix + source.slice(start, end)));
  }

  endGroup(weight: number): void {
    const unique = new Set(this.#group);
    this.#group = [];
    if (unique.size === 0) return;
    const value = weight / Math.sqrt(unique.size);
    for (const key of unique) this.vector.set(key, value);
  }
}

/**
 * Word analyses remembered per run of letters: shoppers reuse their words, and lang-ko's analysis
 * is the slowest step of a classification. Emptied when full, to bound its memory.
 */
const MAX_REMEMBERED_RUNS = 10_000;

export class Featurizer {
  /** Hangul and Latin runs never share a letter, so one map serves both. */
  readonly #analysedRuns = new Map<string, readonly string[]>();
  readonly #concepts: ConceptMatcher | null;

  constructor(
    readonly spec: FeatureSpec,
    private readonly korean: KoreanWordAnalyzer,
    private readonly spelling: SpellingCorrector | null = null,
  ) {
    this.#concepts = spec.concepts ? new ConceptMatcher(spec.concepts.lexicon) : null;
  }

  /**
   * The same analysis for a trained model: English words it has no feature for are read as its
   * word one typo away (analysis/spelling.ts). Training texts are all known, so their features
   * are the same either way.
   */
  correctingTo(vocabulary: readonly string[]): Featurizer {
    return new Featurizer(this.spec, this.korean, new SpellingCorrector(knownLatinStems(vocabulary)));
  }

  #analysed(run: string, analyse: (run: string) => readonly string[]): readonly string[] {
    let words = this.#analysedRuns.get(run);
    if (words === undefined) {
      if (this.#analysedRuns.size >= MAX_REMEMBERED_RUNS) this.#analysedRuns.clear();
      words = analyse(run);
      this.#analysedRuns.set(run, words);
    }
    return words;
  }

  /**
   * The analysed words of a text, in order (numbers reduced to their digit count), with its
   * Hangul (spaces removed), its Korean stems joined, its Latin words and their stems.
   */
  words(text: string): { words: string[]; hangul: string; koreanStems: string; latin: string[]; latinStems: string[] } {
    const words: string[] = [];
    const latin: string[] = [];
    const latinStems: string[] = [];
    let hangul = '';
    let koreanStems = '';
    for (const token of normalizeText(text).split(' ')) {
      splitScripts(token).forEach((run, i) => {
        if (run.script === 'hangul') {
          hangul += run.text;
          // A particle glued to a size or number ("M으로", "170에") is no word of its own.
          if (i === 0 || !isFunctionWord(run.text)) {
            for (const word of this.#analysed(run.text, this.korean)) {
              words.push(word);
              if (!word.startsWith('~')) koreanStems += word;
            }
          }
        } else if (run.script === 'latin') {
          latin.push(run.text);
          for (const analysed of this.#analysed(run.text, analyzeEnglishRun)) {
            const stem = this.spelling ? this.spelling.correct(analysed) : analysed;
            words.push(stem);
            latinStems.push(stem);
          }
        } else if (run.script === 'digit') {
          words.push(`#${run.text.length}`);
        } else {
          words.push(run.text);
        }
      });
    }
    return { words, hangul, koreanStems, latin, latinStems };
  }

  /** The names of the lexicon's concepts a text names, each once, in lexicon order. */
  concepts(text: string): string[] {
    if (!this.#concepts) return [];
    const { hangul, koreanStems, latinStems } = this.words(text);
    const found = new Set<number>();
    this.#concepts.match(hangul, koreanStems, latinStems, (c) => found.add(c));
    return [...found].sort((a, b) => a - b).map((c) => this.#concepts?.concepts[c]?.name ?? '');
  }

  features(text: string): FeatureVector {
    const sink = new VectorSink();
    this.visit(text, sink);
    if (sink.vector.size === 0) sink.vector.set(EMPTY_FEATURE, 1);
    return sink.vector;
  }

  /** Hands a text's feature keys to `sink`, group by group (see FeatureSink). */
  visit(text: string, sink: FeatureSink): void {
    const { words, hangul, koreanStems, latin, latinStems } = this.words(text);
    const { wordBigrams, koreanCharNgrams, latinCharNgrams, latinCrossWordNgrams, concepts } = this.spec;
    for (const word of words) sink.key('w:', word);
    sink.endGroup(1);
    if (wordBigrams) {
      for (let i = 1; i < words.length; i++) sink.key('b:', `${words[i - 1]}|${words[i]}`);
      sink.endGroup(1);
    }
    if (koreanCharNgrams) sink.ngrams('k:', hangul, koreanCharNgrams[0], koreanCharNgrams[1], false);
    if (latinCharNgrams) for (const w of latin) sink.ngrams('l:', `<${w}>`, latinCharNgrams[0], latinCharNgrams[1], false);
    sink.endGroup(1);
    // A group of its own: phrases weigh as much as spellings, however many of either a text has.
    if (latinCrossWordNgrams) {
      // The n-grams of " word word ... " that contain a space: word pairs' joins and the text's
      // edges. From 2: a 1-gram holding a space is the space alone.
      if (latin.length > 0) sink.ngrams('x:', ` ${latin.join(' ')} `, Math.max(latinCrossWordNgrams[0], 2), latinCrossWordNgrams[1], true);
      sink.endGroup(1);
    }
    const matcher = this.#concepts;
    if (matcher && concepts) {
      matcher.match(hangul, koreanStems, latinStems, (c) => sink.key('c:', matcher.concepts[c]?.name ?? ''));
      sink.endGroup(concepts.weight);
    }
  }
}
