// The notification desk: order events the shop reports (the demo shop's own, a shop API's through
// the webhook) told to the signed-in shopper in the chat, once: at once if they are connected to
// this process and the bot has their conversation, else when they next say hello. Kept in the
// store by the shop's event id, so an event reported twice is told once, and marked told in one
// atomic step, so two tabs (or processes) never both tell it. The words are
// flows/proactive/notifications.yaml (src/proactive/notifications.ts).
import type { CommercePort, OrderEvent } from '../commerce/types.ts';
import type { QuickReply } from '../dialog/types.ts';
import type { ProactiveConfig } from '../proactive/loader.ts';
import { type NotificationFacts, notificationMessage, reviewInvite } from '../proactive/notifications.ts';
import type { NotificationRecord, Store } from '../store/types.ts';
import type { Clock } from './clock.ts';
import type { SerialLanes } from './lanes.ts';
import type { Logger } from './logging.ts';
import type { ServerMetrics } from './metrics.ts';
import type { LiveSession, SessionDirectory } from './sessions.ts';

export const NOTIFICATION_FLOW = 'notification';
/** The transcript state (and metric kind) of the review invitation that follows a delivery. */
export const REVIEW_INVITE_STATE = 'review_invite';

export interface NotificationDeskOptions {
  config: () => ProactiveConfig;
  store: Store;
  sessions: SessionDirectory;
  lanes: SerialLanes;
  clock: Clock;
  commerce: CommercePort;
  metrics: ServerMetrics;
  log: Logger;
}

export type Received = 'told' | 'stored' | 'duplicate' | 'ignored';

export class NotificationDesk {
  #unsubscribe: (() => void) | null = null;
  /** The buttons of the last notification told to each session (payload to label), for the transcript. */
  readonly #offered = new WeakMap<LiveSession, ReadonlyMap<string, string>>();

  constructor(private readonly options: NotificationDeskOptions) {}

  /** Listens to the shop's own events (the demo shop); a shop API's come through `receive`. */
  start(): void {
    const off = this.options.commerce.onOrderEvent?.((event) => {
      this.receive(event).catch((err: unknown) => this.options.log.error({ err, event: event.id }, 'an order event could not be handled'));
    });
    this.#unsubscribe = typeof off === 'function' ? off : null;
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  async receive(event: OrderEvent): Promise<Received> {
    const { store, clock, metrics } = this.options;
    if (!this.options.config().notifications.notifications[event.kind]) {
      metrics.notifications.inc({ kind: event.kind, outcome: 'ignored' });
      return 'ignored';
    }
    const { id, kind, orderId, customerId, at: _at, ...data } = event;
    const record: NotificationRecord = { id, kind, orderId, customerId, data, createdAt: clock.now().toISOString(), deliveredAt: null, sessionId: null };
    if (!(await store.addNotification(record))) {
      metrics.notifications.inc({ kind, outcome: 'duplicate' });
      return 'duplicate';
    }
    // The shopper's most recently active conversation on this process, if they are connected to it.
    const live = this.options.sessions.connectedFor(customerId).sort((a, b) => b.lastActivityMs - a.lastActivityMs)[0];
    const told = live ? await this.options.lanes.run(live.record.id, () => this.#tell(live, record)) : false;
    metrics.notifications.inc({ kind, outcome: told ? 'told' : 'stored' });
    return told ? 'told' : 'stored';
  }

  /** After a signed-in shopper's hello: what waits for them, oldest first. */
  async afterHello(live: LiveSession): Promise<void> {
    const customerId = live.record.customerId;
    if (customerId === null) return;
    const pending = await this.options.store.listNotifications({ customerId, pending: true });
    if (pending.length === 0) return;
    await this.options.lanes.run(live.record.id, async () => {
      for (const record of pending) {
        if (await this.#tell(live, record)) this.options.metrics.notifications.inc({ kind: record.kind, outcome: 'told_later' });
      }
    });
  }

  labelOf(live: LiveSession, payload: string): string | undefined {
    return this.#offered.get(live)?.get(payload);
  }

  /** Runs in the session's lane. False when it was not told here (people have the conversation, or it was told elsewhere). */
  async #tell(live: LiveSession, record: NotificationRecord): Promise<boolean> {
    const { store, clock, commerce, sessions } = this.options;
    if (live.record.status !== 'open' || live.record.mode !== 'bot') return false;
    const locale = live.record.locale;
    const order = await commerce.getOrder(record.orderId, record.customerId).catch(() => null);
    const product = order?.ok ? order.value.items[0]?.name[locale] : undefined;
    const data = record.data;
    const facts: NotificationFacts = {
      kind: record.kind,
      order: record.orderId,
      ...(product !== undefined ? { product } : {}),
      ...(typeof data.carrier === 'string' ? { carrier: data.carrier } : {}),
      ...(typeof data.trackingNumber === 'string' ? { tracking: data.trackingNumber } : {}),
      ...(typeof data.expectedDelivery === 'string' ? { date: data.expectedDelivery } : {}),
      ...(typeof data.amount === 'number' ? { amount: data.amount } : {}),
    };
    const file = this.options.config().notifications;
    const message = notificationMessage(file, facts, locale);
    if (!message) return false;
    const now = clock.now();
    const at = now.toISOString();
    // Read before this one is marked told: the customer's earlier deliveries decide the review invitation's cap.
    const invite = file.review_invite && record.kind === 'delivered' ? reviewInvite(file, facts, locale, await this.#deliveriesTold(record), now) : null;
    if (!(await store.markNotificationDelivered(record.id, live.record.id, at))) return false;
    const said = [{ ...message, state: record.kind }, ...(invite ? [{ ...invite, state: REVIEW_INVITE_STATE }] : [])];
    await store.appendTranscript(live.record.id, said.map((m) => ({ at, from: 'bot' as const, text: m.text, flow: NOTIFICATION_FLOW, state: m.state })));
    this.#remember(live, said.flatMap((m) => m.quickReplies));
    for (const m of said) {
      sessions.send(live, {
        type: 'bot',
        text: m.text,
        ...(m.quickReplies.length > 0 ? { quickReplies: m.quickReplies } : {}),
        meta: { intent: null, score: null, flow: NOTIFICATION_FLOW, state: m.state },
      });
    }
    if (invite) this.options.metrics.notifications.inc({ kind: REVIEW_INVITE_STATE, outcome: 'told' });
    return true;
  }

  /** When the customer's other delivered orders were told. */
  async #deliveriesTold(record: NotificationRecord): Promise<string[]> {
    const all = await this.options.store.listNotifications({ customerId: record.customerId });
    return all.flatMap((other) => (other.id !== record.id && other.kind === 'delivered' && other.deliveredAt !== null ? [other.deliveredAt] : []));
  }

  #remember(live: LiveSession, replies: QuickReply[]): void {
    this.#offered.set(live, new Map(replies.map((reply) => [reply.payload, reply.label])));
  }
}
