// First-response SLA: how long a conversation may wait in the queue before an agent takes it,
// per priority (and team, see targets.ts). When it passes `warnRatio` of the target the consoles get
// the queue again with the item amber; at the target they get it red, and a breach is recorded in
// the store (for the analytics), announced to the consoles and handed to `onBreach` (the webhook).
//
// issue 13: each waiting item has one durable timer, `sla-first:<item id>` (src/timers/), set when
// it starts waiting for the warning's time, and set again by its handler for the target's. With
// PostgreSQL whichever process is alive fires it; the handler reads the item as it is then.
import type { HandoffQueue, QueueChange } from '../../handoff/queue.ts';
import type { Clock } from '../../server/clock.ts';
import type { Logger } from '../../server/logging.ts';
import type { QueueItem, SlaBreach, Store } from '../../store/types.ts';
import type { DueTimer, Timers } from '../../timers/index.ts';
import { type TeamDirectory, teamOf } from '../routing/teams.ts';
import { slaStep, type SlaSummary, type SlaTargets, summarise, targetFor } from './targets.ts';

export type { SlaState, SlaSummary, SlaTargets } from './targets.ts';

/** issue 13: the first-response timer of a queue item is `sla-first:<item id>`. */
export const FIRST_RESPONSE_TIMER = 'sla-first';
export const firstResponseKey = (itemId: string): string => `${FIRST_RESPONSE_TIMER}:${itemId}`;

export interface SlaWatchOptions {
  queue: HandoffQueue;
  store: Store;
  clock: Clock;
  targets: SlaTargets;
  /** Teams with targets of their own. */
  teams?: TeamDirectory;
  /** issue 13: where the SLA timers wait (in memory, or in PostgreSQL where any process fires them). */
  timers: Timers;
  log: Logger;
  /** issue 13: alerts the agents' consoles on every process (the timer fired on this one only). */
  announceBreach(breach: SlaBreach): void;
  /** The consoles, on every process, should get the queue again (an item changed colour). */
  refreshQueue(): void;
  /** After a breach is recorded and announced (the webhook); must not throw. */
  onBreach?: (breach: SlaBreach) => void;
}

export class SlaWatch {
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly options: SlaWatchOptions) {
    options.timers.handle(FIRST_RESPONSE_TIMER, (timer) => this.#due(timer));
  }

  /** Follows the queue from now on; items already waiting (a restart) get their timer unless they have one. */
  async start(): Promise<void> {
    this.#unsubscribe = this.options.queue.onChange((change) => this.#onChange(change));
    await Promise.all((await this.options.queue.list(['waiting'])).map((item) => this.#arm(item, { ifAbsent: true })));
  }

  /** The timers are the server's, stopped with it. */
  stop(): void {
    this.#unsubscribe?.();
  }

  /** Null for items no agent is being waited for (already taken, finished). */
  summary(item: QueueItem): SlaSummary | null {
    if (item.status !== 'waiting') return null;
    return summarise(Date.parse(item.createdAt), this.#targetOf(item), this.options.targets.warnRatio, this.options.clock.nowMs());
  }

  #targetOf(item: QueueItem): number {
    return targetFor('first_response', item, this.options.targets, this.options.teams);
  }

  #onChange(change: QueueChange): void {
    const { item } = change;
    // Only the moves in and out of the queue write a timer, not every change of an item.
    if (change.kind === 'enqueued' || change.kind === 'released') {
      if (item.status === 'waiting') void this.#arm(item);
    } else if (change.kind !== 'note_added' && item.status !== 'waiting') {
      this.options.timers.cancel(firstResponseKey(item.id)).catch((err: unknown) => this.options.log.error({ err, itemId: item.id }, 'a first-response SLA timer could not be cancelled'));
    }
  }

  /** Sets the item's timer for its warning (the wait began when it was queued). */
  #arm(item: QueueItem, options: { ifAbsent?: boolean } = {}): Promise<void> {
    const dueAtMs = Date.parse(item.createdAt) + this.#targetOf(item) * this.options.targets.warnRatio;
    return this.options.timers
      .schedule(firstResponseKey(item.id), dueAtMs, { itemId: item.id }, options)
      .catch((err: unknown) => this.options.log.error({ err, itemId: item.id }, 'the first-response SLA timer could not be set'));
  }

  /** The timer fired (here or on another process): the item as it is now decides. A failure is retried by the timers. */
  async #due(timer: DueTimer): Promise<void> {
    const { itemId } = timer.payload;
    if (typeof itemId !== 'string') return;
    const item = await this.options.queue.get(itemId);
    if (!item || item.status !== 'waiting') return;
    const targetMs = this.#targetOf(item);
    const next = slaStep(Date.parse(item.createdAt), targetMs, this.options.targets.warnRatio, this.options.clock.nowMs());
    if (next.step !== 'breach') {
      if (next.step === 'warning') this.options.refreshQueue();
      await this.options.timers.schedule(timer.key, next.dueAtMs, { itemId });
      return;
    }
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
    this.options.announceBreach(breach);
    this.options.refreshQueue();
    this.options.onBreach?.(breach);
  }
}
