// Next-response SLA: while an agent has the conversation, how long the shopper may wait for an
// answer. The clock starts at the claim (the shopper asked for a person and has not heard from
// one yet) and, after each agent message, at the shopper's first message that the agent has not
// answered: a shopper who writes three times in a row has waited since the first. An agent
// message stops it. Past the target the breach is recorded (one per wait), the consoles alerted,
// and the webhook told, like first-response breaches.
import type { HandoffQueue, QueueChange } from '../../handoff/queue.ts';
import type { AgentServerFrame } from '../../server/agent-protocol.ts';
import type { Clock, TimerHandle } from '../../server/clock.ts';
import type { Logger } from '../../server/logging.ts';
import type { QueueItem, SlaBreach, Store, TranscriptEntry } from '../../store/types.ts';
import { type TeamDirectory, teamOf } from '../routing/teams.ts';
import { type SlaSummary, type SlaTargets, summarise, targetFor } from './targets.ts';

/**
 * Since when the shopper has waited for the agent, from the transcript: the claim when the agent
 * has not written since, else the first shopper message after the agent's last; null when the
 * agent answered last.
 */
export function waitingSince(transcript: readonly Pick<TranscriptEntry, 'at' | 'from' | 'internal'>[], claimedAtMs: number): number | null {
  let lastAgent = -1;
  transcript.forEach((entry, index) => {
    if (entry.from === 'agent' && !entry.internal && Date.parse(entry.at) >= claimedAtMs) lastAgent = index;
  });
  if (lastAgent === -1) return claimedAtMs;
  const next = transcript.slice(lastAgent + 1).find((entry) => entry.from === 'shopper');
  return next ? Date.parse(next.at) : null;
}

export interface NextResponseWatchOptions {
  queue: HandoffQueue;
  store: Store;
  clock: Clock;
  targets: SlaTargets;
  teams?: TeamDirectory;
  log: Logger;
  toAgents(frame: AgentServerFrame): void;
  refreshQueue(): void;
  onBreach?: (breach: SlaBreach) => void;
}

interface Owned {
  /** The item as claimed: its id, priority and team do not change while it is assigned. */
  item: QueueItem;
  /** When the shopper's wait began; null while the agent has answered. */
  sinceMs: number | null;
  timers: TimerHandle[];
}

export class NextResponseWatch {
  /** Assigned conversations this process follows, by session. */
  readonly #bySession = new Map<string, Owned>();
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly options: NextResponseWatchOptions) {}

  /** Follows queue changes from now on, and picks up the conversations agents already have (after a restart). */
  async start(): Promise<void> {
    this.#unsubscribe = this.options.queue.onChange((change) => this.#onChange(change));
    for (const item of await this.options.queue.list(['assigned'])) {
      if (this.#bySession.has(item.sessionId)) continue;
      try {
        // The claim's time is not kept on the item: its last update stands in (a note added since moves it later).
        const since = waitingSince(await this.options.store.getTranscript(item.sessionId), Date.parse(item.updatedAt));
        this.#follow(item, since);
      } catch (err) {
        this.options.log.error({ err, itemId: item.id }, 'the next-response SLA of a conversation could not be read');
      }
    }
  }

  stop(): void {
    this.#unsubscribe?.();
    for (const owned of this.#bySession.values()) for (const timer of owned.timers) timer.cancel();
    this.#bySession.clear();
  }

  /** Entries of a conversation with people, as they are written. */
  onEntries(sessionId: string, entries: readonly TranscriptEntry[]): void {
    const owned = this.#bySession.get(sessionId);
    if (!owned) return;
    let sinceMs = owned.sinceMs;
    for (const entry of entries) {
      if (entry.from === 'agent' && !entry.internal) sinceMs = null;
      else if (entry.from === 'shopper' && sinceMs === null) sinceMs = Date.parse(entry.at);
    }
    if (sinceMs !== owned.sinceMs) this.#follow(owned.item, sinceMs);
  }

  summary(item: QueueItem): SlaSummary | null {
    const owned = this.#bySession.get(item.sessionId);
    if (item.status !== 'assigned' || !owned || owned.item.id !== item.id || owned.sinceMs === null) return null;
    return summarise(owned.sinceMs, this.#targetOf(item), this.options.targets.warnRatio, this.options.clock.nowMs());
  }

  #targetOf(item: Pick<QueueItem, 'priority' | 'context'>): number {
    return targetFor('next_response', item, this.options.targets, this.options.teams);
  }

  #onChange(change: QueueChange): void {
    const { item } = change;
    if (change.kind === 'claimed') this.#follow(item, Date.parse(item.updatedAt));
    else if (item.status !== 'assigned') this.#drop(item.sessionId);
  }

  #drop(sessionId: string): void {
    const owned = this.#bySession.get(sessionId);
    if (!owned) return;
    for (const timer of owned.timers) timer.cancel();
    this.#bySession.delete(sessionId);
  }

  /** (Re)arms the item's timers for a wait that began at `sinceMs` (none when null). */
  #follow(item: QueueItem, sinceMs: number | null): void {
    const before = this.#bySession.get(item.sessionId);
    if (before && before.item.id === item.id && before.sinceMs === sinceMs) return;
    this.#drop(item.sessionId);
    const owned: Owned = { item, sinceMs, timers: [] };
    this.#bySession.set(item.sessionId, owned);
    this.options.refreshQueue();
    if (sinceMs === null) return;
    const { clock, targets } = this.options;
    const targetMs = this.#targetOf(item);
    const inMs = (offset: number): number => Math.max(0, sinceMs + offset - clock.nowMs());
    owned.timers.push(
      clock.setTimeout(() => this.options.refreshQueue(), inMs(targetMs * targets.warnRatio)),
      clock.setTimeout(() => void this.#breach(item.sessionId, owned, targetMs), inMs(targetMs)),
    );
  }

  async #breach(sessionId: string, owned: Owned, targetMs: number): Promise<void> {
    try {
      if (this.#bySession.get(sessionId) !== owned || owned.sinceMs === null) return;
      const item = await this.options.queue.get(owned.item.id);
      if (!item || item.status !== 'assigned' || this.#bySession.get(sessionId) !== owned || owned.sinceMs === null) return;
      const breach: SlaBreach = {
        id: `${item.id}-next_response-${owned.sinceMs}`,
        itemId: item.id,
        sessionId,
        kind: 'next_response',
        priority: item.priority,
        team: teamOf(item),
        targetMs,
        since: new Date(owned.sinceMs).toISOString(),
        breachedAt: this.options.clock.now().toISOString(),
        ...(item.agentId ? { agentId: item.agentId } : {}),
      };
      await this.options.store.recordSlaBreach(breach);
      this.options.toAgents({ type: 'sla_breach', breach });
      this.options.refreshQueue();
      this.options.onBreach?.(breach);
    } catch (err) {
      this.options.log.error({ err, itemId: owned.item.id }, 'recording a next-response breach failed');
    }
  }
}
