// What request/response channels say themselves (flows/messages.yaml `channels` and `order_card`;
// the flows say everything else), in the conversation's language.
import type { MessagesSpec } from '../dialog/schema.ts';
import { shopText } from '../dialog/shop-texts.ts';
import type { Locale } from '../nlu/types.ts';

export interface ChannelTexts {
  /** A slow answer: the real one follows through the callback, or on the next message. */
  checking: string;
  checkingNoCallback: string;
  /** The shopper wrote while queued or with an agent. */
  forwarded: string;
  /** Kept agent answers shown at the start of the next reply. */
  agentAnswersArrived: string;
  /** A held callback ran out before an agent answered. */
  agentWillAnswer: string;
  queued(position: number | undefined): string;
  assigned: string;
  ended: string;
  /** An agent's message as the channel shows it ("상담원: ..."). */
  agentSays(text: string): string;
  error: string;
  /** The quick reply that shows the rest of an over-long answer. */
  more: string;
  /** Above the choices that did not fit under the answer (Kakao shows at most 10 quick replies). */
  moreChoices: string;
  nothingMore: string;
  /** An order drawn as a card (src/channels/kakao/cards.ts); dates come written in the conversation's language. */
  orderCard: {
    title(orderId: string): string;
    expected(date: string): string;
    deliveredOn(date: string): string;
    quantity(count: number): string;
    moreItems(count: number): string;
    /** The button to the parcel's tracking page. */
    track: string;
  };
}

/** Built once per loaded messages file and language, not on every request. */
const built = new WeakMap<MessagesSpec, Partial<Record<Locale, ChannelTexts>>>();

export function channelTexts(messages: MessagesSpec, locale: Locale): ChannelTexts {
  let byLocale = built.get(messages);
  if (!byLocale) built.set(messages, (byLocale = {}));
  return (byLocale[locale] ??= buildChannelTexts(messages, locale));
}

function buildChannelTexts(messages: MessagesSpec, locale: Locale): ChannelTexts {
  const say = (key: 'checking' | 'checking_no_callback' | 'forwarded' | 'agent_answers_arrived' | 'agent_will_answer' | 'queued' | 'assigned' | 'ended' | 'error' | 'more' | 'more_choices' | 'nothing_more'): string =>
    shopText(messages, 'channels', key, locale);
  return {
    checking: say('checking'),
    checkingNoCallback: say('checking_no_callback'),
    forwarded: say('forwarded'),
    agentAnswersArrived: say('agent_answers_arrived'),
    agentWillAnswer: say('agent_will_answer'),
    queued: (position) => (position === undefined ? say('queued') : shopText(messages, 'channels', 'queued_position', locale, { position })),
    assigned: say('assigned'),
    ended: say('ended'),
    agentSays: (text) => shopText(messages, 'channels', 'agent_says', locale, { text }),
    error: say('error'),
    more: say('more'),
    moreChoices: say('more_choices'),
    nothingMore: say('nothing_more'),
    orderCard: {
      title: (order) => shopText(messages, 'order_card', 'title', locale, { order }),
      expected: (date) => shopText(messages, 'order_card', 'expected', locale, { date }),
      deliveredOn: (date) => shopText(messages, 'order_card', 'delivered_on', locale, { date }),
      quantity: (count) => shopText(messages, 'order_card', 'quantity', locale, { count }),
      moreItems: (count) => shopText(messages, 'order_card', 'more_items', locale, { count }),
      track: shopText(messages, 'order_card', 'track', locale),
    },
  };
}
