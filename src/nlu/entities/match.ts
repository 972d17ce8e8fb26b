import type { Entity, EntityType } from '../types.ts';

/** Runs a global regex over the text and turns each match it accepts into an entity. */
export function collect(
  text: string,
  pattern: RegExp,
  type: EntityType,
  read: (match: RegExpMatchArray) => string | number | undefined,
): Entity[] {
  const entities: Entity[] = [];
  for (const match of text.matchAll(pattern)) {
    const value = read(match);
    if (value === undefined || match.index === undefined) continue;
    entities.push({ type, value, text: match[0], start: match.index, end: match.index + match[0].length });
  }
  return entities;
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
