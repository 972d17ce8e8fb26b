// The survey as a pure state machine: (state, the shopper's answer, settings, texts, now) ->
// (next state, what to say, the answers to store, whether to pass the conversation to a person,
// whether the input was not for the survey after all). No store, clock or sockets of its own: the
// server (src/server/surveys.ts) and the conversation tests (src/dialog/conversations/) feed it.
//
//   start ──▶ csat ──score──▶ comment ──text or skip──▶ (nps if due) ──score──▶ done
//              │                ▲                                    │
//              │ low score      │ declined                           │ low score
//              ▼                │                                    ▼
//            offer ──accepted──▶ queued for a person, priority high ◀─ offer
//
// A skip (the button, "괜찮아요", or a second answer outside the scale) is stored as an answer
// with a null score. A tap on another button, or a line the NLU reads confidently as a new
// request, leaves the survey (skipping its question) and goes on to the dialog.

import type { QuickReply } from '../dialog/types.ts';
import { readYesNo } from '../dialog/reading/yes-no.ts';
import { isPhrase } from '../dialog/understanding.ts';
import type { Locale } from '../nlu/types.ts';
import type { SurveyRecord } from '../store/types.ts';
import type { SurveyText, SurveyTexts } from './schema.ts';
import { readScore } from './scores.ts';
import type { SurveySettings } from './settings.ts';
import { latest, type SurveyStage, type SurveyState, type SurveyTrigger } from './state.ts';

/** Quick-reply payloads the survey answers itself (the `daehwa:` prefix is the server's own). */
export const SURVEY_PAYLOAD_PREFIX = 'daehwa:survey:';
export const PAYLOAD_SKIP = `${SURVEY_PAYLOAD_PREFIX}skip`;
export const PAYLOAD_PERSON = `${SURVEY_PAYLOAD_PREFIX}person`;
export const PAYLOAD_NO_PERSON = `${SURVEY_PAYLOAD_PREFIX}no_person`;
export const scorePayload = (kind: 'csat' | 'nps', score: number): string => `${SURVEY_PAYLOAD_PREFIX}${kind}:${score}`;

export const SCALES = { csat: { min: 1, max: 5 }, nps: { min: 0, max: 10 } } as const;

/** Intents that are no new request: a line read as one of them at a score question is an answer outside the scale. */
const SMALL_TALK: ReadonlySet<string> = new Set(['None', 'greeting', 'thanks', 'goodbye']);
/** How sure the NLU must be that a line is a new request before the survey gives way to it. */
const NEW_REQUEST_SCORE = 0.5;
/** Out-of-scale answers to one question before it is skipped: re-asked once. */
const MAX_ATTEMPTS = 2;
const MAX_COMMENT = 1000;

export interface SurveyLine {
  text: string;
  quickReplies?: QuickReply[];
}

export interface SurveyContext {
  settings: SurveySettings;
  texts: SurveyTexts;
  now: Date;
  newId(): string;
  conversation: { sessionId: string; customerId: string | null; locale: Locale };
}

export type SurveyInput =
  | { kind: 'payload'; payload: string }
  | { kind: 'text'; text: string; nlu: { intent: string; score: number } | null };

export interface SurveyStep {
  state: SurveyState;
  say: SurveyLine[];
  /** Answers to store (a put replaces an earlier one with the same id: the comment after the score). */
  put: SurveyRecord[];
  /** A detractor accepted the offer: queue the conversation with priority high, the answers for the agent. */
  handoff: boolean;
  /** The input was not for the survey: the dialog answers it (after `say`, if any). */
  passOn: boolean;
}

export interface SurveyAbout {
  trigger: SurveyTrigger;
  /** The flow and intent the conversation ended on (null: none worth naming). */
  flow: string | null;
  intent: string | null;
  /** The agent who resolved it. */
  agentId: string | null;
}

/** Whether the trigger may start a survey now; `idle`: no flow waits on the shopper and nothing is pending. */
export function mayStart(state: SurveyState | null, about: SurveyAbout, settings: SurveySettings, idle: boolean): boolean {
  if (!settings.enabled) return false;
  if (about.trigger === 'agent_resolved') return settings.agentResolved;
  // The bot's own triggers: once per session, only after something was resolved, never mid-flow.
  return !state?.surveyed && state?.stage == null && about.flow !== null && idle;
}

/** Asks the CSAT question. `npsDue`: the NPS question follows (the customer is due one). */
export function startSurvey(previous: SurveyState | null, about: SurveyAbout, npsDue: boolean, ctx: SurveyContext): SurveyStep {
  // An agent resolving while an earlier survey waits: that one's question counts as skipped.
  const left = previous?.stage ? leave(previous, ctx).put : [];
  const state: SurveyState = {
    version: 1,
    stage: 'csat',
    answers: [],
    attempts: 0,
    npsDue: npsDue && ctx.settings.nps.enabled && ctx.conversation.customerId !== null,
    about: { trigger: about.trigger, flow: about.flow, intent: about.intent, agentId: about.agentId },
    askedAt: ctx.now.toISOString(),
    surveyed: true,
  };
  return { state, say: [question(ctx, 'csat', 'question')], put: left, handoff: false, passOn: false };
}

export function answerSurvey(state: SurveyState, input: SurveyInput, ctx: SurveyContext): SurveyStep {
  const stage = state.stage;
  if (stage === null) return nothing(state);
  if (input.kind === 'payload' && !input.payload.startsWith(SURVEY_PAYLOAD_PREFIX)) return leave(state, ctx);
  const expiry = state.askedAt === null ? Infinity : Date.parse(state.askedAt) + ctx.settings.expireMinutes * 60_000;
  if (ctx.now.getTime() > expiry) return leave(state, ctx);
  switch (stage) {
    case 'csat':
    case 'nps':
      return answerScore(state, stage, input, ctx);
    case 'comment':
      return answerComment(state, input, ctx);
    case 'offer':
      return answerOffer(state, input, ctx);
  }
}

// ---------------------------------------------------------------- the questions

function answerScore(state: SurveyState, kind: 'csat' | 'nps', input: SurveyInput, ctx: SurveyContext): SurveyStep {
  const { min, max } = SCALES[kind];
  if (input.kind === 'payload') {
    if (input.payload === PAYLOAD_SKIP) return skip(state, kind, ctx);
    const prefix = `${SURVEY_PAYLOAD_PREFIX}${kind}:`;
    const value = input.payload.startsWith(prefix) ? Number(input.payload.slice(prefix.length)) : NaN;
    if (Number.isInteger(value) && value >= min && value <= max) return scored(state, kind, value, ctx);
    // A button of another question (pressed twice, an old bubble): nothing to do.
    return nothing(state);
  }
  const { text } = input;
  const { phrases } = ctx.texts;
  if (isPhrase(text, phrases.skip) || isPhrase(text, phrases.no)) return skip(state, kind, ctx);
  const reading = readScore(text, max);
  if (reading.kind === 'score' && reading.value >= min && reading.value <= max) return scored(state, kind, reading.value, ctx);
  if (reading.kind === 'none' && newRequest(input)) return leave(state, ctx);
  return outsideScale(state, kind, ctx);
}

function outsideScale(state: SurveyState, kind: 'csat' | 'nps', ctx: SurveyContext): SurveyStep {
  const attempts = state.attempts + 1;
  if (attempts >= MAX_ATTEMPTS) return skip(state, kind, ctx);
  return step({ ...state, attempts, askedAt: ctx.now.toISOString() }, [question(ctx, kind, 'reask')]);
}

function scored(state: SurveyState, kind: 'csat' | 'nps', score: number, ctx: SurveyContext): SurveyStep {
  const record = newRecord(state, kind, score, ctx);
  const answered: SurveyState = { ...state, answers: [...state.answers, record], attempts: 0, askedAt: ctx.now.toISOString() };
  const { texts, settings } = ctx;
  if (score <= (kind === 'csat' ? settings.csat.detractorMax : settings.nps.detractorMax)) {
    return step({ ...answered, stage: 'offer' }, [line(ctx, texts.detractor.apology, offerButtons(ctx))], [record]);
  }
  if (kind === 'nps') return step(done(answered), [line(ctx, texts.nps.thanks)], [record]);
  if (settings.csat.comment) return step({ ...answered, stage: 'comment' }, [line(ctx, texts.csat.comment, [button(ctx, texts.buttons.skip, PAYLOAD_SKIP)])], [record]);
  return afterCsat(answered, [], [record], ctx);
}

/** A question skipped: stored with a null score; after a skipped CSAT no NPS is asked either. */
function skip(state: SurveyState, kind: 'csat' | 'nps', ctx: SurveyContext): SurveyStep {
  const record = newRecord(state, kind, null, ctx);
  return step(done({ ...state, answers: [...state.answers, record] }), [line(ctx, ctx.texts.skipped)], [record]);
}

function answerComment(state: SurveyState, input: SurveyInput, ctx: SurveyContext): SurveyStep {
  if (input.kind === 'payload') {
    if (input.payload === PAYLOAD_SKIP) return afterCsat(state, [], [], ctx);
    return nothing(state);
  }
  const { text } = input;
  if (isPhrase(text, ctx.texts.phrases.skip) || isPhrase(text, ctx.texts.phrases.no)) return afterCsat(state, [], [], ctx);
  const commented = withComment(state, text);
  return afterCsat(commented.state, [line(ctx, ctx.texts.thanks)], commented.put, ctx);
}

/** The CSAT is done (commented or not): the NPS question if due, unless the shopper was unhappy. */
function afterCsat(state: SurveyState, say: SurveyLine[], put: SurveyRecord[], ctx: SurveyContext): SurveyStep {
  const csat = state.answers.find((answer) => answer.kind === 'csat');
  const unhappy = csat?.score != null && csat.score <= ctx.settings.csat.detractorMax;
  if (state.npsDue && !unhappy) {
    return step({ ...state, stage: 'nps', attempts: 0, askedAt: ctx.now.toISOString() }, [...say, question(ctx, 'nps', 'question')], put);
  }
  return step(done(state), say.length > 0 ? say : [line(ctx, ctx.texts.closing)], put);
}

function answerOffer(state: SurveyState, input: SurveyInput, ctx: SurveyContext): SurveyStep {
  const { texts } = ctx;
  const answer = latest(state);
  let accepted: boolean | null;
  if (input.kind === 'payload') {
    accepted = input.payload === PAYLOAD_PERSON ? true : input.payload === PAYLOAD_NO_PERSON || input.payload === PAYLOAD_SKIP ? false : null;
    if (accepted === null) return nothing(state);
  } else {
    accepted =
      input.nlu?.intent === 'agent.request' && input.nlu.score >= NEW_REQUEST_SCORE
        ? true
        : isPhrase(input.text, texts.phrases.skip)
          ? false
          : readYesNo(input.text, texts.phrases);
  }
  if (accepted === true) return { ...step(done(state), [line(ctx, texts.detractor.connecting)]), handoff: true };
  if (accepted === false) {
    if (answer?.kind === 'csat') {
      return step({ ...state, stage: 'comment', askedAt: ctx.now.toISOString() }, [line(ctx, texts.detractor.declined, [button(ctx, texts.buttons.skip, PAYLOAD_SKIP)])]);
    }
    return step(done(state), [line(ctx, texts.closing)]);
  }
  if (input.kind === 'text' && newRequest(input)) return leave(state, ctx);
  // Neither yes nor no: what went wrong, in the shopper's words. Kept as the comment, and the offer
  // stands once more; a second such line leaves the survey for the dialog.
  if (state.attempts >= 1) return leave(state, ctx);
  const commented = withComment(state, input.kind === 'text' ? input.text : '');
  return step({ ...commented.state, attempts: 1, askedAt: ctx.now.toISOString() }, [line(ctx, texts.detractor.reoffer, offerButtons(ctx))], commented.put);
}

// ---------------------------------------------------------------- helpers

/** The conversation ends (the session closed) with a question waiting: a score question counts as skipped. */
export function abandonSurvey(state: SurveyState, ctx: SurveyContext): SurveyStep {
  return leave(state, ctx);
}

/** The survey gives way: a score question left unanswered counts as skipped; the input goes on. */
function leave(state: SurveyState, ctx: SurveyContext): SurveyStep {
  const kind = state.stage === 'csat' || state.stage === 'nps' ? state.stage : null;
  const put = kind ? [newRecord(state, kind, null, ctx)] : [];
  return { state: done({ ...state, answers: [...state.answers, ...put] }), say: [], put, handoff: false, passOn: true };
}

function newRequest(input: Extract<SurveyInput, { kind: 'text' }>): boolean {
  return input.nlu !== null && !SMALL_TALK.has(input.nlu.intent) && input.nlu.score >= NEW_REQUEST_SCORE;
}

function withComment(state: SurveyState, text: string): { state: SurveyState; put: SurveyRecord[] } {
  const answer = latest(state);
  const comment = text.trim().slice(0, MAX_COMMENT);
  if (!answer || comment === '') return { state, put: [] };
  const updated: SurveyRecord = { ...answer, comment };
  return { state: { ...state, answers: [...state.answers.slice(0, -1), updated] }, put: [updated] };
}

function newRecord(state: SurveyState, kind: 'csat' | 'nps', score: number | null, ctx: SurveyContext): SurveyRecord {
  const { conversation } = ctx;
  return {
    id: ctx.newId(),
    sessionId: conversation.sessionId,
    customerId: conversation.customerId,
    kind,
    score,
    locale: conversation.locale,
    flow: state.about.flow,
    intent: state.about.intent,
    agentId: state.about.agentId,
    at: ctx.now.toISOString(),
  };
}

function done(state: SurveyState): SurveyState {
  return { ...state, stage: null, attempts: 0, askedAt: null };
}

function nothing(state: SurveyState): SurveyStep {
  return { state, say: [], put: [], handoff: false, passOn: false };
}

function step(state: SurveyState, say: SurveyLine[], put: SurveyRecord[] = []): SurveyStep {
  return { state, say, put, handoff: false, passOn: false };
}

function question(ctx: SurveyContext, kind: 'csat' | 'nps', which: 'question' | 'reask'): SurveyLine {
  const { texts } = ctx;
  const { min, max } = SCALES[kind];
  const labels = kind === 'csat' ? texts.csat.labels : texts.nps.labels;
  const buttons: QuickReply[] = [];
  // CSAT from the best down, as shoppers read a rating; NPS in its own order, 0 to 10.
  const scores = Array.from({ length: max - min + 1 }, (_, i) => (kind === 'csat' ? max - i : min + i));
  for (const score of scores) {
    const label = labels?.[String(score)];
    buttons.push({ label: label ? label[ctx.conversation.locale] : String(score), payload: scorePayload(kind, score) });
  }
  buttons.push(button(ctx, texts.buttons.skip, PAYLOAD_SKIP));
  return line(ctx, texts[kind][which], buttons);
}

function offerButtons(ctx: SurveyContext): QuickReply[] {
  return [button(ctx, ctx.texts.buttons.person, PAYLOAD_PERSON), button(ctx, ctx.texts.buttons.no_person, PAYLOAD_NO_PERSON)];
}

function button(ctx: SurveyContext, label: SurveyText, payload: string): QuickReply {
  return { label: label[ctx.conversation.locale], payload };
}

function line(ctx: SurveyContext, text: SurveyText, quickReplies?: QuickReply[]): SurveyLine {
  return { text: text[ctx.conversation.locale], ...(quickReplies ? { quickReplies } : {}) };
}

/** The stage a state waits in, for tests and tools. */
export function stageOf(state: SurveyState | null): SurveyStage | null {
  return state?.stage ?? null;
}
