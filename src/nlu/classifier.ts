// The Classifier the dialog engine and server call every turn: analysis, model, decision and
// entities, all synchronous and in memory.
import type { Featurizer } from './analysis/features.ts';
import { MAX_CLASSIFIED_CHARS, type DecisionSettings } from './config.ts';
import { decide } from './decision.ts';
import { extractEntities } from './entities/index.ts';
import { detectLocale } from './locale.ts';
import type { LinearModel } from './model/linear.ts';
import { SparseFeatureEncoder } from './model/sparse-features.ts';
import { NOT_UNDERSTOOD, type Classifier, type ClassifyOptions, type IntentId, type NluResult } from './types.ts';

// Something to read: a letter or a digit of any script.
const READABLE = /[\p{L}\p{N}]/u;

export class NluClassifier implements Classifier {
  readonly #features: SparseFeatureEncoder;
  /** Concept name -> the intents it points to. */
  readonly #conceptIntents: Map<string, readonly string[]>;

  constructor(
    private readonly featurizer: Featurizer,
    private readonly model: LinearModel,
    readonly decision: DecisionSettings,
  ) {
    this.#conceptIntents = new Map((featurizer.spec.concepts?.lexicon ?? []).map((c) => [c.name, c.intents]));
    const { vocabulary } = model.parameters;
    this.#features = new SparseFeatureEncoder(featurizer.correctingTo(vocabulary), vocabulary);
  }

  /** Synchronous form of `classify`, for callers that batch (eval, benchmarks). */
  classifySync(text: string, options: ClassifyOptions = {}): NluResult {
    const locale = options.locale ?? detectLocale(text);
    const entities = extractEntities(text, locale, options.now ?? new Date());
    // Empty, whitespace-only or emoji-only input: nothing for the model to read.
    if (!READABLE.test(text)) return { text, locale, intent: NOT_UNDERSTOOD, score: 0, entities, alternatives: [] };
    const read = text.slice(0, MAX_CLASSIFIED_CHARS);
    const decision = decide(this.model.labels, this.model.scoreRows(this.#features.encode(read)), this.decision);
    if (decision.intent !== NOT_UNDERSTOOD || this.#conceptIntents.size === 0) return { text, locale, entities, ...decision };
    return { text, locale, entities, ...decision, hints: this.#hints(read) };
  }

  /** The intents the concepts of a text point to, the most pointed-to first (ties in lexicon order). */
  #hints(text: string): IntentId[] {
    const votes = new Map<string, number>();
    for (const concept of this.featurizer.concepts(text)) {
      for (const intent of this.#conceptIntents.get(concept) ?? []) votes.set(intent, (votes.get(intent) ?? 0) + 1);
    }
    const labels = new Set(this.model.labels);
    return [...votes].filter(([intent]) => labels.has(intent)).sort((a, b) => b[1] - a[1]).map(([intent]) => intent as IntentId);
  }

  async classify(text: string, options?: ClassifyOptions): Promise<NluResult> {
    return this.classifySync(text, options);
  }
}
