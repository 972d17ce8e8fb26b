// The proactive decision, with a fake clock: triggers, conditions, actions and every cap.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUSINESS_HOURS } from '../../src/handoff/hours.ts';
import { parsePageEvent, type PageEvent } from '../../src/proactive/events.ts';
import {
  decide,
  NEW_VISIT,
  NO_CAPS,
  observe,
  recordDismissal,
  recordShown,
  recordTyping,
  type ShopperCaps,
  type ShopperContext,
  type VisitState,
} from '../../src/proactive/evaluate.ts';
import { RulesFileSchema, type RulesFile } from '../../src/proactive/schema.ts';

/** Tuesday 10:00 in Seoul (open); 22:00 (closed). */
const OPEN = new Date('2025-03-04T01:00:00.000Z');
const CLOSED = new Date('2025-03-04T13:00:00.000Z');
const MIN = 60_000;

function ev(name: string, data: unknown): PageEvent {
  const parsed = parsePageEvent(name as 'page_view', data);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.event;
}

const rules: RulesFile = RulesFileSchema.parse({
  caps: { min_minutes_between: 10, max_per_day: 2, typing_quiet_seconds: 10 },
  rules: [
    {
      id: 'size',
      when: { trigger: 'dwell', seconds: 20 },
      if: { page: 'product', category: ['top', 'outer'] },
      do: { message: { ko: '사이즈 고민되세요?', en: 'Unsure about the size?' }, quick_replies: [{ label: { ko: '사이즈 추천', en: 'Size advice' }, payload: 'intent:size.help' }] },
    },
    { id: 'declined', when: { trigger: 'checkout_error', code: 'payment_declined' }, do: { flow: 'payment_issue', slots: { problem: 'failed', order_number: '$order' } } },
    { id: 'help_twice', when: { trigger: 'page_revisit', times: 2 }, if: { page: 'help' }, do: { offer_person: { ko: '도와드릴까요?', en: 'Can I help?' } } },
    { id: 'late', when: { trigger: 'order_late' }, if: { signed_in: true }, do: { flow: 'order_status', slots: { order_number: '$order' } } },
    { id: 'big_cart', when: { trigger: 'cart_idle', minutes: 5 }, if: { cart_value: { min: 100000 }, locale: 'en', business_hours: 'open' }, do: { message: { ko: '장바구니', en: 'Your basket' } } },
  ],
});

const shopper = (over: Partial<ShopperContext> = {}): ShopperContext => ({
  locale: 'ko',
  signedIn: false,
  mode: 'bot',
  midFlow: false,
  hours: DEFAULT_BUSINESS_HOURS,
  // The server reads it from messages.yaml (proactive.talk_to_person); any wording is shown as given.
  talkToPerson: '상담원에게 물어보기',
  ...over,
});

function onProduct(category = 'top'): VisitState {
  return observe(NEW_VISIT, ev('page_view', { page: 'product', productId: 'p101', category }));
}

const dwell20 = ev('dwell', { seconds: 20 });

describe('proactive decision', () => {
  it('dwell on a product page of a matching category brings the message in the shopper language', () => {
    const decision = decide(rules, dwell20, shopper(), { visit: onProduct(), caps: NO_CAPS }, OPEN);
    expect(decision).toMatchObject({ act: true, rule: { id: 'size' }, action: { kind: 'message', text: '사이즈 고민되세요?', quickReplies: [{ label: '사이즈 추천', payload: 'intent:size.help' }] } });
    const en = decide(rules, dwell20, shopper({ locale: 'en' }), { visit: onProduct(), caps: NO_CAPS }, OPEN);
    expect(en).toMatchObject({ act: true, action: { text: 'Unsure about the size?' } });
  });

  it('too short a dwell, another category or another page does nothing', () => {
    expect(decide(rules, ev('dwell', { seconds: 10 }), shopper(), { visit: onProduct(), caps: NO_CAPS }, OPEN)).toEqual({ act: false, reason: 'no_rule' });
    expect(decide(rules, dwell20, shopper(), { visit: onProduct('shoes'), caps: NO_CAPS }, OPEN)).toEqual({ act: false, reason: 'no_rule' });
    const cart = observe(NEW_VISIT, ev('page_view', { page: 'cart' }));
    expect(decide(rules, dwell20, shopper(), { visit: cart, caps: NO_CAPS }, OPEN)).toEqual({ act: false, reason: 'no_rule' });
  });

  it('a declined payment starts the payment flow with the failed order from the event', () => {
    const visit = observe(NEW_VISIT, ev('page_view', { page: 'checkout' }));
    const decision = decide(rules, ev('checkout_error', { code: 'payment_declined', orderNumber: '20261118' }), shopper(), { visit, caps: NO_CAPS }, OPEN);
    expect(decision).toMatchObject({ act: true, action: { kind: 'flow', flow: 'payment_issue', slots: { problem: 'failed', order_number: '20261118' } } });
    // Another code matches no rule.
    expect(decide(rules, ev('checkout_error', { code: 'coupon_rejected' }), shopper(), { visit, caps: NO_CAPS }, OPEN).act).toBe(false);
  });

  it('the same help page seen the second time offers a person; the first view does not', () => {
    const view = ev('page_view', { page: 'help', topic: 'returns' });
    const once = observe(NEW_VISIT, view);
    expect(decide(rules, view, shopper(), { visit: once, caps: NO_CAPS }, OPEN).act).toBe(false);
    const twice = observe(once, view);
    const decision = decide(rules, view, shopper(), { visit: twice, caps: NO_CAPS }, OPEN);
    expect(decision).toMatchObject({ act: true, rule: { id: 'help_twice' }, action: { kind: 'message', quickReplies: [{ label: '상담원에게 물어보기', payload: 'handoff' }] } });
    // Another help topic is another page.
    const other = observe(once, ev('page_view', { page: 'help', topic: 'shipping' }));
    expect(decide(rules, ev('page_view', { page: 'help', topic: 'shipping' }), shopper(), { visit: other, caps: NO_CAPS }, OPEN).act).toBe(false);
  });

  it('a late order page starts the lookup of that order for a signed-in shopper only', () => {
    const view = ev('page_view', { page: 'order', orderNumber: '20261112' });
    const visit = observe(NEW_VISIT, view);
    const late = { number: '20261112', late: true };
    expect(decide(rules, view, shopper({ signedIn: true, order: late }), { visit, caps: NO_CAPS }, OPEN)).toMatchObject({ act: true, action: { flow: 'order_status', slots: { order_number: '20261112' } } });
    expect(decide(rules, view, shopper({ signedIn: false, order: late }), { visit, caps: NO_CAPS }, OPEN).act).toBe(false);
    expect(decide(rules, view, shopper({ signedIn: true, order: { number: '20261112', late: false } }), { visit, caps: NO_CAPS }, OPEN).act).toBe(false);
  });

  it('cart value, locale and business hours conditions', () => {
    const idle = (cartValue: number) => ev('cart_idle', { minutes: 6, cartValue });
    const ok = (value: number, over: Partial<ShopperContext>, now: Date) =>
      decide(rules, idle(value), shopper(over), { visit: observe(NEW_VISIT, idle(value)), caps: NO_CAPS }, now).act;
    expect(ok(120000, { locale: 'en' }, OPEN)).toBe(true);
    expect(ok(90000, { locale: 'en' }, OPEN)).toBe(false);
    expect(ok(120000, { locale: 'ko' }, OPEN)).toBe(false);
    expect(ok(120000, { locale: 'en' }, CLOSED)).toBe(false);
  });

  it('customer tier and recent orders: a grade the shop names, orders counted in the last N days', () => {
    const loyal = RulesFileSchema.parse({
      rules: [
        { id: 'vip_care', when: { trigger: 'page_view' }, if: { page: 'cart', customer_tier: ['VIP', 'GOLD'] }, do: { offer_person: { ko: 'VIP 전담', en: 'VIP desk' } } },
        { id: 'first_order', when: { trigger: 'page_view' }, if: { page: 'cart', recent_orders: { max: 0, days: 365 } }, do: { message: { ko: '첫 주문', en: 'First order' } } },
        { id: 'regular', when: { trigger: 'page_view' }, if: { page: 'cart', recent_orders: { min: 3, days: 30 } }, do: { message: { ko: '단골', en: 'Regular' } } },
      ],
    });
    const cart = ev('page_view', { page: 'cart' });
    const visit = observe(NEW_VISIT, cart);
    const ruleFor = (over: Partial<ShopperContext>): string | null => {
      const decision = decide(loyal, cart, shopper(over), { visit, caps: NO_CAPS }, OPEN);
      return decision.act ? decision.rule.id : null;
    };
    const daysAgo = (days: number) => new Date(OPEN.getTime() - days * 24 * 60 * MIN).toISOString();
    expect(ruleFor({ signedIn: true, customer: { tier: 'GOLD', orderTimes: [] } })).toBe('vip_care');
    // A grade is matched as the shop spells it; no grade, or a guest, never matches a tier.
    expect(ruleFor({ signedIn: true, customer: { tier: 'gold', orderTimes: [daysAgo(400)] } })).toBe('first_order');
    expect(ruleFor({ signedIn: false, customer: null })).toBe('first_order');
    // Three orders within 30 days make a regular; one of them 31 days old does not count.
    const recent = [daysAgo(1), daysAgo(10), daysAgo(29)];
    expect(ruleFor({ signedIn: true, customer: { tier: null, orderTimes: recent } })).toBe('regular');
    expect(ruleFor({ signedIn: true, customer: { tier: null, orderTimes: [daysAgo(1), daysAgo(10), daysAgo(31)] } })).toBeNull();
  });

  it('recent_orders needs a bound and a sensible range', () => {
    const parse = (recent: unknown) => RulesFileSchema.safeParse({ rules: [{ id: 'r', when: { trigger: 'page_view' }, if: { recent_orders: recent }, do: { message: { ko: 'a', en: 'a' } } }] });
    expect(parse({ days: 30 }).success).toBe(false);
    expect(parse({ min: 3, max: 1 }).success).toBe(false);
    expect(parse({ min: 1 }).success).toBe(true);
  });
});

describe('proactive caps', () => {
  const state = (visit: VisitState, caps: ShopperCaps = NO_CAPS) => ({ visit, caps });

  it('at most one message per N minutes, and at most max_per_day in 24 hours', () => {
    let now = OPEN.getTime();
    let caps: ShopperCaps = NO_CAPS;
    const rule = rules.rules[0]!;
    ({ caps } = recordShown(NEW_VISIT, caps, rule, new Date(now)));
    now += 9 * MIN;
    expect(decide(rules, dwell20, shopper(), state(onProduct(), caps), new Date(now))).toEqual({ act: false, reason: 'too_soon' });
    now += 2 * MIN;
    expect(decide(rules, dwell20, shopper(), state(onProduct(), caps), new Date(now)).act).toBe(true);
    ({ caps } = recordShown(NEW_VISIT, caps, rule, new Date(now)));
    now += 60 * MIN;
    expect(decide(rules, dwell20, shopper(), state(onProduct(), caps), new Date(now))).toEqual({ act: false, reason: 'daily_cap' });
    // A day after the first one, there is room again.
    now = OPEN.getTime() + 24 * 60 * MIN + 1;
    expect(decide(rules, dwell20, shopper(), state(onProduct(), caps), new Date(now)).act).toBe(true);
  });

  it('a rule fires once per visit', () => {
    const { visit } = recordShown(onProduct(), NO_CAPS, rules.rules[0]!, OPEN);
    expect(decide(rules, dwell20, shopper(), state(visit), new Date(OPEN.getTime() + 60 * MIN))).toEqual({ act: false, reason: 'no_rule' });
  });

  it('never while the shopper types; typing stops holding after the quiet seconds or when it ends', () => {
    const now = OPEN.getTime();
    const typing = recordTyping(onProduct(), true, now);
    expect(decide(rules, dwell20, shopper(), state(typing), new Date(now + 5000))).toEqual({ act: false, reason: 'typing' });
    expect(decide(rules, dwell20, shopper(), state(typing), new Date(now + 11_000)).act).toBe(true);
    expect(decide(rules, dwell20, shopper(), state(recordTyping(typing, false, now + 1000)), new Date(now + 2000)).act).toBe(true);
  });

  it('never mid-flow, never while people own the conversation or after hours messages are offered', () => {
    expect(decide(rules, dwell20, shopper({ midFlow: true }), state(onProduct()), OPEN)).toEqual({ act: false, reason: 'in_flow' });
    for (const mode of ['queued', 'agent', 'offline_message'] as const) {
      expect(decide(rules, dwell20, shopper({ mode }), state(onProduct()), OPEN)).toEqual({ act: false, reason: 'not_bot' });
    }
  });

  it('a dismissal silences the rest of the visit', () => {
    const visit = recordDismissal(onProduct());
    expect(decide(rules, dwell20, shopper(), state(visit), new Date(OPEN.getTime() + 600 * MIN))).toEqual({ act: false, reason: 'dismissed' });
    expect(decide(rules, dwell20, shopper(), state(NEW_VISIT.page ? visit : onProduct()), OPEN).act).toBe(true);
  });

  it('each cap can be switched off in the file', () => {
    const lax = RulesFileSchema.parse({ caps: { quiet_in_flow: false, dismiss_silences_visit: false, min_minutes_between: 0, max_per_day: 100 }, rules: [{ ...rules.rules[0]!, once_per_visit: false }] });
    const visit = recordDismissal(onProduct());
    const { caps } = recordShown(visit, NO_CAPS, lax.rules[0]!, OPEN);
    expect(decide(lax, dwell20, shopper({ midFlow: true }), state(visit, caps), OPEN).act).toBe(true);
  });
});

describe('page event data', () => {
  it('names the field that is wrong', () => {
    const bad = parsePageEvent('page_view', { page: 'landing' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.issues[0]?.path).toEqual(['page']);
    expect(parsePageEvent('dwell', { seconds: -1 }).ok).toBe(false);
    expect(parsePageEvent('checkout_error', { code: 'card_exploded' }).ok).toBe(false);
    expect(parsePageEvent('page_view', { page: 'product', productID: 'p1' }).ok).toBe(false);
  });
});
