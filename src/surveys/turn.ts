// One conversation turn with the surveys around the dialog, as the server runs it and the
// conversation tests replay it: a pending survey question reads the input first; otherwise (or
// when the input was not for it) the dialog turn runs, and a goodbye at its end asks the CSAT
// question. The server's own event `daehwa.survey` starts a survey for the quiet period after a
// flow and for an agent's resolution. Nothing here touches a store: what to store comes back.

import { isIdle } from '../dialog/engine.ts';
import type { BotReply, DialogEngine, DialogEvent, DialogInput, DialogState, TurnContext, TurnResult } from '../dialog/types.ts';
import type { NluResult } from '../nlu/types.ts';
import type { StoredSurveyState, SurveyRecord } from '../store/types.ts';
import { answerSurvey, mayStart, type SurveyAbout, type SurveyContext, type SurveyInput, type SurveyLine, SURVEY_PAYLOAD_PREFIX, startSurvey, type SurveyStep } from './machine.ts';
import type { SurveyTexts } from './schema.ts';
import type { SurveySettings } from './settings.ts';
import { readSurveyState, SURVEY_TRIGGERS, type SurveyState, type SurveyTrigger } from './state.ts';

/**
 * The server's event that starts a survey, data `{ trigger: 'quiet' }` or
 * `{ trigger: 'agent_resolved', agentId }`. Shoppers cannot send it (names starting `daehwa.`).
 */
export const SURVEY_EVENT = 'daehwa.survey';
/** The flow name survey replies and hand-offs carry (transcript, reply meta, queue items). */
export const SURVEY_FLOW = 'survey';

export interface Surveys {
  texts: SurveyTexts;
  settings: SurveySettings;
}

/** A transcript line as far as the surveys read it. */
export interface HistoryLine {
  from: 'shopper' | 'bot' | 'agent' | 'system';
  intent?: string;
  flow?: string | null;
}

/** What a starting survey looks up; asked only when one starts, never on an ordinary turn. */
export interface SurveyFacts {
  /** Whether the customer has no NPS answer (or skip) at or after `since`. */
  npsDue(customerId: string, since: Date): Promise<boolean>;
  /** The conversation so far, oldest first (without this turn's lines). */
  history(): Promise<readonly HistoryLine[]>;
}

export interface SurveyedTurnInput {
  dialog: DialogEngine;
  /** Null: no survey texts (no flows/surveys.yaml), so no surveys. */
  surveys: Surveys | null;
  dialogState: DialogState;
  survey: StoredSurveyState | undefined;
  input: DialogInput;
  nlu: NluResult | null;
  ctx: TurnContext;
  sessionId: string;
  facts: SurveyFacts;
  newId(): string;
}

export interface SurveyedTurn extends TurnResult {
  /** The session's survey state after the turn (the same object when the turn left it alone). */
  survey: StoredSurveyState | undefined;
  /** Answers to store. */
  answers: SurveyRecord[];
  /** A detractor accepted a person: what their queue item shows the agent. */
  handoffContext?: { survey: SurveyRecord[] };
  /** A flow that resolves something ended and nothing waits on the shopper: the quiet period starts. */
  quiet: boolean;
}

/** Flows a conversation never "ends on": the engine's own, the server's lines. */
const NOT_AN_ENDING: ReadonlySet<string> = new Set([SURVEY_FLOW, 'handoff', 'proactive']);
const NOT_A_REQUEST: ReadonlySet<string> = new Set(['None', 'greeting', 'thanks', 'goodbye']);

export async function surveyedTurn(args: SurveyedTurnInput): Promise<SurveyedTurn> {
  const { surveys, input, dialogState } = args;
  const unchanged = (replies: BotReply[] = []): SurveyedTurn => ({ state: dialogState, replies, events: [], survey: args.survey, answers: [], quiet: false });
  if (!surveys) {
    // Without surveys their buttons and events do nothing; everything else is the dialog's.
    if (input.kind === 'event' && input.name === SURVEY_EVENT) return unchanged();
    if (input.kind === 'quick_reply' && input.payload.startsWith(SURVEY_PAYLOAD_PREFIX)) return unchanged();
    return { ...(await args.dialog.turn(dialogState, input, args.nlu, args.ctx)), survey: args.survey, answers: [], quiet: false };
  }
  const current = readSurveyState(args.survey);

  if (input.kind === 'event' && input.name === SURVEY_EVENT) {
    const trigger = SURVEY_TRIGGERS.find((t) => t === input.data?.trigger);
    if (!trigger || trigger === 'goodbye') return unchanged();
    const agentId = typeof input.data?.agentId === 'string' ? input.data.agentId : null;
    const started = await start(args, surveys, current, trigger, agentId, dialogState);
    if (!started) return unchanged();
    return { state: dialogState, replies: toReplies(started.say, started.state, args.nlu), events: [], survey: started.state, answers: started.put, quiet: false };
  }

  let survey: StoredSurveyState | undefined = args.survey;
  const answers: SurveyRecord[] = [];
  const said: BotReply[] = [];
  if (current?.stage != null && input.kind !== 'event') {
    const answer: SurveyInput =
      input.kind === 'quick_reply' ? { kind: 'payload', payload: input.payload } : { kind: 'text', text: input.text, nlu: args.nlu ? { intent: args.nlu.intent, score: args.nlu.score } : null };
    const step = answerSurvey(current, answer, context(args, surveys));
    survey = step.state;
    answers.push(...step.put);
    said.push(...toReplies(step.say, step.state, args.nlu));
    if (!step.passOn) {
      const events: DialogEvent[] = step.handoff ? [handoffEvent()] : [];
      return {
        state: dialogState,
        replies: said,
        events,
        survey,
        answers,
        ...(step.handoff ? { handoffContext: { survey: step.state.answers } } : {}),
        quiet: false,
      };
    }
  } else if (input.kind === 'quick_reply' && input.payload.startsWith(SURVEY_PAYLOAD_PREFIX)) {
    // A survey button from a bubble that is no longer current: nothing to do.
    return unchanged();
  }

  const result = await args.dialog.turn(dialogState, input, args.nlu, args.ctx);
  const replies = said.length > 0 ? [...said, ...result.replies] : result.replies;
  const outcome: SurveyedTurn = { ...result, replies, survey, answers, quiet: false };
  const ended = completedFlows(result.events);
  if (ended.length === 0 || !surveys.settings.enabled) return outcome;
  const state = readSurveyState(survey);
  if (state?.surveyed || result.events.some((event) => event.type === 'handoff_requested')) return outcome;
  const { settings } = surveys;
  if (ended.some((flow) => settings.afterFlows.includes(flow))) {
    const started = await start(args, surveys, state, 'goodbye', null, result.state);
    if (started) {
      outcome.replies = [...replies, ...toReplies(started.say, started.state, args.nlu)];
      outcome.survey = started.state;
      outcome.answers = [...answers, ...started.put];
    }
    return outcome;
  }
  outcome.quiet = settings.quietSeconds > 0 && ended.some((flow) => !settings.ignoreFlows.includes(flow)) && idle(result.state);
  return outcome;
}

/** The flow and intent a conversation ended on: the last flow worth naming, and the request before it. */
export function endedOn(history: readonly HistoryLine[], ignoreFlows: readonly string[]): { flow: string | null; intent: string | null } {
  for (let i = history.length - 1; i >= 0; i--) {
    const flow = history[i]?.flow;
    if (history[i]?.from !== 'bot' || !flow || NOT_AN_ENDING.has(flow) || ignoreFlows.includes(flow)) continue;
    for (let j = i - 1; j >= 0; j--) {
      const line = history[j];
      if (line?.from === 'shopper' && line.intent !== undefined && !NOT_A_REQUEST.has(line.intent)) return { flow, intent: line.intent };
    }
    return { flow, intent: null };
  }
  return { flow: null, intent: null };
}

async function start(
  args: SurveyedTurnInput,
  surveys: Surveys,
  current: SurveyState | null,
  trigger: SurveyTrigger,
  agentId: string | null,
  dialogState: DialogState,
): Promise<SurveyStep | null> {
  const { settings } = surveys;
  // Cheap checks first: the history is read only for a survey that may start.
  if (!settings.enabled || (trigger === 'agent_resolved' ? !settings.agentResolved : current?.surveyed || current?.stage != null)) return null;
  const ending = endedOn(await args.facts.history(), settings.ignoreFlows);
  const about: SurveyAbout = { trigger, ...ending, agentId };
  if (!mayStart(current, about, settings, idle(dialogState))) return null;
  const customerId = args.ctx.customerId;
  const since = new Date(args.ctx.now.getTime() - settings.nps.periodDays * 86_400_000);
  const npsDue = settings.nps.enabled && customerId !== null && (await args.facts.npsDue(customerId, since));
  return startSurvey(current, about, npsDue, context(args, surveys, dialogState));
}

function context(args: SurveyedTurnInput, surveys: Surveys, dialogState: DialogState = args.dialogState): SurveyContext {
  return {
    settings: surveys.settings,
    texts: surveys.texts,
    now: args.ctx.now,
    newId: args.newId,
    conversation: { sessionId: args.sessionId, customerId: args.ctx.customerId, locale: dialogState.locale },
  };
}

function idle(state: DialogState): boolean {
  return isIdle(state);
}

function completedFlows(events: readonly DialogEvent[]): string[] {
  const flows: string[] = [];
  for (const event of events) if (event.type === 'flow_completed') flows.push(event.flow);
  return flows;
}

function handoffEvent(): DialogEvent {
  return { type: 'handoff_requested', reason: 'survey_detractor', priority: 'high', flow: SURVEY_FLOW, slots: {} };
}

function toReplies(lines: readonly SurveyLine[], state: SurveyState, nlu: NluResult | null): BotReply[] {
  return lines.map((line) => ({
    text: line.text,
    ...(line.quickReplies?.length ? { quickReplies: line.quickReplies } : {}),
    meta: { intent: nlu?.intent ?? null, score: nlu?.score ?? null, flow: SURVEY_FLOW, state: state.stage },
  }));
}
