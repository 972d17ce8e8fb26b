import type { Entity } from '../types.ts';
import { collect } from './match.ts';
import { isPhoneNumber } from './phone.ts';

// After a cue ("주문번호", "order #", "order number"), any code with at least four digits.
// Hangul may follow directly: Korean particles attach to the number ("20261107이요", "20261107로").
const CUED = /(?:주문\s*번호|주문|오더|order\s*(?:number|no\.?|num|id)?|#)\s*(?:는|은|가|이|:|is)?\s*#?\s*([A-Za-z]{0,4}[-]?\d[\dA-Za-z-]{3,24})(?![A-Za-z\p{N}])/giu;
// Without a cue: a long digit run (8+), optionally with a letter prefix or dashes, as shops print them.
const BARE = /(?<![\p{L}\p{N}-])((?:[A-Za-z]{1,4}-?)?\d{4,}(?:-\d{2,})*)(?![A-Za-z\p{N}-])/gu;
// Phone numbers (phone.ts: 010-1234-5678, 01012345678, 02-123-4567) look like long codes; they
// are not order numbers. A bare 10-digit run is an order number, even one starting with 01.

function orderCode(raw: string | undefined, cued: boolean): string | undefined {
  if (!raw) return undefined;
  const digits = raw.replace(/\D/g, '').length;
  if (digits < (cued ? 4 : 8) || isPhoneNumber(raw)) return undefined;
  return raw.toUpperCase();
}

export function extractOrderNumbers(text: string): Entity[] {
  const cued = collect(text, CUED, 'order_number', (m) => orderCode(m[1], true)).map((e) => {
    // Keep only the code itself as the entity's span, not the cue.
    const code = String(e.value);
    const at = text.toUpperCase().indexOf(code, e.start);
    return { ...e, text: text.slice(at, at + code.length), start: at, end: at + code.length };
  });
  const bare = collect(text, BARE, 'order_number', (m) => orderCode(m[1], false));
  return [...cued, ...bare.filter((b) => !cued.some((c) => c.start === b.start))];
}
