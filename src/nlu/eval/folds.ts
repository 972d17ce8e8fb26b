import { seededRandom, shuffleInPlace } from '../model/scorer.ts';

/**
 * Stratified k-fold split: each (intent, locale) group is shuffled and dealt round-robin, so
 * every fold holds the same share of every intent in every language. Returns fold numbers.
 */
export function stratifiedFolds<T>(items: readonly T[], k: number, stratum: (item: T) => string, seed = 13): number[] {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = stratum(item);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const random = seededRandom(seed);
  const fold = new Array<number>(items.length).fill(0);
  let next = 0;
  for (const key of [...groups.keys()].sort()) {
    const members = groups.get(key) ?? [];
    shuffleInPlace(members, random);
    // Continue dealing where the last group stopped, so small groups do not all start at fold 0.
    for (const index of members) fold[index] = next++ % k;
  }
  return fold;
}
