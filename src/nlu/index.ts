// The NLU's public API: what the dialog engine, the server and the CLI import.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Featurizer } from './analysis/features.ts';
import { loadKoreanAnalyzer } from './analysis/korean-analyzers.ts';
import { NluClassifier } from './classifier.ts';
import { CURRENT_MODEL_FILE, DEFAULT_CORPUS_DIR, DEFAULT_MODELS_DIR, resolveDecision, type DecisionSettings } from './config.ts';
import { CorpusError, loadCorpus, PROJECT_RULES, readCorpus, type CorpusRules } from './corpus.ts';
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
  /**
   * The corpus the model should reflect: trained from when the model is missing, and compared
   * with the corpus hash in the model's metadata to notice a stale model. Default: intents/.
   */
  corpusDir?: string;
  /**
   * Train (and save) a model when none can be read, instead of throwing, and retrain when the
   * corpus changed since the model was trained, instead of only warning through `log`.
   */
  trainIfMissing?: boolean;
  /** Overrides the model's threshold and margin (see config.ts). */
  decision?: Partial<DecisionSettings>;
  /** The shop's IANA time zone, whose calendar dates in a text are read against (default Asia/Seoul). */
  timeZone?: string;
  /** Corpus rules for training; the project's minimums by default. */
  corpusRules?: CorpusRules;
  log?: (line: string) => void;
}

export type LoadedClassifier = Classifier & NluClassifier & { modelInfo: ModelInfo };

/** Builds the in-memory classifier from a model file. */
export async function classifierFromModel(file: ModelFile, decision: Partial<DecisionSettings> = {}, timeZone?: string): Promise<LoadedClassifier> {
  const featurizer = new Featurizer(file.features, await loadKoreanAnalyzer(file.features.koreanAnalyzer));
  const settings = resolveDecision({ ...file.decision, ...decision });
  const classifier = new NluClassifier(featurizer, decodeModel(file), settings, timeZone);
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
 * Why the model no longer reflects the corpus in `corpusDir`, or null when it does. No corpus
 * there (a deployment may ship the model alone) leaves nothing to compare.
 */
async function staleness(file: ModelFile, corpusDir: string, rules: CorpusRules): Promise<string | null> {
  if (!existsSync(corpusDir)) return null;
  const { corpus } = await readCorpus(corpusDir, rules);
  if (corpus.hash === file.corpusHash) return null;
  return `the NLU model ${file.version} was trained on corpus ${file.corpusHash.slice(0, 12)}, but ${corpusDir}/ is now ${corpus.hash.slice(0, 12)}`;
}

/**
 * Loads the current model. When it is missing or unreadable and `trainIfMissing` is set, trains
 * one from the corpus first and says so through `log`; otherwise throws a ModelUnavailableError
 * whose message says to run `npm run train`. A model older than the corpus is retrained the same
 * way (kept, with a warning, if the corpus has errors), or only warned about without `trainIfMissing`.
 */
export async function loadClassifier(options: LoadClassifierOptions = {}): Promise<LoadedClassifier> {
  const modelPath = options.modelPath ?? join(DEFAULT_MODELS_DIR, CURRENT_MODEL_FILE);
  const corpusDir = options.corpusDir ?? DEFAULT_CORPUS_DIR;
  const corpusRules = options.corpusRules ?? PROJECT_RULES;
  const log = options.log ?? (() => {});
  const retrain = async () => (await trainAndSave({ corpusDir, modelPath, corpusRules, log })).file;
  let file: ModelFile;
  try {
    file = (await readModelFile(modelPath)).file;
  } catch (err) {
    if (!(err instanceof ModelUnavailableError) || !options.trainIfMissing) throw err;
    log(`${err.message.replace(/: run .*$/, '')}: training one from ${corpusDir}/ first`);
    return classifierFromModel(await retrain(), options.decision, options.timeZone);
  }
  const stale = await staleness(file, corpusDir, corpusRules);
  if (stale && !options.trainIfMissing) {
    log(`${stale}: run \`npm run train\` to retrain it`);
  } else if (stale) {
    log(`${stale}: retraining`);
    try {
      file = await retrain();
    } catch (err) {
      // A corpus mid-edit must not take the working model away.
      if (!(err instanceof CorpusError)) throw err;
      log(`retraining failed, still using ${file.version}: ${err.message}`);
    }
  }
  return classifierFromModel(file, options.decision, options.timeZone);
}
