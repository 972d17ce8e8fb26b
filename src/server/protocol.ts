// The shopper websocket protocol (../shared/design.md): zod schemas for what shoppers send, the
// frames the server sends back, and a parser that turns any bad frame into a named error.
import { z } from 'zod';
import type { QuickReply, ReplyCard, ReplyMeta } from '../dialog/types.ts';
import { LOCALES } from '../nlu/types.ts';
import { isPageEventName, type PageEvent, parsePageEvent } from '../proactive/events.ts';
import { describeIssues } from '../shared/zod-issues.ts';

export const MAX_TEXT_LENGTH = 2000;

/**
 * Frames up to this size are read and answered (an over-long message gets `text_too_long`);
 * anything else this large is `frame_too_large`. Even 2,000 characters escaped as \uXXXX stay
 * well below it.
 */
export const MAX_USEFUL_FRAME_BYTES = 64 * 1024;

const helloFrame = z.object({
  type: z.literal('hello'),
  sessionToken: z.string().min(1).max(200).optional(),
  locale: z.enum(LOCALES).optional(),
  /** Signed by the shop's site: `<customerId>.<expiry>.<hmac>` (docs/server.md). */
  customerToken: z.string().min(1).max(400).optional(),
  /** Believed only where config shopper.trustCustomerId is on (development). */
  customerId: z.string().min(1).max(100).optional(),
});
const messageFrame = z.object({
  type: z.literal('message'),
  text: z.string().refine((text) => text.trim().length > 0, 'must not be empty'),
});
const quickReplyFrame = z.object({ type: z.literal('quick_reply'), payload: z.string().min(1).max(200) });
const eventFrame = z.object({
  type: z.literal('event'),
  name: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'expected a lowercase event name such as page_view'),
  data: z.record(z.string(), z.unknown()).optional(),
});
/** The shopper closed a proactive nudge: nothing proactive for the rest of the visit. */
const dismissFrame = z.strictObject({ type: z.literal('dismiss'), rule: z.string().min(1).max(100).optional() });
/** The shopper is typing (`active` false: stopped); proactive nudges wait meanwhile. */
const typingFrame = z.strictObject({ type: z.literal('typing'), active: z.boolean().default(true) });
/** desk (issue 14): the widget has shown the agent's messages up to transcript `seq` (a read receipt). */
const readFrame = z.strictObject({ type: z.literal('read'), seq: z.number().int().positive() });

const FRAME_SCHEMAS = {
  hello: helloFrame,
  message: messageFrame,
  quick_reply: quickReplyFrame,
  event: eventFrame,
  dismiss: dismissFrame,
  typing: typingFrame,
  read: readFrame,
} as const;

export type HelloFrame = z.infer<typeof helloFrame>;
type EventFrame = z.infer<typeof eventFrame> & {
  /** A known page event (page_view, dwell, cart_idle, checkout_error), its data checked. */
  page?: PageEvent;
};
export type ShopperFrame = z.infer<(typeof FRAME_SCHEMAS)[Exclude<keyof typeof FRAME_SCHEMAS, 'event'>]> | EventFrame;
export type DismissFrame = z.infer<typeof dismissFrame>;
export type TypingFrame = z.infer<typeof typingFrame>;
export type ReadFrame = z.infer<typeof readFrame>; // desk (issue 14)

/** Event names the server keeps for itself (the dialog's proactive start): a shopper may not send them. */
const RESERVED_EVENT_PREFIX = 'daehwa.';

export type HistoryEntry = {
  seq: number;
  at: string;
  from: 'shopper' | 'bot' | 'agent' | 'system';
  text: string;
  /** desk (issue 14): a photo the shopper sent, at GET /api/attachments/:id. */
  attachmentId?: string;
};

export type ServerFrame =
  | { type: 'session'; sessionId: string; sessionToken: string; resumed: boolean }
  /** Sent after a resumed `session` frame: what was said before, oldest first. */
  | { type: 'history'; entries: HistoryEntry[] }
  /** `card`: what the text says, as data for channels that draw cards (an order); the widget shows the text. */
  | { type: 'bot'; text: string; quickReplies?: QuickReply[]; card?: ReplyCard; meta: ReplyMeta }
  // desk (issue 14): `estimatedWaitMs`, from the queue's recent pace; absent when there is no honest estimate.
  | { type: 'handoff'; status: 'queued' | 'assigned' | 'ended'; position?: number; estimatedWaitMs?: number }
  /** `seq`: the message's place in the transcript, for the `read` frame (desk, issue 14). */
  | { type: 'agent'; text: string; seq?: number }
  /** desk (issue 14): the agent is typing (`active` false: stopped). */
  | { type: 'typing'; from: 'agent'; active: boolean }
  /** A proactive message, shown as a dismissible nudge; `rule` is the rule that sent it. */
  | { type: 'nudge'; rule: string; text: string; quickReplies?: QuickReply[]; meta: ReplyMeta }
  /** The contextual FAQ for the page the shopper is on. */
  | { type: 'suggestions'; page: string; items: QuickReply[] }
  | { type: 'error'; code: ErrorCode; message: string };

export type ErrorCode =
  | 'binary_not_supported'
  | 'invalid_utf8'
  | 'invalid_json'
  | 'invalid_frame'
  | 'unknown_type'
  | 'text_too_long'
  | 'frame_too_large'
  | 'rate_limited'
  | 'hello_required'
  | 'already_started'
  | 'invalid_session_token'
  | 'session_expired'
  | 'session_closed'
  | 'invalid_customer_token'
  | 'customer_id_not_trusted'
  | 'customer_mismatch'
  | 'busy'
  | 'temporarily_unavailable'
  | 'internal_error';

export type ParseResult = { ok: true; frame: ShopperFrame } | { ok: false; code: ErrorCode; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(code: ErrorCode, message: string): ParseResult {
  return { ok: false, code, message };
}

export function parseShopperFrame(data: Buffer, isBinary: boolean, maxTextLength = MAX_TEXT_LENGTH): ParseResult {
  const result = parseFrame(data, isBinary, maxTextLength);
  // Over the useful size, only an over-long text is told apart (the shopper pasted too much):
  // whatever else it is (not UTF-8, not JSON, an unknown type ...), it is frame_too_large.
  if (!isBinary && data.length > MAX_USEFUL_FRAME_BYTES && (result.ok || result.code !== 'text_too_long')) {
    return fail('frame_too_large', `the frame is ${data.length} bytes; frames are at most ${MAX_USEFUL_FRAME_BYTES}`);
  }
  return result;
}

function parseFrame(data: Buffer, isBinary: boolean, maxTextLength: number): ParseResult {
  if (isBinary) return fail('binary_not_supported', 'binary frames are not supported; send JSON text frames');
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return fail('invalid_utf8', 'the frame is not valid UTF-8 text');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('invalid_json', 'the frame is not valid JSON; send an object such as {"type":"message","text":"..."}');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('invalid_frame', 'a frame must be a JSON object with a "type"');
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return fail('invalid_frame', 'the frame has no "type" string');
  if (!Object.hasOwn(FRAME_SCHEMAS, type)) {
    return fail('unknown_type', `unknown frame type "${type.slice(0, 40)}"; expected ${Object.keys(FRAME_SCHEMAS).join(', ')}`);
  }
  const textField = (value as { text?: unknown }).text;
  if (typeof textField === 'string' && textField.length > maxTextLength) {
    return fail('text_too_long', `text is ${textField.length} characters; the limit is ${maxTextLength}`);
  }
  // The frame of nearly every turn, checked as messageFrame would (a non-blank string; other
  // keys dropped) without the schema's walk; anything else, a blank text included, goes to zod.
  if (type === 'message' && typeof textField === 'string' && textField.trim().length > 0) {
    return { ok: true, frame: { type: 'message', text: textField } };
  }
  const parsed = FRAME_SCHEMAS[type as keyof typeof FRAME_SCHEMAS].safeParse(value);
  if (!parsed.success) {
    return fail('invalid_frame', `invalid "${type}" frame: ${describeIssues(parsed.error, type)}`);
  }
  const frame = parsed.data;
  if (frame.type === 'event') {
    if (frame.name.startsWith(RESERVED_EVENT_PREFIX)) {
      return fail('invalid_frame', `invalid "event" frame: name: event names starting "${RESERVED_EVENT_PREFIX}" are the server's own`);
    }
    if (isPageEventName(frame.name)) {
      const page = parsePageEvent(frame.name, frame.data);
      if (!page.ok) return fail('invalid_frame', `invalid "${frame.name}" event: ${describeIssues(page.error, 'data')}`);
      return { ok: true, frame: { ...frame, page: page.event } };
    }
  }
  return { ok: true, frame };
}
