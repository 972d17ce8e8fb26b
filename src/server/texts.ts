// What the server itself says to shoppers (the flows say everything else), in both languages.
import type { QuickReply } from '../dialog/types.ts';
import type { Locale } from '../nlu/types.ts';

/** Quick-reply payloads the hand-off desk answers itself; flows never use this prefix. */
export const DESK_PAYLOAD_PREFIX = 'daehwa:';
export const PAYLOAD_BACK_TO_BOT = 'daehwa:back_to_bot';

export function offlineNotice(locale: Locale, reopening: string): { text: string; quickReplies: QuickReply[] } {
  return locale === 'ko'
    ? {
        text: `지금은 상담 시간이 아니에요. ${reopening} 남기실 말씀을 적어 주시면 상담원이 확인하는 대로 답변드릴게요.`,
        quickReplies: [{ label: '챗봇과 계속 이야기할게요', payload: PAYLOAD_BACK_TO_BOT }],
      }
    : {
        text: `Our support team is offline right now. ${reopening} Write your message here and an agent will get back to you.`,
        quickReplies: [{ label: 'Keep chatting with the bot', payload: PAYLOAD_BACK_TO_BOT }],
      };
}

export function offlineMessageTaken(locale: Locale, reopening: string): string {
  return locale === 'ko'
    ? `메시지를 잘 받았어요. ${reopening} 확인하는 대로 답변드릴게요. 그동안 궁금한 게 있으면 저에게 물어보셔도 돼요.`
    : `Thanks, we have your message. ${reopening} We will reply as soon as we can. Meanwhile, feel free to ask me anything.`;
}

export function backToBot(locale: Locale): string {
  return locale === 'ko' ? '네, 제가 계속 도와드릴게요. 무엇이 궁금하세요?' : 'Sure, I can keep helping. What would you like to know?';
}
