// The NLU systems the eval and the benchmark compare, behind one interface: train on labelled
// texts, then rank intents for a text with real scores (so thresholds can be swept afterwards).
import { NeuralNetwork, type FeatureBag } from '@nlpjs/neural';
import { DEFAULT_FEATURE_SPEC, Featurizer, type FeatureSpec } from '../analysis/features.ts';
import { loadKoreanAnalyzer } from '../analysis/korean-analyzers.ts';
import type { LearnerSpec } from '../model/learners.ts';
import { SparseFeatureEncoder } from '../model/sparse-features.ts';
import { trainPipeline, type LabelledText } from '../train.ts';
import { LOCALES, type Locale } from '../types.ts';

export interface Ranked {
  intent: string;
  score: number;
}

export interface Prediction {
  /** Every intent with its real score, best first. */
  ranked: Ranked[];
  /** The system's own answer when it has one of its own (plain NLP.js's threshold at 0.5). */
  ownIntent?: string;
}

export interface TrainedSystem {
  predict(text: string, locale: Locale): Promise<Prediction>;
}

export interface NluSystem {
  name: string;
  /** Decided by our threshold and margin (true), or by the system's own rule (false). */
  usesOurDecision: boolean;
  train(examples: LabelledText[], locales: readonly Locale[]): Promise<TrainedSystem>;
}

function rank(labels: readonly string[], scores: ArrayLike<number>): Ranked[] {
  return labels.map((intent, i) => ({ intent, score: scores[i] ?? 0 })).sort((a, b) => b.score - a.score);
}

/**
 * This project's pipeline: our analysis and features, a linear model (the shipped learner by
 * default), and unknown English words read as the model's word one typo away unless `spelling` is false.
 */
export function daehwaSystem(name: string, spec: FeatureSpec = DEFAULT_FEATURE_SPEC, learner?: LearnerSpec, spelling = true): NluSystem {
  return {
    name,
    usesOurDecision: true,
    async train(examples) {
      const { featurizer, model } = await trainPipeline(examples, { features: spec, learner });
      // The path the shipped classifier takes (the same scores as model.score of the feature map).
      const { vocabulary } = model.parameters;
      const features = new SparseFeatureEncoder(spelling ? featurizer.correctingTo(vocabulary) : featurizer, vocabulary);
      return { predict: async (text) => ({ ranked: rank(model.labels, model.scoreRows(features.encode(text))) }) };
    },
  };
}

/** NLP.js's own NeuralNetwork fed with our features: isolates the learner from the analysis. */
export function nlpjsNeuralSystem(name: string, spec: FeatureSpec = DEFAULT_FEATURE_SPEC): NluSystem {
  return {
    name,
    usesOurDecision: true,
    async train(examples) {
      const featurizer = new Featurizer(spec, await loadKoreanAnalyzer(spec.koreanAnalyzer));
      const bag = (text: string): FeatureBag => Object.fromEntries(featurizer.features(text));
      const network = new NeuralNetwork({ log: false });
      network.train(examples.map((e) => ({ input: bag(e.text), output: { [e.intent]: 1 } })));
      return {
        async predict(text) {
          const outputs = network.run(bag(text)) ?? {};
          // NLP.js squares and normalises the perceptron outputs into scores; do the same.
          const squared = Object.entries(outputs).map(([intent, v]) => ({ intent, score: v * v }));
          const total = squared.reduce((s, r) => s + r.score, 0);
          return { ranked: squared.map((r) => ({ intent: r.intent, score: total > 0 ? r.score / total : 0 })).sort((a, b) => b.score - a.score) };
        },
      };
    },
  };
}

/** Plain NLP.js with its defaults (lang-ko and lang-en pipelines, its 0.5 threshold): the baseline. */
export function plainNlpjsSystem(name = 'plain NLP.js'): NluSystem {
  return {
    name,
    usesOurDecision: false,
    async train(examples, locales = LOCALES) {
      // Loaded on demand: @nlpjs/basic pulls in a logger that warns on stderr at import.
      const { containerBootstrap, LangEn, Nlp } = await import('@nlpjs/basic');
      const { LangKo } = await import('@nlpjs/lang-ko');
      const container = await containerBootstrap();
      container.use(LangEn);
      container.use(LangKo);
      const nlp = new Nlp({ languages: [...locales], autoSave: false, autoLoad: false, log: false, nlu: { log: false } }, container);
      for (const e of examples) nlp.addDocument(localeOf(e, locales), e.text, e.intent);
      await nlp.train();
      return {
        async predict(text, locale) {
          const result = await nlp.process(locale, text);
          // The real scores live in `classifications`; `score` may be NLP.js's substituted 1.
          return { ranked: [...result.classifications].sort((a, b) => b.score - a.score), ownIntent: result.intent };
        },
      };
    },
  };
}

function localeOf(example: LabelledText, locales: readonly Locale[]): Locale {
  return example.locale && locales.includes(example.locale) ? example.locale : (locales[0] ?? 'en');
}
