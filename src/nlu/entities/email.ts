// E-mail addresses, the one definition the NLU entity and the log masking (../../privacy/mask.ts)
// share: "minji.kim@example.com", "Kim+shop@Naver.COM", "a_b@mail.co.kr", with Korean particles or
// punctuation right after ("minji@example.com으로", "… at a@b.co."). The value is lower-cased.
// Lenient in the local part (dots anywhere but first: "...minji@x.com" after an ellipsis is read
// from the m), as masking must not let an odd but real address through. Not read: addresses without
// a dot in the domain ("me@localhost"), a domain label starting or ending with a hyphen, obfuscated
// forms ("minji at example dot com"), full-width ＠ and non-ASCII addresses.
import type { ContactEntity } from './kinds.ts';

// The local part starts with a letter, digit or one of _%+-; the domain is dot-separated labels
// (no leading or trailing hyphen) ending in a letters-only top-level domain.
const EMAIL =
  /(?<![A-Za-z0-9_%+-])[A-Za-z0-9_%+-][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g;

export interface EmailAddress {
  /** The address, lower-cased. */
  address: string;
  text: string;
  start: number;
  end: number;
}

/** E-mail addresses in `text`, in reading order. */
export function findEmails(text: string): EmailAddress[] {
  if (!text.includes('@')) return [];
  const found: EmailAddress[] = [];
  EMAIL.lastIndex = 0;
  for (let m = EMAIL.exec(text); m !== null; m = EMAIL.exec(text)) {
    found.push({ address: m[0].toLowerCase(), text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return found;
}

export function extractEmails(text: string): ContactEntity[] {
  return findEmails(text).map(({ address, text: span, start, end }) => ({ type: 'email', value: address, text: span, start, end }));
}
