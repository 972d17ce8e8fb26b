// Multinomial logistic regression over sparse features, trained by SGD. Chosen over NLP.js's
// NeuralNetwork after measuring both on the same features (reports/nlu-eval.md): it trains
// CLINC150 in seconds instead of minutes and its probabilities are calibrated enough to
// threshold for out-of-scope detection.
import type { FeatureVector } from '../analysis/features.ts';
import { seededRandom, shuffleInPlace, type IntentScorer, type TrainingExample } from './scorer.ts';

export interface SoftmaxOptions {
  /** Passes over the data; by default enough for ~60,000 updates, between 10 and 30 passes. */
  epochs?: number;
  learningRate: number;
  /** L2 penalty, applied to the weights an example touches. */
  l2: number;
  seed: number;
  onEpoch?: (epoch: number, epochs: number) => void;
}

export const DEFAULT_SOFTMAX_OPTIONS: SoftmaxOptions = { learningRate: 2, l2: 1e-6, seed: 7 };

/**
 * SGD needs a number of updates more than a number of passes: a small corpus (2,000 lines)
 * needs 30 passes, CLINC150 (15,000) gets there in 10 and stays well under 30 s of training.
 */
export function defaultEpochs(examples: number): number {
  return Math.min(30, Math.max(10, Math.ceil(60_000 / Math.max(1, examples))));
}

export interface SoftmaxParameters {
  labels: string[];
  vocabulary: string[];
  /** Row-major [feature][label]: one example touches a few contiguous rows. */
  weights: Float32Array;
  bias: Float32Array;
}

interface EncodedExample {
  keys: Int32Array;
  values: Float32Array;
  label: number;
}

function softmaxInPlace(z: Float64Array): void {
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

export class SoftmaxModel implements IntentScorer {
  private readonly index: Map<string, number>;

  constructor(readonly parameters: SoftmaxParameters) {
    this.index = new Map(parameters.vocabulary.map((f, i) => [f, i]));
  }

  get labels(): readonly string[] {
    return this.parameters.labels;
  }

  score(features: FeatureVector): Float64Array {
    const { weights, bias, labels } = this.parameters;
    const classes = labels.length;
    const z = Float64Array.from(bias);
    for (const [feature, value] of features) {
      const row = this.index.get(feature);
      if (row === undefined) continue;
      const offset = row * classes;
      for (let c = 0; c < classes; c++) z[c] = (z[c] as number) + value * (weights[offset + c] as number);
    }
    softmaxInPlace(z);
    return z;
  }

  static train(examples: TrainingExample[], options: Partial<SoftmaxOptions> = {}): SoftmaxModel {
    const { learningRate, l2, seed, onEpoch, ...rest } = { ...DEFAULT_SOFTMAX_OPTIONS, ...options };
    const epochs = rest.epochs ?? defaultEpochs(examples.length);
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const vocabularyIndex = new Map<string, number>();
    const encoded: EncodedExample[] = examples.map((example) => {
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
    const classes = labels.length;
    const weights = new Float32Array(vocabularyIndex.size * classes);
    const bias = new Float32Array(classes);
    const z = new Float64Array(classes);
    const random = seededRandom(seed);
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(encoded, random);
      const rate = learningRate / (1 + epoch / 10);
      for (const { keys, values, label } of encoded) {
        for (let c = 0; c < classes; c++) z[c] = bias[c] as number;
        for (let k = 0; k < keys.length; k++) {
          const offset = (keys[k] as number) * classes;
          const value = values[k] as number;
          for (let c = 0; c < classes; c++) z[c] = (z[c] as number) + value * (weights[offset + c] as number);
        }
        softmaxInPlace(z);
        // Gradient of the cross-entropy: predicted minus expected, per class.
        z[label] = (z[label] as number) - 1;
        for (let k = 0; k < keys.length; k++) {
          const offset = (keys[k] as number) * classes;
          const value = values[k] as number;
          for (let c = 0; c < classes; c++) {
            const w = weights[offset + c] as number;
            weights[offset + c] = w - rate * ((z[c] as number) * value + l2 * w);
          }
        }
        for (let c = 0; c < classes; c++) bias[c] = (bias[c] as number) - rate * (z[c] as number);
      }
      onEpoch?.(epoch + 1, epochs);
    }
    return new SoftmaxModel({ labels, vocabulary: [...vocabularyIndex.keys()], weights, bias });
  }
}
