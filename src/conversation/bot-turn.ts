// One bot turn from the shopper's input to the replies, as the server runs it and `daehwa replay`
// runs a stored one again: the NLU reads a typed line, the dialog (with the surveys around it)
// answers, and outside business hours the notice takes the place of "connecting you to a person".
// Nothing here stores or sends anything: what to store and send comes back.

import type { DialogEngine, DialogInput, DialogState, BotReply, QuickReply } from '../dialog/types.ts';
import type { Classifier, Locale, NluResult } from '../nlu/types.ts';
import type { StoredSurveyState } from '../store/types.ts';
import { surveyedTurn, type Surveys, type SurveyedTurn } from '../surveys/index.ts';
import type { TurnPorts } from './turn-ports.ts';

/** What a turn runs on: the engines of the moment. */
export interface TurnEngines {
  classifier: Classifier;
  dialog: DialogEngine;
  /** Null: no surveys (no flows/surveys.yaml, or no survey desk). */
  surveys: Surveys | null;
  /** Outside business hours, the notice that replaces the dialog's hand-off reply; null when open. Absent: always open. */
  afterHoursNotice?(locale: Locale, now: Date): { text: string; quickReplies: QuickReply[] } | null;
}

export interface TurnRequest {
  dialogState: DialogState;
  survey: StoredSurveyState | undefined;
  input: DialogInput;
  now: Date;
  customerId: string | null;
  sessionId: string;
  ports: TurnPorts;
  newId(): string;
}

export interface BotTurn extends SurveyedTurn {
  nlu: NluResult | null;
  /** False when the after-hours notice took the place of the last reply. */
  open: boolean;
}

export async function runBotTurn(engines: TurnEngines, request: TurnRequest): Promise<BotTurn> {
  const { input, now, ports } = request;
  const nlu = input.kind === 'text' ? await engines.classifier.classify(input.text, { now }) : null;
  const result = await surveyedTurn({
    dialog: engines.dialog,
    surveys: engines.surveys,
    dialogState: request.dialogState,
    survey: request.survey,
    input,
    nlu,
    ctx: { now, customerId: request.customerId, commerce: ports.commerce, ...(ports.cases ? { cases: ports.cases } : {}) },
    sessionId: request.sessionId,
    facts: ports.facts,
    newId: request.newId,
  });
  const replies = result.events.some((event) => event.type === 'handoff_requested') ? withAfterHoursNotice(engines, result.replies, result.state.locale, now) : result.replies;
  return { ...result, replies, nlu, open: replies === result.replies };
}

/**
 * The dialog ends a hand-off turn with "connecting you to a person"; after hours that would be
 * untrue, so the server's notice (when people are back, leave a message) takes its place.
 */
function withAfterHoursNotice(engines: TurnEngines, replies: BotReply[], locale: Locale, now: Date): BotReply[] {
  const notice = engines.afterHoursNotice?.(locale, now);
  if (!notice) return replies;
  const announcement = replies.at(-1);
  const meta = { intent: announcement?.meta.intent ?? null, score: announcement?.meta.score ?? null, flow: 'handoff', state: 'offline_message' };
  return [...replies.slice(0, -1), { ...notice, meta }];
}
