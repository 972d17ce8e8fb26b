// Channel messages to a skill response within Kakao's limits, and a skill request back to a
// dialog input. Pure functions: the route (skill.ts) keeps what they need between requests.
import { START_FLOW_EVENT } from '../../dialog/direct.ts';
import type { DialogInput, QuickReply } from '../../dialog/types.ts';
import type { ChannelMessage } from '../port.ts';
import type { ChannelTexts } from '../texts.ts';
import { KAKAO_LIMITS, type KakaoQuickReply, type KakaoSkillRequest, type KakaoTemplateResponse } from './format.ts';

/** Payload of the quick reply that shows the rest of an answer too long for one response. */
export const MORE_PAYLOAD = 'daehwa:more';

/** What a response says, before it is cut to the limits: speech bubbles' texts and the quick replies under the last. */
export interface Bubbles {
  texts: string[];
  quickReplies: QuickReply[];
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
  const bubbles: Bubbles = { texts: [], quickReplies: [] };
  messages.forEach((message, index) => {
    if (message.kind === 'handoff') {
      if (index !== lastHandoff) return;
      bubbles.texts.push(
        message.status === 'queued' ? texts.queued(message.position) : message.status === 'assigned' ? texts.assigned : texts.ended,
      );
    } else if (message.kind === 'error') {
      bubbles.texts.push(texts.error);
    } else {
      bubbles.texts.push(message.from === 'agent' ? `${texts.agentPrefix}${message.text}` : message.text);
      if (message.quickReplies.length > 0) bubbles.quickReplies = message.quickReplies;
    }
  });
  return bubbles;
}

/** Bubbles to a valid response: long texts split, bubbles packed or carried over, quick replies cut to the limits. */
export function renderBubbles(bubbles: Bubbles, options: RenderOptions, emptyText: string): Rendered {
  let pieces = bubbles.texts.flatMap((text) => splitText(text, KAKAO_LIMITS.simpleText));
  if (pieces.length === 0) pieces = splitText(emptyText, KAKAO_LIMITS.simpleText);
  if (pieces.length > KAKAO_LIMITS.outputs) pieces = pack(pieces, KAKAO_LIMITS.simpleText);
  const shown = pieces.slice(0, KAKAO_LIMITS.outputs);
  const rest = pieces.slice(KAKAO_LIMITS.outputs);
  const overflow = rest.length > 0 ? { texts: rest, quickReplies: bubbles.quickReplies } : null;
  const offers = overflow ? [{ label: options.texts.more, payload: MORE_PAYLOAD }] : bubbles.quickReplies;
  const { quickReplies, offered } = renderQuickReplies(offers, options.quickReplyBlockId);
  return {
    response: {
      version: '2.0',
      template: {
        outputs: shown.map((text) => ({ simpleText: { text } })),
        ...(quickReplies.length > 0 ? { quickReplies } : {}),
      },
    },
    offered,
    overflow,
  };
}

export function renderMessages(messages: readonly ChannelMessage[], options: RenderOptions, emptyText: string): Rendered {
  return renderBubbles(toBubbles(messages, options.texts), options, emptyText);
}

/** Joins the shortest neighbouring pieces that fit in one bubble until there are few enough, or none fit. */
function pack(pieces: string[], max: number): string[] {
  const packed = [...pieces];
  while (packed.length > KAKAO_LIMITS.outputs) {
    let best = -1;
    for (let i = 0; i + 1 < packed.length; i++) {
      const size = packed[i]!.length + 2 + packed[i + 1]!.length;
      if (size <= max && (best === -1 || size < packed[best]!.length + 2 + packed[best + 1]!.length)) best = i;
    }
    if (best === -1) break;
    packed.splice(best, 2, `${packed[best]}\n\n${packed[best + 1]}`);
  }
  return packed;
}

function renderQuickReplies(offers: readonly QuickReply[], blockId: string | undefined): { quickReplies: KakaoQuickReply[]; offered: OfferedReply[] } {
  const quickReplies: KakaoQuickReply[] = [];
  const offered: OfferedReply[] = [];
  for (const offer of offers) {
    if (quickReplies.length === KAKAO_LIMITS.quickReplies) break;
    const full = offer.label.trim().replace(/\s+/g, ' ');
    if (!full || offered.some((o) => o.payload === offer.payload)) continue;
    const label = truncate(full, KAKAO_LIMITS.quickReplyLabel);
    const messageText = truncate(full, KAKAO_LIMITS.messageText);
    quickReplies.push(
      blockId ? { action: 'block', label, blockId, messageText, extra: { payload: offer.payload } } : { action: 'message', label, messageText },
    );
    offered.push({ messageText, payload: offer.payload });
  }
  return { quickReplies, offered };
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
