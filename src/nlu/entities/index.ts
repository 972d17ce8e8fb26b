// Entity extraction: every extractor proposes spans, then overlaps are settled so that each
// character belongs to one entity ("키 170" is a height, not a shoe size; "65키로" a weight;
// "35,000원" money, not a size 55 and a few digits; "010-1234-5678" a phone number).
//
import type { Entity, Locale } from '../types.ts';
import { extractHeights, extractWeights } from './body.ts';
import { extractColours } from './color.ts';
import { checkTimeZone, DEFAULT_TIME_ZONE, localDay, type CalendarDay } from './calendar.ts';
import { extractDatesOn } from './date.ts';
import { extractEmails } from './email.ts';
import type { ExtractedEntity, ExtractedEntityType } from './kinds.ts';
import { extractMoney } from './money.ts';
import { extractOrderNumbers } from './order-number.ts';
import { extractPhones } from './phone.ts';
import { extractQuantities } from './quantity.ts';
import { extractLetterSizes, extractShoeSizes, extractWaists } from './sizes.ts';

export type { ContactEntity, Currency, ExtractedEntity, ExtractedEntityType, Money, MoneyEntity } from './kinds.ts';

/**
 * When two spans overlap, the type earlier in this list wins; within a type, the longer span.
 * An e-mail address may hold a phone number ("01012345678@naver.com"). Phone numbers come before
 * order numbers: order-number.ts refuses phone numbers, but a cued bare landline ("연락처
 * 0212345678") is a 10-digit run to it, and the cue decides. Money comes before
 * order numbers: a currency is the stronger sign ("주문 35000원 결제" is an amount, though
 * "주문 35000" would be a cued order number).
 */
const PRIORITY: ExtractedEntityType[] = ['email', 'phone', 'money', 'order_number', 'date', 'height', 'weight', 'waist', 'shoe_size', 'size', 'quantity', 'color'];

const DIGIT = /[0-9]/;
// Money needs a digit, or a Hangul amount before 원 / 달러 / 불 (만원, 오천원).
const HANGUL_MONEY = /[십백천만억]\s*(?:원|달러|불)/;

export interface EntityOptions {
  /** The shop's IANA time zone, whose calendar day dates are resolved against (default Asia/Seoul). */
  timeZone?: string;
}

function overlaps(a: ExtractedEntity, b: ExtractedEntity): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The NLU contract's form (../types.ts): money's amount as the value, its currency beside it. */
function toContract(entity: ExtractedEntity): Entity {
  const { value, ...span } = entity;
  return typeof value === 'object' ? { ...span, type: 'money', value: value.amount, currency: value.currency } : { ...span, value };
}

/**
 * Every entity in `text`, in reading order, money, phone numbers and e-mail addresses included. `locale` is accepted for the
 * contract; the patterns cover both languages at once because shoppers mix them ("size M으로",
 * "refund 내일 돼요?").
 */
export function extractAllEntities(text: string, _locale: Locale, now: Date, options: EntityOptions = {}): ExtractedEntity[] {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  // The shop's day is worked out only for a message that names a date (most do not): Intl's
  // formatToParts costs more than all the patterns together. An unknown zone throws at once all the same.
  checkTimeZone(timeZone);
  let day: CalendarDay | undefined;
  return entitiesOn(text, () => (day ??= localDay(now, timeZone)));
}

/** The entities of `text` with dates read against the day `today` gives (called only for a text that names a date). */
function entitiesOn(text: string, today: () => CalendarDay): ExtractedEntity[] {
  // Most patterns of these extractors need an ASCII digit (\d is [0-9] even with the u flag):
  // most messages have none, and need not be scanned for them.
  const numeric = DIGIT.test(text);
  const candidates: ExtractedEntity[] = [
    ...extractEmails(text),
    ...(numeric ? extractPhones(text) : []),
    ...(numeric || HANGUL_MONEY.test(text) ? extractMoney(text) : []),
    ...(numeric ? extractOrderNumbers(text) : []),
    ...extractDatesOn(text, today),
    ...(numeric ? extractHeights(text) : []),
    ...(numeric ? extractWeights(text) : []),
    ...(numeric ? extractWaists(text) : []),
    ...(numeric ? extractShoeSizes(text) : []),
    ...extractLetterSizes(text),
    ...extractQuantities(text),
    ...extractColours(text),
  ].sort((a, b) => PRIORITY.indexOf(a.type) - PRIORITY.indexOf(b.type) || b.end - b.start - (a.end - a.start));
  const kept: ExtractedEntity[] = [];
  for (const candidate of candidates) if (!kept.some((k) => overlaps(k, candidate))) kept.push(candidate);
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * The entities of texts that name no date, which are the same whatever the day: shoppers send the
 * same lines again and again ("네", "감사합니다", quick replies, their order number). Emptied when
 * full, to bound its memory.
 */
const remembered = new Map<string, readonly Entity[]>();
const MAX_REMEMBERED_TEXTS = 5000;

/**
 * The entities in `text`, in reading order, in the NLU contract's form (`Entity`, ../types.ts).
 * The array is the caller's; the entities are frozen, since other calls for the same text may
 * be given the same ones.
 */
export function extractEntities(text: string, _locale: Locale, now: Date, options: EntityOptions = {}): Entity[] {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  checkTimeZone(timeZone);
  const known = remembered.get(text);
  if (known) return known.slice();
  let day: CalendarDay | undefined;
  let dated = false;
  const entities = entitiesOn(text, () => {
    dated = true;
    return (day ??= localDay(now, timeZone));
  }).map((entity) => Object.freeze(toContract(entity)));
  if (!dated) {
    if (remembered.size >= MAX_REMEMBERED_TEXTS) remembered.clear();
    remembered.set(text, entities.slice());
  }
  return entities;
}
