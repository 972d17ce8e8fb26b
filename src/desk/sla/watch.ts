// First-response SLA: how long a conversation may wait in the queue before an agent takes it,
// per priority (and team, see targets.ts). Each waiting item has two timers (the warning, at
// `warnRatio` of the target, and the target itself); when one fires the consoles get the queue
// again with the item amber or red, and a breach is recorded in the store (for the analytics),
// announced to the consoles and handed to `onBreach` (the webhook).
import type { HandoffQueue } from '../../handoff/queue.ts';
import type { AgentServerFrame } from '../../server/agent-protocol.ts';
import type { Clock, TimerHandle } from '../../server/clock.ts';
import type { Logger } from '../../server/logging.ts';
import type { QueueItem, SlaBreach, Store } from '../../store/types.ts';
import { type TeamDirectory, teamOf } from '../routing/teams.ts';
import { type SlaSummary, type SlaTargets, summarise, targetFor } from './targets.ts';

export type { SlaState, SlaSummary, SlaTargets } from './targets.ts';

export interface SlaWatchOptions {
  queue: HandoffQueue;
  store: Store;
  clock: Clock;
  targets: SlaTargets;
  /** Teams with targets of their own. */
  teams?: TeamDirectory;
  log: Logger;
  toAgents(frame: AgentServerFrame): void;
  /** The consoles should get the queue again (an item changed colour). */
  refreshQueue(): void;
  /** After a breach is recorded and announced (the webhook); must not throw. */
  onBreach?: (breach: SlaBreach) => void;
}

export class SlaWatch {
  readonly #timers = new Map<string, TimerHandle[]>();
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly options: SlaWatchOptions) {}

  async start(): Promise<void> {
    this.#unsubscribe = this.options.queue.onChange((change) => this.#track(change.item));
    for (const item of await this.options.queue.list(['waiting'])) this.#track(item);
  }

  stop(): void {
    this.#unsubscribe?.();
    for (const timers of this.#timers.values()) for (const timer of timers) timer.cancel();
    this.#timers.clear();
  }

  targetOf(item: Pick<QueueItem, 'priority' | 'context'>): number {
    return targetFor('first_response', item, this.options.targets, this.options.teams);
  }

  /** Null for items no agent is being waited for (already taken, finished). */
  summary(item: QueueItem): SlaSummary | null {
    if (item.status !== 'waiting') return null;
    return summarise(Date.parse(item.createdAt), this.targetOf(item), this.options.targets.warnRatio, this.options.clock.nowMs());
  }

  #track(item: QueueItem): void {
    if (item.status !== 'waiting') {
      for (const timer of this.#timers.get(item.id) ?? []) timer.cancel();
      this.#timers.delete(item.id);
      return;
    }
    if (this.#timers.has(item.id)) return;
    const { clock, targets } = this.options;
    const targetMs = this.targetOf(item);
    const since = Date.parse(item.createdAt);
    const inMs = (offset: number): number => Math.max(0, since + offset - clock.nowMs());
    this.#timers.set(item.id, [
      clock.setTimeout(() => this.options.refreshQueue(), inMs(targetMs * targets.warnRatio)),
      clock.setTimeout(() => void this.#breach(item.id, targetMs), inMs(targetMs)),
    ]);
  }

  async #breach(itemId: string, targetMs: number): Promise<void> {
    this.#timers.delete(itemId);
    try {
      const item = await this.options.queue.get(itemId);
      if (!item || item.status !== 'waiting') return;
      const breach: SlaBreach = {
        id: `${item.id}-first_response`,
        itemId: item.id,
        sessionId: item.sessionId,
        kind: 'first_response',
        priority: item.priority,
        team: teamOf(item),
        targetMs,
        since: item.createdAt,
        breachedAt: this.options.clock.now().toISOString(),
      };
      await this.options.store.recordSlaBreach(breach);
      this.options.toAgents({ type: 'sla_breach', breach });
      this.options.refreshQueue();
      this.options.onBreach?.(breach);
    } catch (err) {
      this.options.log.error({ err, itemId }, 'recording an SLA breach failed');
    }
  }
}
