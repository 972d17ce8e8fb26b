// Which corpus lines are paraphrases of one template, and how varied each intent's wording is.
// Two lines of one intent are twins when their content words (analysed words without function
// words, numbers reduced to their digit count) overlap by Jaccard >= NEAR_DUPLICATE_JACCARD.
// Group-aware cross-validation keeps twins in one fold, so a fold never tests a sentence whose
// twin was trained; the diversity table shows trainers where an intent is one template repeated.
import { DEFAULT_FEATURE_SPEC, Featurizer, daehwaKoreanAnalyzer } from '../analysis/features.ts';
import type { Locale } from '../types.ts';

export const NEAR_DUPLICATE_JACCARD = 0.8;

/** English words that carry no meaning of their own (after stemming: "is" stays "is"). */
const ENGLISH_FUNCTION_WORDS = new Set(
  'a an the i me my mine we our us you your it its is am are was were be been do doe did to of in on at for from with and or but so if this that there here please pl plz can could would will shall should may might just hi hey ok okay not no yes have has had what when where how why who which pleas plz pl'.split(' '),
);

const featurizer = new Featurizer(DEFAULT_FEATURE_SPEC, daehwaKoreanAnalyzer);

/** Korean words that only carry the sentence's politeness: "해주세요" and "해줘" ask the same. */
const KOREAN_LIGHT_WORDS = new Set(['해', '하', '돼', '되', '좀']);

const isContent = (w: string) => !w.startsWith('~') && !ENGLISH_FUNCTION_WORDS.has(w) && !KOREAN_LIGHT_WORDS.has(w);

function orderedContentWords(text: string): string[] {
  return featurizer.words(text).words.filter(isContent);
}

/** The set of content words of a line, as the grouping compares them. */
export function contentWords(text: string): Set<string> {
  return new Set(orderedContentWords(text));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

export interface Paraphrasable {
  text: string;
  intent: string;
  locale: Locale;
}

export interface ParaphraseGroups {
  /** Per line, the id of its template group (lines of one group share an intent and locale). */
  group: number[];
  /** Pairs of lines (indexes) that are near-duplicates. */
  nearDuplicatePairs: [number, number][];
}

/** Groups lines by template: near-duplicate pairs within an (intent, locale), closed transitively. */
export function paraphraseGroups(lines: readonly Paraphrasable[]): ParaphraseGroups {
  const parent = lines.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      const up = parent[i] ?? i;
      parent[i] = parent[up] ?? up;
      i = up;
    }
    return i;
  };
  const words = lines.map((l) => contentWords(l.text));
  const byStratum = new Map<string, number[]>();
  lines.forEach((l, i) => {
    const key = `${l.intent}/${l.locale}`;
    byStratum.set(key, [...(byStratum.get(key) ?? []), i]);
  });
  const nearDuplicatePairs: [number, number][] = [];
  for (const members of byStratum.values()) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x] ?? 0;
        const j = members[y] ?? 0;
        if (jaccard(words[i] ?? new Set(), words[j] ?? new Set()) < NEAR_DUPLICATE_JACCARD) continue;
        nearDuplicatePairs.push([i, j]);
        parent[root(i)] = root(j);
      }
    }
  }
  return { group: lines.map((_, i) => root(i)), nearDuplicatePairs };
}

export interface DiversityRow {
  intent: string;
  locale: Locale;
  lines: number;
  /** Distinct content words over the intent's lines in this locale. */
  distinctWords: number;
  /** Distinct pairs of adjacent content words. */
  distinctBigrams: number;
  nearDuplicatePairs: number;
  /** Template groups: lines that are not near-duplicates of each other count one each. */
  templates: number;
}

export function lexicalDiversity(lines: readonly Paraphrasable[], groups: ParaphraseGroups = paraphraseGroups(lines)): DiversityRow[] {
  const rows = new Map<string, DiversityRow & { words: Set<string>; bigrams: Set<string>; groups: Set<number> }>();
  lines.forEach((l, i) => {
    const key = `${l.intent}/${l.locale}`;
    let row = rows.get(key);
    if (!row) {
      row = { intent: l.intent, locale: l.locale, lines: 0, distinctWords: 0, distinctBigrams: 0, nearDuplicatePairs: 0, templates: 0, words: new Set(), bigrams: new Set(), groups: new Set() };
      rows.set(key, row);
    }
    row.lines++;
    const ordered = orderedContentWords(l.text);
    ordered.forEach((w, k) => {
      row.words.add(w);
      if (k > 0) row.bigrams.add(`${ordered[k - 1]}|${w}`);
    });
    row.groups.add(groups.group[i] ?? i);
  });
  for (const [i] of groups.nearDuplicatePairs) {
    const l = lines[i];
    if (l) {
      const row = rows.get(`${l.intent}/${l.locale}`);
      if (row) row.nearDuplicatePairs++;
    }
  }
  return [...rows.values()]
    .map(({ words, bigrams, groups: g, ...row }) => ({ ...row, distinctWords: words.size, distinctBigrams: bigrams.size, templates: g.size }))
    .sort((a, b) => a.intent.localeCompare(b.intent) || a.locale.localeCompare(b.locale));
}
