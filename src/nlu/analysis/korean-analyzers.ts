// The Korean word analyses the eval compares (reports/nlu-eval.md, "Korean analysis"):
// - daehwa: our particle and ending stripper (analysis/korean.ts), the one models use;
// - garu: garu-ko's morphological analyser (npm, WASM), content morphemes only;
// - nlpjs: NLP.js's lang-ko tokenizer and stemmer.
import { StemmerKo } from '@nlpjs/lang-ko';
import { daehwaKoreanAnalyzer, type KoreanWordAnalyzer } from './features.ts';

export const KOREAN_ANALYZERS = ['daehwa', 'garu', 'nlpjs'] as const;
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

function nlpjsAnalyzer(): KoreanWordAnalyzer {
  const stemmer = new StemmerKo();
  return (run) => stemmer.tokenizeAndStem(run, false);
}

export async function loadKoreanAnalyzer(name: string): Promise<KoreanWordAnalyzer> {
  switch (name) {
    case 'daehwa':
      return daehwaKoreanAnalyzer;
    case 'garu':
      return loadGaru();
    case 'nlpjs':
      return nlpjsAnalyzer();
    default:
      throw new Error(`unknown Korean analyser '${name}' (known: ${KOREAN_ANALYZERS.join(', ')})`);
  }
}
