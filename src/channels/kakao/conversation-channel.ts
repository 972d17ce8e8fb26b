// The Kakao adapter as conversation tests drive it (docs/conversation-tests.md#channels): a
// turn's replies rendered into skill responses (every "더 보기" part followed), each checked
// against the response schema, and what a Kakao shopper sends read back as the skill route does.
import type { ChannelView, ConversationChannel } from '../../dialog/conversations/runner.ts';
import type { BotReply } from '../../dialog/types.ts';
import { describeIssues } from '../../shared/zod-issues.ts';
import { channelTexts } from '../texts.ts';
import { kakaoSkillResponseSchema, kakaoSkillRequestSchema } from './format.ts';
import { kakaoInput, renderBubbles, type Rendered, toBubbles } from './render.ts';

/** More parts than this means the renderer does not terminate: a problem, not a hang. */
const MAX_PARTS = 20;

export function kakaoConversationChannel(options: { quickReplyBlockId?: string; maxTextLength?: number } = {}): ConversationChannel {
  return {
    show(replies: readonly BotReply[], locale): ChannelView {
      const texts = channelTexts(locale);
      const renderOptions = { texts, quickReplyBlockId: options.quickReplyBlockId };
      const messages = replies.map((reply) => ({ kind: 'text' as const, from: 'bot' as const, text: reply.text, quickReplies: reply.quickReplies ?? [] }));
      const shown: string[] = [];
      const problems: string[] = [];
      let rendered: Rendered = renderBubbles(toBubbles(messages, texts), renderOptions, texts.nothingMore);
      for (let part = 1; ; part++) {
        const checked = kakaoSkillResponseSchema.safeParse(rendered.response);
        if (!checked.success) problems.push(`part ${part}: ${describeIssues(checked.error, 'response')}`);
        for (const output of rendered.response.template.outputs) if ('simpleText' in output) shown.push(output.simpleText.text);
        if (!rendered.overflow) break;
        if (part === MAX_PARTS) {
          problems.push(`more than ${MAX_PARTS} "more" parts`);
          break;
        }
        rendered = renderBubbles(rendered.overflow, renderOptions, texts.nothingMore);
      }
      const labels = rendered.response.template.quickReplies ?? [];
      return {
        text: shown.join('\n'),
        quickReplies: rendered.offered.map((offer, i) => ({ label: labels[i]?.label ?? offer.messageText, payload: offer.payload, sends: offer.messageText })),
        problems,
      };
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
