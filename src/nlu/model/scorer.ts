import type { FeatureVector } from '../analysis/features.ts';

/** A trained intent model: probabilities over its labels, in the order of `labels`. */
export interface IntentScorer {
  readonly labels: readonly string[];
  score(features: FeatureVector): Float64Array;
}

export interface TrainingExample {
  features: FeatureVector;
  label: string;
}

/** Deterministic shuffling, so two trainings on the same corpus give the same model. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
}
