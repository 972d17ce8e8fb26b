// Masks personal data in free text (Korean and English) before it reaches logs or exports.
// Order matters: resident registration numbers and card numbers are long digit runs that the
// phone pattern would otherwise eat in pieces.
// E-mail addresses and Korean phone numbers are found by the NLU's own detectors (one definition
// for the entity and the mask); masking takes every bare phone-shaped number, as the entity does
// not, and adds representative and foreign numbers, which are no entity.
import { findEmails } from '../nlu/entities/email.ts';
import { withoutOverlaps } from '../nlu/entities/match.ts';
import { findPhoneNumbers } from '../nlu/entities/phone.ts';

export type PiiKind = 'rrn' | 'card' | 'email' | 'phone' | 'address';

export const PII_PLACEHOLDER: Record<PiiKind, string> = {
  rrn: '[RRN]',
  card: '[CARD]',
  email: '[EMAIL]',
  phone: '[PHONE]',
  address: '[ADDRESS]',
};

// 주민등록번호: YYMMDD-GNNNNNN, the 7th digit 1-8 (century and sex, foreigners 5-8).
const RRN = /(?<!\d)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\s?-?\s?[1-8]\d{6}(?!\d)/g;

// 13 to 19 digits, optionally grouped by spaces or dashes (4-4-4-4, Amex 4-6-5); not after a +,
// which begins a phone number ("+82-010-1234-5678").
const CARD_CANDIDATE = /(?<![\d+-])\d(?:[ -]?\d){12,18}(?![\d-])/g;

// Phone numbers besides the Korean ones of ../nlu/entities/phone.ts.
const OTHER_PHONE = new RegExp(
  [
    // Korean representative numbers: 1588-1234
    String.raw`(?<!\d)1[5-9]\d{2}-\d{4}(?!\d)`,
    // North American and other international forms: +1 (415) 555-0132, 415.555.0132
    String.raw`(?:\+\d{1,3}[ .-]?)?\(?(?<!\d)\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?!\d)`,
  ].join('|'),
  'g',
);

const KO_PROVINCE =
  '(?:서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|충청북|충청남|전북|전남|전라북|전라남|경북|경남|경상북|경상남|제주)[가-힣]*';
// At least one administrative unit (province/city/district) must precede the road or lot, so that
// "M으로 2개" or "사이즈로 1" is never taken for an address.
const KO_REGION = `(?:${KO_PROVINCE}\\s*)?(?:[가-힣]{1,10}(?:시|군|구)\\s*){1,3}(?:[가-힣0-9]{1,10}(?:읍|면|동|리|가)\\s*)?`;
const KO_PLACE = '[가-힣A-Za-z0-9]{1,20}(?:로|길|동|리|가)\\s*\\d+(?:-\\d+)?(?:번길\\s*\\d+(?:-\\d+)?)?(?:번지)?';
// Building name, block and unit after the street: "OO아파트 101동 1203호", "강남파이낸스센터 12층".
const KO_UNIT = '(?:\\s*,?\\s*(?:[가-힣A-Za-z0-9]{2,20}\\s*)?(?:\\d+동\\s*)?\\d+(?:호|층))*';
const KO_ADDRESS = `(?:${KO_PROVINCE}\\s*)?${KO_REGION}${KO_PLACE}${KO_UNIT}`;
// An apartment unit on its own ("101동 1203호") identifies a home as well.
const KO_APARTMENT_UNIT = '(?<![\\d가-힣])\\d{1,4}동\\s*\\d{1,5}호';
const EN_ADDRESS =
  '(?<!\\d)\\d{1,6}\\s+(?:[A-Z][A-Za-z]*\\.?\\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Parkway|Pkwy)\\b\\.?(?:,?\\s*(?:Apt|Apartment|Suite|Ste|Unit|#)\\.?\\s*[A-Za-z0-9-]+)?';
const ADDRESS = new RegExp(`${KO_ADDRESS}|${KO_APARTMENT_UNIT}|${EN_ADDRESS}`, 'g');

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// Cheap pre-check: most log lines and chat turns have no run of 6+ digits, no @ and no address word.
const MIGHT_CONTAIN_PII = /\d{3}|@|[로길동리가호층]\s*\d|\d\s*(?:호|층)|\b(?:St|Ave|Rd|Street|Avenue|Road)\b/;

/**
 * Replaces resident registration numbers and card numbers (grouped, or bare and passing Luhn)
 * with `[RRN]` / `[CARD]`; everything else is left as written. Used on shopper lines before they
 * are stored, where agents still need phone numbers and addresses.
 */
export function maskIdAndCardNumbers(text: string): string {
  if (!/\d{3}/.test(text)) return text;
  return text.replace(RRN, PII_PLACEHOLDER.rrn).replace(CARD_CANDIDATE, (match) => {
    const digits = match.replace(/[ -]/g, '');
    // A phone number as long as a card ("0082 10 1234 5678", "0504-1234-5678") is left to the phone step.
    if (isWholePhoneNumber(match)) return match;
    // Grouped runs look like cards whatever their checksum; bare runs must pass Luhn so that
    // long order numbers stay readable in logs.
    return /[ -]/.test(match) || passesLuhn(digits) ? PII_PLACEHOLDER.card : match;
  });
}

/** Replaces personal data in `text` with placeholders such as `[PHONE]`. */
export function maskPii(text: string): string {
  if (!MIGHT_CONTAIN_PII.test(text)) return text;
  const withoutNumbers = maskIdAndCardNumbers(text);
  return maskPhones(maskEmails(withoutNumbers).replace(ADDRESS, PII_PLACEHOLDER.address));
}

function isWholePhoneNumber(candidate: string): boolean {
  const [phone, ...more] = findPhoneNumbers(candidate, 'mask');
  return phone !== undefined && more.length === 0 && phone.start === 0 && phone.end === candidate.length;
}

interface Span {
  start: number;
  end: number;
}

/** `text` with each of `spans` (in reading order, not overlapping) replaced by `placeholder`. */
function replaceSpans(text: string, spans: readonly Span[], placeholder: string): string {
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + placeholder;
    at = span.end;
  }
  return out + text.slice(at);
}

function maskEmails(text: string): string {
  return replaceSpans(text, findEmails(text), PII_PLACEHOLDER.email);
}

function maskPhones(text: string): string {
  const others = [...text.matchAll(OTHER_PHONE)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  return replaceSpans(text, withoutOverlaps([...findPhoneNumbers(text, 'mask'), ...others]), PII_PLACEHOLDER.phone);
}

/** Masks every string inside a JSON-like value; other values are returned unchanged. */
export function maskDeep<T>(value: T): T {
  return maskStringsDeep(value, maskPii);
}

/**
 * Applies `mask` to every string inside a JSON-like value (plain objects and arrays), except the
 * values of the keys in `keep` (ids, times: what is never personal data and must stay exact).
 */
export function maskStringsDeep<T>(value: T, mask: (text: string) => string, keep: ReadonlySet<string> = NO_KEYS): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((item) => maskStringsDeep(item, mask, keep)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = keep.has(key) ? item : maskStringsDeep(item, mask, keep);
    return out as T;
  }
  return value;
}

const NO_KEYS: ReadonlySet<string> = new Set();
