// One shopper input, end to end: classify, run the dialog turn, store the transcript, answer.
// While people own the conversation (queued or with an agent) the bot stays silent and the
// shopper's words go to the transcript and to the agents instead.
import { performance } from 'node:perf_hooks';
import type { FactRecorder } from '../analytics/recorder.ts';
import type { CommercePort } from '../commerce/types.ts';
import { runBotTurn, type BotTurn } from '../conversation/bot-turn.ts';
import { ownedByPeople } from '../conversation/session-mode.ts';
import { TurnRecorder } from '../conversation/turn-ports.ts';
import { SilentTurns } from '../conversation/turn-recording.ts';
import type { DialogEvent, DialogInput, QuickReply } from '../dialog/types.ts';
import type { Locale, NluResult } from '../nlu/types.ts';
import type { HandoffContextExtras } from '../handoff/context.ts';
import type { OfferedButton, QueueItem, Store, TranscriptEntry, TurnFact } from '../store/types.ts';
import type { CaseDesk } from './cases.ts';
import type { SurveyFacts } from '../surveys/index.ts';
import type { Clock } from './clock.ts';
import type { EngineSlot } from './engines.ts';
import type { SerialLanes } from './lanes.ts';
import type { Logger } from './logging.ts';
import type { ServerMetrics } from './metrics.ts';
import type { LiveSession, SessionDirectory } from './sessions.ts';
import type { SurveyDesk } from './surveys.ts';
import { newId } from './tokens.ts';

/** What the conversation needs from the hand-off desk. Every call runs inside the session's lane. */
export interface HandoffPort {
  /** Outside business hours, the notice that replaces the dialog's hand-off reply; null when open. */
  afterHoursNotice(locale: Locale, now: Date): { text: string; quickReplies: QuickReply[] } | null;
  /** The dialog (or a survey) asked for a person during the turn at `now`; `context`: more for the agent's queue item. */
  request(live: LiveSession, event: Extract<DialogEvent, { type: 'handoff_requested' }>, now: Date, context?: HandoffContextExtras): Promise<QueueItem | null>;
  /** The shopper wrote while queued or talking to an agent. */
  relay(live: LiveSession, entries: TranscriptEntry[]): void;
  /** Reserved quick replies (`daehwa:...`) belong to the desk, not to the flows. */
  handlesPayload(payload: string): boolean;
  onPayload(live: LiveSession, payload: string): Promise<void>;
  /** Outside business hours: the shopper's text is a message for the agents. */
  leaveOfflineMessage(live: LiveSession, text: string): Promise<void>;
}

export interface ConversationOptions {
  store: Store;
  clock: Clock;
  lanes: SerialLanes;
  sessions: SessionDirectory;
  engines: EngineSlot;
  commerce: CommercePort;
  metrics: ServerMetrics;
  handoff: HandoffPort;
  /** The server's logger: its level decides whether a turn is worth a session's child logger. */
  log: Logger;
  /** Labels of buttons offered outside the dialog's replies (suggested questions, nudges), for the transcript. */
  labelOf?: (live: LiveSession, payload: string) => string | undefined;
  /** CSAT and NPS around the dialog (src/server/surveys.ts); none without it. */
  surveys?: SurveyDesk;
  /** Complaint cases behind the flows' open_case and list_cases (src/server/cases.ts). */
  cases?: CaseDesk;
  /** The page each shopper is on, and the tally of what is asked there (the contextual FAQ's order). */
  pages?: { pageOf(live: LiveSession): string | undefined; count(fact: TurnFact): void };
  /** analytics (issue 12): records a fact per turn (src/analytics/recorder.ts); none without it. */
  facts?: FactRecorder;
}

/** Without a survey desk no survey starts, so nothing is looked up. */
const NO_FACTS: SurveyFacts = { npsDue: async () => false, history: async () => [] };
const surveyId = (): string => newId('v');

export class Conversations {
  /** replay (issue 10): event turns that wrote nothing, until the session's next turn that writes. */
  readonly #silent = new SilentTurns();
  readonly #afterHoursNotice = (locale: Locale, now: Date) => this.options.handoff.afterHoursNotice(locale, now);

  constructor(private readonly options: ConversationOptions) {}

  /**
   * Queues the input on the session's lane; resolves when it has been answered. `nudge`: a
   * proactive rule's flow start (src/server/proactive.ts), whose replies go out as `nudge` frames.
   */
  handle(live: LiveSession, input: DialogInput, delivery: { nudge?: string } = {}): Promise<void> {
    return this.options.lanes.run(live.record.id, () => this.#handleInLane(live, input, delivery.nudge));
  }

  async #handleInLane(live: LiveSession, input: DialogInput, nudge?: string): Promise<void> {
    const { sessions, handoff } = this.options;
    if (live.record.status === 'closed') return;
    sessions.touch(live);
    if (input.kind === 'quick_reply' && handoff.handlesPayload(input.payload)) {
      await handoff.onPayload(live, input.payload);
      return;
    }
    if (ownedByPeople(live.record.mode)) {
      await this.#recordForPeople(live, input);
      return;
    }
    if (live.record.mode === 'offline_message' && input.kind === 'text') {
      await handoff.leaveOfflineMessage(live, input.text);
      return;
    }
    // A proactive start is for the bot's conversations only.
    if (nudge !== undefined && live.record.mode !== 'bot') return;
    await this.#botTurn(live, input, nudge);
  }

  async #recordForPeople(live: LiveSession, input: DialogInput): Promise<void> {
    const said = this.#shopperEntry(live, input, this.options.clock.now().toISOString(), null);
    if (!said) return;
    const entries = await this.options.store.appendTranscript(live.record.id, [said]);
    this.options.handoff.relay(live, entries);
  }

  async #botTurn(live: LiveSession, input: DialogInput, nudge?: string): Promise<void> {
    const { store, clock, engines, commerce, metrics, sessions } = this.options;
    const started = performance.now();
    const now = clock.now();
    const at = now.toISOString();
    const { classifier, dialog, surveys: texts } = engines.current;
    const desk = this.options.surveys;
    const locale = live.record.dialog.locale;
    // replay (issue 10): the turn's shop, case and survey look-ups are noted with its entries.
    const recorder = new TurnRecorder({ commerce, ...(this.options.cases ? { cases: this.options.cases.port(live) } : {}), facts: desk ? desk.facts(live) : NO_FACTS });
    let result: BotTurn;
    try {
      result = await runBotTurn(
        { classifier, dialog, surveys: texts && desk ? { texts, settings: desk.settings } : null, afterHoursNotice: this.#afterHoursNotice },
        { dialogState: live.record.dialog, survey: live.record.survey, input, now, customerId: live.record.customerId, sessionId: live.record.id, ports: recorder.ports, newId: surveyId },
      );
    } catch (err) {
      live.log.error({ err, input: input.kind }, 'turn failed');
      // What the shopper said is kept even when the bot could not answer it.
      const said = this.#shopperEntry(live, input, at, null);
      if (said) await store.appendTranscript(live.record.id, [{ ...said, turn: this.#silent.record(live, { input, locale, replies: 0, calls: recorder.calls, failed: true }) }]);
      sessions.send(live, {
        type: 'error',
        code: 'internal_error',
        message: 'the message could not be answered; please try again',
      });
      return;
    }

    const { replies, nlu } = result;
    const said = this.#shopperEntry(live, input, at, nlu);
    const entries: Omit<TranscriptEntry, 'seq'>[] = said ? [said] : [];
    for (const reply of replies) {
      entries.push({ at, from: 'bot', text: reply.text, flow: reply.meta.flow, state: reply.meta.state });
    }
    if (entries[0]) entries[0] = { ...entries[0], turn: this.#silent.record(live, { input, locale, replies: replies.length, calls: recorder.calls }) };
    else if (input.kind === 'event') this.#silent.add(live, at, input, recorder.calls);
    // The last buttons offered go with the session record, so a tap keeps its label on any process.
    let offered: OfferedButton[] | undefined;
    for (const reply of replies) if (reply.quickReplies?.length) offered = reply.quickReplies.map(({ payload, label }) => ({ payload, label }));
    live.record = {
      ...live.record,
      dialog: result.state,
      locale: result.state.locale,
      updatedAt: at,
      ...(result.survey ? { survey: result.survey } : {}),
      ...(offered ? { offered } : {}),
    };
    await store.appendTurn(live.record, entries);
    // analytics (issue 12): the turn's one fact, from what is in hand; no store read, no await.
    const { pages } = this.options;
    const fact = this.options.facts?.turn({ session: live.record, input, nlu, events: result.events, replies, at, open: result.open, page: pages?.pageOf(live) });
    if (fact) pages?.count(fact);
    if (result.answers.length > 0) await desk?.save(result.answers);

    for (const reply of replies) {
      sessions.send(live, {
        ...(nudge === undefined ? { type: 'bot' } : { type: 'nudge', rule: nudge }),
        text: reply.text,
        ...(reply.quickReplies?.length ? { quickReplies: reply.quickReplies } : {}),
        ...(reply.card && nudge === undefined ? { card: reply.card } : {}),
        meta: reply.meta,
      });
    }

    metrics.turnsOf(input.kind).inc();
    if (nlu) metrics.intentsOf(nlu.intent).inc();
    metrics.turnSeconds.observe((performance.now() - started) / 1000);
    if (this.options.log.isLevelEnabled('debug')) {
      live.log.debug({ intent: nlu?.intent, score: nlu?.score, events: result.events.map((e) => e.type) }, 'turn');
    }
    for (const event of result.events) {
      if (event.type === 'fallback') metrics.fallbacks.inc();
      if (event.type === 'handoff_requested') await this.#handOff(live, event, now, result.handoffContext);
    }
    this.options.cases?.takeOpened(live);
    if (result.quiet) desk?.quietAfter(live);
  }

  /** The turn asked for a person; a case it opened (a defect report) goes with the queue item. */
  async #handOff(live: LiveSession, event: Extract<DialogEvent, { type: 'handoff_requested' }>, now: Date, context: HandoffContextExtras | undefined): Promise<void> {
    const opened = this.options.cases?.takeOpened(live) ?? [];
    const extra = opened.length > 0 ? { ...context, cases: opened.map((record) => record.number) } : context;
    const item = await this.options.handoff.request(live, event, now, extra);
    if (item && opened.length > 0) await this.options.cases?.link(opened, item, now.toISOString());
  }

  /** What the shopper said, as the transcript keeps it: a tapped quick reply by its label; events are not words. */
  #shopperEntry(live: LiveSession, input: DialogInput, at: string, nlu: NluResult | null): Omit<TranscriptEntry, 'seq'> | null {
    if (input.kind === 'event') return null;
    if (input.kind === 'quick_reply') return { at, from: 'shopper', text: this.#labelOf(live, input.payload) };
    return { at, from: 'shopper', text: input.text, ...(nlu ? { intent: nlu.intent, score: nlu.score } : {}) };
  }

  #labelOf(live: LiveSession, payload: string): string {
    return live.record.offered?.find((button) => button.payload === payload)?.label ?? this.options.labelOf?.(live, payload) ?? payload;
  }
}
