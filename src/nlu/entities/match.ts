import type { ExtractedEntityType } from './kinds.ts';

/** An entity as `collect` builds it: its type and the value its reader gave. */
export interface Collected<T extends ExtractedEntityType, V> {
  type: T;
  value: V;
  text: string;
  start: number;
  end: number;
}

/**
 * Runs a global regex over the text and turns each match it accepts into an entity. The matches
 * are those of `text.matchAll(pattern)`, found with `exec` on the pattern itself: matchAll
 * copies the regex on every call, and this runs a score of patterns on every message.
 */
export function collect<T extends ExtractedEntityType, V>(
  text: string,
  pattern: RegExp,
  type: T,
  read: (match: RegExpMatchArray) => V | undefined,
): Collected<T, V>[] {
  if (!pattern.global) throw new TypeError(`collect needs a global pattern: ${pattern}`);
  const entities: Collected<T, V>[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    // As matchAll does: an empty match moves on by one character, or the loop would not end.
    if (match[0] === '') pattern.lastIndex = nextIndex(text, pattern.lastIndex, pattern.unicode);
    const value = read(match);
    if (value === undefined) continue;
    entities.push({ type, value, text: match[0], start: match.index, end: match.index + match[0].length });
  }
  return entities;
}

function nextIndex(text: string, index: number, unicode: boolean): number {
  return unicode && (text.codePointAt(index) ?? 0) > 0xffff ? index + 2 : index + 1;
}

/** Not inside a longer Latin word or number. */
export const LATIN_BEFORE = String.raw`(?<![\p{L}\p{N}])`;
export const LATIN_AFTER = String.raw`(?![a-zA-Z\p{N}])`;
export const NUMBER_BEFORE = String.raw`(?<![\p{N}.,])`;
export const NUMBER_AFTER = String.raw`(?![\p{N}]|\.\d)`;
/** What may follow a Korean word: nothing Hangul, or a particle. */
export const KOREAN_AFTER = String.raw`(?=$|[^\uAC00-\uD7A3]|으로|로|이|가|은|는|을|를|도|요|이요|이랑|랑|만|말고|에|에서|인데|이에요|예요|이고|짜리)`;

/** What may follow a counter (개, 벌): a particle, or nothing Hangul; never 월 (3개월 is a duration). */
export const COUNTER_AFTER = String.raw`(?=$|[^\uAC00-\uD7A3]|만|씩|요|이요|를|을|은|는|도|로|으로|짜리|더|랑|이랑|에|가|이|정도|쯤)`;

export function inRange(value: number, min: number, max: number): number | undefined {
  return value >= min && value <= max ? value : undefined;
}

/**
 * Spans that do not overlap, in reading order: of two that do, the longer is kept (then the
 * earlier). For one extractor's own alternatives ("₩35,000원" is found as "₩35,000원" and "35,000원").
 */
export function withoutOverlaps<T extends { start: number; end: number }>(spans: readonly T[]): T[] {
  const kept: T[] = [];
  const byLength = [...spans].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  for (const span of byLength) if (!kept.some((k) => span.start < k.end && k.start < span.end)) kept.push(span);
  return kept.sort((a, b) => a.start - b.start);
}
