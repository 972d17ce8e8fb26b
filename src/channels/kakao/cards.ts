// A reply's card as a Kakao output within its limits: an order as a list card, its number in the
// header, its status (with the parcel and the date) as the first item, its products after, and a
// button to the parcel's tracking page once it has one. The text before the card says all of it
// too, so nothing is lost where a card is cut to the limits.
import type { OrderCard, ReplyCard } from '../../dialog/types.ts';
import { KAKAO_LIMITS, type KakaoOutput } from './format.ts';
import { type RenderOptions, truncate as cut } from './render.ts';

/** Statuses whose expected date is still news (a delivered or cancelled order's is not). */
const UNDER_WAY = new Set(['paid', 'preparing', 'shipped']);

export function renderCard(card: ReplyCard, options: RenderOptions): KakaoOutput {
  return orderListCard(card, options);
}

function orderListCard(card: OrderCard, options: RenderOptions): KakaoOutput {
  const texts = options.texts.orderCard;
  const parcel = card.carrier && card.trackingNumber ? `${card.carrier} ${card.trackingNumber}` : card.carrier;
  const when =
    card.status === 'delivered' && card.deliveredAt
      ? texts.deliveredOn(card.deliveredAt)
      : UNDER_WAY.has(card.status) && card.expectedDelivery
        ? texts.expected(card.expectedDelivery)
        : undefined;
  const items = [item(card.statusLabel, [parcel, when])];
  // The status takes one place: the products the others, the last of them saying how many more there are.
  const room = KAKAO_LIMITS.listCardItems - 1;
  const products = card.items.length > room ? card.items.slice(0, room - 1) : card.items;
  for (const product of products) items.push(item(product.name, [product.option, texts.quantity(product.quantity)]));
  if (products.length < card.items.length) items.push(item(texts.moreItems(card.items.length - products.length), []));
  const url = trackingLink(options.trackingUrl, card);
  return {
    listCard: {
      header: { title: cut(texts.title(card.orderId), KAKAO_LIMITS.cardTitle) },
      items,
      ...(url ? { buttons: [{ action: 'webLink', label: cut(texts.track, KAKAO_LIMITS.buttonLabel), webLinkUrl: url }] } : {}),
    },
  };
}

function item(title: string, details: readonly (string | undefined)[]): { title: string; description?: string } {
  const description = details.filter((d): d is string => d !== undefined && d.trim() !== '').join(' · ');
  const shown = title.trim() || '-';
  // A status reads as a title: "On its way", not "on its way" (Korean has no case).
  const capital = shown.charAt(0).toUpperCase() + shown.slice(1);
  return { title: cut(capital, KAKAO_LIMITS.cardTitle), ...(description ? { description: cut(description, KAKAO_LIMITS.listItemDescription) } : {}) };
}

/** The tracking page of a parcel that has a carrier and a number; none without a URL template. */
export function trackingLink(template: string | undefined, card: OrderCard): string | undefined {
  if (!template || !card.carrier || !card.trackingNumber) return undefined;
  const url = template.replaceAll('{carrier}', encodeURIComponent(card.carrier)).replaceAll('{trackingNumber}', encodeURIComponent(card.trackingNumber));
  return URL.canParse(url) ? url : undefined;
}
