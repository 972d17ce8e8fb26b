// The contextual FAQ: the questions to offer on a page, in the shopper's language, with the
// signed-in shopper's latest order filled in where an item asks for it. Pure: the caller fetches
// the order.
import { type PageDemand, rankedItems } from './demand.ts';
import type { PageType } from './events.ts';
import type { Locale, QuickReplyOut } from './evaluate.ts';
import type { SuggestionsFile } from './schema.ts';

/** At most this many chips on a page. */
export const MAX_SUGGESTIONS = 5;

export interface LatestOrder {
  number: string;
  /** The first item's name, in the shopper's language. */
  product: string;
}

/** The page's chips in the shopper's language; `demand`: what shoppers on the page asked (most asked first). */
export function suggestionsFor(file: SuggestionsFile, page: PageType, locale: Locale, latest: LatestOrder | null, demand: PageDemand | null = null): QuickReplyOut[] {
  const items = rankedItems(file, page, demand);
  const out: QuickReplyOut[] = [];
  for (const item of items) {
    if (item.personal === 'latest_order') {
      if (!latest) continue;
      out.push({
        label: item.label[locale].replaceAll('{product}', latest.product).replaceAll('{order}', latest.number),
        payload: item.payload.replaceAll('{order}', encodeURIComponent(latest.number)),
      });
    } else {
      out.push({ label: item.label[locale], payload: item.payload });
    }
  }
  return out.slice(0, MAX_SUGGESTIONS);
}

/** Whether any page has an item that needs the latest order (so the server asks the shop only then). */
export function wantsLatestOrder(file: SuggestionsFile, page: PageType): boolean {
  return (file.pages[page] ?? []).some((item) => item.personal === 'latest_order');
}
