// The sentences the hand-off desk, the channels and proactive messages say (flows/messages.yaml
// `desk`, `reopening`, `channels`, `order_card`, `proactive`), rendered in the conversation's language with their placeholders.
// The loader has checked that every one exists in both languages and uses only its placeholders.

import type { Locale } from '../nlu/types.ts';
import type { MessagesSpec, SHOP_TEXTS, ShopTextSection } from './schema.ts';
import { render } from './template.ts';

type Key<S extends ShopTextSection> = keyof (typeof SHOP_TEXTS)[S] & string;
/** The placeholders SHOP_TEXTS lists for the sentence. */
type Placeholder<S extends ShopTextSection, K extends Key<S>> = (typeof SHOP_TEXTS)[S][K] extends readonly (infer P extends string)[] ? P : never;
/** A sentence without placeholders takes no values; one with them takes a value for each. */
type Values<S extends ShopTextSection, K extends Key<S>> = [Placeholder<S, K>] extends [never] ? [] : [Record<Placeholder<S, K>, string | number>];

export function shopText<S extends ShopTextSection, K extends Key<S>>(messages: MessagesSpec, section: S, key: K, locale: Locale, ...values: Values<S, K>): string {
  const sentences = messages[section] as Record<string, { ko: string; en: string }>;
  const template = sentences[key]?.[locale];
  if (template === undefined) throw new Error(`messages.yaml has no ${section}.${key}`); // the loader refuses such a file
  return render(template, { locale, scope: values[0] ?? {}, messages });
}
