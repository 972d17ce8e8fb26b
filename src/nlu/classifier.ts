// The Classifier the dialog engine and server call every turn: analysis, model, decision and
// entities, all synchronous and in memory.
import type { Featurizer } from './analysis/features.ts';
import { MAX_CLASSIFIED_CHARS, type DecisionSettings } from './config.ts';
import { decide } from './decision.ts';
import { extractEntities } from './entities/index.ts';
import { detectLocale } from './locale.ts';
import type { LinearModel } from './model/linear.ts';
import { SparseFeatureEncoder } from './model/sparse-features.ts';
import { NOT_UNDERSTOOD, type Classifier, type ClassifyOptions, type NluResult } from './types.ts';

// Something to read: a letter or a digit of any script.
const READABLE = /[\p{L}\p{N}]/u;

export class NluClassifier implements Classifier {
  readonly #features: SparseFeatureEncoder;

  constructor(
    featurizer: Featurizer,
    private readonly model: LinearModel,
    readonly decision: DecisionSettings,
  ) {
    const { vocabulary } = model.parameters;
    this.#features = new SparseFeatureEncoder(featurizer.correctingTo(vocabulary), vocabulary);
  }

  /** Synchronous form of `classify`, for callers that batch (eval, benchmarks). */
  classifySync(text: string, options: ClassifyOptions = {}): NluResult {
    const locale = options.locale ?? detectLocale(text);
    const entities = extractEntities(text, locale, options.now ?? new Date());
    // Empty, whitespace-only or emoji-only input: nothing for the model to read.
    if (!READABLE.test(text)) return { text, locale, intent: NOT_UNDERSTOOD, score: 0, entities, alternatives: [] };
    const probabilities = this.model.scoreRows(this.#features.encode(text.slice(0, MAX_CLASSIFIED_CHARS)));
    return { text, locale, entities, ...decide(this.model.labels, probabilities, this.decision) };
  }

  async classify(text: string, options?: ClassifyOptions): Promise<NluResult> {
    return this.classifySync(text, options);
  }
}
