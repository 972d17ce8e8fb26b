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
//
// The check-in's sentence is flows/messages.yaml `desk.check_in`. Its transcript entry carries
// `automatic: 'check_in'`: that, not the wording, tells that the check-in was sent, so a designer
// rewording it (or a changed `closeMs`) does not make an earlier check-in look unsent.
import { z } from 'zod';
import type { MessagesSpec } from '../../dialog/schema.ts';
import { shopText } from '../../dialog/shop-texts.ts';
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

/** The check-in's transcript entry says it is the check-in (TranscriptEntry.automatic). */
export const CHECK_IN = 'check_in';

/** The check-in in the conversation's language: messages.yaml `desk.check_in`, {{minutes}} until the close. */
export function checkInText(messages: MessagesSpec, locale: StoredLocale, closeMs: number): string {
  return shopText(messages, 'desk', 'check_in', locale, { minutes: Math.max(1, Math.round(closeMs / 60_000)) });
}

/**
 * Where an idle conversation stands, from its transcript: when it went quiet, and whether the
 * check-in was sent. The check-in is the entry marked `automatic: 'check_in'`; an entry stored
 * before the mark existed counts when its text is `legacyCheckIn` (the sentence as it reads now).
 */
export function idleState(
  transcript: readonly Pick<TranscriptEntry, 'at' | 'from' | 'text' | 'internal' | 'automatic'>[],
  sinceMs: number,
  legacyCheckIn: string,
): { quietSinceMs: number; checkedIn: boolean } {
  let quietSinceMs = sinceMs;
  let checkedIn = false;
  for (const entry of transcript) {
    const at = Date.parse(entry.at);
    if (at < sinceMs || (entry.from !== 'shopper' && entry.from !== 'agent') || entry.internal) continue;
    quietSinceMs = at;
    checkedIn = entry.from === 'agent' && (entry.automatic === undefined ? entry.text === legacyCheckIn : entry.automatic === CHECK_IN);
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
  /** The messages file in use (reloaded with the flows): the check-in's sentence. */
  messages: () => MessagesSpec;
  log: Logger;
  /** Writes to the shopper in the agent's name (the desk's `message`), its entry marked `automatic`. */
  message(agent: AgentIdentity, itemId: string, text: string, automatic: string): Promise<unknown>;
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
    return checkInText(this.options.messages(), localeOf(item), this.options.settings.closeMs);
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
      await this.options.message(agent, item.id, this.#checkIn(item), CHECK_IN);
      await this.options.timers.schedule(timer.key, clock.nowMs() + this.options.settings.closeMs, payload);
      this.options.log.info({ itemId: item.id, agentId: agent.id }, 'idle conversation: check-in sent');
    } else {
      await this.options.resolve(agent, item.id);
      this.options.log.info({ itemId: item.id, agentId: agent.id }, 'idle conversation resolved automatically');
    }
  }
}
