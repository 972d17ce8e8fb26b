// Property: whatever the conversation says (any texts, lengths, scripts, emoji, any number of
// quick replies with any labels), the Kakao renderer produces a valid skill response, and what
// does not fit comes in the "more" responses after it, so no word and no choice is lost.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kakaoSkillResponseSchema, kakaoSkillRequestSchema } from '../../src/channels/kakao/format.ts';
import { kakaoInput, renderMessages, renderBubbles, toBubbles, MORE_PAYLOAD } from '../../src/channels/kakao/render.ts';
import type { ChannelMessage } from '../../src/channels/port.ts';
import type { OrderCard } from '../../src/dialog/types.ts';
import { channelTexts } from '../../src/channels/texts.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', minLength: 900, maxLength: 3000 }),
  fc.array(fc.constantFrom('배송', '조회', '😀', '\n', ' ', '주문번호 20261118', 'a'.repeat(50)), { maxLength: 400, size: 'max' }).map((parts) => parts.join('')),
);
// fast-check keeps lengths small unless told: labels both under and over Kakao's 14, and up to 15 of them.
const label = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 14 }), fc.string({ unit: 'grapheme', minLength: 13, maxLength: 40, size: 'max' }), fc.constant('  '));
const quickReply = fc.record({ label, payload: fc.string({ minLength: 1, maxLength: 60 }) });
const words = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'grapheme', minLength: 40, maxLength: 200, size: 'max' }));
// An order card with any words in it, any number of items, any of its optional parts.
const card: fc.Arbitrary<OrderCard> = fc.record(
  {
    kind: fc.constant('order' as const),
    orderId: fc.string({ minLength: 1, maxLength: 60 }),
    status: fc.constantFrom('paid', 'preparing', 'shipped', 'delivered', 'cancelled', 'return_requested'),
    statusLabel: words,
    items: fc.array(fc.record({ name: words, quantity: fc.integer({ min: 1, max: 999 }), option: words }, { requiredKeys: ['name', 'quantity'] }), { maxLength: 9 }),
    carrier: words,
    trackingNumber: fc.string({ minLength: 1, maxLength: 40 }),
    expectedDelivery: words,
    deliveredAt: words,
  },
  { requiredKeys: ['kind', 'orderId', 'status', 'statusLabel', 'items'] },
);
const message: fc.Arbitrary<ChannelMessage> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      { kind: fc.constant('text' as const), from: fc.constantFrom('bot' as const, 'agent' as const), text, quickReplies: fc.array(quickReply, { maxLength: 15, size: 'max' }), card },
      { requiredKeys: ['kind', 'from', 'text', 'quickReplies'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('handoff' as const), status: fc.constantFrom('queued' as const, 'assigned' as const, 'ended' as const), position: fc.option(fc.nat(500), { nil: undefined }) }).map(({ position, ...rest }) => (position === undefined ? rest : { ...rest, position })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('error' as const), message: fc.string() }) },
);

const squash = (s: string) => s.replace(/\s+/g, '');
const uniqueFirst = (items: string[]) => items.filter((item, i) => items.indexOf(item) === i);

describe('Kakao rendering (property)', () => {
  it('every response validates, and the "more" chain carries every word and every choice', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), fc.constantFrom('ko' as const, 'en' as const), fc.option(fc.constant('blk_1'), { nil: undefined }), (messages, locale, blockId) => {
        const texts = channelTexts(SHOP_MESSAGES, locale);
        const options = { texts, quickReplyBlockId: blockId, trackingUrl: 'https://tracker.example/{carrier}/{trackingNumber}' };
        const bubbles = toBubbles(messages, texts);
        let rendered = renderMessages(messages, options, texts.nothingMore);
        const shown: string[] = [];
        const chosen: string[] = [];
        let cards = 0;
        let choicePage = false;
        for (let hops = 0; ; hops++) {
          const checked = kakaoSkillResponseSchema.safeParse(rendered.response);
          if (!checked.success) throw new Error(`${JSON.stringify(checked.error.issues)}\n${JSON.stringify(rendered.response)}`);
          const outputs = rendered.response.template.outputs.flatMap((o) => ('simpleText' in o ? [o.simpleText.text] : []));
          cards += rendered.response.template.outputs.filter((o) => 'listCard' in o).length;
          // A page of further choices says only that it is one.
          if (choicePage) expect(outputs).toEqual([texts.moreChoices]);
          else shown.push(...outputs);
          const quickReplies = rendered.response.template.quickReplies ?? [];
          quickReplies.forEach((_, i) => {
            const payload = rendered.offered[i]!.payload;
            if (payload !== MORE_PAYLOAD) chosen.push(payload);
          });
          if (!rendered.overflow) break;
          choicePage = quickReplies.length > 1;
          if (!choicePage) expect(rendered.offered).toEqual([{ messageText: texts.more, payload: MORE_PAYLOAD }]);
          expect(hops).toBeLessThan(100);
          rendered = renderBubbles(rendered.overflow, options, texts.nothingMore);
        }
        const said = bubbles.parts.filter((part): part is string => typeof part === 'string').join('');
        expect(cards).toBe(bubbles.parts.filter((part) => typeof part !== 'string').length);
        // A response with nothing in it says so; a card alone is something.
        const empty = squash(said) === '' && bubbles.parts.every((part) => typeof part === 'string');
        expect(squash(shown.join(''))).toBe(empty ? squash(texts.nothingMore) : squash(said));
        // Every choice with a label, once, in the order offered.
        expect(chosen).toEqual(uniqueFirst(bubbles.quickReplies.filter((q) => q.label.trim() !== '').map((q) => q.payload)));
      }),
      { numRuns: 300 },
    );
  });

  it('any request the schema accepts maps to an input, "more", or a named problem, never a throw', () => {
    const request = fc.record({
      userRequest: fc.record({ utterance: fc.string({ maxLength: 3000 }), user: fc.record({ id: fc.string({ minLength: 1, maxLength: 50 }) }) }),
      bot: fc.record({ id: fc.string({ minLength: 1, maxLength: 50 }) }),
      action: fc.record({
        params: fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30 }), fc.integer())),
        clientExtra: fc.oneof(fc.constant(null), fc.string(), fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 250 }), fc.integer()))),
      }),
    });
    fc.assert(
      fc.property(request, fc.array(fc.record({ messageText: fc.string({ maxLength: 20 }), payload: fc.string({ minLength: 1, maxLength: 20 }) }), { maxLength: 5 }), (body, offered) => {
        const parsed = kakaoSkillRequestSchema.parse(body);
        const input = kakaoInput(parsed, offered, 2000);
        if (input.kind === 'invalid') expect(input.message).toMatch(/^(userRequest\.utterance|action\.params\.flow): /);
        if (input.kind === 'input' && input.input.kind === 'text') {
          expect(input.input.text.length).toBeLessThanOrEqual(2000);
          expect(input.input.text.trim()).not.toBe('');
        }
      }),
      { numRuns: 300 },
    );
  });
});
