// `daehwa eval`: cross-validation on the corpus and a run on the held-out file, for this
// project's NLU, its variants (Korean analysis, learner) and plain NLP.js, in the same run.
import type { Concept } from '../analysis/concepts.ts';
import { DEFAULT_CONCEPT_WEIGHT, DEFAULT_FEATURE_SPEC, withConcepts } from '../analysis/features.ts';
import type { KoreanAnalyzerName } from '../analysis/korean-analyzers.ts';
import { SOFTMAX_LEARNER } from '../model/learners.ts';
import type { DecisionSettings } from '../config.ts';
import type { Corpus } from '../corpus.ts';
import { acceptedIntent } from '../decision.ts';
import type { Locale } from '../types.ts';
import { groupedFolds, stratifiedFolds } from './folds.ts';
import { lexicalDiversity, paraphraseGroups, type DiversityRow } from './paraphrase.ts';
import type { HeldOutLine } from './heldout.ts';
import { chooseOperatingPoint, metrics, OPERATING_TOLERANCE, sweep, type JudgedLine, type Metrics, type SweepRow } from './metrics.ts';
import { daehwaSystem, nlpjsNeuralSystem, plainNlpjsSystem, type NluSystem, type TrainedSystem } from './systems.ts';

export interface SystemResult {
  name: string;
  /** What the row shows, for the report. */
  description: string;
  /** Seconds to train on the whole corpus. */
  trainSeconds: number;
  /** Milliseconds per classification on the held-out lines. */
  msPerLine: number;
  crossValidation: Metrics;
  /** Cross-validation whose folds never split a template group (see paraphrase.ts). */
  groupedCrossValidation: Metrics;
  heldOut: Metrics | null;
  /** The register held-out set (formal, angry, long, shorthand, typos; near-misses flagged). */
  register: Metrics | null;
  crossValidationSweep: SweepRow[];
  heldOutSweep: SweepRow[] | null;
  registerSweep: SweepRow[] | null;
}

export interface HeldOutSummary {
  file: string;
  lines: number;
  alsoInCorpus: number;
}

export interface EvalReport {
  generatedAt: string;
  corpus: { dir: string; hash: string; utterances: number; intents: number };
  heldOut: HeldOutSummary | null;
  register: HeldOutSummary | null;
  folds: number;
  /** Template groups the grouped folds keep together, and the corpus's lexical diversity. */
  templates: { groups: number; nearDuplicatePairs: number };
  diversity: DiversityRow[];
  decision: DecisionSettings;
  /** The operating point the shipped system's cross-validation sweep suggests (see chooseOperatingPoint). */
  suggestedDecision: { threshold: number; margin: number; tolerance: number } | null;
  /** The first system is the one models are trained with; the last, plain NLP.js. */
  systems: SystemResult[];
}

export interface EvalSystem {
  system: NluSystem;
  description: string;
}

/**
 * The systems compared: the shipped pipeline first (with the corpus's concept lexicon), plain
 * NLP.js last; each other one changes one thing of the shipped pipeline.
 */
export function defaultEvalSystems(concepts: readonly Concept[] = []): EvalSystem[] {
  const shipped = withConcepts(DEFAULT_FEATURE_SPEC, concepts);
  const full = (koreanAnalyzer: KoreanAnalyzerName) => ({ ...shipped, koreanAnalyzer });
  const wordsOnly = (koreanAnalyzer: KoreanAnalyzerName) => ({ ...full(koreanAnalyzer), koreanCharNgrams: null, latinCharNgrams: null });
  const conceptVariants: EvalSystem[] =
    concepts.length === 0
      ? []
      : [
          { system: daehwaSystem('no concept lexicon', DEFAULT_FEATURE_SPEC), description: 'the shipped pipeline without the concept features of intents/concepts/' },
          ...[0.1, 0.3].map((weight) => ({
            system: daehwaSystem(`concepts weighted ${weight}`, withConcepts(DEFAULT_FEATURE_SPEC, concepts, weight)),
            description: `the concept group at weight ${weight} instead of ${DEFAULT_CONCEPT_WEIGHT}`,
          })),
        ];
  return [
    { system: daehwaSystem('daehwa', shipped), description: 'shipped: our Korean analysis plus NLP.js lang-ko pieces, words + bigrams + char n-grams + concepts, one-vs-rest linear SVMs' },
    ...conceptVariants,
    { system: daehwaSystem('no spelling correction', shipped, undefined, false), description: 'the shipped pipeline without reading unknown English words as the known word one typo away' },
    { system: daehwaSystem('softmax regression', shipped, SOFTMAX_LEARNER), description: 'the shipped features into the earlier learner, multinomial logistic regression by SGD' },
    { system: daehwaSystem('our Korean analysis alone', full('daehwa')), description: 'same features and model, Korean words from our analysis only' },
    { system: daehwaSystem('garu-ko analysis', full('garu')), description: 'same, Korean words from garu-ko morphemes' },
    { system: daehwaSystem('NLP.js lang-ko analysis', full('nlpjs')), description: 'same, Korean words from the NLP.js lang-ko stemmer' },
    { system: daehwaSystem('words only, our analysis', wordsOnly('daehwa')), description: 'no char n-grams: the Korean analysis alone carries Korean' },
    { system: daehwaSystem('words only, garu-ko', wordsOnly('garu')), description: 'no char n-grams, garu-ko morphemes' },
    { system: daehwaSystem('words only, NLP.js lang-ko', wordsOnly('nlpjs')), description: 'no char n-grams, NLP.js lang-ko stems' },
    { system: nlpjsNeuralSystem('NLP.js NeuralNetwork, our features', shipped), description: "the shipped features into NLP.js's own NeuralNetwork instead of the SVMs" },
    { system: plainNlpjsSystem(), description: 'baseline: NLP.js defaults (lang-ko, lang-en, its 0.5 threshold), same data' },
  ];
}

export interface EvalOptions {
  corpus: Corpus;
  heldOut: { file: string; lines: HeldOutLine[] } | null;
  register?: { file: string; lines: HeldOutLine[] } | null;
  folds: number;
  decision: DecisionSettings;
  systems?: EvalSystem[];
  log?: (line: string) => void;
  now?: () => Date;
}

interface Line {
  text: string;
  gold: string;
  locale: Locale;
  mixed: boolean;
  nearMiss?: boolean;
}

const toLine = (l: HeldOutLine): Line => ({ text: l.text, gold: l.intent, locale: l.locale, mixed: l.mixed, nearMiss: l.nearMiss });

async function crossValidate(system: NluSystem, examples: { text: string; intent: string; locale: Locale }[], lines: Line[], fold: number[], folds: number, decision: DecisionSettings, log: (line: string) => void, label: string): Promise<JudgedLine[]> {
  const judged: JudgedLine[] = [];
  for (let k = 0; k < folds; k++) {
    log(`${system.name}: ${label} fold ${k + 1}/${folds}`);
    const trained = await system.train(examples.filter((_, i) => fold[i] !== k), ['ko', 'en']);
    judged.push(...(await judge(trained, system, lines.filter((_, i) => fold[i] === k), decision)));
  }
  return judged;
}

async function judge(trained: TrainedSystem, system: NluSystem, lines: Line[], decision: DecisionSettings): Promise<JudgedLine[]> {
  const judged: JudgedLine[] = [];
  for (const line of lines) {
    const prediction = await trained.predict(line.text, line.locale);
    const predicted = system.usesOurDecision ? acceptedIntent(prediction.ranked, decision) : (prediction.ownIntent ?? 'None');
    judged.push({ ...line, ranked: prediction.ranked, predicted });
  }
  return judged;
}

export async function runEvaluation(options: EvalOptions): Promise<EvalReport> {
  const { corpus, heldOut, folds, decision } = options;
  const register = options.register ?? null;
  const log = options.log ?? (() => {});
  const systems = options.systems ?? defaultEvalSystems(corpus.concepts);
  const examples = corpus.utterances.map((u) => ({ text: u.text, intent: u.intent, locale: u.locale }));
  const lines: Line[] = corpus.utterances.map((u) => ({ text: u.text, gold: u.intent, locale: u.locale, mixed: false }));
  const stratum = (u: { intent: string; locale: Locale }) => `${u.intent}/${u.locale}`;
  const fold = stratifiedFolds(corpus.utterances, folds, stratum);
  const templates = paraphraseGroups(corpus.utterances);
  const groupFold = groupedFolds(corpus.utterances, folds, stratum, (_, i) => templates.group[i] ?? i);
  const heldOutLines = (heldOut?.lines ?? []).map(toLine);
  const registerLines = (register?.lines ?? []).map(toLine);
  const results: SystemResult[] = [];
  for (const { system, description } of systems) {
    const cv = await crossValidate(system, examples, lines, fold, folds, decision, log, 'stratified');
    const grouped = await crossValidate(system, examples, lines, groupFold, folds, decision, log, 'grouped');
    log(`${system.name}: whole corpus, held-out`);
    const started = performance.now();
    const trained = await system.train(examples, ['ko', 'en']);
    const trainSeconds = (performance.now() - started) / 1000;
    const classifyStarted = performance.now();
    const held = heldOut ? await judge(trained, system, heldOutLines, decision) : null;
    const msPerLine = held && held.length > 0 ? (performance.now() - classifyStarted) / held.length : 0;
    const registered = register ? await judge(trained, system, registerLines, decision) : null;
    results.push({
      name: system.name,
      description,
      trainSeconds,
      msPerLine,
      crossValidation: metrics(cv),
      groupedCrossValidation: metrics(grouped),
      heldOut: held ? metrics(held) : null,
      register: registered ? metrics(registered) : null,
      crossValidationSweep: sweep(cv),
      heldOutSweep: held ? sweep(held) : null,
      registerSweep: registered ? sweep(registered) : null,
    });
  }
  const corpusTexts = new Set(corpus.utterances.map((u) => u.text.trim().toLowerCase()));
  const summary = (set: { file: string; lines: HeldOutLine[] } | null): HeldOutSummary | null =>
    set ? { file: set.file, lines: set.lines.length, alsoInCorpus: set.lines.filter((l) => corpusTexts.has(l.text.trim().toLowerCase())).length } : null;
  return {
    generatedAt: (options.now ?? (() => new Date()))().toISOString(),
    corpus: { dir: corpus.dir, hash: corpus.hash, utterances: corpus.utterances.length, intents: corpus.intents.length },
    heldOut: summary(heldOut),
    register: summary(register),
    folds,
    templates: { groups: new Set(templates.group).size, nearDuplicatePairs: templates.nearDuplicatePairs.length },
    diversity: lexicalDiversity(corpus.utterances, templates),
    decision,
    suggestedDecision: suggest(results[0]),
    systems: results,
  };
}

function suggest(shipped: SystemResult | undefined): EvalReport['suggestedDecision'] {
  const point = shipped ? chooseOperatingPoint(shipped.crossValidationSweep) : undefined;
  return point ? { threshold: point.threshold, margin: point.margin, tolerance: OPERATING_TOLERANCE } : null;
}
