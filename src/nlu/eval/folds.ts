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

/**
 * Group-aware stratified k-fold split: items sharing a group id always fall in one fold. Within
 * each stratum the groups are shuffled, then placed largest first into the fold holding the
 * fewest items of that stratum so far, so folds stay balanced. Returns fold numbers.
 */
export function groupedFolds<T>(items: readonly T[], k: number, stratum: (item: T) => string, group: (item: T, index: number) => number | string, seed = 13): number[] {
  const strata = new Map<string, Map<number | string, number[]>>();
  items.forEach((item, i) => {
    const s = stratum(item);
    const groups = strata.get(s) ?? new Map<number | string, number[]>();
    strata.set(s, groups);
    const id = group(item, i);
    groups.set(id, [...(groups.get(id) ?? []), i]);
  });
  const random = seededRandom(seed);
  const fold = new Array<number>(items.length).fill(0);
  for (const key of [...strata.keys()].sort()) {
    const groups = [...(strata.get(key)?.values() ?? [])];
    shuffleInPlace(groups, random);
    // Stable sort: equal sizes keep their shuffled order.
    groups.sort((a, b) => b.length - a.length);
    const filled = new Array<number>(k).fill(0);
    for (const members of groups) {
      let target = 0;
      for (let f = 1; f < k; f++) if ((filled[f] ?? 0) < (filled[target] ?? 0)) target = f;
      for (const index of members) fold[index] = target;
      filled[target] = (filled[target] ?? 0) + members.length;
    }
  }
  return fold;
}
