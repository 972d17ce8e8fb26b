// Typing indicators both ways and read receipts for agents' messages: what makes a conversation
// with a person feel live. Nothing here is stored: a typing frame is worth nothing a few seconds
// later, and receipts are kept per process for the conversations it serves (a console that
// reloads asks for them again).
import type { HandoffQueue } from '../../handoff/queue.ts';
import type { AgentIdentity, AgentServerFrame } from '../../server/agent-protocol.ts';
import type { Clock } from '../../server/clock.ts';
import type { LiveSession, SessionDirectory } from '../../server/sessions.ts';
import { DeskError } from '../errors.ts';

/** At most one "is typing" frame per conversation and direction in this time; "stopped" always passes. */
export const TYPING_THROTTLE_MS = 2000;

export interface LiveSignalsOptions {
  queue: HandoffQueue;
  sessions: SessionDirectory;
  clock: Clock;
  /** To every agent console connected to this process. */
  toAgents(frame: AgentServerFrame): void;
}

export interface ReadReceipt {
  /** The shopper has seen every agent message up to this transcript seq. */
  seq: number;
  at: string;
}

export class LiveSignals {
  /** Per `<direction>:<sessionId>`: when the last "typing" frame went, and whether it said active. */
  readonly #lastTyping = new Map<string, { atMs: number; active: boolean }>();
  readonly #reads = new Map<string, ReadReceipt>();

  constructor(private readonly options: LiveSignalsOptions) {
    // A conversation that left the people needs none of its signals any more.
    options.queue.onChange((change) => {
      if (change.item.status === 'resolved' || change.item.status === 'returned_to_bot') this.forget(change.item.sessionId);
    });
  }

  /** The shopper types (or stopped): the agents see it while the conversation is with people. */
  async shopperTyping(live: LiveSession, active: boolean): Promise<void> {
    if (live.record.mode !== 'queued' && live.record.mode !== 'agent') return;
    if (!this.#pass(`shopper:${live.record.id}`, active)) return;
    const item = await this.options.queue.findOpenBySession(live.record.id);
    if (!item) return;
    this.options.toAgents({ type: 'typing', sessionId: item.sessionId, itemId: item.id, from: 'shopper', active });
  }

  /** The agent who owns the conversation types: the shopper's widget shows it. */
  async agentTyping(agent: AgentIdentity, itemId: string, active: boolean): Promise<void> {
    const item = await this.options.queue.get(itemId);
    if (!item) throw new DeskError('not_found', 'not_found', `there is no queue item ${itemId}`);
    if (item.status !== 'assigned' || item.agentId !== agent.id) {
      throw new DeskError('forbidden', 'not_owner', `queue item ${itemId} is not yours to answer; claim it first`);
    }
    if (!this.#pass(`agent:${item.sessionId}`, active)) return;
    const live = await this.options.sessions.get(item.sessionId);
    if (live) this.options.sessions.send(live, { type: 'typing', from: 'agent', active });
  }

  /** The shopper's widget has shown the agent's messages up to `seq`. */
  async read(live: LiveSession, seq: number): Promise<void> {
    const known = this.#reads.get(live.record.id);
    if (known && known.seq >= seq) return;
    const item = await this.options.queue.findOpenBySession(live.record.id);
    const receipt = { seq, at: this.options.clock.now().toISOString() };
    this.#reads.set(live.record.id, receipt);
    this.options.toAgents({ type: 'read', sessionId: live.record.id, ...(item ? { itemId: item.id } : {}), ...receipt });
  }

  receipt(sessionId: string): ReadReceipt | null {
    return this.#reads.get(sessionId) ?? null;
  }

  /** Whether a typing frame goes out now: a change of state always, the same "active" once per throttle. */
  #pass(key: string, active: boolean): boolean {
    const nowMs = this.options.clock.nowMs();
    const last = this.#lastTyping.get(key);
    if (!active) {
      if (!last?.active) return false;
      this.#lastTyping.set(key, { atMs: nowMs, active });
      return true;
    }
    if (last?.active && nowMs - last.atMs < TYPING_THROTTLE_MS) return false;
    this.#lastTyping.set(key, { atMs: nowMs, active });
    return true;
  }

  forget(sessionId: string): void {
    this.#lastTyping.delete(`shopper:${sessionId}`);
    this.#lastTyping.delete(`agent:${sessionId}`);
    this.#reads.delete(sessionId);
  }
}
