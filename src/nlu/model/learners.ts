// Which learner fits the linear model, with its settings: recorded in every model file so a
// model says how it was made. The SVM ships; the softmax regression is the eval's comparison.
import { z } from 'zod';
import { encodeTrainingSet, LinearModel } from './linear.ts';
import type { TrainingExample } from './scorer.ts';
import { softmaxEpochs, trainSoftmax } from './softmax.ts';
import { trainSvm } from './svm.ts';

export const learnerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('svm'),
    epochs: z.number().int().positive(),
    cost: z.number().positive(),
    scale: z.number().positive(),
    seed: z.number().int(),
  }),
  z.object({
    kind: z.literal('softmax'),
    /** Absent: chosen from the number of examples (softmaxEpochs). */
    epochs: z.number().int().positive().optional(),
    learningRate: z.number().positive(),
    l2: z.number().min(0),
    seed: z.number().int(),
  }),
]);
export type LearnerSpec = z.infer<typeof learnerSchema>;

/**
 * Chosen on CLINC150's validation split and the project's cross-validation (src/nlu/README.md):
 * cost 0.3 to 1 measured alike; 10 passes converge; scale 8 spreads the probabilities so the
 * decision threshold has room between in-scope and out-of-scope lines.
 */
export const DEFAULT_LEARNER: LearnerSpec = { kind: 'svm', epochs: 10, cost: 0.5, scale: 8, seed: 7 };

export const SOFTMAX_LEARNER: LearnerSpec = { kind: 'softmax', learningRate: 2, l2: 1e-6, seed: 7 };

export interface FittedModel {
  model: LinearModel;
  /** The settings with every default filled in, for the model file. */
  learner: LearnerSpec;
}

export function fitLinearModel(
  examples: readonly TrainingExample[],
  learner: LearnerSpec = DEFAULT_LEARNER,
  onEpoch?: (epoch: number, epochs: number) => void,
): FittedModel {
  const set = encodeTrainingSet(examples);
  if (learner.kind === 'svm') return { model: new LinearModel(trainSvm(set, learner, onEpoch)), learner };
  const resolved = { ...learner, epochs: learner.epochs ?? softmaxEpochs(examples.length) };
  return { model: new LinearModel(trainSoftmax(set, resolved, onEpoch)), learner: resolved };
}
