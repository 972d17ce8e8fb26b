// The Korean word analyses the eval compares (reports/nlu-eval.md, "Systems"):
// - daehwa: our particle and ending stripper (analysis/korean.ts);
// - garu: garu-ko's morphological analyser (npm, WASM), content morphemes only;
// - nlpjs: NLP.js's lang-ko tokenizer and stemmer;
// - daehwa+nlpjs: both, the lang-ko pieces marked apart: the one models use. lang-ko's stems are
//   wrong as linguistics (사이즈가 -> 사이 / 즈 / 흘러가) but consistent, and its dictionary splits
//   compounds; as extra features they measured best in cross-validation.
import { daehwaKoreanAnalyzer, type KoreanWordAnalyzer } from './features.ts';

export const KOREAN_ANALYZERS = ['daehwa', 'garu', 'nlpjs', 'daehwa+nlpjs'] as const;
export type KoreanAnalyzerName = (typeof KOREAN_ANALYZERS)[number];

// Sejong tags that carry meaning: nouns, verb and adjective stems, roots, adverbs, foreign words.
const CONTENT_TAGS = new Set(['NNG', 'NNP', 'NNB', 'NR', 'NP', 'VV', 'VA', 'VX', 'XR', 'MAG', 'MM', 'IC', 'SL', 'SN', 'VCN']);

interface GaruToken {
  text: string;
  pos: string;
}
interface GaruLike {
  analyze(text: string): { tokens: GaruToken[] } | { tokens: GaruToken[] }[];
}

async function loadGaru(): Promise<KoreanWordAnalyzer> {
  let module: { Garu: { load(): Promise<GaruLike> } };
  try {
    module = (await import('garu-ko')) as unknown as typeof module;
  } catch {
    throw new Error("the 'garu' Korean analyser needs the garu-ko package: npm install -D garu-ko");
  }
  const garu = await module.Garu.load();
  return (run) => {
    const result = garu.analyze(run);
    const tokens = Array.isArray(result) ? (result[0]?.tokens ?? []) : result.tokens;
    return tokens.filter((t) => CONTENT_TAGS.has(t.pos)).map((t) => t.text);
  };
}

async function nlpjsAnalyzer(): Promise<KoreanWordAnalyzer> {
  const { StemmerKo } = await import('@nlpjs/lang-ko');
  const stemmer = new StemmerKo();
  // lang-ko builds its dictionary (conjugating every verb) on its first call, which takes 0.3-0.6 s:
  // here, while the model loads, rather than in the first Korean shopper's turn.
  stemmer.tokenizeAndStem('주문', false);
  return (run) => stemmer.tokenizeAndStem(run, false);
}

async function combinedAnalyzer(): Promise<KoreanWordAnalyzer> {
  const nlpjs = await nlpjsAnalyzer();
  return (run) => [...daehwaKoreanAnalyzer(run), ...nlpjs(run).map((w) => `lk:${w}`)];
}

export async function loadKoreanAnalyzer(name: string): Promise<KoreanWordAnalyzer> {
  switch (name) {
    case 'daehwa':
      return daehwaKoreanAnalyzer;
    case 'garu':
      return loadGaru();
    case 'nlpjs':
      return nlpjsAnalyzer();
    case 'daehwa+nlpjs':
      return combinedAnalyzer();
    default:
      throw new Error(`unknown Korean analyser '${name}' (known: ${KOREAN_ANALYZERS.join(', ')})`);
  }
}
