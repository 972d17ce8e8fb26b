// The agent queue: which conversations wait for a person, in what order, and who owns which.
// Pure domain over the Store port with an injected clock; the server turns its changes into
// frames for shoppers and agents.

import { randomUUID } from 'node:crypto';
import { DomainError, type Refusal } from '../shared/domain-error.ts';
import type { QueueItem, QueueItemStatus, Store } from '../store/types.ts';

export type HandoffErrorCode =
  | 'not_found'
  /** Another agent owns the item. */
  | 'already_claimed'
  /** The item is resolved or back with the bot. */
  | 'not_waiting'
  /** The operation needs an assigned item (resolve, hand back, release). */
  | 'not_assigned'
  /** The item is assigned to another agent. */
  | 'not_owner';

const REFUSAL_OF: Record<HandoffErrorCode, Refusal> = {
  not_found: 'not_found',
  already_claimed: 'conflict',
  not_waiting: 'conflict',
  not_assigned: 'conflict',
  not_owner: 'forbidden',
};

export class HandoffError extends DomainError {
  declare readonly code: HandoffErrorCode;
  readonly itemId: string;

  constructor(code: HandoffErrorCode, itemId: string, message: string) {
    super(REFUSAL_OF[code], code, message);
    this.name = 'HandoffError';
    this.itemId = itemId;
  }
}

export interface EnqueueInput {
  sessionId: string;
  reason: QueueItem['reason'];
  priority?: QueueItem['priority'];
  /** Snapshot for the agent (see buildHandoffContext). */
  context: Record<string, unknown>;
}

export type QueueChangeKind = 'enqueued' | 'claimed' | 'released' | 'resolved' | 'handed_back' | 'note_added';

export interface PositionChange {
  itemId: string;
  sessionId: string;
  /** 1-based place among waiting items. */
  position: number;
}

export interface QueueChange {
  kind: QueueChangeKind;
  /** The item as it is after the change. */
  item: QueueItem;
  /** Waiting items whose position is new or differs from before the change, best first. */
  positions: PositionChange[];
}

export type QueueListener = (change: QueueChange) => void;

export interface HandoffQueueOptions {
  store: Store;
  now?: () => Date;
  newId?: () => string;
  /** A listener threw; the change itself is stored. Defaults to a process warning. */
  onListenerError?: (error: unknown) => void;
  /**
   * desk (issue 14): the line an item waits in (a team's queue); positions count within its line.
   * Default: one line for all.
   */
  laneOf?: (item: QueueItem) => string | null;
}

const OPEN_STATUSES: QueueItemStatus[] = ['waiting', 'assigned'];

/** High priority first, then oldest; the id breaks ties so the order never flickers. */
function byQueueOrder(a: QueueItem, b: QueueItem): number {
  const priority = (item: QueueItem): number => (item.priority === 'high' ? 0 : 1);
  return priority(a) - priority(b) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

export class HandoffQueue {
  readonly #store: Store;
  readonly #now: () => Date;
  readonly #newId: () => string;
  readonly #onListenerError: (error: unknown) => void;
  readonly #laneOf: (item: QueueItem) => string | null;
  readonly #listeners = new Set<QueueListener>();
  /** Changes run one after another, so that "is it still waiting?" and the write cannot interleave. */
  #chain: Promise<unknown> = Promise.resolve();

  constructor(options: HandoffQueueOptions) {
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
    this.#newId = options.newId ?? randomUUID;
    this.#onListenerError = options.onListenerError ?? ((error) => process.emitWarning(error as Error));
    this.#laneOf = options.laneOf ?? (() => null);
  }

  /** Puts the session in the queue; while it already has an open item, returns that item instead. */
  enqueue(input: EnqueueInput): Promise<QueueItem> {
    return this.#serialised(async () => {
      const open = await this.findOpenBySession(input.sessionId);
      if (open) return open;
      const at = this.#now().toISOString();
      const item: QueueItem = {
        id: this.#newId(),
        sessionId: input.sessionId,
        reason: input.reason,
        priority: input.priority ?? 'normal',
        status: 'waiting',
        createdAt: at,
        updatedAt: at,
        context: input.context,
        notes: [],
      };
      return this.#commit('enqueued', item);
    });
  }

  async findOpenBySession(sessionId: string): Promise<QueueItem | null> {
    const open = await this.#store.listQueue(OPEN_STATUSES);
    return open.find((item) => item.sessionId === sessionId) ?? null;
  }

  /** 1-based place among waiting items (of its line), or null when the item is not waiting. */
  async position(itemId: string): Promise<number | null> {
    await this.#existing(itemId);
    return this.positionsOf(await this.waitingInOrder()).get(itemId) ?? null;
  }

  /** Each waiting item's 1-based place in its line, from the waiting items in queue order. */
  positionsOf(waitingInOrder: QueueItem[]): Map<string, number> {
    const counts = new Map<string | null, number>();
    const positions = new Map<string, number>();
    for (const item of waitingInOrder) {
      const lane = this.#laneOf(item);
      const place = (counts.get(lane) ?? 0) + 1;
      counts.set(lane, place);
      positions.set(item.id, place);
    }
    return positions;
  }

  async waitingInOrder(): Promise<QueueItem[]> {
    return (await this.#store.listQueue(['waiting'])).sort(byQueueOrder);
  }

  /** Items in the given statuses (all when omitted), oldest first. */
  list(statuses?: QueueItemStatus[]): Promise<QueueItem[]> {
    return this.#store.listQueue(statuses);
  }

  get(itemId: string): Promise<QueueItem | null> {
    return this.#store.getQueueItem(itemId);
  }

  /**
   * The agent takes the conversation. Claiming an item one already owns is a no-op. The store's
   * conditional claim decides between agents pressing "claim" at once, on any process: one gets
   * the item, the others `already_claimed`.
   */
  claim(itemId: string, agentId: string): Promise<QueueItem> {
    return this.#serialised(async () => {
      const refuse = (item: QueueItem | null): QueueItem => {
        if (!item) throw new HandoffError('not_found', itemId, `there is no queue item ${itemId}`);
        if (item.status === 'assigned') {
          if (item.agentId === agentId) return item;
          throw new HandoffError('already_claimed', itemId, `queue item ${itemId} is already taken: ${item.agentId} claimed it`);
        }
        throw new HandoffError('not_waiting', itemId, `queue item ${itemId} is ${item.status}, not waiting`);
      };
      const item = await this.#existing(itemId);
      if (item.status !== 'waiting') return refuse(item);
      const before = await this.#positions();
      const result = await this.#store.claimQueueItem(itemId, agentId, this.#now().toISOString());
      if (!result.claimed) return refuse(result.item);
      return this.#announce('claimed', result.item, before);
    });
  }

  /** Internal note: for agents only, never shown to the shopper. */
  addNote(itemId: string, agentId: string, text: string): Promise<QueueItem> {
    return this.#serialised(async () => {
      const item = await this.#existing(itemId);
      const at = this.#now().toISOString();
      return this.#commit('note_added', { ...item, updatedAt: at, notes: [...item.notes, { at, agentId, text }] });
    });
  }

  resolve(itemId: string, agentId: string): Promise<QueueItem> {
    return this.#finish(itemId, agentId, 'resolved', 'resolved');
  }

  /** The agent gives the conversation back to the bot. */
  handBack(itemId: string, agentId: string): Promise<QueueItem> {
    return this.#finish(itemId, agentId, 'returned_to_bot', 'handed_back');
  }

  /**
   * The owning agent is gone (disconnected past the grace period): the item waits again, in the
   * place its creation time gives it, not at the back.
   */
  release(itemId: string): Promise<QueueItem> {
    return this.#serialised(async () => {
      const released: QueueItem = { ...(await this.#assigned(itemId)), status: 'waiting', updatedAt: this.#now().toISOString() };
      delete released.agentId;
      return this.#commit('released', released);
    });
  }

  /** Returns a function that removes the listener. */
  onChange(listener: QueueListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #finish(itemId: string, agentId: string, status: 'resolved' | 'returned_to_bot', kind: QueueChangeKind): Promise<QueueItem> {
    return this.#serialised(async () => {
      const item = await this.#assigned(itemId);
      if (item.agentId !== agentId) {
        throw new HandoffError('not_owner', itemId, `queue item ${itemId} is assigned to ${item.agentId}, not ${agentId}`);
      }
      return this.#commit(kind, { ...item, status, updatedAt: this.#now().toISOString() });
    });
  }

  async #existing(itemId: string): Promise<QueueItem> {
    const item = await this.#store.getQueueItem(itemId);
    if (!item) throw new HandoffError('not_found', itemId, `there is no queue item ${itemId}`);
    return item;
  }

  async #assigned(itemId: string): Promise<QueueItem> {
    const item = await this.#existing(itemId);
    if (item.status !== 'assigned') {
      throw new HandoffError('not_assigned', itemId, `queue item ${itemId} is ${item.status}, not assigned to an agent`);
    }
    return item;
  }

  /** Stores the item and tells listeners which waiting shoppers moved. */
  async #commit(kind: QueueChangeKind, item: QueueItem): Promise<QueueItem> {
    const before = await this.#positions();
    await this.#store.putQueueItem(item);
    return this.#announce(kind, item, before);
  }

  async #positions(): Promise<Map<string, number>> {
    return this.positionsOf(await this.waitingInOrder());
  }

  async #announce(kind: QueueChangeKind, item: QueueItem, before: Map<string, number>): Promise<QueueItem> {
    const positions: PositionChange[] = [];
    const waitingNow = await this.waitingInOrder();
    const after = this.positionsOf(waitingNow);
    for (const waiting of waitingNow) {
      const position = after.get(waiting.id)!;
      if (before.get(waiting.id) !== position) positions.push({ itemId: waiting.id, sessionId: waiting.sessionId, position });
    }
    for (const listener of this.#listeners) {
      try {
        listener({ kind, item: structuredClone(item), positions });
      } catch (error) {
        this.#onListenerError(error);
      }
    }
    return item;
  }

  #serialised<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(operation);
    this.#chain = run.catch(() => undefined);
    return run;
  }
}
