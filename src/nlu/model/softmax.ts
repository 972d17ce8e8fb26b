// Multinomial logistic regression trained by SGD: the learner before the SVM (model/svm.ts),
// kept as the eval's comparison row (reports/nlu-eval.md) and for its log-odds scores.
import { seededRandom, shuffleInPlace } from './scorer.ts';
import { linearScores, softmaxInPlace, type EncodedTrainingSet, type LinearParameters } from './linear.ts';

export interface SoftmaxOptions {
  /** Passes over the data; see `softmaxEpochs` for the default. */
  epochs: number;
  learningRate: number;
  /** L2 penalty, applied to the weights an example touches. */
  l2: number;
  seed: number;
}

/**
 * SGD needs a number of updates more than a number of passes: a small corpus (2,000 lines)
 * needs 30 passes, CLINC150 (15,000) gets there in 10.
 */
export function softmaxEpochs(examples: number): number {
  return Math.min(30, Math.max(10, Math.ceil(60_000 / Math.max(1, examples))));
}

export function trainSoftmax(set: EncodedTrainingSet, options: SoftmaxOptions, onEpoch?: (epoch: number, epochs: number) => void): LinearParameters {
  const { epochs, learningRate, l2, seed } = options;
  const classes = set.labels.length;
  const examples = [...set.examples];
  const weights = new Float32Array(set.vocabulary.length * classes);
  const bias = new Float32Array(classes);
  const z = new Float64Array(classes);
  const random = seededRandom(seed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(examples, random);
    const rate = learningRate / (1 + epoch / 10);
    for (const example of examples) {
      linearScores(weights, bias, example, z);
      softmaxInPlace(z);
      // Gradient of the cross-entropy: predicted minus expected, per class.
      z[example.label] = (z[example.label] as number) - 1;
      const { keys, values } = example;
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
  return { labels: set.labels, vocabulary: set.vocabulary, weights, bias, scale: 1 };
}
