// What the server itself says to shoppers (flows/messages.yaml `desk`; the flows say everything else).
import type { QuickReply } from '../dialog/types.ts';
import type { MessagesSpec } from '../dialog/schema.ts';
import { shopText } from '../dialog/shop-texts.ts';
import type { Locale } from '../nlu/types.ts';

/** Quick-reply payloads the hand-off desk answers itself; flows never use this prefix. */
export const DESK_PAYLOAD_PREFIX = 'daehwa:';
export const PAYLOAD_BACK_TO_BOT = 'daehwa:back_to_bot';

export function offlineNotice(messages: MessagesSpec, locale: Locale, reopening: string): { text: string; quickReplies: QuickReply[] } {
  return {
    text: shopText(messages, 'desk', 'offline_notice', locale, { reopening }),
    quickReplies: [{ label: shopText(messages, 'desk', 'offline_keep_chatting', locale), payload: PAYLOAD_BACK_TO_BOT }],
  };
}

export function offlineMessageTaken(messages: MessagesSpec, locale: Locale, reopening: string): string {
  return shopText(messages, 'desk', 'offline_message_taken', locale, { reopening });
}

export function backToBot(messages: MessagesSpec, locale: Locale): string {
  return shopText(messages, 'desk', 'back_to_bot', locale);
}
