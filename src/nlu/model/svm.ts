// One-vs-rest linear SVMs (L2-regularised, squared hinge loss), fitted by dual coordinate
// descent, the method of LIBLINEAR (Hsieh et al., ICML 2008), written for our sparse vectors.
// Measured against the softmax regression on the same features (src/nlu/README.md): about one
// point more in-scope accuracy on CLINC150, in fewer passes.
//
// Every intent gets its own binary problem, but all of them are solved in one sweep: an example's
// scores for every intent come from one pass over its features, as in classification.
import { seededRandom, shuffleInPlace } from './scorer.ts';
import { linearScores, type EncodedTrainingSet, type LinearParameters } from './linear.ts';

export interface SvmOptions {
  /** At most this many passes over the data; training stops earlier once converged. */
  epochs: number;
  /** LIBLINEAR's C: how much a margin violation costs against the weights' size. */
  cost: number;
  /** Softmax temperature's inverse for turning margins into probabilities (LinearParameters.scale). */
  scale: number;
  seed: number;
}

/** Converged when no dual variable would move by a projected gradient above this (LIBLINEAR's eps). */
const TOLERANCE = 0.1;

export function trainSvm(set: EncodedTrainingSet, options: SvmOptions, onEpoch?: (epoch: number, epochs: number) => void): LinearParameters {
  const { epochs, cost, scale, seed } = options;
  const classes = set.labels.length;
  const count = set.examples.length;
  const weights = new Float32Array(set.vocabulary.length * classes);
  // The bias is the weight of a constant feature 1, regularised like the others (as LIBLINEAR's -B 1).
  const bias = new Float32Array(classes);
  // One dual variable per (example, intent): how much the example holds up that intent's margin.
  const alpha = new Float32Array(count * classes);
  // The squared hinge loss adds this to the dual's diagonal.
  const diagonal = 1 / (2 * cost);
  const squaredNorms = set.examples.map((e) => e.values.reduce((s, v) => s + v * v, 1));
  const order = Array.from({ length: count }, (_, i) => i);
  const random = seededRandom(seed);
  const scores = new Float64Array(classes);
  const steps = new Float64Array(classes);
  // The intents whose variable moved for the current example: a handful of the ~150 on CLINC150,
  // so the weight update visits only those.
  const moved = new Int32Array(classes);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(order, random);
    let largestGradient = 0;
    for (const i of order) {
      const example = set.examples[i];
      if (!example) continue;
      linearScores(weights, bias, example, scores);
      const curvature = (squaredNorms[i] as number) + diagonal;
      let movedCount = 0;
      for (let c = 0; c < classes; c++) {
        const y = c === example.label ? 1 : -1;
        const a = alpha[i * classes + c] as number;
        const gradient = y * (scores[c] as number) - 1 + diagonal * a;
        // At the bound a = 0 only a negative gradient can move the variable.
        const projected = a > 0 ? gradient : Math.min(gradient, 0);
        largestGradient = Math.max(largestGradient, Math.abs(projected));
        if (projected === 0) continue;
        const next = Math.max(a - gradient / curvature, 0);
        alpha[i * classes + c] = next;
        steps[movedCount] = (next - a) * y;
        moved[movedCount++] = c;
      }
      const { keys, values } = example;
      for (let k = 0; k < keys.length; k++) {
        const offset = (keys[k] as number) * classes;
        const value = values[k] as number;
        for (let m = 0; m < movedCount; m++) {
          const at = offset + (moved[m] as number);
          weights[at] = (weights[at] as number) + (steps[m] as number) * value;
        }
      }
      for (let m = 0; m < movedCount; m++) {
        const c = moved[m] as number;
        bias[c] = (bias[c] as number) + (steps[m] as number);
      }
    }
    onEpoch?.(epoch + 1, epochs);
    if (largestGradient < TOLERANCE) break;
  }
  return { labels: set.labels, vocabulary: set.vocabulary, weights, bias, scale };
}
