// Channel messages to a skill response within Kakao's limits, and a skill request back to a
// dialog input. Pure functions: the route (skill.ts) keeps what they need between requests.
import { START_FLOW_EVENT } from '../../dialog/direct.ts';
import type { DialogInput, QuickReply, ReplyCard } from '../../dialog/types.ts';
import type { ChannelMessage } from '../port.ts';
import type { ChannelTexts } from '../texts.ts';
import { renderCard } from './cards.ts';
import { KAKAO_LIMITS, type KakaoOutput, type KakaoQuickReply, type KakaoSkillRequest, type KakaoTemplateResponse } from './format.ts';

/** Payload of the quick reply that shows the rest of an answer too long for one response. */
export const MORE_PAYLOAD = 'daehwa:more';

/** One speech bubble: a text, or a card (an order) drawn after the text that says the same. */
export type Part = string | { card: ReplyCard };

/** What a response says, before it is cut to the limits: speech bubbles and the quick replies under the last. */
export interface Bubbles {
  parts: Part[];
  quickReplies: QuickReply[];
  /** Choices of the same answer already shown on an earlier page (more than Kakao's 10): still read back when typed. */
  earlier?: OfferedReply[];
}

/** A quick reply as it was offered: tapping it sends `messageText` (or `extra.payload` for block actions). */
export interface OfferedReply {
  messageText: string;
  payload: string;
}

export interface Rendered {
  response: KakaoTemplateResponse;
  offered: OfferedReply[];
  /** What did not fit: shown when the shopper taps "more". */
  overflow: Bubbles | null;
}

export interface RenderOptions {
  texts: ChannelTexts;
  /** Render quick replies as block actions to this block (its skill reads `clientExtra.payload`); message actions otherwise. */
  quickReplyBlockId?: string | undefined;
  /** An order's tracking page, `{carrier}` and `{trackingNumber}` filled in (config `desk.trackingUrl`): an order card's button. */
  trackingUrl?: string | undefined;
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair; `ellipsis` marks the cut. */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  let cut = max - ellipsis.length;
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return `${text.slice(0, Math.max(0, cut))}${ellipsis}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Splits a text into pieces of at most `max` units, at a line break or space when one is in the second half. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    if (cut < max / 2) {
      cut = max;
      if (isHighSurrogate(rest.charCodeAt(cut - 1))) cut -= 1;
    }
    const piece = rest.slice(0, cut).trimEnd();
    if (piece) pieces.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** Messages as bubbles: agents' words marked as theirs, hand-off news in words, only the latest place in the queue. */
export function toBubbles(messages: readonly ChannelMessage[], texts: ChannelTexts): Bubbles {
  let lastHandoff = -1;
  messages.forEach((m, index) => {
    if (m.kind === 'handoff') lastHandoff = index;
  });
  const bubbles: Bubbles = { parts: [], quickReplies: [] };
  messages.forEach((message, index) => {
    if (message.kind === 'handoff') {
      if (index !== lastHandoff) return;
      bubbles.parts.push(
        message.status === 'queued' ? texts.queued(message.position) : message.status === 'assigned' ? texts.assigned : texts.ended,
      );
    } else if (message.kind === 'error') {
      bubbles.parts.push(texts.error);
    } else {
      bubbles.parts.push(message.from === 'agent' ? texts.agentSays(message.text) : message.text);
      if (message.card) bubbles.parts.push({ card: message.card });
      if (message.quickReplies.length > 0) bubbles.quickReplies = message.quickReplies;
    }
  });
  return bubbles;
}

/**
 * Bubbles to a valid response: long texts split, bubbles packed or carried over, quick replies
 * cut to the limits. What does not fit waits behind a "more" quick reply: the rest of the texts
 * (their quick replies come with the last part), or, when an answer offers more choices than
 * Kakao shows (an NPS scale's 0 to 10 and "skip"), the other choices, page by page, so that every
 * choice stays one tap away.
 */
export function renderBubbles(bubbles: Bubbles, options: RenderOptions, emptyText: string): Rendered {
  let pieces = bubbles.parts.flatMap((part): Part[] => (typeof part === 'string' ? splitText(part, KAKAO_LIMITS.simpleText) : [part]));
  if (pieces.length === 0) pieces = splitText(emptyText, KAKAO_LIMITS.simpleText);
  if (pieces.length > KAKAO_LIMITS.outputs) pieces = pack(pieces, KAKAO_LIMITS.simpleText);
  const shown = pieces.slice(0, KAKAO_LIMITS.outputs);
  const rest = pieces.slice(KAKAO_LIMITS.outputs);
  const earlier = bubbles.earlier ?? [];
  const more = { label: options.texts.more, messageText: options.texts.more, payload: MORE_PAYLOAD };
  const choices = toChoices(bubbles.quickReplies);
  let offers: Choice[];
  /** Choices of this answer on the pages after this one: read back when typed, as those shown. */
  let later: Choice[] = [];
  let overflow: Bubbles | null = null;
  if (rest.length > 0) {
    offers = [more];
    overflow = { parts: rest, quickReplies: bubbles.quickReplies, ...(earlier.length > 0 ? { earlier } : {}) };
  } else if (choices.length > KAKAO_LIMITS.quickReplies) {
    // One place is the "more" reply's: the page shows one choice fewer than the limit.
    const page = choices.slice(0, KAKAO_LIMITS.quickReplies - 1);
    later = choices.slice(page.length);
    offers = [...page, more];
    overflow = {
      parts: [options.texts.moreChoices],
      quickReplies: later.map((c) => ({ label: c.label, payload: c.payload })),
      earlier: [...earlier, ...page.map(offered)],
    };
  } else {
    offers = choices;
  }
  const blockId = options.quickReplyBlockId;
  const quickReplies: KakaoQuickReply[] = offers.map(({ label, messageText, payload }) =>
    blockId ? { action: 'block', label, blockId, messageText, extra: { payload } } : { action: 'message', label, messageText },
  );
  return {
    response: {
      version: '2.0',
      template: {
        outputs: shown.map((piece): KakaoOutput => (typeof piece === 'string' ? { simpleText: { text: piece } } : renderCard(piece.card, options))),
        ...(quickReplies.length > 0 ? { quickReplies } : {}),
      },
    },
    // The response's own quick replies first, in order (a tap is read by position in tests), then the others.
    offered: [...offers, ...later].map(offered).concat(earlier),
    overflow,
  };
}

export function renderMessages(messages: readonly ChannelMessage[], options: RenderOptions, emptyText: string): Rendered {
  return renderBubbles(toBubbles(messages, options.texts), options, emptyText);
}

/** Joins the shortest neighbouring texts that fit in one bubble until there are few enough, or none fit; a card stays a bubble of its own. */
function pack(pieces: Part[], max: number): Part[] {
  const packed = [...pieces];
  const size = (i: number): number => {
    const [a, b] = [packed[i], packed[i + 1]];
    return typeof a === 'string' && typeof b === 'string' ? a.length + 2 + b.length : Infinity;
  };
  while (packed.length > KAKAO_LIMITS.outputs) {
    let best = -1;
    for (let i = 0; i + 1 < packed.length; i++) {
      if (size(i) <= max && (best === -1 || size(i) < size(best))) best = i;
    }
    if (best === -1) break;
    packed.splice(best, 2, `${packed[best] as string}\n\n${packed[best + 1] as string}`);
  }
  return packed;
}

/** A quick reply as Kakao shows it: its label cut to the limit, the whole label as what tapping sends. */
interface Choice {
  label: string;
  messageText: string;
  payload: string;
}

/** The answer's quick replies as choices: blank labels left out, a payload offered twice offered once. */
function toChoices(offers: readonly QuickReply[]): Choice[] {
  const choices: Choice[] = [];
  for (const offer of offers) {
    const full = offer.label.trim().replace(/\s+/g, ' ');
    if (!full || choices.some((c) => c.payload === offer.payload)) continue;
    choices.push({ label: truncate(full, KAKAO_LIMITS.quickReplyLabel), messageText: truncate(full, KAKAO_LIMITS.messageText), payload: offer.payload });
  }
  return choices;
}

function offered(choice: Choice): OfferedReply {
  return { messageText: choice.messageText, payload: choice.payload };
}

export type KakaoInput = { kind: 'input'; input: DialogInput } | { kind: 'more' } | { kind: 'invalid'; message: string };

/**
 * The dialog input a skill request stands for, in this order: a pressed block quick reply's
 * `clientExtra.payload`; block parameters naming a `flow` (the other parameters fill its slots);
 * an utterance equal to an offered quick reply's text (that reply's payload); the utterance as text.
 */
export function kakaoInput(request: KakaoSkillRequest, offered: readonly OfferedReply[], maxTextLength: number): KakaoInput {
  const extra = request.action.clientExtra;
  const extraPayload = typeof extra === 'object' && extra !== null ? extra['payload'] : undefined;
  if (typeof extraPayload === 'string' && extraPayload.length > 0 && extraPayload.length <= 200) return quickReply(extraPayload);

  const params = stringParams(request.action.params);
  const flow = params['flow'];
  if (flow !== undefined) {
    if (!/^[a-z][a-z0-9_]*$/.test(flow)) return { kind: 'invalid', message: 'action.params.flow: expected a flow id such as order_status' };
    const { flow: _flow, ...slots } = params;
    return { kind: 'input', input: { kind: 'event', name: START_FLOW_EVENT, data: { flow, slots } } };
  }

  const utterance = request.userRequest.utterance.trim();
  const tapped = offered.find((o) => o.messageText === utterance);
  if (tapped) return quickReply(tapped.payload);
  if (!utterance) {
    return { kind: 'invalid', message: 'userRequest.utterance: must not be empty unless action.params.flow or action.clientExtra.payload says what to do' };
  }
  return { kind: 'input', input: { kind: 'text', text: truncate(utterance, maxTextLength, '') } };
}

function quickReply(payload: string): KakaoInput {
  return payload === MORE_PAYLOAD ? { kind: 'more' } : { kind: 'input', input: { kind: 'quick_reply', payload } };
}

/** Open Builder sends parameter values as strings; anything else is left out. */
function stringParams(params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string' && value.trim() !== '' && /^[a-z][a-z0-9_]*$/.test(key)) out[key] = value.trim();
  }
  return out;
}
