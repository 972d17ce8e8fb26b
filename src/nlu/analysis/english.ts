// English word analysis: contractions spelled out, then NLP.js's Porter stemmer, which is sound
// for English (unlike its Korean counterpart) so we reuse it rather than write another.
import { StemmerEn } from '@nlpjs/lang-en-min';

const stemmer = new StemmerEn();

const CONTRACTIONS: Record<string, string[]> = {
  "won't": ['will', 'not'],
  "can't": ['can', 'not'],
  "i'm": ['i', 'am'],
  "let's": ['let', 'us'],
};
const SUFFIX_CONTRACTIONS: [string, string][] = [
  ["n't", 'not'],
  ["'re", 'are'],
  ["'ve", 'have'],
  ["'ll", 'will'],
  ["'d", 'would'],
  ["'s", 'is'],
  ["'m", 'am'],
];

function expandContraction(word: string): string[] {
  const whole = CONTRACTIONS[word];
  if (whole) return whole;
  for (const [suffix, expansion] of SUFFIX_CONTRACTIONS) {
    if (word.endsWith(suffix) && word.length > suffix.length) return [word.slice(0, -suffix.length), expansion];
  }
  return word.split("'").filter(Boolean);
}

/** Analyses one run of Latin letters (already lowercased): its stemmed words. */
export function analyzeEnglishRun(run: string): string[] {
  return expandContraction(run).map((w) => stemmer.stemWord(w));
}
