// The proactive decision as one pure function: (rules, page event, shopper, cap state, now) ->
// what to do. No sockets, store or clock of its own; the server feeds it and sends the result
// (src/server/proactive.ts). The visit and cap states are plain data, updated by the functions
// below and kept by the caller.
import type { SessionMode } from '../conversation/session-mode.ts';
import { type BusinessHours, isOpen } from '../handoff/hours.ts';
import type { PageEvent, PageView } from './events.ts';
import { type Conditions, CUSTOMER_CONDITIONS, type EventField, type Rule, type RulesFile, type Trigger } from './schema.ts';

export type Locale = 'ko' | 'en';

/** What one visit (one session) has shown so far. */
export interface VisitState {
  /** The page the shopper is on (the last page_view). */
  page: PageView | null;
  /** KRW, the basket as last reported; null until an event said. */
  cartValue: number | null;
  /** How often each page was viewed in this visit, by pageKey(). */
  views: Readonly<Record<string, number>>;
  /** Rules that fired in this visit. */
  fired: readonly string[];
  /** The shopper dismissed a nudge. */
  dismissed: boolean;
  /** The last `typing` frame: active, and when. */
  typing: { active: boolean; atMs: number } | null;
}

export const NEW_VISIT: VisitState = { page: null, cartValue: null, views: {}, fired: [], dismissed: false, typing: null };

/** Per shopper (signed-in customer, else session): when proactive messages were shown, the last 24 hours. */
export interface ShopperCaps {
  shownAtMs: readonly number[];
}

export const NO_CAPS: ShopperCaps = { shownAtMs: [] };

export interface ShopperContext {
  locale: Locale;
  signedIn: boolean;
  /** Who answers the session: proactive messages only while the bot does. */
  mode: SessionMode;
  /** A flow waits on the shopper's answer. */
  midFlow: boolean;
  hours: BusinessHours;
  /**
   * The signed-in customer as the shop knows them, when some rule's conditions ask (customer_tier,
   * recent_orders); null for a guest or when the shop could not say.
   */
  customer?: CustomerProfile | null;
  /** The order the order page shows, as the commerce port reported it (only asked for order pages). */
  order?: { number: string; late: boolean } | null;
  /** The button under an `offer_person` message, in the shopper's language (messages.yaml `proactive.talk_to_person`). */
  talkToPerson: string;
}

export interface CustomerProfile {
  tier: string | null;
  /** When each of their recent orders was placed (ISO), any order. */
  orderTimes: readonly string[];
}

export interface QuickReplyOut {
  label: string;
  payload: string;
}

export type ProactiveAction =
  | { kind: 'message'; text: string; quickReplies: QuickReplyOut[] }
  | { kind: 'flow'; flow: string; slots: Record<string, string> };

export type QuietReason = 'dismissed' | 'not_bot' | 'in_flow' | 'typing' | 'too_soon' | 'daily_cap' | 'no_rule';

export type Decision = { act: false; reason: QuietReason } | { act: true; rule: Rule; action: ProactiveAction };

const DAY_MS = 24 * 60 * 60 * 1000;

/** The page's identity for "seen twice": a help topic, a product, an order. */
export function pageKey(page: PageView): string {
  return `${page.page}:${page.topic ?? page.productId ?? page.orderNumber ?? ''}`;
}

/** The visit after the event: the page the shopper is on, the pages seen, the basket. */
export function observe(visit: VisitState, event: PageEvent): VisitState {
  const cartValue = 'cartValue' in event.data && event.data.cartValue !== undefined ? event.data.cartValue : visit.cartValue;
  if (event.name !== 'page_view') return cartValue === visit.cartValue ? visit : { ...visit, cartValue };
  const key = pageKey(event.data);
  return { ...visit, page: event.data, cartValue, views: { ...visit.views, [key]: (visit.views[key] ?? 0) + 1 } };
}

export function recordTyping(visit: VisitState, active: boolean, nowMs: number): VisitState {
  return { ...visit, typing: { active, atMs: nowMs } };
}

export function recordDismissal(visit: VisitState): VisitState {
  return { ...visit, dismissed: true };
}

/** After a proactive message was shown: the rule is spent for the visit, the shopper's caps count it. */
export function recordShown(visit: VisitState, caps: ShopperCaps, rule: Rule, now: Date): { visit: VisitState; caps: ShopperCaps } {
  const nowMs = now.getTime();
  return {
    visit: rule.once_per_visit ? { ...visit, fired: [...visit.fired, rule.id] } : visit,
    caps: { shownAtMs: [...caps.shownAtMs.filter((at) => nowMs - at < DAY_MS), nowMs] },
  };
}

/**
 * What to do about `event`. `visit` already includes the event (observe() first). The first rule,
 * in file order, whose trigger and conditions match wins; the caps come before any rule.
 */
export function decide(rules: RulesFile, event: PageEvent, shopper: ShopperContext, state: { visit: VisitState; caps: ShopperCaps }, now: Date): Decision {
  const quiet = capReason(rules.caps, shopper, state, now.getTime());
  if (quiet) return { act: false, reason: quiet };
  for (const rule of rules.rules) {
    if (state.visit.fired.includes(rule.id)) continue;
    if (!triggered(rule.when, event, state.visit, shopper)) continue;
    if (rule.if && !holds(rule.if, state.visit, shopper, now)) continue;
    return { act: true, rule, action: actionOf(rule, event, state.visit, shopper) };
  }
  return { act: false, reason: 'no_rule' };
}

function capReason(caps: RulesFile['caps'], shopper: ShopperContext, state: { visit: VisitState; caps: ShopperCaps }, nowMs: number): QuietReason | null {
  const { visit } = state;
  if (caps.dismiss_silences_visit && visit.dismissed) return 'dismissed';
  if (shopper.mode !== 'bot') return 'not_bot';
  if (caps.quiet_in_flow && shopper.midFlow) return 'in_flow';
  if (visit.typing?.active && nowMs - visit.typing.atMs < caps.typing_quiet_seconds * 1000) return 'typing';
  const shown = state.caps.shownAtMs.filter((at) => nowMs - at < DAY_MS);
  const last = shown.length > 0 ? Math.max(...shown) : null;
  if (last !== null && nowMs - last < caps.min_minutes_between * 60_000) return 'too_soon';
  if (shown.length >= caps.max_per_day) return 'daily_cap';
  return null;
}

function triggered(when: Trigger, event: PageEvent, visit: VisitState, shopper: ShopperContext): boolean {
  switch (when.trigger) {
    case 'page_view':
      return event.name === 'page_view';
    case 'dwell':
      return event.name === 'dwell' && visit.page !== null && event.data.seconds >= when.seconds;
    case 'cart_idle':
      return event.name === 'cart_idle' && event.data.minutes >= when.minutes;
    case 'checkout_error':
      return event.name === 'checkout_error' && (when.code === undefined || event.data.code === when.code);
    case 'page_revisit':
      return event.name === 'page_view' && visit.views[pageKey(event.data)] === when.times;
    case 'order_late':
      return event.name === 'page_view' && event.data.page === 'order' && shopper.order?.late === true && shopper.order.number === event.data.orderNumber;
  }
}

function holds(conditions: Conditions, visit: VisitState, shopper: ShopperContext, now: Date): boolean {
  const page = visit.page;
  if (conditions.page && !(page && conditions.page.includes(page.page))) return false;
  if (conditions.product && !(page?.productId && conditions.product.includes(page.productId))) return false;
  if (conditions.category && !(page?.category && conditions.category.includes(page.category))) return false;
  if (conditions.cart_value) {
    const value = visit.cartValue ?? 0;
    const { min, max } = conditions.cart_value;
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) return false;
  }
  if (conditions.locale && !conditions.locale.includes(shopper.locale)) return false;
  if (conditions.signed_in !== undefined && conditions.signed_in !== shopper.signedIn) return false;
  if (conditions.business_hours && (conditions.business_hours === 'open') !== isOpen(shopper.hours, now)) return false;
  if (conditions.customer_tier) {
    const tier = shopper.customer?.tier;
    if (!tier || !conditions.customer_tier.includes(tier)) return false;
  }
  if (conditions.recent_orders) {
    const { min, max, days } = conditions.recent_orders;
    const since = now.getTime() - days * DAY_MS;
    const count = (shopper.customer?.orderTimes ?? []).filter((at) => Date.parse(at) >= since).length;
    if ((min !== undefined && count < min) || (max !== undefined && count > max)) return false;
  }
  return true;
}

/** Whether any rule needs the customer's profile (so the server asks the shop only then). */
export function wantsCustomer(rules: RulesFile): boolean {
  return rules.rules.some((rule) => rule.if !== undefined && CUSTOMER_CONDITIONS.some((name) => rule.if?.[name] !== undefined));
}

function actionOf(rule: Rule, event: PageEvent, visit: VisitState, shopper: ShopperContext): ProactiveAction {
  const { locale } = shopper;
  const action = rule.do;
  if (action.flow !== undefined) {
    const slots: Record<string, string> = {};
    for (const [name, value] of Object.entries(action.slots ?? {})) {
      const resolved = value.startsWith('$') ? eventField(value as EventField, event, visit) : value;
      if (resolved !== undefined) slots[name] = resolved;
    }
    return { kind: 'flow', flow: action.flow, slots };
  }
  const replies = (action.quick_replies ?? []).map((reply) => ({ label: reply.label[locale], payload: reply.payload }));
  if (action.offer_person) {
    return { kind: 'message', text: action.offer_person[locale], quickReplies: [...replies, { label: shopper.talkToPerson, payload: 'handoff' }] };
  }
  return { kind: 'message', text: action.message?.[locale] ?? '', quickReplies: replies };
}

function eventField(field: EventField, event: PageEvent, visit: VisitState): string | undefined {
  const page = visit.page;
  switch (field) {
    case '$product':
      return page?.productId;
    case '$category':
      return page?.category;
    case '$topic':
      return page?.topic;
    case '$code':
      return event.name === 'checkout_error' ? event.data.code : undefined;
    case '$order':
      return (event.name === 'checkout_error' ? event.data.orderNumber : undefined) ?? page?.orderNumber;
  }
}
