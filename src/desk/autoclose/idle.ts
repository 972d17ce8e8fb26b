// Auto-close (`desk.autoClose`, off by default): a conversation with an agent in which neither
// the shopper nor the agent has written for `checkInMs` gets a check-in message in the agent's
// name ("are you still there? ... we will close this chat"); if the shopper does not answer within
// `closeMs` after it, the conversation is resolved as the agent would resolve it (the shopper is
// told, the bot takes over, the satisfaction survey is asked). Anything either of them writes
// starts the idle time again. Bot conversations already close after `sessions.idleTimeoutMs`.
//
// issue 13: each assigned conversation has one durable timer, `autoclose:<item id>` (src/timers/),
// set at the claim for the check-in. No message writes one: when it fires, whichever process fires
// it reads the transcript and sends the check-in, resolves the conversation, or sets the timer
// again for when the conversation, quiet since its last message, would be due.
import { z } from 'zod';
import type { HandoffQueue, QueueChange } from '../../handoff/queue.ts';
import type { AgentIdentity } from '../../server/agent-protocol.ts';
import type { Clock } from '../../server/clock.ts';
import type { Logger } from '../../server/logging.ts';
import type { QueueItem, Store, StoredLocale, TranscriptEntry } from '../../store/types.ts';
import type { DueTimer, Timers } from '../../timers/index.ts';
import { localeOf } from '../routing/teams.ts';

export interface AutoCloseSettings {
  /** Idle time with an agent before the check-in; null: never. */
  checkInMs: number | null;
  /** Time after the check-in without an answer from the shopper before the conversation is resolved. */
  closeMs: number;
}

export function checkInText(locale: StoredLocale, closeMs: number): string {
  const minutes = Math.max(1, Math.round(closeMs / 60_000));
  return locale === 'en'
    ? `Are you still there? If we don't hear from you in ${minutes} min, we'll close this chat. You can always write to us again.`
    : `아직 상담이 필요하신가요? ${minutes}분 동안 말씀이 없으시면 상담을 종료할게요. 언제든 다시 문의해 주세요.`;
}

/** Where an idle conversation stands, from its transcript: when it went quiet, and whether the check-in was sent. */
export function idleState(transcript: readonly Pick<TranscriptEntry, 'at' | 'from' | 'text' | 'internal'>[], sinceMs: number, checkIn: string): { quietSinceMs: number; checkedIn: boolean } {
  let quietSinceMs = sinceMs;
  let checkedIn = false;
  for (const entry of transcript) {
    const at = Date.parse(entry.at);
    if (at < sinceMs || (entry.from !== 'shopper' && entry.from !== 'agent') || entry.internal) continue;
    quietSinceMs = at;
    checkedIn = entry.from === 'agent' && entry.text === checkIn;
  }
  return { quietSinceMs, checkedIn };
}

/** issue 13: the auto-close timer of an assigned queue item is `autoclose:<item id>`. */
export const AUTO_CLOSE_TIMER = 'autoclose';
export const autoCloseKey = (itemId: string): string => `${AUTO_CLOSE_TIMER}:${itemId}`;
/** The item, the agent who claimed it and when (the quiet time counts from the claim at the earliest). */
const payloadSchema = z.object({ itemId: z.string().min(1), agentId: z.string().min(1), claimedAtMs: z.number() });
type AutoClosePayload = z.infer<typeof payloadSchema>;

export interface IdleCloserOptions {
  settings: AutoCloseSettings;
  queue: HandoffQueue;
  store: Pick<Store, 'getTranscript'>;
  clock: Clock;
  /** issue 13: where the timers wait (in memory, or in PostgreSQL where any process fires them). */
  timers: Timers;
  agents: readonly AgentIdentity[];
  log: Logger;
  /** Writes to the shopper in the agent's name (the desk's `message`). */
  message(agent: AgentIdentity, itemId: string, text: string): Promise<unknown>;
  /** Resolves as the agent (the desk's `resolve`). */
  resolve(agent: AgentIdentity, itemId: string): Promise<unknown>;
}

export class IdleCloser {
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly options: IdleCloserOptions) {
    if (this.enabled) options.timers.handle(AUTO_CLOSE_TIMER, (timer) => this.#due(timer));
  }

  get enabled(): boolean {
    return this.options.settings.checkInMs !== null;
  }

  /** Follows claims from now on; conversations agents already have (a restart) get their timer unless they have one. */
  async start(): Promise<void> {
    if (!this.enabled) return;
    this.#unsubscribe = this.options.queue.onChange((change) => this.#onChange(change));
    for (const item of await this.options.queue.list(['assigned'])) {
      if (!item.agentId) continue;
      try {
        // The claim's time is not kept on the item: its last update stands in.
        const payload = { itemId: item.id, agentId: item.agentId, claimedAtMs: Date.parse(item.updatedAt) };
        const state = idleState(await this.options.store.getTranscript(item.sessionId), payload.claimedAtMs, this.#checkIn(item));
        await this.#arm(payload, this.#dueAtMs(state), { ifAbsent: true });
      } catch (err) {
        this.options.log.error({ err, itemId: item.id }, 'auto-close could not read a conversation');
      }
    }
  }

  /** The timers are the server's, stopped with it. */
  stop(): void {
    this.#unsubscribe?.();
  }

  #checkIn(item: QueueItem): string {
    return checkInText(localeOf(item), this.options.settings.closeMs);
  }

  /** When a conversation quiet since `quietSinceMs` is due: for the check-in, or (checked in) to be resolved. */
  #dueAtMs(state: { quietSinceMs: number; checkedIn: boolean }): number {
    const { settings } = this.options;
    return state.quietSinceMs + (state.checkedIn ? settings.closeMs : (settings.checkInMs ?? 0));
  }

  #onChange(change: QueueChange): void {
    const { item } = change;
    if (change.kind === 'claimed' && item.agentId) {
      const claimedAtMs = Date.parse(item.updatedAt);
      void this.#arm({ itemId: item.id, agentId: item.agentId, claimedAtMs }, this.#dueAtMs({ quietSinceMs: claimedAtMs, checkedIn: false }));
    } else if (change.kind !== 'note_added' && item.status !== 'assigned') {
      this.options.timers.cancel(autoCloseKey(item.id)).catch((err: unknown) => this.options.log.error({ err, itemId: item.id }, 'an auto-close timer could not be cancelled'));
    }
  }

  #arm(payload: AutoClosePayload, dueAtMs: number, options: { ifAbsent?: boolean } = {}): Promise<void> {
    return this.options.timers
      .schedule(autoCloseKey(payload.itemId), dueAtMs, payload, options)
      .catch((err: unknown) => this.options.log.error({ err, itemId: payload.itemId }, 'the auto-close timer could not be set'));
  }

  /**
   * The timer fired (here or on another process): the item and its transcript as they are now
   * decide. A failure is retried by the timers; a check-in sent before a failure is found in the
   * transcript on the next try, so it is not sent twice.
   */
  async #due(timer: DueTimer): Promise<void> {
    const parsed = payloadSchema.safeParse(timer.payload);
    if (!parsed.success) {
      this.options.log.error({ key: timer.key }, `auto-close timer ${timer.key} has no item, agent and claim time in its payload; dropped`);
      return;
    }
    const payload = parsed.data;
    const item = await this.options.queue.get(payload.itemId);
    // Resolved, returned, or claimed again by someone else (whose claim set a timer of its own).
    if (!item || item.status !== 'assigned' || item.agentId !== payload.agentId) return;
    const { clock } = this.options;
    const state = idleState(await this.options.store.getTranscript(item.sessionId), payload.claimedAtMs, this.#checkIn(item));
    const dueAtMs = this.#dueAtMs(state);
    if (dueAtMs > clock.nowMs()) {
      await this.options.timers.schedule(timer.key, dueAtMs, payload);
      return;
    }
    const agent = this.options.agents.find((a) => a.id === payload.agentId) ?? { id: payload.agentId, name: payload.agentId, role: 'agent' as const };
    if (!state.checkedIn) {
      await this.options.message(agent, item.id, this.#checkIn(item));
      await this.options.timers.schedule(timer.key, clock.nowMs() + this.options.settings.closeMs, payload);
      this.options.log.info({ itemId: item.id, agentId: agent.id }, 'idle conversation: check-in sent');
    } else {
      await this.options.resolve(agent, item.id);
      this.options.log.info({ itemId: item.id, agentId: agent.id }, 'idle conversation resolved automatically');
    }
  }
}
