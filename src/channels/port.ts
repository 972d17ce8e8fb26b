// The channel port: what every channel adapter (the websocket widget, the Kakao skill, the signed
// webhook) maps to and from. Incoming, a channel turns its payload into a dialog input for a user
// it names; outgoing, the conversation's frames become channel messages, which each adapter then
// renders in its own format within its own limits. The conversation core never sees a channel.
import type { DialogInput, QuickReply, ReplyCard } from '../dialog/types.ts';
import type { Locale } from '../nlu/types.ts';
import type { ServerFrame } from '../server/protocol.ts';

/** Channels that answer requests (the websocket pushes frames instead). */
export type ChannelName = 'kakao' | 'webhook';

/** One shopper input as a channel delivers it. */
export interface ChannelTurn {
  /** Who the channel says is writing, within `scope` (a Kakao bot id; the webhook's own name). */
  userId: string;
  scope: string;
  input: DialogInput;
  locale?: Locale;
}

/** What the conversation says to the shopper, whatever the channel. */
export type ChannelMessage =
  /** `card`: what the text says, as structured data for channels that draw cards (an order's status). */
  | { kind: 'text'; from: 'bot' | 'agent'; text: string; quickReplies: QuickReply[]; card?: ReplyCard }
  | { kind: 'handoff'; status: 'queued' | 'assigned' | 'ended'; position?: number }
  | { kind: 'error'; message: string };

/** The frames a request/response channel collected for its session, as messages; frames only sockets need are left out. */
export function toChannelMessages(frames: readonly ServerFrame[]): ChannelMessage[] {
  const messages: ChannelMessage[] = [];
  for (const frame of frames) {
    switch (frame.type) {
      case 'bot':
        messages.push({ kind: 'text', from: 'bot', text: frame.text, quickReplies: frame.quickReplies ?? [], ...(frame.card ? { card: frame.card } : {}) });
        break;
      case 'nudge':
        messages.push({ kind: 'text', from: 'bot', text: frame.text, quickReplies: frame.quickReplies ?? [] });
        break;
      case 'agent':
        messages.push({ kind: 'text', from: 'agent', text: frame.text, quickReplies: [] });
        break;
      case 'handoff':
        messages.push({ kind: 'handoff', status: frame.status, ...(frame.position !== undefined ? { position: frame.position } : {}) });
        break;
      case 'error':
        messages.push({ kind: 'error', message: frame.message });
        break;
      // session, history, suggestions: a socket's bookkeeping and page chips, nothing to say.
      default:
        break;
    }
  }
  return messages;
}

/** Frames worth keeping for a shopper who is not connected: what they would have been shown. */
export function isShownFrame(frame: ServerFrame): boolean {
  return frame.type === 'bot' || frame.type === 'nudge' || frame.type === 'agent' || frame.type === 'handoff';
}
