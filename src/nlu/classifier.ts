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

type Reading = Pick<NluResult, 'intent' | 'score' | 'alternatives' | 'hints'>;

/**
 * Readings remembered per text: shoppers send the same lines again and again (quick replies, "네",
 * "감사합니다", "track my order"). Emptied when full, to bound its memory.
 */
const MAX_REMEMBERED_READINGS = 5000;

function deepFreeze<T extends Reading>(reading: T): T {
  for (const alternative of reading.alternatives) Object.freeze(alternative);
  Object.freeze(reading.alternatives);
  if (reading.hints) Object.freeze(reading.hints);
  return Object.freeze(reading);
}

export class NluClassifier implements Classifier {
  readonly #features: SparseFeatureEncoder;
  readonly #readings = new Map<string, Reading>();
  /** Concept name -> the intents it points to. */
  readonly #conceptIntents: Map<string, readonly string[]>;

  constructor(
    private readonly featurizer: Featurizer,
    private readonly model: LinearModel,
    readonly decision: DecisionSettings,
    /** The shop's time zone, for dates in the text (Asia/Seoul when not given). */
    private readonly timeZone?: string,
  ) {
    this.#conceptIntents = new Map((featurizer.spec.concepts?.lexicon ?? []).map((c) => [c.name, c.intents]));
    const { vocabulary } = model.parameters;
    this.#features = new SparseFeatureEncoder(featurizer.correctingTo(vocabulary), vocabulary);
  }

  /** Synchronous form of `classify`, for callers that batch (eval, benchmarks). */
  classifySync(text: string, options: ClassifyOptions = {}): NluResult {
    const locale = options.locale ?? detectLocale(text);
    const timeZone = options.timeZone ?? this.timeZone;
    const entities = extractEntities(text, locale, options.now ?? new Date(), timeZone === undefined ? {} : { timeZone });
    // Empty, whitespace-only or emoji-only input: nothing for the model to read.
    if (!READABLE.test(text)) return { text, locale, intent: NOT_UNDERSTOOD, score: 0, entities, alternatives: [] };
    return { text, locale, entities, ...this.#read(text.slice(0, MAX_CLASSIFIED_CHARS)) };
  }

  /** The model's reading of a text: the same for the same text, so remembered (entities are not: they depend on the date). */
  #read(text: string): Reading {
    let reading = this.#readings.get(text);
    if (reading === undefined) {
      const decision = decide(this.model.labels, this.model.scoreRows(this.#features.encode(text)), this.decision);
      const hints = decision.intent === NOT_UNDERSTOOD && this.#conceptIntents.size > 0 ? this.#hints(text) : undefined;
      reading = deepFreeze(hints ? { ...decision, hints } : decision);
      if (this.#readings.size >= MAX_REMEMBERED_READINGS) this.#readings.clear();
      this.#readings.set(text, reading);
    }
    return reading;
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
