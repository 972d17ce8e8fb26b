// The trained model every learner produces: one weight per (feature, intent) and a bias per
// intent; probabilities are the softmax of the scores times `scale`. Learners differ only in
// how they fit the weights (model/softmax.ts, model/svm.ts), so classifying and saving are shared.
import type { FeatureVector } from '../analysis/features.ts';
import type { IntentScorer, TrainingExample } from './scorer.ts';

export interface LinearParameters {
  labels: string[];
  vocabulary: string[];
  /** Row-major [feature][label]: one example touches a few contiguous rows. */
  weights: Float32Array;
  bias: Float32Array;
  /**
   * Multiplies the scores before the softmax. 1 for logistic regression, whose scores already are
   * log-odds; larger for an SVM, whose margins are around ±1 and would give flat probabilities.
   */
  scale: number;
}

/** A training example with its features as vocabulary rows, ready for the inner loops. */
export interface EncodedExample {
  keys: Int32Array;
  values: Float32Array;
  label: number;
}

export interface EncodedTrainingSet {
  labels: string[];
  vocabulary: string[];
  examples: EncodedExample[];
}

/** Numbers the labels (sorted) and the features (in order of appearance). */
export function encodeTrainingSet(examples: readonly TrainingExample[]): EncodedTrainingSet {
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const vocabularyIndex = new Map<string, number>();
  const encoded = examples.map((example) => {
    const keys: number[] = [];
    const values: number[] = [];
    for (const [feature, value] of example.features) {
      let row = vocabularyIndex.get(feature);
      if (row === undefined) {
        row = vocabularyIndex.size;
        vocabularyIndex.set(feature, row);
      }
      keys.push(row);
      values.push(value);
    }
    return { keys: Int32Array.from(keys), values: Float32Array.from(values), label: labelIndex.get(example.label) as number };
  });
  return { labels, vocabulary: [...vocabularyIndex.keys()], examples: encoded };
}

/** out[c] = bias[c] + sum over the example's features of value * weight[feature][c]. */
export function linearScores(weights: Float32Array, bias: Float32Array, example: EncodedExample, out: Float64Array): void {
  const classes = bias.length;
  for (let c = 0; c < classes; c++) out[c] = bias[c] as number;
  const { keys, values } = example;
  for (let k = 0; k < keys.length; k++) {
    const offset = (keys[k] as number) * classes;
    const value = values[k] as number;
    for (let c = 0; c < classes; c++) out[c] = (out[c] as number) + value * (weights[offset + c] as number);
  }
}

export function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    const e = Math.exp((z[i] as number) - max);
    z[i] = e;
    sum += e;
  }
  for (let i = 0; i < z.length; i++) z[i] = (z[i] as number) / sum;
}

export class LinearModel implements IntentScorer {
  /** Built on the first `score`: classifying goes through `scoreRows`, and the map is megabytes. */
  #index: Map<string, number> | undefined;

  constructor(readonly parameters: LinearParameters) {}

  get labels(): readonly string[] {
    return this.parameters.labels;
  }

  score(features: FeatureVector): Float64Array {
    this.#index ??= new Map(this.parameters.vocabulary.map((f, i) => [f, i]));
    const rows: number[] = [];
    const values: number[] = [];
    for (const [feature, value] of features) {
      const row = this.#index.get(feature);
      if (row === undefined) continue;
      rows.push(row);
      values.push(value);
    }
    // Typed arrays, as the classify path passes: scoreRows stays monomorphic.
    return this.scoreRows({ rows: Int32Array.from(rows), values: Float64Array.from(values), length: rows.length });
  }

  /** The same probabilities from features already numbered as vocabulary rows (sparse-features.ts). */
  scoreRows(features: { rows: Int32Array; values: Float64Array; length: number }): Float64Array {
    const { weights, bias, labels, scale } = this.parameters;
    const { rows, values, length } = features;
    const classes = labels.length;
    const z = Float64Array.from(bias);
    for (let k = 0; k < length; k++) {
      const offset = (rows[k] as number) * classes;
      const value = values[k] as number;
      for (let c = 0; c < classes; c++) z[c] = (z[c] as number) + value * (weights[offset + c] as number);
    }
    if (scale !== 1) for (let c = 0; c < classes; c++) z[c] = (z[c] as number) * scale;
    softmaxInPlace(z);
    return z;
  }
}
