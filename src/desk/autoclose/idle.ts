// Auto-close (`desk.autoClose`, off by default): a conversation with an agent in which neither
// the shopper nor the agent has written for `checkInMs` gets a check-in message in the agent's
// name ("are you still there? ... we will close this chat"); if the shopper does not answer within
// `closeMs` after it, the conversation is resolved as the agent would resolve it (the shopper is
// told, the bot takes over, the satisfaction survey is asked). Anything either of them writes
// starts the idle time again. Bot conversations already close after `sessions.idleTimeoutMs`.
import type { HandoffQueue, QueueChange } from '../../handoff/queue.ts';
import type { AgentIdentity } from '../../server/agent-protocol.ts';
import type { Clock, TimerHandle } from '../../server/clock.ts';
import type { Logger } from '../../server/logging.ts';
import type { QueueItem, Store, StoredLocale, TranscriptEntry } from '../../store/types.ts';
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

export interface IdleCloserOptions {
  settings: AutoCloseSettings;
  queue: HandoffQueue;
  store: Pick<Store, 'getTranscript'>;
  clock: Clock;
  agents: readonly AgentIdentity[];
  log: Logger;
  /** Writes to the shopper in the agent's name (the desk's `message`). */
  message(agent: AgentIdentity, itemId: string, text: string): Promise<unknown>;
  /** Resolves as the agent (the desk's `resolve`). */
  resolve(agent: AgentIdentity, itemId: string): Promise<unknown>;
}

interface Followed {
  item: QueueItem;
  checkedIn: boolean;
  timer: TimerHandle | null;
}

export class IdleCloser {
  readonly #bySession = new Map<string, Followed>();
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly options: IdleCloserOptions) {}

  get enabled(): boolean {
    return this.options.settings.checkInMs !== null;
  }

  async start(): Promise<void> {
    if (!this.enabled) return;
    this.#unsubscribe = this.options.queue.onChange((change) => this.#onChange(change));
    for (const item of await this.options.queue.list(['assigned'])) {
      try {
        const transcript = await this.options.store.getTranscript(item.sessionId);
        const state = idleState(transcript, Date.parse(item.updatedAt), this.#checkIn(item));
        this.#arm(item, state.quietSinceMs, state.checkedIn);
      } catch (err) {
        this.options.log.error({ err, itemId: item.id }, 'auto-close could not read a conversation');
      }
    }
  }

  stop(): void {
    this.#unsubscribe?.();
    for (const followed of this.#bySession.values()) followed.timer?.cancel();
    this.#bySession.clear();
  }

  onEntries(sessionId: string, entries: readonly TranscriptEntry[]): void {
    const followed = this.#bySession.get(sessionId);
    if (!followed) return;
    const spoken = entries.filter((entry) => (entry.from === 'shopper' || entry.from === 'agent') && !entry.internal);
    const last = spoken.at(-1);
    if (!last) return;
    // The check-in itself is not activity: its close timer is armed by #checkInNow.
    if (last.from === 'agent' && last.text === this.#checkIn(followed.item) && followed.checkedIn) return;
    this.#arm(followed.item, Date.parse(last.at), false);
  }

  #checkIn(item: QueueItem): string {
    return checkInText(localeOf(item), this.options.settings.closeMs);
  }

  #onChange(change: QueueChange): void {
    if (change.kind === 'claimed') this.#arm(change.item, Date.parse(change.item.updatedAt), false);
    else if (change.item.status !== 'assigned') this.#drop(change.item.sessionId);
  }

  #drop(sessionId: string): void {
    this.#bySession.get(sessionId)?.timer?.cancel();
    this.#bySession.delete(sessionId);
  }

  #arm(item: QueueItem, quietSinceMs: number, checkedIn: boolean): void {
    this.#drop(item.sessionId);
    const { settings, clock } = this.options;
    const followed: Followed = { item, checkedIn, timer: null };
    this.#bySession.set(item.sessionId, followed);
    const dueMs = quietSinceMs + (checkedIn ? settings.closeMs : (settings.checkInMs ?? 0));
    followed.timer = clock.setTimeout(() => void this.#due(item.sessionId, followed), Math.max(0, dueMs - clock.nowMs()));
  }

  async #due(sessionId: string, followed: Followed): Promise<void> {
    if (this.#bySession.get(sessionId) !== followed) return;
    const { item } = followed;
    const current = await this.options.queue.get(item.id).catch(() => null);
    if (!current || current.status !== 'assigned' || current.agentId !== item.agentId || this.#bySession.get(sessionId) !== followed) return;
    const agent = this.options.agents.find((a) => a.id === current.agentId) ?? { id: current.agentId ?? 'agent', name: current.agentId ?? 'agent', role: 'agent' as const };
    try {
      if (!followed.checkedIn) {
        followed.checkedIn = true;
        await this.options.message(agent, item.id, this.#checkIn(item));
        if (this.#bySession.get(sessionId) === followed) this.#arm(item, this.options.clock.nowMs(), true);
        this.options.log.info({ itemId: item.id, agentId: agent.id }, 'idle conversation: check-in sent');
      } else {
        this.#drop(sessionId);
        await this.options.resolve(agent, item.id);
        this.options.log.info({ itemId: item.id, agentId: agent.id }, 'idle conversation resolved automatically');
      }
    } catch (err) {
      this.options.log.warn({ err, itemId: item.id }, 'auto-close could not act on an idle conversation');
    }
  }
}
