// The Kakao adapter as conversation tests drive it (docs/conversation-tests.md#channels): a
// turn's replies rendered into skill responses (every "더 보기" part followed), each checked
// against the response schema, and what a Kakao shopper sends read back as the skill route does.
// The quick replies of the view are every choice the parts offered: those of a long list of
// choices come page by page behind "더 보기", and a test taps any of them.
import type { ChannelView, ConversationChannel } from '../../dialog/conversations/runner.ts';
import type { BotReply } from '../../dialog/types.ts';
import { describeIssues } from '../../shared/zod-issues.ts';
import { channelTexts } from '../texts.ts';
import { configSchema } from '../../config/schema.ts';
import { type KakaoOutput, kakaoSkillResponseSchema, kakaoSkillRequestSchema } from './format.ts';
import { kakaoInput, MORE_PAYLOAD, renderBubbles, type Rendered, toBubbles } from './render.ts';

/** More parts than this means the renderer does not terminate: a problem, not a hang. */
const MAX_PARTS = 20;

export function kakaoConversationChannel(options: { quickReplyBlockId?: string; maxTextLength?: number; trackingUrl?: string } = {}): ConversationChannel {
  // The server's default tracking page unless told otherwise (config `desk.trackingUrl`).
  const trackingUrl = options.trackingUrl ?? configSchema.parse({}).desk.trackingUrl;
  return {
    show(replies: readonly BotReply[], locale, shopMessages): ChannelView {
      const texts = channelTexts(shopMessages, locale);
      const renderOptions = { texts, quickReplyBlockId: options.quickReplyBlockId, trackingUrl };
      const messages = replies.map((reply) => ({
        kind: 'text' as const,
        from: 'bot' as const,
        text: reply.text,
        quickReplies: reply.quickReplies ?? [],
        ...(reply.card ? { card: reply.card } : {}),
      }));
      const shown: string[] = [];
      const problems: string[] = [];
      const choices: ChannelView['quickReplies'] = [];
      let rendered: Rendered = renderBubbles(toBubbles(messages, texts), renderOptions, texts.nothingMore);
      for (let part = 1; ; part++) {
        const checked = kakaoSkillResponseSchema.safeParse(rendered.response);
        if (!checked.success) problems.push(`part ${part}: ${describeIssues(checked.error, 'response')}`);
        for (const output of rendered.response.template.outputs) shown.push(describeOutput(output));
        // The response's own quick replies come first in `offered`, in order (then those of earlier pages).
        (rendered.response.template.quickReplies ?? []).forEach((shownReply, i) => {
          const offer = rendered.offered[i];
          if (!offer || offer.payload === MORE_PAYLOAD || choices.some((c) => c.payload === offer.payload)) return;
          choices.push({ label: shownReply.label, payload: offer.payload, sends: offer.messageText });
        });
        if (!rendered.overflow) break;
        if (part === MAX_PARTS) {
          problems.push(`more than ${MAX_PARTS} "more" parts`);
          break;
        }
        rendered = renderBubbles(rendered.overflow, renderOptions, texts.nothingMore);
      }
      return { text: shown.join('\n'), quickReplies: choices, problems };
    },
    read(text, view) {
      const request = kakaoSkillRequestSchema.parse({ userRequest: { utterance: text, user: { id: 'conversation-test' } }, bot: { id: 'conversation-test' }, action: { params: {} } });
      const offered = (view?.quickReplies ?? []).map((q) => ({ messageText: q.sends, payload: q.payload }));
      const input = kakaoInput(request, offered, options.maxTextLength ?? 2000);
      if (input.kind === 'input') return input.input;
      // "더 보기" is answered by the channel itself, and an empty line is refused before the dialog: neither reaches here from a test.
      return { kind: 'text', text };
    },
  };
}

/**
 * An output as a test reads it: a text as it is; a card as lines, its header in brackets, an item
 * per line with its description after " — ", its buttons in brackets with where they lead.
 */
export function describeOutput(output: KakaoOutput): string {
  if ('simpleText' in output) return output.simpleText.text;
  const buttons = (list: { label: string; action: string; webLinkUrl?: string }[] | undefined) =>
    (list ?? []).map((b) => (b.webLinkUrl ? `[${b.label} → ${b.webLinkUrl}]` : `[${b.label}]`)).join(' ');
  if ('textCard' in output) {
    const card = output.textCard;
    return [card.title ? `[${card.title}]` : null, card.description ?? null, buttons(card.buttons) || null].filter((l) => l !== null).join('\n');
  }
  const card = output.listCard;
  const items = card.items.map((i) => `· ${i.title}${i.description ? ` — ${i.description}` : ''}`);
  return [`[${card.header.title}]`, ...items, ...(card.buttons?.length ? [buttons(card.buttons)] : [])].join('\n');
}
