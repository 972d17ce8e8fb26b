// The proactive desk: feeds page events, typing and dismissals to the pure rule evaluation
// (src/proactive/evaluate.ts) and sends what it decides, as `nudge` frames; sends the contextual
// FAQ (`suggestions`) after hello and each page_view; counts the chips tapped.
// Visit state lives with the live session; the caps' show times per shopper (customer, else
// session) in the store, so that every process counts the same and a restart keeps them.
import { shopCalendar } from '../commerce/shop-calendar.ts';
import type { CommercePort } from '../commerce/types.ts';
import { describeState, START_FLOW_EVENT } from '../dialog/index.ts';
import type { MessagesSpec } from '../dialog/schema.ts';
import { shopText } from '../dialog/shop-texts.ts';
import type { QuickReply } from '../dialog/types.ts';
import type { BusinessHours } from '../handoff/hours.ts';
import type { PageEvent, PageType } from '../proactive/events.ts';
import { type CustomerProfile, decide, NEW_VISIT, observe, recordDismissal, recordShown, recordTyping, type ShopperCaps, type VisitState, wantsCustomer } from '../proactive/evaluate.ts';
import type { ProactiveConfig } from '../proactive/loader.ts';
import { PageDemand } from '../proactive/demand.ts';
import { shopperOf } from '../proactive/shopper.ts';
import { type LatestOrder, suggestionsFor, wantsLatestOrder } from '../proactive/suggestions.ts';
import type { Store, TurnFact } from '../store/types.ts';
import { surveyPending } from '../surveys/index.ts';
import type { Clock, TimerHandle } from './clock.ts';
import type { Logger } from './logging.ts';
import type { Conversations } from './conversation.ts';
import type { SerialLanes } from './lanes.ts';
import type { ServerFrame } from './protocol.ts';
import type { ServerMetrics } from './metrics.ts';
import type { LiveSession, SessionDirectory } from './sessions.ts';

export interface ProactiveDeskOptions {
  config: () => ProactiveConfig;
  sessions: SessionDirectory;
  conversations: Conversations;
  lanes: SerialLanes;
  store: Store;
  clock: Clock;
  commerce: CommercePort;
  hours: BusinessHours;
  /** The messages file in use (reloaded with the flows): the button under an `offer_person` message. */
  messages: () => MessagesSpec;
  metrics: ServerMetrics;
  /** Where a failed read of past facts (the chips keep their file order) or of the caps (no nudge) is reported. */
  log: Logger;
}

/** Sends a frame to the one tab the event came from (its page is the one the FAQ is for). */
export type Reply = (frame: ServerFrame) => void;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Orders read for `recent_orders`: enough for any sensible count, one shop call. */
const PROFILE_ORDERS = 50;

export class ProactiveDesk {
  readonly #visits = new WeakMap<LiveSession, VisitState>();
  /** The chips last offered to each session (payload to label), and the last nudge's buttons. */
  readonly #offered = new WeakMap<LiveSession, ReadonlyMap<string, string>>();
  readonly #nudged = new WeakMap<LiveSession, ReadonlyMap<string, string>>();
  /** The customer's profile, asked of the shop once per visit and customer (a sign-in mid-visit asks again). */
  readonly #profiles = new WeakMap<LiveSession, { customerId: string; profile: Promise<CustomerProfile | null> }>();
  readonly #calendar;
  /** What shoppers asked on each page type: the window read from the store, then every turn. */
  #demand: PageDemand | null = null;
  /** Facts counted while the window is being read, added once it is in. */
  #countedDuringRead: TurnFact[] | null = null;
  #refresh: TimerHandle | null = null;

  constructor(private readonly options: ProactiveDeskOptions) {
    this.#calendar = shopCalendar(options.hours.timeZone);
  }

  /**
   * Reads the counting window of past turns now and then once a day (the chips are in file order
   * until the first read), and deletes the shows the caps no longer count.
   */
  start(): void {
    const run = (): void => {
      void Promise.all([this.#readDemand(), this.#pruneShown()]).finally(() => {
        this.#refresh = this.options.clock.setTimeout(run, DAY_MS);
      });
    };
    run();
  }

  stop(): void {
    this.#refresh?.cancel();
    this.#refresh = null;
  }

  /** The page type the shopper is on, for the turn's analytics fact. */
  pageOf(live: LiveSession): string | undefined {
    return this.#visits.get(live)?.page?.page;
  }

  /** A turn just recorded: counted for its page. */
  count(fact: TurnFact): void {
    if (fact.page === undefined) return;
    if (this.#countedDuringRead) this.#countedDuringRead.push(fact);
    else this.#demand?.count(fact);
  }

  async #pruneShown(): Promise<void> {
    const before = new Date(this.options.clock.nowMs() - DAY_MS).toISOString();
    try {
      const removed = await this.options.store.deleteProactiveShown({ before });
      if (removed > 0) this.options.log.info({ removed }, 'proactive shows older than a day deleted');
    } catch (err) {
      this.options.log.warn({ err }, 'proactive shows older than a day could not be deleted');
    }
  }

  async #readDemand(): Promise<void> {
    const { ranking } = this.options.config().suggestions;
    if (!ranking.enabled) return;
    const to = this.options.clock.now();
    const from = new Date(to.getTime() - ranking.days * DAY_MS);
    this.#countedDuringRead = [];
    try {
      const facts = await this.options.store.listFacts({ from: from.toISOString(), to: to.toISOString() });
      const demand = PageDemand.of(facts.filter((fact): fact is TurnFact => fact.kind === 'turn'));
      for (const fact of this.#countedDuringRead) if (fact.at >= to.toISOString()) demand.count(fact);
      this.#demand = demand;
    } catch (err) {
      this.options.log.error({ err }, 'past turns could not be read to order the suggested questions; they keep their file order');
    } finally {
      this.#countedDuringRead = null;
    }
  }

  /** After `session` (and `history`): the FAQ for the page the visit was last on, the home page at first. */
  async afterHello(live: LiveSession, reply: Reply): Promise<void> {
    await this.#sendSuggestions(live, this.#visit(live).page?.page ?? 'home', reply);
  }

  typing(live: LiveSession, active: boolean): void {
    this.#visits.set(live, recordTyping(this.#visit(live), active, this.options.clock.nowMs()));
  }

  dismiss(live: LiveSession): void {
    this.#visits.set(live, recordDismissal(this.#visit(live)));
    this.options.metrics.proactive.inc({ rule: 'any', outcome: 'dismissed' });
  }

  /** A quick reply: counted when it is one of the chips last offered to this session. */
  /** The label of a chip or nudge button, so the transcript shows what the shopper tapped. */
  labelOf(live: LiveSession, payload: string): string | undefined {
    return this.#offered.get(live)?.get(payload) ?? this.#nudged.get(live)?.get(payload);
  }

  tapped(live: LiveSession, payload: string): void {
    if (this.#offered.get(live)?.has(payload)) this.options.metrics.suggestionTaps.inc({ payload });
  }

  /** A page event the dialog has already seen: the FAQ for a new page, then the rules. */
  async onPageEvent(live: LiveSession, event: PageEvent, reply: Reply): Promise<void> {
    const { lanes, clock, metrics } = this.options;
    const config = this.options.config();
    this.#visits.set(live, observe(this.#visit(live), event));
    if (event.name === 'page_view') await this.#sendSuggestions(live, event.data.page, reply);
    if (config.rules.rules.length === 0) return;
    const order = await this.#orderInView(live, event, config);
    const customer = wantsCustomer(config.rules) ? await this.#profile(live) : undefined;
    const decision = await lanes.run(live.record.id, async () => {
      if (live.record.status === 'closed') return null;
      const now = clock.now();
      const shopper = shopperOf(live.record.customerId, live.record.id);
      const caps = await this.#capsOf(live, shopper, now);
      if (!caps) return null;
      const visit = this.#visit(live);
      const { locale } = live.record;
      const talkToPerson = shopText(this.options.messages(), 'proactive', 'talk_to_person', locale);
      const state = { locale, signedIn: live.record.customerId !== null, mode: live.record.mode, midFlow: midFlow(live), hours: this.options.hours, order, talkToPerson, ...(customer !== undefined ? { customer } : {}) };
      const decided = decide(config.rules, event, state, { visit, caps }, now);
      if (!decided.act) return decided;
      if (!(await this.#countShow(live, shopper, now))) return null;
      this.#visits.set(live, recordShown(visit, caps, decided.rule, now).visit);
      if (decided.action.kind === 'message') await this.#say(live, decided.rule.id, decided.action.text, decided.action.quickReplies, now);
      return decided;
    });
    if (!decision) return;
    metrics.proactive.inc({ rule: decision.act ? decision.rule.id : 'none', outcome: decision.act ? 'sent' : decision.reason });
    if (decision.act && decision.action.kind === 'flow') {
      // The dialog starts the flow only if it is still idle; its replies go out as nudges.
      await this.options.conversations.handle(live, { kind: 'event', name: START_FLOW_EVENT, data: { flow: decision.action.flow, slots: decision.action.slots } }, { nudge: decision.rule.id });
    }
  }

  #visit(live: LiveSession): VisitState {
    return this.#visits.get(live) ?? NEW_VISIT;
  }

  /** The shopper's shows of the last day, from the store; null (no nudge, a warning) when it cannot say. */
  async #capsOf(live: LiveSession, shopper: string, now: Date): Promise<ShopperCaps | null> {
    try {
      const shown = await this.options.store.listProactiveShown(shopper, new Date(now.getTime() - DAY_MS).toISOString());
      return { shownAtMs: shown.map((at) => Date.parse(at)) };
    } catch (err) {
      this.options.log.warn({ err, sessionId: live.record.id }, 'the proactive caps could not be read; no nudge is shown');
      return null;
    }
  }

  /** Counts the show before it is made: one the store could not count is not made (a warning). */
  async #countShow(live: LiveSession, shopper: string, now: Date): Promise<boolean> {
    try {
      await this.options.store.recordProactiveShown(shopper, now.toISOString());
      return true;
    } catch (err) {
      this.options.log.warn({ err, sessionId: live.record.id }, 'a proactive show could not be recorded; the nudge is not shown');
      return false;
    }
  }

  async #say(live: LiveSession, rule: string, text: string, quickReplies: QuickReply[], now: Date): Promise<void> {
    const at = now.toISOString();
    await this.options.store.appendTranscript(live.record.id, [{ at, from: 'bot', text, flow: 'proactive', state: rule }]);
    this.#nudged.set(live, new Map(quickReplies.map((reply) => [reply.payload, reply.label])));
    this.options.sessions.send(live, {
      type: 'nudge',
      rule,
      text,
      ...(quickReplies.length > 0 ? { quickReplies } : {}),
      meta: { intent: null, score: null, flow: 'proactive', state: rule },
    });
  }

  /** Only for an order page, and only when some rule asks about late orders: one shop call. */
  async #orderInView(live: LiveSession, event: PageEvent, config: ProactiveConfig): Promise<{ number: string; late: boolean } | null> {
    const customerId = live.record.customerId;
    if (event.name !== 'page_view' || event.data.page !== 'order' || !event.data.orderNumber || customerId === null) return null;
    if (!config.rules.rules.some((rule) => rule.when.trigger === 'order_late')) return null;
    const found = await this.options.commerce.getOrder(event.data.orderNumber, customerId);
    if (!found.ok) return null;
    const order = found.value;
    const today = this.#calendar.dateOf(this.options.clock.now());
    const open = order.status === 'paid' || order.status === 'preparing' || order.status === 'shipped';
    return { number: order.id, late: open && order.expectedDelivery !== undefined && order.expectedDelivery < today };
  }

  /** Tier and recent orders of the signed-in customer; null for a guest or when the shop cannot say. */
  #profile(live: LiveSession): Promise<CustomerProfile | null> {
    const customerId = live.record.customerId;
    if (customerId === null) return Promise.resolve(null);
    const known = this.#profiles.get(live);
    if (known?.customerId === customerId) return known.profile;
    const { commerce } = this.options;
    const profile = (async (): Promise<CustomerProfile | null> => {
      const [customer, orders] = await Promise.all([commerce.getCustomer(customerId), commerce.listOrders(customerId, { limit: PROFILE_ORDERS })]);
      if (!customer.ok) return null;
      return { tier: customer.value.tier ?? null, orderTimes: orders.ok ? orders.value.map((o) => o.placedAt) : [] };
    })();
    this.#profiles.set(live, { customerId, profile });
    return profile;
  }

  async #sendSuggestions(live: LiveSession, page: PageType, reply: Reply): Promise<void> {
    const { suggestions } = this.options.config();
    if (!suggestions.pages[page]) return;
    const latest = wantsLatestOrder(suggestions, page) ? await this.#latestOrder(live) : null;
    const items = suggestionsFor(suggestions, page, live.record.locale, latest, this.#demand);
    this.#offered.set(live, new Map(items.map((item) => [item.payload, item.label])));
    reply({ type: 'suggestions', page, items });
  }

  async #latestOrder(live: LiveSession): Promise<LatestOrder | null> {
    const customerId = live.record.customerId;
    if (customerId === null) return null;
    const orders = await this.options.commerce.listOrders(customerId, { limit: 1 });
    const order = orders.ok ? orders.value[0] : undefined;
    const item = order?.items[0];
    if (!order || !item) return null;
    return { number: order.id, product: item.name[live.record.locale] };
  }
}

/** A flow waits on the shopper's answer, the bot asked "shall we ...?", or a survey question waits. */
function midFlow(live: LiveSession): boolean {
  const state = describeState(live.record.dialog);
  return state.step !== null || state.pending !== null || surveyPending(live.record.survey);
}
