// The scripted conversations the simulated shoppers hold: the shop's everyday flows in Korean and
// English (order status with an order number, size help from height and weight, return policy,
// shipping fee, greeting and thanks, a cancellation called off), several turns each. Each one ends
// with the dialog idle, so the next conversation in the same session starts clean; none asks for
// a person, whose queue would silence the bot. `{order}` becomes one of the shopper's own orders.

import path from 'node:path';
import { loadSeed } from '../../src/commerce/seed.ts';
import type { Locale } from '../../src/nlu/types.ts';

export interface ConversationScript {
  id: string;
  locale: Locale;
  turns: readonly string[];
}

/** Who a simulated shopper is: the `hello.customerId` and an order of theirs to ask about. */
export interface ShopperProfile {
  customerId: string | null;
  orderNumber: string;
}

const ORDER = '{order}';

export const CONVERSATIONS: readonly ConversationScript[] = [
  { id: 'ko.order-status', locale: 'ko', turns: ['안녕하세요', '배송 조회 좀 하려고요', ORDER, '네 감사합니다'] },
  { id: 'ko.size-help', locale: 'ko', turns: ['와이드 데님 팬츠 사이즈 추천해 주세요', '키 172에 몸무게 68키로예요', '고마워요'] },
  { id: 'ko.return-policy', locale: 'ko', turns: ['반품 기간이 어떻게 되나요?', '반품 배송비는 제가 내야 하나요', '알겠습니다 감사해요'] },
  { id: 'ko.shipping-fee', locale: 'ko', turns: ['배송비 얼마예요?', '얼마 이상 사면 무료배송이에요?', '감사합니다~'] },
  { id: 'ko.cancel', locale: 'ko', turns: [`${ORDER} 주문 취소하고 싶어요`, '아니요', '처음으로'] },
  { id: 'ko.greeting', locale: 'ko', turns: ['안녕하세요~', '그냥 둘러보는 중이에요', '고맙습니다 수고하세요'] },
  { id: 'en.order-status', locale: 'en', turns: ['hi there', 'I want to track my order', ORDER, 'thanks!'] },
  { id: 'en.size-help', locale: 'en', turns: ['what size should I get in the wide denim pants?', "I'm 180cm and 75kg", 'thank you'] },
  { id: 'en.return-policy', locale: 'en', turns: ["what's your return policy?", 'do I have to pay for return shipping?', 'ok thanks'] },
  { id: 'en.shipping-fee', locale: 'en', turns: ['how much is shipping?', 'is there free shipping over some amount?', 'great, thanks'] },
  { id: 'en.cancel', locale: 'en', turns: [`I want to cancel order ${ORDER}`, 'no', 'start over'] },
  { id: 'en.greeting', locale: 'en', turns: ['hello', 'just looking around', 'thanks, bye'] },
];

export function fillTurn(text: string, profile: ShopperProfile): string {
  return text.replaceAll(ORDER, profile.orderNumber);
}

/** Orders a shopper may still cancel: the cancel script calls it off at the confirmation. */
const CANCELLABLE: ReadonlySet<string> = new Set(['paid', 'preparing']);

/**
 * One profile per demo-shop customer with an order that can still be cancelled. With an order
 * past that point the cancel script's "no" would answer nothing, and a second miss sends the
 * shopper to the agent queue, where the bot falls silent. Throws when the seed has none.
 */
export async function loadShopperProfiles(seedDir = path.join('data', 'shop', 'seed')): Promise<ShopperProfile[]> {
  const seed = await loadSeed(seedDir);
  const profiles: ShopperProfile[] = [];
  for (const customer of seed.customers) {
    const order = seed.orders.find((o) => o.customerId === customer.id && CANCELLABLE.has(o.status));
    if (order) profiles.push({ customerId: customer.id, orderNumber: order.id });
  }
  if (profiles.length === 0) throw new Error(`${seedDir}: no customer with a cancellable order; the bench needs at least one`);
  return profiles;
}

/**
 * Walks one shopper through the scripts of its language, one turn at a time. Shoppers start at
 * different scripts, so every flow runs at any moment of the load.
 */
export class ConversationCursor {
  private readonly scripts: readonly ConversationScript[];
  private scriptIndex: number;
  private turnIndex = 0;

  constructor(
    all: readonly ConversationScript[],
    readonly locale: Locale,
    private readonly profile: ShopperProfile,
    start: number,
  ) {
    this.scripts = all.filter((s) => s.locale === locale);
    if (this.scripts.length === 0) throw new Error(`no conversation script in locale '${locale}'`);
    this.scriptIndex = start % this.scripts.length;
  }

  /** True before the first turn of a conversation: the last one sent, if any, ended its conversation. */
  get atConversationStart(): boolean {
    return this.turnIndex === 0;
  }

  /** The next message text, moving on to the next script after the last turn of one. */
  next(): string {
    const script = this.scripts[this.scriptIndex]!;
    const text = fillTurn(script.turns[this.turnIndex]!, this.profile);
    this.turnIndex += 1;
    if (this.turnIndex >= script.turns.length) {
      this.turnIndex = 0;
      this.scriptIndex = (this.scriptIndex + 1) % this.scripts.length;
    }
    return text;
  }
}
