// The agent side's websocket frames and the request bodies shared with the REST endpoints.
import { z } from 'zod';
import { describeIssues } from '../shared/zod-issues.ts';
import type { QueueItem, SlaBreach, TranscriptEntry } from '../store/types.ts';
import type { RosterFrame } from '../desk/presence/service.ts';
import { MAX_TEXT_LENGTH } from './protocol.ts';

export interface AgentIdentity {
  id: string;
  name: string;
  role: 'agent' | 'admin';
}

const ref = z.string().max(64).optional();
const itemId = z.string().min(1).max(100);
const agentText = z
  .string()
  .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`)
  .refine((text) => text.trim().length > 0, 'must not be empty');

export const loginBody = z.object({ agentId: z.string().min(1).max(64), password: z.string().min(1).max(200) });
export const textBody = z.object({ text: agentText });

export const agentClientFrame = z.discriminatedUnion('type', [
  // desk (issue 14): `presence`, the status the console remembered (a reload stays away).
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(2000), presence: z.enum(['online', 'away', 'offline']).optional(), ref }),
  z.object({ type: z.literal('claim'), itemId, ref }),
  z.object({ type: z.literal('message'), itemId, text: agentText, ref }),
  z.object({ type: z.literal('note'), itemId, text: agentText, ref }),
  z.object({ type: z.literal('resolve'), itemId, ref }),
  z.object({ type: z.literal('hand_back'), itemId, ref }),
  z.object({ type: z.literal('release'), itemId, ref }),
  // desk (issue 14): the agent is typing in this conversation (`active` false: stopped); no ack.
  z.object({ type: z.literal('typing'), itemId, active: z.boolean().default(true), ref }),
  // desk (issue 14): the agent's own presence; every console gets the `roster`; no ack.
  z.object({ type: z.literal('presence'), status: z.enum(['online', 'away', 'offline']), ref }),
]);
export type AgentClientFrame = z.infer<typeof agentClientFrame>;

export type AgentParseResult = { ok: true; frame: AgentClientFrame } | { ok: false; code: 'invalid_json' | 'invalid_frame'; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One frame from an agent socket: `invalid_json` for anything but JSON text (binary, bytes that
 * are not UTF-8, which would otherwise reach the shopper as U+FFFD), `invalid_frame` for JSON
 * that is not a frame.
 */
export function parseAgentFrame(data: Buffer, isBinary: boolean): AgentParseResult {
  let value: unknown;
  try {
    if (isBinary) throw new Error('binary');
    value = JSON.parse(utf8.decode(data));
  } catch {
    return { ok: false, code: 'invalid_json', message: 'frames must be JSON text' };
  }
  const parsed = agentClientFrame.safeParse(value);
  if (!parsed.success) return { ok: false, code: 'invalid_frame', message: describeIssues(parsed.error, 'frame') };
  return { ok: true, frame: parsed.data };
}

/** A queue item without its (large) context snapshot: what the queue list shows. */
export type QueueSummary = Omit<QueueItem, 'context'> & {
  /** 1-based place among waiting items. */
  position: number | null;
  customerName: string | null;
  locale: string | null;
  /** The last thing the shopper said before the hand-off. */
  preview: string | null;
  /**
   * desk (issue 14): the SLA as of this list: a waiting item's first response, an assigned one's
   * next response while the shopper waits for its agent; null when nobody is waited for.
   */
  sla?: { state: 'ok' | 'warning' | 'breached'; waitedMs: number; dueAt: string; targetMs: number } | null;
  /** desk (issue 14): the team whose queue it is in; null: the shared queue. */
  team?: string | null;
};

export type AgentServerFrame =
  | { type: 'ready'; agent: AgentIdentity }
  /** The open queue (waiting and assigned), sent on connect and after every change. */
  | { type: 'queue'; items: QueueSummary[] }
  /** New transcript entries of a conversation in the queue. */
  | { type: 'entries'; sessionId: string; entries: TranscriptEntry[] }
  | { type: 'ack'; ref?: string; item: QueueItem }
  // ---- desk (issue 14) ----
  /** The shopper of a conversation with people is typing (`active` false: stopped). */
  | { type: 'typing'; sessionId: string; itemId: string; from: 'shopper'; active: boolean }
  /** A conversation waited past its first-response target in the queue, or its next-response target with an agent. */
  | { type: 'sla_breach'; breach: SlaBreach }
  /** Who is on (every configured agent, online / away / offline) and the teams: on connect and on every change. */
  | RosterFrame
  /** The shopper has seen the agent's messages up to transcript `seq`. */
  | { type: 'read'; sessionId: string; itemId?: string; seq: number; at: string }
  | { type: 'error'; code: string; message: string; ref?: string };
