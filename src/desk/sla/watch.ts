// First-response SLA: how long a conversation may wait in the queue before an agent takes it,
// per priority. Each waiting item has two timers (the warning, at `warnRatio` of the target, and
// the target itself); when one fires the consoles get the queue again with the item amber or red,
// and a breach is recorded in the store (for the analytics) and announced to the consoles.
import type { HandoffQueue } from '../../handoff/queue.ts';
import type { AgentServerFrame } from '../../server/agent-protocol.ts';
import type { Clock, TimerHandle } from '../../server/clock.ts';
import type { Logger } from '../../server/logging.ts';
import type { QueueItem, SlaBreach, Store } from '../../store/types.ts';

export interface SlaTargets {
  firstResponseMs: { normal: number; high: number };
  /** Share of the target at which the item turns amber. */
  warnRatio: number;
}

export type SlaState = 'ok' | 'warning' | 'breached';

/** What the queue list shows of an item's SLA, as of the moment the list was made. */
export interface SlaSummary {
  state: SlaState;
  /** How long it has waited so far, and when the target passes. */
  waitedMs: number;
  dueAt: string;
  targetMs: number;
}

export interface SlaWatchOptions {
  queue: HandoffQueue;
  store: Store;
  clock: Clock;
  targets: SlaTargets;
  log: Logger;
  toAgents(frame: AgentServerFrame): void;
  /** The consoles should get the queue again (an item changed colour). */
  refreshQueue(): void;
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

  targetOf(item: Pick<QueueItem, 'priority'>): number {
    return this.options.targets.firstResponseMs[item.priority];
  }

  /** Null for items no agent is being waited for (already taken, finished). */
  summary(item: QueueItem): SlaSummary | null {
    if (item.status !== 'waiting') return null;
    const targetMs = this.targetOf(item);
    const since = Date.parse(item.createdAt);
    const waitedMs = Math.max(0, this.options.clock.nowMs() - since);
    const state: SlaState = waitedMs >= targetMs ? 'breached' : waitedMs >= targetMs * this.options.targets.warnRatio ? 'warning' : 'ok';
    return { state, waitedMs, dueAt: new Date(since + targetMs).toISOString(), targetMs };
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
        team: typeof item.context['team'] === 'string' ? item.context['team'] : null,
        targetMs,
        since: item.createdAt,
        breachedAt: this.options.clock.now().toISOString(),
      };
      await this.options.store.recordSlaBreach(breach);
      this.options.toAgents({ type: 'sla_breach', breach });
      this.options.refreshQueue();
    } catch (err) {
      this.options.log.error({ err, itemId }, 'recording an SLA breach failed');
    }
  }
}
