// The hand-off desk: connects the queue (src/handoff) with shoppers' sessions and agents' sockets.
// It enqueues when the dialog asks for a person, tells shoppers their place, relays what shoppers
// and agents write, and returns a conversation to the queue when its agent has been gone too long.
import { deskFact } from '../analytics/record.ts';
import type { DeskFact } from '../store/types.ts';
import type { CommercePort, Customer, Order } from '../commerce/types.ts';
import type { MessagesSpec } from '../dialog/schema.ts';
import type { DialogEvent, QuickReply } from '../dialog/types.ts';
import { transition, type ModeEvent } from '../conversation/session-mode.ts';
import { withoutTurnRecord } from '../conversation/turn-recording.ts';
import { buildHandoffContext, type HandoffContext, type HandoffContextExtras, queuedContext, readHandoffContext } from '../handoff/context.ts';
import { type BusinessHours, formatNextOpening, isOpen } from '../handoff/hours.ts';
import { HandoffError, type HandoffQueue, type QueueChange } from '../handoff/queue.ts';
import type { Locale } from '../nlu/types.ts';
import type { Bus, BusNote } from '../store/coordination.ts';
import type { QueueItem, SessionRecord, SlaBreach, Store, TranscriptEntry } from '../store/types.ts';
import type { AgentIdentity, AgentServerFrame, QueueSummary } from './agent-protocol.ts';
import type { Clock } from './clock.ts';
import type { HandoffPort } from './conversation.ts';
import { InProcessLanes, type SerialLanes } from './lanes.ts';
import type { DueTimer, Timers } from '../timers/index.ts';
import { DomainError } from '../shared/domain-error.ts';
import type { Logger } from './logging.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ServerFrame } from './protocol.ts';
import type { LiveSession, SessionDirectory } from './sessions.ts';
import { extractEntities } from '../nlu/index.ts';
import { backToBot, DESK_PAYLOAD_PREFIX, offlineMessageTaken, offlineNotice, PAYLOAD_BACK_TO_BOT } from './texts.ts';
import { SURVEY_PAYLOAD_PREFIX } from '../surveys/index.ts';

export interface AgentLink {
  agent: AgentIdentity;
  send(frame: AgentServerFrame): void;
}

export interface HandoffDeskOptions {
  queue: HandoffQueue;
  store: Store;
  sessions: SessionDirectory;
  lanes: SerialLanes;
  clock: Clock;
  commerce: CommercePort;
  hours: BusinessHours;
  /** The messages file in use (reloaded with the flows): what the desk says to shoppers itself. */
  messages: () => MessagesSpec;
  metrics: ServerMetrics;
  log: Logger;
  /** How long an assigned conversation waits for its disconnected agent. */
  agentGraceMs: number;
  /** issue 13: where the grace periods wait (in memory, or in PostgreSQL where any process fires them). */
  timers: Timers;
  /** Other server processes share the store: queue changes and transcript entries reach their agents through it. */
  bus?: Bus;
  /** desk (issue 14): the SLA state each queue summary shows. */
  slaOf?: (item: QueueItem) => QueueSummary['sla'];
  /** An agent resolved the conversation (the session is the bot's again): the survey desk asks CSAT. Runs inside the session's lane: must not wait for it. */
  onResolved?: (live: LiveSession, agentId: string) => void;
  /** Every change of a queue item (claimed, released, resolved ...), after it is stored: complaint cases follow their item. */
  onItemChange?: (item: QueueItem) => Promise<void>;
  /** desk (issue 14, src/desk/): routing, claim rights, presence, wait estimates, next-response SLA. */
  desk?: DeskHooks;
}

/** Outside the business hours, the notice that replaces "connecting you to a person" (the hours, the offer to leave a message); null while open. `daehwa replay` shows the same. */
export function afterHoursNotice(hours: BusinessHours, messages: MessagesSpec, locale: Locale, now: Date): { text: string; quickReplies: QuickReply[] } | null {
  if (isOpen(hours, now)) return null;
  return offlineNotice(messages, locale, formatNextOpening(hours, now, locale, messages));
}

/** desk (issue 14): what src/desk/ decides for the hand-off desk. */
export interface DeskHooks {
  /** The team a new hand-off goes to (kept as `context.team`); null: the shared queue. */
  route(input: { reason: string; priority: 'normal' | 'high'; flow: string | null; locale: Locale; intents: { intent: string }[] }): string | null;
  /** Why the agent may not claim the item (another team's), or null. */
  claimRefusal(agent: AgentIdentity, item: QueueItem): string | null;
  /** Whether the agent still answers (online or away): false makes the grace period end in a return to the queue. */
  isAvailable(agentId: string): boolean;
  /** The wait a queued shopper is told, in ms (null: no honest estimate). */
  waitEstimate(sessionId: string, position: number): number | null;
  /** Transcript entries of a conversation with people, as they are written (here or by another process). */
  onEntries(sessionId: string, entries: TranscriptEntry[]): void;
}

const RECENT_ORDERS = 5;

/** issue 13: the grace period of a queue item is the durable timer `agent-grace:<item id>`. */
const GRACE_TIMER = 'agent-grace';
const graceKey = (itemId: string): string => `${GRACE_TIMER}:${itemId}`;

export class HandoffDesk implements HandoffPort {
  readonly #agents = new Map<string, Set<AgentLink>>();
  /** The position (and desk, issue 14: the wait) each waiting shopper was last told, so unchanged ones are not repeated. */
  readonly #toldPosition = new Map<string, { position: number; waitMs: number | null }>();
  /** issue 13: an agent's arrivals and departures start and cancel grace timers in order, one at a time. */
  readonly #graceOps = new InProcessLanes();
  readonly #unsubscribe: (() => void)[];
  /** Set on shutdown: agents' sockets closing then is not an agent leaving. */
  #stopped = false;
  #broadcastPending = false;

  constructor(private readonly options: HandoffDeskOptions) {
    options.timers.handle(GRACE_TIMER, (timer) => this.#graceOver(timer));
    this.#unsubscribe = [options.queue.onChange((change) => this.#onQueueChange(change))];
    const { bus } = options;
    if (bus) {
      this.#unsubscribe.push(
        bus.subscribe((note) => this.#onNote(note)),
        // Notes may have been missed while the bus was down: consoles get the queue as it is now.
        bus.onResubscribed(() => this.#scheduleQueueBroadcast()),
      );
    }
  }

  /** After a restart no agent is connected: conversations they owned get the grace period. */
  async start(): Promise<void> {
    const open = await this.options.queue.list(['waiting', 'assigned']);
    for (const item of open) {
      if (item.status === 'assigned' && item.agentId && !this.#agents.has(item.agentId)) this.#startGrace(item);
    }
    await this.#refreshQueueGauge();
  }

  stop(): void {
    this.#stopped = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  // ---- shopper side (called by Conversations inside the session's lane) ----

  /**
   * Outside business hours, what replaces the dialog's "connecting you to a person": the hours and
   * the offer to leave a message. Null while people are answering.
   */
  afterHoursNotice(locale: Locale, now: Date): { text: string; quickReplies: QuickReply[] } | null {
    return afterHoursNotice(this.options.hours, this.options.messages(), locale, now);
  }

  /** `now` is the turn's: the same instant afterHoursNotice was asked about. */
  async request(live: LiveSession, event: Extract<DialogEvent, { type: 'handoff_requested' }>, now: Date, context: HandoffContextExtras = {}): Promise<QueueItem | null> {
    const { metrics, hours, sessions } = this.options;
    metrics.handoffs.inc({ reason: event.reason });
    const open = isOpen(hours, now);
    // After hours the shopper has been shown the notice in place of the dialog's reply: their next text is a message.
    await this.#move(live, { type: 'handoff', open });
    if (!open) return null;
    live.log.info({ reason: event.reason, priority: event.priority, flow: event.flow }, 'hand-off requested');
    // Queued before the item exists, so the queue's position change reaches this shopper too.
    const item = await this.#enqueue(live, event.reason, event.priority, event.slots, context, event.flow);
    await this.#recordDesk(item, live, 'queued', null); // analytics (issue 12)
    if (item.status === 'assigned') {
      await this.#move(live, { type: 'claimed' });
      sessions.send(live, { type: 'handoff', status: 'assigned' });
      return item;
    }
    // A new item's change event has told the shopper their place already; an item that was still
    // open (asked twice) raised no event.
    if (!this.#toldPosition.has(item.sessionId)) {
      const position = await this.options.queue.position(item.id);
      if (position !== null) this.#tellPosition(item.sessionId, position);
    }
    return item;
  }

  /** A closed session still awaits its shopper while its ticket is open or an agent answered after it closed. */
  async awaitsShopper(record: SessionRecord): Promise<boolean> {
    if (await this.options.queue.findOpenBySession(record.id)) return true;
    const { closedAt } = record;
    if (closedAt === undefined) return false;
    const transcript = await this.options.store.getTranscript(record.id);
    return transcript.some((entry) => entry.from === 'agent' && entry.at >= closedAt);
  }

  /** Where a resuming shopper stands with the people: queued (and where), with an agent, or null. */
  async statusFrame(live: LiveSession): Promise<ServerFrame | null> {
    if (live.record.mode === 'agent') return { type: 'handoff', status: 'assigned' };
    if (live.record.mode !== 'queued') return null;
    const item = await this.options.queue.findOpenBySession(live.record.id);
    const position = item ? await this.options.queue.position(item.id) : null;
    if (position === null) return { type: 'handoff', status: 'queued' };
    const waitMs = this.options.desk?.waitEstimate(live.record.id, position) ?? null;
    this.#toldPosition.set(live.record.id, { position, waitMs });
    return { type: 'handoff', status: 'queued', position, ...(waitMs !== null ? { estimatedWaitMs: waitMs } : {}) };
  }

  relay(live: LiveSession, entries: TranscriptEntry[]): void {
    this.#broadcastEntries(live.record.id, entries);
  }

  handlesPayload(payload: string): boolean {
    // The surveys' buttons (`daehwa:survey:...`) are answered by the turn, like the flows' own.
    return payload.startsWith(DESK_PAYLOAD_PREFIX) && !payload.startsWith(SURVEY_PAYLOAD_PREFIX);
  }

  async onPayload(live: LiveSession, payload: string): Promise<void> {
    if (payload === PAYLOAD_BACK_TO_BOT && live.record.mode === 'offline_message') {
      await this.#move(live, { type: 'back_to_bot' });
      await this.#botSays(live, backToBot(this.options.messages(), live.record.locale));
    }
    // Any other reserved payload is stale (a button pressed twice): nothing to do.
  }

  async leaveOfflineMessage(live: LiveSession, text: string): Promise<void> {
    const { store, clock, hours, metrics } = this.options;
    const now = clock.now();
    await store.appendTranscript(live.record.id, [{ at: now.toISOString(), from: 'shopper', text }]);
    await this.#move(live, { type: 'message_left' });
    // How to reach the shopper, read from the message by the NLU's own detectors: the ticket's first line.
    const found = extractEntities(text, live.record.locale, now);
    const contactValue = (type: 'phone' | 'email'): string | undefined => {
      const value = found.find((e) => e.type === type)?.value;
      return value === undefined ? undefined : String(value);
    };
    const contact = { phone: contactValue('phone'), email: contactValue('email') };
    const ticket = await this.#enqueue(live, 'offline_message', 'normal', {}, contact.phone !== undefined || contact.email !== undefined ? { contact } : {});
    await this.#recordDesk(ticket, live, 'offline_ticket', null); // analytics (issue 12)
    metrics.handoffs.inc({ reason: 'offline_message' });
    const messages = this.options.messages();
    await this.#botSays(live, offlineMessageTaken(messages, live.record.locale, formatNextOpening(hours, now, live.record.locale, messages)));
  }

  // ---- agent side ----

  attachAgent(link: AgentLink): void {
    let links = this.#agents.get(link.agent.id);
    if (!links) this.#agents.set(link.agent.id, (links = new Set()));
    links.add(link);
    this.#cancelGraceOf(link.agent.id);
  }

  /** issue 13: the grace timers of the agent's conversations go, whichever process set them. */
  #cancelGraceOf(agentId: string): void {
    void this.#graceOps
      .run(agentId, async () => {
        const owned = (await this.options.queue.list(['assigned'])).filter((item) => item.agentId === agentId);
        await Promise.all(owned.map((item) => this.options.timers.cancel(graceKey(item.id))));
      })
      .catch((err: unknown) => this.options.log.error({ err, agentId }, 'the grace timers of a returning agent could not be cancelled'));
  }

  async detachAgent(link: AgentLink): Promise<void> {
    const links = this.#agents.get(link.agent.id);
    links?.delete(link);
    if (this.#stopped || (links && links.size > 0)) return;
    this.#agents.delete(link.agent.id);
    await this.#graceOps.run(link.agent.id, async () => {
      if (this.#agents.has(link.agent.id)) return; // back meanwhile
      const owned = (await this.options.queue.list(['assigned'])).filter((item) => item.agentId === link.agent.id);
      await Promise.all(owned.map((item) => this.#startGrace(item)));
    });
  }

  /** The open queue for agents: waiting items in queue order, then the ones agents have. */
  async summaries(): Promise<QueueSummary[]> {
    const { queue } = this.options;
    // Each open item is read once: reading the queue copies every item with its context.
    const [waiting, assigned] = await Promise.all([queue.waitingInOrder(), queue.list(['assigned'])]);
    const { slaOf } = this.options;
    const withSla = (item: QueueItem, summary: QueueSummary): QueueSummary => (slaOf ? { ...summary, sla: slaOf(item) } : summary);
    const positions = queue.positionsOf(waiting); // desk (issue 14): places within each team's queue
    return [
      ...waiting.map((item) => withSla(item, summarise(item, positions.get(item.id) ?? null))),
      ...assigned.map((item) => withSla(item, summarise(item, null))),
    ];
  }

  /** What an agent opens: the item with its context checked (a context that does not pass is logged and shown as stored). */
  async detail(itemId: string): Promise<{ item: QueueItem; session: SessionRecord | null; transcript: TranscriptEntry[] }> {
    const stored = await this.#item(itemId);
    const [session, transcript] = await Promise.all([
      this.options.store.getSession(stored.sessionId),
      this.options.store.getTranscript(stored.sessionId),
    ]);
    const read = readHandoffContext(stored.context);
    if (!read.ok) this.options.log.warn({ itemId, problem: read.problem }, 'a queue item has a hand-off context that does not pass its schema; shown as stored');
    // replay (issue 10): the turns' recorded shop calls are not for the console.
    return { item: read.ok ? { ...stored, context: read.context } : stored, session, transcript: transcript.map(withoutTurnRecord) };
  }

  claim(agent: AgentIdentity, itemId: string): Promise<QueueItem> {
    return this.#inSessionLane(itemId, async (item) => {
      const refusal = this.options.desk?.claimRefusal(agent, item); // desk (issue 14)
      if (refusal) throw new DomainError('forbidden', 'other_team', refusal);
      const claimed = await this.options.queue.claim(item.id, agent.id);
      this.#cancelGrace(claimed);
      this.#toldPosition.delete(claimed.sessionId);
      const live = await this.options.sessions.get(claimed.sessionId);
      await this.#recordDesk(claimed, live, 'claimed', agent.id); // analytics (issue 12)
      if (live) {
        await this.#move(live, { type: 'claimed' });
        await this.#system(live, `${agent.name} (${agent.id}) joined the conversation`);
        this.options.sessions.send(live, { type: 'handoff', status: 'assigned' });
      }
      return claimed;
    });
  }

  /** `automatic`: the desk writes it itself in the agent's name (TranscriptEntry.automatic: auto-close's check-in). */
  message(agent: AgentIdentity, itemId: string, text: string, automatic?: string): Promise<QueueItem> {
    return this.#inSessionLane(itemId, async (item) => {
      this.#assertOwner(item, agent);
      const live = await this.options.sessions.get(item.sessionId);
      if (!live) throw new DomainError('not_found', 'session_not_found', `the conversation of queue item ${item.id} no longer exists`);
      const entries = await this.options.store.appendTranscript(item.sessionId, [
        { at: this.options.clock.now().toISOString(), from: 'agent', agentId: agent.id, text, ...(automatic !== undefined ? { automatic } : {}) },
      ]);
      this.options.sessions.send(live, { type: 'agent', text, ...(entries[0] ? { seq: entries[0].seq } : {}) });
      this.#broadcastEntries(item.sessionId, entries);
      await this.#recordDesk(item, live, 'agent_message', agent.id); // analytics (issue 12)
      return item;
    });
  }

  note(agent: AgentIdentity, itemId: string, text: string): Promise<QueueItem> {
    return this.#inSessionLane(itemId, (item) => this.options.queue.addNote(item.id, agent.id, text));
  }

  resolve(agent: AgentIdentity, itemId: string): Promise<QueueItem> {
    return this.#finish(agent, itemId, 'resolve');
  }

  handBack(agent: AgentIdentity, itemId: string): Promise<QueueItem> {
    return this.#finish(agent, itemId, 'hand_back');
  }

  /** The agent puts the conversation back in the queue for someone else. */
  release(agent: AgentIdentity, itemId: string): Promise<QueueItem> {
    return this.#inSessionLane(itemId, async (item) => {
      this.#assertOwner(item, agent);
      return this.#returnToQueue(item, `${agent.name} (${agent.id}) put the conversation back in the queue`);
    });
  }

  /** desk (issue 14): a frame for every agent console of this process (typing, read receipts). */
  toAgents(frame: AgentServerFrame): void {
    this.#broadcast(frame);
  }

  /** desk (issue 14): the consoles get the queue again (an SLA colour changed). */
  refreshQueue(): void {
    this.#scheduleQueueBroadcast();
  }

  /**
   * issue 13: an SLA breach (recorded by the process whose timer fired) alerts the agents'
   * consoles: this process's now, every other process's through the bus, each once.
   */
  announceBreach(breach: SlaBreach): void {
    this.#broadcast({ type: 'sla_breach', breach });
    this.#publish({ kind: 'sla_breach', breach });
  }

  /** issue 13: the consoles on every process get the queue again (an SLA timer, which fires on one process, changed a colour). */
  refreshQueueEverywhere(): void {
    this.#scheduleQueueBroadcast();
    this.#publish({ kind: 'queue' });
  }

  /** desk (issue 14): the agent went offline (presence): their conversations get the grace period. */
  async agentOffline(agentId: string): Promise<void> {
    if (this.#stopped) return;
    // In order with arrivals and returns (#graceOps): offline then back at once ends with no timer.
    await this.#graceOps.run(agentId, async () => {
      const owned = (await this.options.queue.list(['assigned'])).filter((item) => item.agentId === agentId);
      await Promise.all(owned.map((item) => this.#startGrace(item)));
    });
  }

  /** desk (issue 14): the agent is back (online or away): their conversations stay theirs. */
  agentBack(agentId: string): void {
    this.#cancelGraceOf(agentId);
  }

  /** desk (issue 14): the shoppers waiting are told their wait again when its estimate moved. */
  retellWaiting(): void {
    for (const [sessionId, told] of this.#toldPosition) this.#tellPosition(sessionId, told.position);
  }

  // ---- internals ----

  #finish(agent: AgentIdentity, itemId: string, how: 'resolve' | 'hand_back'): Promise<QueueItem> {
    return this.#inSessionLane(itemId, async (item) => {
      const { queue, sessions } = this.options;
      const done = await (how === 'resolve' ? queue.resolve(item.id, agent.id) : queue.handBack(item.id, agent.id));
      this.#cancelGrace(done);
      const live = await sessions.get(done.sessionId);
      await this.#recordDesk(done, live, how === 'resolve' ? 'resolved' : 'handed_back', agent.id); // analytics (issue 12)
      if (live) {
        await this.#move(live, { type: how === 'resolve' ? 'resolved' : 'handed_back' });
        await this.#system(live, how === 'resolve' ? `resolved by ${agent.id}` : `handed back to the bot by ${agent.id}`);
        sessions.send(live, { type: 'handoff', status: 'ended' });
        if (how === 'hand_back') await this.#botSays(live, backToBot(this.options.messages(), live.record.locale));
        else this.options.onResolved?.(live, agent.id);
      }
      return done;
    });
  }

  async #returnToQueue(item: QueueItem, why: string): Promise<QueueItem> {
    const live = await this.options.sessions.get(item.sessionId);
    if (live) await this.#move(live, { type: 'released' });
    const released = await this.options.queue.release(item.id);
    await this.#recordDesk(item, live, 'released', item.agentId ?? null); // analytics (issue 12)
    if (live) {
      await this.#system(live, why);
      // issue 13: the place told before a claim made on another process is stale here; tell it afresh.
      this.#toldPosition.delete(released.sessionId);
      const position = await this.options.queue.position(released.id);
      if (position !== null) this.#tellPosition(released.sessionId, position);
    }
    return released;
  }

  // issue 13: a durable timer (src/timers/): a process that stops or dies leaves it to another.
  // A grace period already running keeps its due time (ifAbsent).
  #startGrace(item: QueueItem): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    const payload = { itemId: item.id, ...(item.agentId !== undefined ? { agentId: item.agentId } : {}) };
    return this.options.timers
      .schedule(graceKey(item.id), this.options.clock.nowMs() + this.options.agentGraceMs, payload, { ifAbsent: true })
      .catch((err: unknown) => this.options.log.error({ err, itemId: item.id }, 'the grace period could not be started'));
  }

  /** The grace timer fired (on this process or, with PostgreSQL, whichever was alive); a failure is retried by the timers. */
  async #graceOver(timer: DueTimer): Promise<void> {
    const { itemId, agentId } = timer.payload as { itemId?: unknown; agentId?: unknown };
    if (typeof itemId !== 'string' || !(await this.options.queue.get(itemId))) return;
    await this.#inSessionLane(itemId, async (current) => {
      // The agent came back, or someone else resolved it meanwhile.
      if (current.status !== 'assigned' || current.agentId !== agentId || this.#isHere(current.agentId ?? '')) {
        return current;
      }
      this.options.log.info({ itemId, agentId }, 'agent gone past the grace period; back to the queue');
      return this.#returnToQueue(current, `agent ${current.agentId} disconnected; back in the queue`);
    });
  }

  /** An agent still answering: connected here (and, with presence, not offline) or online on another process. */
  #isHere(agentId: string): boolean {
    return this.options.desk ? this.options.desk.isAvailable(agentId) : this.#agents.has(agentId);
  }

  #cancelGrace(item: QueueItem): void {
    this.options.timers.cancel(graceKey(item.id)).catch((err: unknown) => this.options.log.error({ err, itemId: item.id }, 'a grace timer could not be cancelled'));
  }

  // analytics (issue 12): one fact per desk event; a failure to record is logged, the desk goes on.
  async #recordDesk(item: QueueItem, live: LiveSession | null, event: DeskFact['event'], agentId: string | null): Promise<void> {
    try {
      const fact = deskFact({
        sessionId: item.sessionId,
        session: live?.record ?? null,
        itemCreatedAt: item.createdAt,
        event,
        itemId: item.id,
        agentId,
        reason: item.reason,
        at: this.options.clock.now().toISOString(),
      });
      await this.options.store.appendFacts([fact]);
    } catch (err) {
      this.options.log.error({ err, itemId: item.id }, 'analytics fact not recorded');
    }
  }

  async #enqueue(live: LiveSession, reason: QueueItem['reason'], priority: 'normal' | 'high', slots: Record<string, unknown>, extra: HandoffContextExtras = {}, flow: string | null = null): Promise<QueueItem> {
    const snapshot = await this.#snapshot(live, slots);
    // desk (issue 14): the team's queue it waits in
    const team = this.options.desk?.route({ reason, priority, flow, locale: live.record.locale, intents: snapshot.intents }) ?? null;
    const context = queuedContext(snapshot, { ...extra, ...(team !== null ? { team } : {}) });
    const item = await this.options.queue.enqueue({ sessionId: live.record.id, reason, priority, context });
    await this.#system(live, `handed off to the agent queue (${reason})`);
    return item;
  }

  async #snapshot(live: LiveSession, slots: Record<string, unknown>): Promise<HandoffContext> {
    const { store, commerce } = this.options;
    const customerId = live.record.customerId;
    const [transcript, customer, orders] = await Promise.all([
      store.getTranscript(live.record.id),
      customerId ? commerce.getCustomer(customerId) : Promise.resolve(null),
      customerId ? commerce.listOrders(customerId, { limit: RECENT_ORDERS }) : Promise.resolve(null),
    ]);
    // A shop API that is down must not stop the hand-off: the agent gets what is known.
    const known = <T>(result: { ok: true; value: T } | { ok: false } | null): T | null => (result?.ok ? result.value : null);
    const recentOrders = known<Order[]>(orders) ?? [];
    // The order the conversation is about, when it is older than the recent ones.
    const orderId = slots['order_number'];
    const order =
      customerId && typeof orderId === 'string' && !recentOrders.some((o) => o.id === orderId) ? known<Order>(await commerce.getOrder(orderId, customerId)) : null;
    return buildHandoffContext({
      transcript,
      dialogState: live.record.dialog,
      customer: known<Customer>(customer),
      recentOrders,
      order,
      slots,
    });
  }

  /** Moves the session's mode by the machine in src/conversation; a move it does not allow is logged and ignored. */
  async #move(live: LiveSession, event: ModeEvent): Promise<void> {
    const moved = transition(live.record.mode, event);
    if (!moved.ok) {
      live.log.warn({ mode: live.record.mode, event: event.type }, moved.message);
      return;
    }
    if (moved.mode === live.record.mode) return;
    live.record = { ...live.record, mode: moved.mode, updatedAt: this.options.clock.now().toISOString() };
    await this.options.store.putSession(live.record);
  }

  async #system(live: LiveSession, text: string): Promise<void> {
    const entries = await this.options.store.appendTranscript(live.record.id, [
      { at: this.options.clock.now().toISOString(), from: 'system', text },
    ]);
    this.#broadcastEntries(live.record.id, entries);
  }

  /** The desk's own bot line: no intent read it and no flow state stands behind it. */
  async #botSays(live: LiveSession, text: string): Promise<void> {
    await this.options.store.appendTranscript(live.record.id, [
      { at: this.options.clock.now().toISOString(), from: 'bot', text, flow: 'handoff', state: null },
    ]);
    this.options.sessions.send(live, { type: 'bot', text, meta: { intent: null, score: null, flow: 'handoff', state: null } });
  }

  #tellPosition(sessionId: string, position: number): void {
    const waitMs = this.options.desk?.waitEstimate(sessionId, position) ?? null; // desk (issue 14)
    const told = this.#toldPosition.get(sessionId);
    if (told?.position === position && told.waitMs === waitMs) return;
    this.#toldPosition.set(sessionId, { position, waitMs });
    void this.options.sessions.get(sessionId).then((live) => {
      if (live?.record.mode === 'queued') this.options.sessions.send(live, { type: 'handoff', status: 'queued', position, ...(waitMs !== null ? { estimatedWaitMs: waitMs } : {}) });
    });
  }

  #onQueueChange(change: QueueChange): void {
    this.options.onItemChange?.(change.item).catch((err: unknown) => this.options.log.error({ err, itemId: change.item.id }, 'the cases of a queue item could not follow it'));
    for (const moved of change.positions) this.#tellPosition(moved.sessionId, moved.position);
    if (change.item.status !== 'waiting') this.#toldPosition.delete(change.item.sessionId);
    this.#scheduleQueueBroadcast();
    this.#publish({ kind: 'queue' });
  }

  /** To this process's agents now, and to the other processes' through the bus. */
  #broadcastEntries(sessionId: string, entries: TranscriptEntry[]): void {
    this.options.desk?.onEntries(sessionId, entries); // desk (issue 14)
    this.#broadcast({ type: 'entries', sessionId, entries });
    const first = entries[0];
    const last = entries.at(-1);
    if (first && last) this.#publish({ kind: 'entries', sessionId, fromSeq: first.seq, toSeq: last.seq });
  }

  #publish(note: BusNote): void {
    this.options.bus?.publish(note).catch((err: unknown) => this.options.log.error({ err, note: note.kind }, 'a note for the other processes could not be sent'));
  }

  #onNote(note: BusNote): void {
    if (this.#stopped) return;
    if (note.kind === 'queue') this.#scheduleQueueBroadcast();
    else if (note.kind === 'sla_breach') this.#broadcast({ type: 'sla_breach', breach: note.breach });
    else if (note.kind === 'entries' && (this.#agents.size > 0 || this.options.desk)) {
      // The entries are read from the store: the note carries their seqs only.
      void this.options.store
        .getTranscript(note.sessionId)
        .then((transcript) => {
          const entries = transcript.filter((entry) => entry.seq >= note.fromSeq && entry.seq <= note.toSeq).map(withoutTurnRecord);
          if (entries.length > 0) this.options.desk?.onEntries(note.sessionId, entries); // desk (issue 14)
          if (entries.length > 0) this.#broadcast({ type: 'entries', sessionId: note.sessionId, entries });
        })
        .catch((err: unknown) => this.options.log.error({ err, sessionId: note.sessionId }, 'entries from another process could not be read'));
    }
  }

  /**
   * Reading the whole queue costs time in proportion to its length: the changes of one event-loop
   * turn (a burst of hand-offs) share one read and one broadcast of the latest queue.
   */
  #scheduleQueueBroadcast(): void {
    if (this.#broadcastPending) return;
    this.#broadcastPending = true;
    setImmediate(() => {
      this.#broadcastPending = false;
      if (this.#stopped) return;
      void this.#afterChange().catch((err: unknown) => this.options.log.error({ err }, 'queue broadcast failed'));
    });
  }

  async #afterChange(): Promise<void> {
    const items = await this.summaries();
    this.#broadcast({ type: 'queue', items });
    this.#setQueueGauge(items);
  }

  async #refreshQueueGauge(): Promise<void> {
    this.#setQueueGauge(await this.summaries());
  }

  #setQueueGauge(items: QueueSummary[]): void {
    const waiting = items.filter((item) => item.status === 'waiting').length;
    this.options.metrics.queueLength.set({ status: 'waiting' }, waiting);
    this.options.metrics.queueLength.set({ status: 'assigned' }, items.length - waiting);
  }

  #broadcast(frame: AgentServerFrame): void {
    for (const links of this.#agents.values()) for (const link of links) link.send(frame);
  }

  #assertOwner(item: QueueItem, agent: AgentIdentity): void {
    if (item.status !== 'assigned') {
      throw new HandoffError('not_assigned', item.id, `queue item ${item.id} is ${item.status}; claim it first`);
    }
    if (item.agentId !== agent.id) {
      throw new HandoffError('not_owner', item.id, `queue item ${item.id} belongs to ${item.agentId}`);
    }
  }

  async #item(itemId: string): Promise<QueueItem> {
    const item = await this.options.queue.get(itemId);
    if (!item) throw new HandoffError('not_found', itemId, `there is no queue item ${itemId}`);
    return item;
  }

  /** Runs an agent action in the conversation's lane, with the item as it is when its turn comes. */
  async #inSessionLane<T>(itemId: string, action: (item: QueueItem) => Promise<T>): Promise<T> {
    const { sessionId } = await this.#item(itemId);
    return this.options.lanes.run(sessionId, async () => action(await this.#item(itemId)));
  }

}

function summarise(item: QueueItem, position: number | null): QueueSummary {
  const { context, ...rest } = item;
  const customer = context['customer'] as { name?: unknown } | null | undefined;
  const transcript = Array.isArray(context['transcript']) ? (context['transcript'] as TranscriptEntry[]) : [];
  const lastShopper = transcript.filter((entry) => entry.from === 'shopper').at(-1);
  return {
    ...rest,
    position,
    customerName: typeof customer?.name === 'string' ? customer.name : null,
    locale: typeof context['locale'] === 'string' ? context['locale'] : null,
    preview: lastShopper?.text ?? null,
    team: typeof context['team'] === 'string' ? context['team'] : null, // desk (issue 14)
  };
}
