// The NLU's public API: what the dialog engine, the server and the CLI import.
import { join } from 'node:path';
import { Featurizer } from './analysis/features.ts';
import { loadKoreanAnalyzer } from './analysis/korean-analyzers.ts';
import { NluClassifier } from './classifier.ts';
import { CURRENT_MODEL_FILE, DEFAULT_CORPUS_DIR, DEFAULT_MODELS_DIR, resolveDecision, type DecisionSettings } from './config.ts';
import { loadCorpus, PROJECT_RULES, type CorpusRules } from './corpus.ts';
import { decodeModel, metaOf, type ModelFile } from './model/model-file.ts';
import { ModelUnavailableError, readModelFile, saveModelFile } from './model/model-store.ts';
import { trainCorpus } from './train.ts';
import type { Classifier } from './types.ts';

export { extractEntities } from './entities/index.ts';
export { detectLocale } from './locale.ts';
export { DEFAULT_DECISION, type DecisionSettings } from './config.ts';
export { ModelUnavailableError } from './model/model-store.ts';
export { CorpusError } from './corpus.ts';
export type * from './types.ts';

export interface ModelInfo {
  version: string;
  corpusHash: string;
  trainedAt: string;
  /** The threshold and margin in force (the model's own, unless overridden when loading). */
  decision: DecisionSettings;
}

export interface LoadClassifierOptions {
  /** The `current.json` pointer (or a versioned model file). Default: models/current.json. */
  modelPath?: string;
  /** Where to train from when the model is missing. Default: intents/. */
  corpusDir?: string;
  /** Train (and save) a model when none can be read, instead of throwing. */
  trainIfMissing?: boolean;
  /** Overrides the model's threshold and margin (see config.ts). */
  decision?: Partial<DecisionSettings>;
  /** Corpus rules for training; the project's minimums by default. */
  corpusRules?: CorpusRules;
  log?: (line: string) => void;
}

export type LoadedClassifier = Classifier & NluClassifier & { modelInfo: ModelInfo };

/** Builds the in-memory classifier from a model file. */
export async function classifierFromModel(file: ModelFile, decision: Partial<DecisionSettings> = {}): Promise<LoadedClassifier> {
  const featurizer = new Featurizer(file.features, await loadKoreanAnalyzer(file.features.koreanAnalyzer));
  const settings = resolveDecision({ ...file.decision, ...decision });
  const classifier = new NluClassifier(featurizer, decodeModel(file), settings);
  const meta = metaOf(file);
  return Object.assign(classifier, {
    modelInfo: { version: meta.version, corpusHash: meta.corpusHash, trainedAt: meta.trainedAt, decision: settings },
  });
}

/** Validates the corpus, trains and saves a model as the current one; returns it. */
export async function trainAndSave(options: {
  corpusDir?: string;
  modelPath?: string;
  corpusRules?: CorpusRules;
  log?: (line: string) => void;
}): Promise<{ file: ModelFile; path: string }> {
  const corpus = await loadCorpus(options.corpusDir ?? DEFAULT_CORPUS_DIR, options.corpusRules ?? PROJECT_RULES);
  const { file } = await trainCorpus(corpus, { log: options.log });
  const path = await saveModelFile(options.modelPath ?? join(DEFAULT_MODELS_DIR, CURRENT_MODEL_FILE), file);
  return { file, path };
}

/**
 * Loads the current model. When it is missing or unreadable and `trainIfMissing` is set, trains
 * one from the corpus first and says so through `log`; otherwise throws a ModelUnavailableError
 * whose message says to run `npm run train`.
 */
export async function loadClassifier(options: LoadClassifierOptions = {}): Promise<LoadedClassifier> {
  const modelPath = options.modelPath ?? join(DEFAULT_MODELS_DIR, CURRENT_MODEL_FILE);
  let file: ModelFile;
  try {
    file = (await readModelFile(modelPath)).file;
  } catch (err) {
    if (!(err instanceof ModelUnavailableError) || !options.trainIfMissing) throw err;
    const corpusDir = options.corpusDir ?? DEFAULT_CORPUS_DIR;
    options.log?.(`${err.message.replace(/: run .*$/, '')}: training one from ${corpusDir}/ first`);
    file = (await trainAndSave({ corpusDir, modelPath, corpusRules: options.corpusRules, log: options.log })).file;
  }
  return classifierFromModel(file, options.decision);
}
