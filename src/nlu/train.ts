// Training: corpus -> features -> linear model (SVM by default) -> model file with its metadata.
import { DEFAULT_FEATURE_SPEC, Featurizer, withConcepts, type FeatureSpec } from './analysis/features.ts';
import { loadKoreanAnalyzer } from './analysis/korean-analyzers.ts';
import { resolveDecision, type DecisionSettings } from './config.ts';
import type { Corpus } from './corpus.ts';
import { encodeModel, MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelFile } from './model/model-file.ts';
import { DEFAULT_LEARNER, fitLinearModel, type LearnerSpec } from './model/learners.ts';
import type { LinearModel } from './model/linear.ts';
import { LOCALES, type Locale } from './types.ts';

export interface LabelledText {
  text: string;
  intent: string;
  /** Only systems with one model per language (plain NLP.js) use it. */
  locale?: Locale;
}

export interface TrainOptions {
  features?: FeatureSpec;
  learner?: LearnerSpec;
  decision?: Partial<DecisionSettings>;
  /** Progress lines ("epoch 3/12"). */
  log?: (line: string) => void;
  now?: () => Date;
}

export interface TrainedPipeline {
  featurizer: Featurizer;
  model: LinearModel;
  /** The learner's settings with every default filled in. */
  learner: LearnerSpec;
  seconds: number;
}

/** Trains on labelled texts; the building block of `train`, the eval's folds and the benchmark. */
export async function trainPipeline(examples: LabelledText[], options: TrainOptions = {}): Promise<TrainedPipeline> {
  const spec = options.features ?? DEFAULT_FEATURE_SPEC;
  const featurizer = new Featurizer(spec, await loadKoreanAnalyzer(spec.koreanAnalyzer));
  const started = performance.now();
  const featured = examples.map((e) => ({ features: featurizer.features(e.text), label: e.intent }));
  const { model, learner } = fitLinearModel(featured, options.learner ?? DEFAULT_LEARNER, (epoch, epochs) => options.log?.(`epoch ${epoch}/${epochs}`));
  return { featurizer, model, learner, seconds: (performance.now() - started) / 1000 };
}

function versionName(trainedAt: Date, corpusHash: string): string {
  const stamp = trainedAt.toISOString().replace(/[-:]/g, '').replace(/\.(\d+)Z$/, '$1Z');
  return `${stamp}-${corpusHash.slice(0, 8)}`;
}

/** Trains on a validated corpus and returns the model file, ready to save. */
export async function trainCorpus(corpus: Corpus, options: TrainOptions = {}): Promise<{ file: ModelFile; pipeline: TrainedPipeline }> {
  const log = options.log ?? (() => {});
  log(`training on ${corpus.utterances.length} utterances, ${corpus.intents.length} intents, ${corpus.concepts.length} concepts`);
  const features = options.features ?? withConcepts(DEFAULT_FEATURE_SPEC, corpus.concepts);
  const pipeline = await trainPipeline(corpus.utterances, { ...options, features });
  const trainedAt = (options.now ?? (() => new Date()))();
  const counts: Record<string, { ko: number; en: number }> = {};
  for (const intent of corpus.intents) {
    const [ko, en] = LOCALES.map((l) => corpus.utterances.filter((u) => u.intent === intent && u.locale === l).length);
    counts[intent] = { ko: ko ?? 0, en: en ?? 0 };
  }
  const file = encodeModel(
    {
      format: MODEL_FORMAT,
      formatVersion: MODEL_FORMAT_VERSION,
      version: versionName(trainedAt, corpus.hash),
      trainedAt: trainedAt.toISOString(),
      corpusHash: corpus.hash,
      counts: { utterances: corpus.utterances.length, intents: counts },
      decision: resolveDecision(options.decision),
      features: pipeline.featurizer.spec,
      training: { learner: pipeline.learner, seconds: Math.round(pipeline.seconds * 1000) / 1000 },
    },
    pipeline.model,
  );
  log(`trained in ${pipeline.seconds.toFixed(2)} s: ${file.vocabulary.length} features`);
  return { file, pipeline };
}
