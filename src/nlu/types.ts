// The NLU's public contract: what every other module may rely on.

export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Intent ids from ../shared/design.md. Flows, tests and benchmarks use these names. */
export const INTENTS = [
  'greeting',
  'goodbye',
  'thanks',
  'order.status',
  'order.cancel',
  'order.change_address',
  'shipping.fee',
  'return.request',
  'return.policy',
  'exchange.request',
  'refund.status',
  'size.help',
  'product.stock',
  'payment.issue',
  'coupon.issue',
  'product.defect',
  'complaint.status',
  'agent.request',
  'None',
] as const;
export type IntentId = (typeof INTENTS)[number];
export const NOT_UNDERSTOOD: IntentId = 'None';

/**
 * Entity types the extractor produces. Values are normalised:
 * - order_number: string of digits/letters as the shop writes it ("20231105")
 * - size: letter size "XS".."XXL" | "FREE", or Korean women's size "44".."88"
 * - shoe_size: number, millimetres (220..300); US sizes are converted ("us 9" -> 270)
 * - waist: number, inches (24..40)
 * - height: number, centimetres
 * - weight: number, kilograms
 * - color: canonical lowercase English name ("black", "white", "navy" ...)
 * - quantity: number
 * - date: ISO calendar date "YYYY-MM-DD", resolved against the clock passed in and the shop's time zone
 * - money: number, the amount in major units (35000 for 3만5천원, 25.5 for $25.50), with `currency`
 * - phone: national digits with the leading 0 ("01012345678")
 * - email: the address, lower-cased
 */
export const ENTITY_TYPES = [
  'order_number',
  'size',
  'shoe_size',
  'waist',
  'height',
  'weight',
  'color',
  'quantity',
  'date',
  'money',
  'phone',
  'email',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface Entity {
  type: EntityType;
  value: string | number;
  /** Money only: the currency of `value`. */
  currency?: 'KRW' | 'USD';
  /** The exact span of the input it was read from. */
  text: string;
  start: number;
  end: number;
}

export interface IntentScore {
  intent: IntentId;
  score: number;
}

export interface NluResult {
  text: string;
  locale: Locale;
  /** `None` when the input was not understood (below threshold or margin). */
  intent: IntentId;
  /** The real score of the top intent (never NLP.js's substituted 1). */
  score: number;
  entities: Entity[];
  /** Other candidate intents, best first (excluding `intent`). */
  alternatives: IntentScore[];
  /**
   * Only when not understood: the intents the shop concepts it names point to (intents/concepts/),
   * most named first, so "did you mean" can offer them even when the model scores them low.
   */
  hints?: IntentId[];
}

export interface ClassifyOptions {
  /** Forces the locale; otherwise chosen from the script (Hangul present means Korean). */
  locale?: Locale;
  /** Clock for relative dates; defaults to now. */
  now?: Date;
  /** The calendar "today", "다음 주 화요일" are read in; the classifier's own (the shop's) by default. */
  timeZone?: string;
}

export interface Classifier {
  classify(text: string, options?: ClassifyOptions): Promise<NluResult>;
}
