// Who answers a shopper's session, as a pure state machine (in the spirit of XState's
// `transition(state, event) -> next state`): the bot, the queue of people, an agent, or, after
// hours, nobody yet: the next thing the shopper writes is a message for the agents.
//
//   bot ──handoff(open)──▶ queued ──claimed──▶ agent ──released──▶ queued
//    │ ▲                    │  ▲                 │
//    │ └──resolved / handed_back───────────────────┘ (from queued too: an agent closes it unseen)
//    └──handoff(closed)──▶ offline_message ──message_left / back_to_bot──▶ bot
//   (the message left is a ticket: an agent claiming it later takes the session from the bot)
//
// The mode is stored with the session, so a restart keeps it (the offered after-hours message too).

export const SESSION_MODES = ['bot', 'queued', 'agent', 'offline_message'] as const;
export type SessionMode = (typeof SESSION_MODES)[number];

export type ModeEvent =
  /** The dialog asked for a person; `open`: people are answering now (business hours). */
  | { type: 'handoff'; open: boolean }
  /** An agent took the conversation. */
  | { type: 'claimed' }
  /** The agent put it back in the queue, or was gone past the grace period. */
  | { type: 'released' }
  /** The agent finished it, or gave it back to the bot. */
  | { type: 'resolved' }
  | { type: 'handed_back' }
  /** After hours: the shopper left their message, or chose to go on with the bot. */
  | { type: 'message_left' }
  | { type: 'back_to_bot' };

export type Transition = { ok: true; mode: SessionMode } | { ok: false; message: string };

const NEXT: Readonly<Record<SessionMode, Partial<Record<ModeEvent['type'], SessionMode | ((e: ModeEvent) => SessionMode)>>>> = {
  // A message left after hours is a ticket while the bot goes on: an agent may take it (or close it) later.
  bot: { handoff: (e) => (e.type === 'handoff' && !e.open ? 'offline_message' : 'queued'), claimed: 'agent', resolved: 'bot', handed_back: 'bot' },
  // Asked twice while waiting, or the hours ended meanwhile: it stays in the queue.
  queued: { handoff: 'queued', claimed: 'agent', resolved: 'bot', handed_back: 'bot', released: 'queued' },
  agent: { handoff: 'agent', claimed: 'agent', released: 'queued', resolved: 'bot', handed_back: 'bot' },
  offline_message: { handoff: (e) => (e.type === 'handoff' && e.open ? 'queued' : 'offline_message'), message_left: 'bot', back_to_bot: 'bot' },
};

export function transition(mode: SessionMode, event: ModeEvent): Transition {
  const next = NEXT[mode][event.type];
  if (next === undefined) return { ok: false, message: `a session in mode '${mode}' cannot take '${event.type}'` };
  return { ok: true, mode: typeof next === 'function' ? next(event) : next };
}

/** While people own the conversation the bot stays silent and the shopper's words go to them. */
export function ownedByPeople(mode: SessionMode): boolean {
  return mode === 'queued' || mode === 'agent';
}
