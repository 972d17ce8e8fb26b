// The survey desk: the server's side of src/surveys/. It answers the look-ups a starting survey
// makes (is the customer due an NPS question, what was the conversation about) from the store,
// stores the answers, starts the survey after a quiet period that follows a flow's end, and after
// an agent resolves a conversation. The decisions themselves are src/surveys/'s.
//
// The quiet periods are one timer for the whole process, not one per session: a turn that ends a
// flow only notes the session and when its period is over (no timer is set or cleared per turn).
// The timer goes off on whole seconds (QUIET_RESOLUTION_MS), for every period over by then: with
// thousands of sessions in a quiet period, one going off each millisecond would read them all
// each time.
import type { HistoryLine, SurveyFacts, SurveyTexts } from '../surveys/index.ts';
import { abandonSurvey, readSurveyState, SURVEY_EVENT } from '../surveys/index.ts';
import { newId } from './tokens.ts';
import type { SurveySettings } from '../surveys/settings.ts';
import type { Store, SurveyRecord } from '../store/types.ts';
import type { Clock, TimerHandle } from './clock.ts';
import type { Conversations } from './conversation.ts';
import type { Logger } from './logging.ts';
import type { ServerMetrics } from './metrics.ts';
import type { LiveSession } from './sessions.ts';

/** Quiet periods end on this grain: a question may come up to this much after its period. */
const QUIET_RESOLUTION_MS = 1000;

export interface SurveyDeskOptions {
  store: Store;
  clock: Clock;
  settings: SurveySettings;
  metrics: ServerMetrics;
  log: Logger;
  /** Set once the conversations exist (they and the desk need each other). */
  conversations?: () => Conversations;
}

export class SurveyDesk {
  /** Sessions in a quiet period, with when it ends; in the order the periods began. */
  readonly #quiet = new Map<LiveSession, number>();
  readonly #facts = new WeakMap<LiveSession, SurveyFacts>();
  #timer: TimerHandle | null = null;
  #timerAt = Number.POSITIVE_INFINITY;
  #stopped = false;

  constructor(private readonly options: SurveyDeskOptions) {}

  get settings(): SurveySettings {
    return this.options.settings;
  }

  /** What a starting survey looks up for this session; nothing is read until it asks. Made once per session. */
  facts(live: LiveSession): SurveyFacts {
    let facts = this.#facts.get(live);
    if (!facts) this.#facts.set(live, (facts = this.#factsOf(live)));
    return facts;
  }

  #factsOf(live: LiveSession): SurveyFacts {
    const { store } = this.options;
    return {
      async npsDue(customerId, since) {
        const answered = await store.listSurveys({ customerId, from: since.toISOString() });
        return !answered.some((survey) => survey.kind === 'nps');
      },
      async history(): Promise<readonly HistoryLine[]> {
        return store.getTranscript(live.record.id);
      },
    };
  }

  async save(answers: readonly SurveyRecord[]): Promise<void> {
    for (const answer of answers) {
      await this.options.store.putSurvey(answer);
      const outcome = answer.score === null ? 'skipped' : answer.comment !== undefined ? 'commented' : 'answered';
      this.options.metrics.surveys.inc({ kind: answer.kind, outcome });
    }
  }

  /** A flow that resolved something ended in this session's turn: its quiet period starts now. */
  quietAfter(live: LiveSession): void {
    if (this.#stopped) return;
    const due = this.options.clock.nowMs() + this.options.settings.quietSeconds * 1000;
    this.#quiet.delete(live);
    this.#quiet.set(live, due);
    this.#arm(due);
  }

  /** An agent resolved the conversation: the CSAT question, in the session's lane after the resolution. */
  agentResolved(live: LiveSession, agentId: string): void {
    if (this.#stopped || !this.options.settings.enabled || !this.options.settings.agentResolved) return;
    this.#start(live, { trigger: 'agent_resolved', agentId });
  }

  /**
   * The session closes with a survey question unanswered: a score question is stored as skipped,
   * so that the answers tell how many were asked. Runs in the session's lane.
   */
  async beforeClose(live: LiveSession, texts: SurveyTexts | null): Promise<void> {
    this.#quiet.delete(live);
    const state = readSurveyState(live.record.survey);
    if (!state?.stage || !texts) return;
    const step = abandonSurvey(state, {
      settings: this.options.settings,
      texts,
      now: this.options.clock.now(),
      newId: () => newId('v'),
      conversation: { sessionId: live.record.id, customerId: live.record.customerId, locale: live.record.locale },
    });
    live.record = { ...live.record, survey: step.state };
    await this.save(step.put);
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = null;
    this.#quiet.clear();
  }

  #arm(periodEnd: number): void {
    const due = Math.ceil(periodEnd / QUIET_RESOLUTION_MS) * QUIET_RESOLUTION_MS;
    if (this.#timer && this.#timerAt <= due) return;
    this.#timer?.cancel();
    this.#timerAt = due;
    this.#timer = this.options.clock.setTimeout(() => this.#fire(), Math.max(0, due - this.options.clock.nowMs()));
  }

  #fire(): void {
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (this.#stopped) return;
    const now = this.options.clock.nowMs();
    const quietMs = this.options.settings.quietSeconds * 1000;
    let next = Number.POSITIVE_INFINITY;
    /** Periods that run on from the shopper's last activity: noted again after the walk. */
    const movedOn: [LiveSession, number][] = [];
    for (const [live, due] of this.#quiet) {
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      this.#quiet.delete(live);
      if (live.record.status !== 'open' || live.record.mode !== 'bot') continue;
      // The shopper did something since (a message, a page event): the period runs from then.
      const quietSince = live.lastActivityMs + quietMs;
      if (quietSince > now) {
        movedOn.push([live, quietSince]);
        next = Math.min(next, quietSince);
        continue;
      }
      // Nobody to ask: a shopper who left is not surveyed when they come back.
      if (live.links.size === 0) continue;
      this.#start(live, { trigger: 'quiet' });
    }
    for (const [live, due] of movedOn) this.#quiet.set(live, due);
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }

  #start(live: LiveSession, data: Record<string, unknown>): void {
    const conversations = this.options.conversations?.();
    if (!conversations) return;
    conversations
      .handle(live, { kind: 'event', name: SURVEY_EVENT, data })
      .catch((err: unknown) => live.log.error({ err, trigger: data.trigger }, 'survey could not be started'));
  }
}
