// Kakao i Open Builder's skill protocol (version 2.0), as docs/channels.md cites it: the request
// the bot system POSTs to a skill server, the response it accepts, and its limits. The response
// schema is the contract the renderer is tested against: nothing outside it is ever sent.
import { z } from 'zod';

/** Limits of the skill response format (docs/channels.md#limits). Lengths in UTF-16 code units, which never undercount characters. */
export const KAKAO_LIMITS = {
  outputs: 3,
  simpleText: 1000,
  quickReplies: 10,
  quickReplyLabel: 14,
  messageText: 1000,
  buttonLabel: 14,
  cardTitle: 50,
  textCardDescription: 400,
  textCardButtons: 3,
  listCardItems: 5,
  listCardButtons: 2,
  listItemDescription: 100,
} as const;

const idName = z.object({ id: z.string().max(200).optional(), name: z.string().max(200).optional() });
const looseRecord = z.record(z.string(), z.unknown());

/** The skill payload. Objects stay open: the bot system adds fields (contexts, flow, ...) that are not read here. */
export const kakaoSkillRequestSchema = z.object({
  intent: idName.optional(),
  userRequest: z.object({
    timezone: z.string().max(100).optional(),
    utterance: z.string().max(10_000),
    lang: z.string().max(20).nullable().optional(),
    user: z.object({
      id: z.string().min(1, 'must not be empty').max(200),
      type: z.string().max(100).optional(),
      properties: looseRecord.optional(),
    }),
    /** Present only on blocks with the callback option: valid for one minute, usable once. */
    callbackUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    block: idName.optional(),
    params: looseRecord.optional(),
  }),
  bot: z.object({ id: z.string().min(1, 'must not be empty').max(200), name: z.string().max(200).optional() }),
  action: z.object({
    id: z.string().max(200).optional(),
    name: z.string().max(200).optional(),
    /** Block (action) parameters the designer set up in Open Builder: string values. */
    params: z.record(z.string(), z.unknown()).default({}),
    detailParams: looseRecord.optional(),
    /** The `extra` of the button or quick reply the shopper pressed (an object; older bots send a string). */
    clientExtra: z.union([looseRecord, z.string(), z.null()]).optional(),
  }),
});
export type KakaoSkillRequest = z.infer<typeof kakaoSkillRequestSchema>;

const bounded = (max: number) => z.string().min(1).max(max);

const kakaoButtonSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('message'), label: bounded(KAKAO_LIMITS.buttonLabel), messageText: bounded(KAKAO_LIMITS.messageText) }),
  z.strictObject({
    action: z.literal('block'),
    label: bounded(KAKAO_LIMITS.buttonLabel),
    blockId: bounded(200),
    messageText: bounded(KAKAO_LIMITS.messageText).optional(),
    extra: looseRecord.optional(),
  }),
  z.strictObject({ action: z.literal('webLink'), label: bounded(KAKAO_LIMITS.buttonLabel), webLinkUrl: z.url() }),
]);

export const kakaoQuickReplySchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('message'), label: bounded(KAKAO_LIMITS.quickReplyLabel), messageText: bounded(KAKAO_LIMITS.messageText) }),
  z.strictObject({
    action: z.literal('block'),
    label: bounded(KAKAO_LIMITS.quickReplyLabel),
    blockId: bounded(200),
    messageText: bounded(KAKAO_LIMITS.messageText).optional(),
    extra: looseRecord.optional(),
  }),
]);
export type KakaoQuickReply = z.infer<typeof kakaoQuickReplySchema>;

const kakaoOutputSchema = z.union([
  z.strictObject({ simpleText: z.strictObject({ text: bounded(KAKAO_LIMITS.simpleText) }) }),
  z.strictObject({
    textCard: z
      .strictObject({
        title: bounded(KAKAO_LIMITS.cardTitle).optional(),
        description: bounded(KAKAO_LIMITS.textCardDescription).optional(),
        buttons: z.array(kakaoButtonSchema).max(KAKAO_LIMITS.textCardButtons).optional(),
      })
      .refine((card) => card.title !== undefined || card.description !== undefined, 'a textCard needs a title or a description'),
  }),
  z.strictObject({
    listCard: z.strictObject({
      header: z.strictObject({ title: bounded(KAKAO_LIMITS.cardTitle) }),
      items: z
        .array(z.strictObject({ title: bounded(KAKAO_LIMITS.cardTitle), description: bounded(KAKAO_LIMITS.listItemDescription).optional() }))
        .min(1)
        .max(KAKAO_LIMITS.listCardItems),
      buttons: z.array(kakaoButtonSchema).max(KAKAO_LIMITS.listCardButtons).optional(),
    }),
  }),
]);
export type KakaoOutput = z.infer<typeof kakaoOutputSchema>;

const templateResponse = z.strictObject({
  version: z.literal('2.0'),
  template: z.strictObject({
    outputs: z.array(kakaoOutputSchema).min(1).max(KAKAO_LIMITS.outputs),
    quickReplies: z.array(kakaoQuickReplySchema).max(KAKAO_LIMITS.quickReplies).optional(),
  }),
});

/** The answer that promises a callback: the block's own waiting message shows, `data.text` is there for it to use. */
const callbackResponse = z.strictObject({
  version: z.literal('2.0'),
  useCallback: z.literal(true),
  data: z.strictObject({ text: bounded(KAKAO_LIMITS.simpleText) }).optional(),
});

export const kakaoSkillResponseSchema = z.union([templateResponse, callbackResponse]);
export type KakaoSkillResponse = z.infer<typeof kakaoSkillResponseSchema>;
export type KakaoTemplateResponse = z.infer<typeof templateResponse>;
