// The entities this folder extracts, with money's value as { amount, currency }; `extractEntities`
// (index.ts) gives them in the NLU contract's form (../types.ts). Phone and e-mail detection
// also feeds ../../privacy/mask.ts.
import type { Entity } from '../types.ts';

export type Currency = 'KRW' | 'USD';

/** An amount in major units (25.5 for $25.50; won have no minor unit, so KRW amounts are integers). */
export interface Money {
  amount: number;
  currency: Currency;
}

interface Span {
  /** The exact span of the input it was read from. */
  text: string;
  start: number;
  end: number;
}

export interface MoneyEntity extends Span {
  type: 'money';
  value: Money;
}

/** phone: national digits with the leading 0 ("01012345678"); email: lower-cased address. */
export interface ContactEntity extends Span {
  type: 'phone' | 'email';
  value: string;
}

export type ExtractedEntity = Entity | MoneyEntity | ContactEntity;
export type ExtractedEntityType = ExtractedEntity['type'];
