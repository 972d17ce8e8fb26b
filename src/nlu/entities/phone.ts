// Korean phone numbers, the one definition the NLU entity, order-number.ts and the log masking
// (../../privacy/mask.ts) share: mobile 010-1234-5678 (and the old 011/016-019), Seoul 02-123-4567,
// the other area codes 031-064, internet phones 070 and 050X safe numbers (안심번호, as couriers
// print them), with -, . or spaces between the groups or none, "(02) 123-4567", and +82 / 0082
// forms ("+82 10-1234-5678", "+82 (0)2 123 4567", "+82-010-..."). The value is the national number,
// digits only with the leading 0: "01012345678".
//
// A bare run of digits is ambiguous with an order number (shops print 8-10 digits), so as an
// entity it is a phone number only when it is an 11-digit mobile number (010 + 8 digits; the old
// 011/016-019 likewise), or when a cue stands before it ("전화 0212345678", "phone: 0311234567").
// Grouped ("02-123-4567") or international forms need no cue, but none may follow a Latin letter
// ("A01012345678" is an order code). Masking (mode 'mask') takes every bare number of a valid shape
// and after letters too ("HP01012345678"): a log must not keep a phone number because it looked
// like an order code.
// Not read: representative numbers (1588-1234), 080 free-call numbers and foreign numbers, which
// are no shopper's contact (masking has its own patterns for those), and numbers with a wrong
// group length for their prefix (010-123-4567, 02-12-3456).
import type { ContactEntity } from './kinds.ts';
import { withoutOverlaps } from './match.ts';

// Area and service codes after the leading 0.
const AREA = String.raw`1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|50[2-8]`;
// Between groups: nothing, one space, or a dash or dot with a space either side or not.
const SEP = String.raw`(?:\s?[-.]\s?|\s)?`;

const NUMBER = String.raw`(?:(?<intl>(?:\+|00)\s?82)[\s.-]?(?:\(0\)\s?)?0?(?<intlArea>${AREA})|\(0(?<parenArea>${AREA})\)|0(?<area>${AREA}))(?<sep1>${SEP})(?<middle>\d{3,4})(?<sep2>${SEP})(?<last>\d{4})(?![0-9@]|[-.]\d)`;
// Not inside a longer number ("9010-1234-5678", "1-010-…"); as an entity not after a letter or + either.
const PHONE: Record<PhoneMode, RegExp> = {
  entity: new RegExp(String.raw`(?<![0-9A-Za-z+_@]|[0-9][-.])${NUMBER}`, 'gu'),
  mask: new RegExp(String.raw`(?<![0-9]|[0-9][-.])${NUMBER}`, 'gu'),
};

// A word before a bare landline number that says it is one.
const CUE = /(?:전화|연락처|연락|휴대폰|핸드폰|휴대전화|폰번호|번호로\s*연락|tel|phone|mobile|cell|call(?:\s+me)?(?:\s+at)?|text(?:\s+me)?(?:\s+at)?)[^0-9\n]{0,6}$/iu;

export interface PhoneNumber {
  /** The national number, digits only, with the leading 0. */
  digits: string;
  text: string;
  start: number;
  end: number;
}

/**
 * 'entity': an ungrouped run only if it is an 11-digit mobile number or cued, never after a letter;
 * 'mask': every number of a valid shape, wherever it stands.
 */
export type PhoneMode = 'entity' | 'mask';

/** The group after the area code must be 4 digits for 010, 070 and 050X; 3 or 4 elsewhere. */
function validLength(area: string, middle: string): boolean {
  return middle.length === 4 || !/^(?:10|70|50\d)$/.test(area);
}

/** Korean phone numbers in `text`, in reading order. */
export function findPhoneNumbers(text: string, mode: PhoneMode = 'entity'): PhoneNumber[] {
  const found: PhoneNumber[] = [];
  const pattern = PHONE[mode];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const g = m.groups ?? {};
    const area = g.intlArea ?? g.parenArea ?? g.area ?? '';
    const middle = g.middle ?? '';
    if (!validLength(area, middle)) continue;
    const digits = `0${area}${middle}${g.last ?? ''}`;
    const bare = g.intl === undefined && g.parenArea === undefined && !g.sep1 && !g.sep2;
    if (bare && mode === 'entity' && !(/^01\d{9}$/.test(digits) || CUE.test(text.slice(Math.max(0, m.index - 20), m.index)))) continue;
    found.push({ digits, text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return withoutOverlaps(found);
}

/** Whether `code` as a whole is a phone number by the entity's rules (for order-number.ts). */
export function isPhoneNumber(code: string): boolean {
  const [only, ...more] = findPhoneNumbers(code);
  return only !== undefined && more.length === 0 && only.start === 0 && only.end === code.length;
}

export function extractPhones(text: string): ContactEntity[] {
  return findPhoneNumbers(text).map(({ digits, text: span, start, end }) => ({ type: 'phone', value: digits, text: span, start, end }));
}
