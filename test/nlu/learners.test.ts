import { describe, expect, it } from 'vitest';
import type { FeatureVector } from '../../src/nlu/analysis/features.ts';
import { fitLinearModel, SOFTMAX_LEARNER, type LearnerSpec } from '../../src/nlu/model/learners.ts';
import { LinearModel } from '../../src/nlu/model/linear.ts';
import type { TrainingExample } from '../../src/nlu/model/scorer.ts';

// Three intents, each told apart by its own word, with a shared word that says nothing.
const vector = (...keys: string[]): FeatureVector => new Map(keys.map((k) => [k, 1 / Math.sqrt(keys.length)]));
const EXAMPLES: TrainingExample[] = [
  ...['a', 'b', 'c'].flatMap((label) => [
    { features: vector(`w:${label}`, 'w:please'), label },
    { features: vector(`w:${label}`), label },
    { features: vector(`w:${label}`, 'w:now'), label },
  ]),
];
const SVM: LearnerSpec = { kind: 'svm', epochs: 50, cost: 10, scale: 4, seed: 3 };

function top(model: LinearModel, features: FeatureVector): string {
  const p = model.score(features);
  return model.labels[p.indexOf(Math.max(...p))] ?? '';
}

describe('learners', () => {
  for (const learner of [SVM, SOFTMAX_LEARNER]) {
    it(`${learner.kind}: learns which word marks which intent, with probabilities that sum to 1`, () => {
      const { model } = fitLinearModel(EXAMPLES, learner);
      expect(model.labels).toEqual(['a', 'b', 'c']);
      for (const label of ['a', 'b', 'c']) expect(top(model, vector(`w:${label}`, 'w:please'))).toBe(label);
      const p = model.score(vector('w:b'));
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
      // A text with no known feature leans on no intent in particular.
      const unknown = model.score(vector('w:unseen'));
      expect(Math.max(...unknown) - Math.min(...unknown)).toBeLessThan(0.2);
    });
  }

  it('svm: fits the training examples beyond the margin, and deterministically', () => {
    const first = fitLinearModel(EXAMPLES, SVM);
    const again = fitLinearModel(EXAMPLES, SVM);
    expect(again.model.parameters.weights).toEqual(first.model.parameters.weights);
    const raw = new LinearModel({ ...first.model.parameters, scale: 1 });
    for (const example of EXAMPLES) {
      const p = raw.score(example.features);
      const others = p.filter((_, i) => first.model.labels[i] !== example.label);
      // With scale 1 the probabilities are the softmax of the margins: the right intent wins clearly.
      expect(p[first.model.labels.indexOf(example.label)]).toBeGreaterThan(Math.max(...others) * Math.E);
    }
  });

  it('records the settings it used, filling in the softmax epochs from the data size', () => {
    expect(fitLinearModel(EXAMPLES, SVM).learner).toEqual(SVM);
    expect(fitLinearModel(EXAMPLES, SOFTMAX_LEARNER).learner).toEqual({ ...SOFTMAX_LEARNER, epochs: 30 });
  });

  it('sharpens probabilities with the scale, keeping their order', () => {
    const { model } = fitLinearModel(EXAMPLES, SVM);
    const soft = new LinearModel({ ...model.parameters, scale: 1 }).score(vector('w:a', 'w:now'));
    const sharp = new LinearModel({ ...model.parameters, scale: 8 }).score(vector('w:a', 'w:now'));
    expect(sharp[0]).toBeGreaterThan(soft[0] as number);
    expect([...sharp].map((_, i) => i).sort((x, y) => (sharp[y] as number) - (sharp[x] as number))).toEqual(
      [...soft].map((_, i) => i).sort((x, y) => (soft[y] as number) - (soft[x] as number)),
    );
  });
});
