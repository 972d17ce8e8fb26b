// Entity extraction: every extractor proposes spans, then overlaps are settled so that each
// character belongs to one entity ("키 170" is a height, not a shoe size; "65키로" a weight).
import type { Entity, EntityType, Locale } from '../types.ts';
import { extractHeights, extractWeights } from './body.ts';
import { extractColours } from './color.ts';
import { extractDates } from './date.ts';
import { extractOrderNumbers } from './order-number.ts';
import { extractQuantities } from './quantity.ts';
import { extractLetterSizes, extractShoeSizes, extractWaists } from './sizes.ts';

/** When two spans overlap, the type earlier in this list wins; within a type, the longer span. */
const PRIORITY: EntityType[] = ['order_number', 'date', 'height', 'weight', 'waist', 'shoe_size', 'size', 'quantity', 'color'];

const DIGIT = /[0-9]/;

function overlaps(a: Entity, b: Entity): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * All entities in `text`, in reading order. `locale` is accepted for the contract; the patterns
 * cover both languages at once because shoppers mix them ("size M으로", "refund 내일 돼요?").
 */
export function extractEntities(text: string, _locale: Locale, now: Date): Entity[] {
  // Every pattern of these extractors needs an ASCII digit (\d is [0-9] even with the u flag):
  // most messages have none, and need not be scanned for them.
  const numeric = DIGIT.test(text);
  const candidates = [
    ...(numeric ? extractOrderNumbers(text) : []),
    ...extractDates(text, now),
    ...(numeric ? extractHeights(text) : []),
    ...(numeric ? extractWeights(text) : []),
    ...(numeric ? extractWaists(text) : []),
    ...(numeric ? extractShoeSizes(text) : []),
    ...extractLetterSizes(text),
    ...extractQuantities(text),
    ...extractColours(text),
  ].sort((a, b) => PRIORITY.indexOf(a.type) - PRIORITY.indexOf(b.type) || b.end - b.start - (a.end - a.start));
  const kept: Entity[] = [];
  for (const candidate of candidates) if (!kept.some((k) => overlaps(k, candidate))) kept.push(candidate);
  return kept.sort((a, b) => a.start - b.start);
}
