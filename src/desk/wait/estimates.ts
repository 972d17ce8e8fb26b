// Feeds the queue pace (pace.ts) and answers the desk's "what wait do I tell this shopper?".
// Claims come from the queue's own changes as they happen, and from the analytics facts (desk
// `claimed` events) at start, so a restart does not forget the last half hour; where several
// processes share the store, the facts are read again every minute, since claims made on another
// process raise no change here. Every minute the waiting shoppers are told again if their
// estimate moved (a queue that stopped moving must not keep its old promise).
import type { HandoffQueue } from '../../handoff/queue.ts';
import type { Clock, TimerHandle } from '../../server/clock.ts';
import type { Logger } from '../../server/logging.ts';
import type { QueueItem, Store } from '../../store/types.ts';
import type { PresenceStatus } from '../presence/board.ts';
import { type TeamDirectory, teamOf } from '../routing/teams.ts';
import { type PaceSettings, QueuePace } from './pace.ts';

export const WAIT_REFRESH_MS = 60_000;

export interface WaitEstimatesOptions {
  settings: PaceSettings & { enabled: boolean };
  queue: HandoffQueue;
  store: Pick<Store, 'listFacts' | 'getQueueItem'>;
  clock: Clock;
  teams: TeamDirectory;
  /** Every configured agent's id: who can answer the shared queue. */
  agentIds: readonly string[];
  statusOf(agentId: string): PresenceStatus;
  /** The waiting shoppers are told again where an estimate changed. */
  retell(): void;
  /** Other processes claim too: read their claims from the facts every minute. */
  shared: boolean;
  log: Logger;
}

export class WaitEstimates {
  readonly #pace: QueuePace;
  /** The lane of each waiting conversation, by session. */
  readonly #laneOf = new Map<string, string | null>();
  readonly #unsubscribe: () => void;
  #timer: TimerHandle | null = null;
  #stopped = false;

  /** Construct before the hand-off desk: this listener must know a new item's lane before the desk tells its shopper. */
  constructor(private readonly options: WaitEstimatesOptions) {
    this.#pace = new QueuePace(options.settings);
    this.#unsubscribe = options.queue.onChange((change) => this.#follow(change.kind, change.item));
  }

  async start(): Promise<void> {
    if (!this.options.settings.enabled) return;
    for (const item of await this.options.queue.list(['waiting'])) this.#laneOf.set(item.sessionId, teamOf(item));
    await this.#readFacts();
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe();
    this.#timer?.cancel();
  }

  /** The wait to tell the shopper at `position`, in ms; null when there is no honest estimate. */
  estimate(sessionId: string, position: number): number | null {
    if (!this.options.settings.enabled) return null;
    const lane = this.#laneOf.get(sessionId) ?? null;
    if (!this.#anyoneOnline(lane)) return null;
    return this.#pace.estimate(lane, position, this.options.clock.nowMs());
  }

  #follow(kind: string, item: QueueItem): void {
    if (item.status === 'waiting') this.#laneOf.set(item.sessionId, teamOf(item));
    else this.#laneOf.delete(item.sessionId);
    if (kind === 'claimed') this.#pace.claimed(teamOf(item), item.id, Date.parse(item.updatedAt));
  }

  #anyoneOnline(lane: string | null): boolean {
    const ids = lane === null ? this.options.agentIds : this.options.teams.members(lane).map((member) => member.agentId);
    return ids.some((id) => this.options.statusOf(id) === 'online');
  }

  async #readFacts(): Promise<void> {
    const nowMs = this.options.clock.nowMs();
    try {
      const facts = await this.options.store.listFacts({ from: new Date(nowMs - this.options.settings.windowMs).toISOString(), to: new Date(nowMs + 1).toISOString() });
      for (const fact of facts) {
        if (fact.kind !== 'desk' || fact.event !== 'claimed') continue;
        const item = await this.options.store.getQueueItem(fact.itemId);
        this.#pace.claimed(item ? teamOf(item) : null, fact.itemId, Date.parse(fact.at));
      }
    } catch (err) {
      this.options.log.error({ err }, 'the recent claims could not be read; the wait estimate starts from what it sees');
    }
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#timer = this.options.clock.setTimeout(() => {
      void (async () => {
        this.#pace.prune(this.options.clock.nowMs());
        if (this.options.shared) await this.#readFacts();
        this.options.retell();
      })()
        .catch((err: unknown) => this.options.log.error({ err }, 'wait estimates could not be refreshed'))
        .finally(() => this.#arm());
    }, WAIT_REFRESH_MS);
  }
}
