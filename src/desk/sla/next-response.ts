// Next-response SLA: while an agent has the conversation, how long the shopper may wait for an
// answer. The clock starts at the claim (the shopper asked for a person and has not heard from
// one yet) and, after each agent message, at the shopper's first message that the agent has not
// answered: a shopper who writes three times in a row has waited since the first. An agent
// message stops it. Past the target the breach is recorded (one per wait), the consoles alerted,
// and the webhook told, like first-response breaches.
//
// issue 13: each assigned item has one durable timer, `sla-next:<item id>` (src/timers/), set at
// the claim. No message writes one: when it fires, the handler reads the wait from the transcript
// (on whichever process fires it) and sets it again for the wait's warning or target, or, while the
// agent has answered, for the earliest a new wait could warn. What each process holds in memory is
// only for the queue list's colours.
import { z } from 'zod';
import type { HandoffQueue, QueueChange } from '../../handoff/queue.ts';
import type { Clock } from '../../server/clock.ts';
import type { Logger } from '../../server/logging.ts';
import type { QueueItem, SlaBreach, Store, TranscriptEntry } from '../../store/types.ts';
import type { DueTimer, Timers } from '../../timers/index.ts';
import { type TeamDirectory, teamOf } from '../routing/teams.ts';
import { slaStep, type SlaSummary, type SlaTargets, summarise, targetFor } from './targets.ts';

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

/** issue 13: the next-response timer of a queue item is `sla-next:<item id>`. */
export const NEXT_RESPONSE_TIMER = 'sla-next';
export const nextResponseKey = (itemId: string): string => `${NEXT_RESPONSE_TIMER}:${itemId}`;
/**
 * The item and when it was claimed (the first wait's start: the item does not keep its claim
 * time); after a breach, the start of the wait it was for, so that the same wait is not recorded twice.
 */
const payloadSchema = z.object({ itemId: z.string().min(1), claimedAtMs: z.number(), breachedSinceMs: z.number().optional() });
type NextResponsePayload = z.infer<typeof payloadSchema>;

export interface NextResponseWatchOptions {
  queue: HandoffQueue;
  store: Store;
  clock: Clock;
  targets: SlaTargets;
  teams?: TeamDirectory;
  /** issue 13: where the SLA timers wait (in memory, or in PostgreSQL where any process fires them). */
  timers: Timers;
  log: Logger;
  /** issue 13: alerts the agents' consoles on every process (the timer fired on this one only). */
  announceBreach(breach: SlaBreach): void;
  /** This process's consoles get the queue again (a wait began or ended here). */
  refreshQueue(): void;
  /** The consoles of every process get the queue again (a timer turned an item amber or red). */
  refreshQueueEverywhere(): void;
  onBreach?: (breach: SlaBreach) => void;
}

interface Owned {
  /** The item as claimed: its id, priority and team do not change while it is assigned. */
  item: QueueItem;
  /** When the shopper's wait began; null while the agent has answered. */
  sinceMs: number | null;
}

export class NextResponseWatch {
  /** Assigned conversations this process follows, by session (for the queue list's colours). */
  readonly #bySession = new Map<string, Owned>();
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly options: NextResponseWatchOptions) {
    options.timers.handle(NEXT_RESPONSE_TIMER, (timer) => this.#due(timer));
  }

  /** Follows queue changes from now on, and picks up the conversations agents already have (after a restart). */
  async start(): Promise<void> {
    this.#unsubscribe = this.options.queue.onChange((change) => this.#onChange(change));
    for (const item of await this.options.queue.list(['assigned'])) {
      if (this.#bySession.has(item.sessionId)) continue;
      try {
        // The claim's time is not kept on the item: its last update stands in (a note added since moves it later).
        const claimedAtMs = Date.parse(item.updatedAt);
        const since = waitingSince(await this.options.store.getTranscript(item.sessionId), claimedAtMs);
        this.#follow(item, since);
        // A conversation claimed before its timer was durable (or whose memory timer went with a restart) gets one.
        await this.#arm(item.id, claimedAtMs, (since ?? this.options.clock.nowMs()) + this.#targetOf(item) * this.options.targets.warnRatio, { ifAbsent: true });
      } catch (err) {
        this.options.log.error({ err, itemId: item.id }, 'the next-response SLA of a conversation could not be read');
      }
    }
  }

  /** The timers are the server's, stopped with it. */
  stop(): void {
    this.#unsubscribe?.();
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
    if (change.kind === 'claimed') {
      const claimedAtMs = Date.parse(item.updatedAt);
      this.#follow(item, claimedAtMs);
      void this.#arm(item.id, claimedAtMs, claimedAtMs + this.#targetOf(item) * this.options.targets.warnRatio);
    } else if (item.status !== 'assigned') {
      this.#bySession.delete(item.sessionId);
      if (change.kind !== 'note_added') {
        this.options.timers.cancel(nextResponseKey(item.id)).catch((err: unknown) => this.options.log.error({ err, itemId: item.id }, 'a next-response SLA timer could not be cancelled'));
      }
    }
  }

  /** Remembers the wait that began at `sinceMs` (none when null) for the queue list. */
  #follow(item: QueueItem, sinceMs: number | null): void {
    const before = this.#bySession.get(item.sessionId);
    if (before && before.item.id === item.id && before.sinceMs === sinceMs) return;
    this.#bySession.set(item.sessionId, { item, sinceMs });
    this.options.refreshQueue();
  }

  #arm(itemId: string, claimedAtMs: number, dueAtMs: number, options: { ifAbsent?: boolean } = {}): Promise<void> {
    return this.options.timers
      .schedule(nextResponseKey(itemId), dueAtMs, { itemId, claimedAtMs }, options)
      .catch((err: unknown) => this.options.log.error({ err, itemId }, 'the next-response SLA timer could not be set'));
  }

  /** The timer fired (here or on another process): the item and its transcript as they are now decide. A failure is retried by the timers. */
  async #due(timer: DueTimer): Promise<void> {
    const parsed = payloadSchema.safeParse(timer.payload);
    if (!parsed.success) {
      this.options.log.error({ key: timer.key }, `next-response SLA timer ${timer.key} has no item id and claim time in its payload; dropped`);
      return;
    }
    const payload = parsed.data;
    const { itemId, claimedAtMs } = payload;
    const item = await this.options.queue.get(itemId);
    if (!item || item.status !== 'assigned') return;
    const { clock, targets } = this.options;
    const targetMs = this.#targetOf(item);
    const nowMs = clock.nowMs();
    const sinceMs = waitingSince(await this.options.store.getTranscript(item.sessionId), claimedAtMs);
    // The agent answered last, or the wait has been recorded as breached: a new wait begins no sooner than now.
    if (sinceMs === null || sinceMs === payload.breachedSinceMs) return this.#rearm(payload, nowMs + targetMs * targets.warnRatio);
    const next = slaStep(sinceMs, targetMs, targets.warnRatio, nowMs);
    if (next.step !== 'breach') {
      if (next.step === 'warning') this.options.refreshQueueEverywhere();
      return this.#rearm({ itemId, claimedAtMs }, next.dueAtMs);
    }
    const breach: SlaBreach = {
      id: `${item.id}-next_response-${sinceMs}`,
      itemId: item.id,
      sessionId: item.sessionId,
      kind: 'next_response',
      priority: item.priority,
      team: teamOf(item),
      targetMs,
      since: new Date(sinceMs).toISOString(),
      breachedAt: clock.now().toISOString(),
      ...(item.agentId ? { agentId: item.agentId } : {}),
    };
    await this.options.store.recordSlaBreach(breach);
    this.options.announceBreach(breach);
    this.options.refreshQueueEverywhere();
    this.options.onBreach?.(breach);
    // This wait is recorded; the next begins after the agent's answer, no sooner than now.
    await this.#rearm({ itemId, claimedAtMs, breachedSinceMs: sinceMs }, nowMs + targetMs * targets.warnRatio);
  }

  /** Sets the timer being fired again: a failure throws, so that the timers try this one again. */
  #rearm(payload: NextResponsePayload, dueAtMs: number): Promise<void> {
    return this.options.timers.schedule(nextResponseKey(payload.itemId), dueAtMs, payload);
  }
}
