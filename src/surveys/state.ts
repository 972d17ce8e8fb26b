// The survey of one conversation, as the session record keeps it (SessionRecord.survey): the
// question waiting for an answer, the answers given so far, and whether a survey was asked in this
// session at all. A state that does not parse (hand-edited, an incompatible build) is no survey.
import { z } from 'zod';
import { surveyRecordSchema } from '../store/schemas.ts';
import type { StoredSurveyState, SurveyRecord } from '../store/types.ts';

export const SURVEY_TRIGGERS = ['goodbye', 'quiet', 'agent_resolved'] as const;
export type SurveyTrigger = (typeof SURVEY_TRIGGERS)[number];

/** The question waiting for the shopper: a score, the optional comment, or the offer of a person. */
export const SURVEY_STAGES = ['csat', 'nps', 'comment', 'offer'] as const;
export type SurveyStage = (typeof SURVEY_STAGES)[number];

const SurveyStateSchema = z.object({
  version: z.literal(1),
  stage: z.enum(SURVEY_STAGES).nullable(),
  /** This survey's answers (CSAT, then NPS), kept for the comment and for the agent a detractor is passed to. */
  answers: z.array(surveyRecordSchema),
  /** Answers outside the scale to the current question. */
  attempts: z.number().int().min(0),
  /** NPS follows the CSAT (the customer was not asked within the period). */
  npsDue: z.boolean(),
  about: z.object({
    trigger: z.enum(SURVEY_TRIGGERS),
    flow: z.string().nullable(),
    intent: z.string().nullable(),
    agentId: z.string().nullable(),
  }),
  /** When the current question was asked: one left unanswered past `expireMinutes` is skipped. */
  askedAt: z.string().nullable(),
  /** A survey was asked in this session: the bot's triggers do not ask again. */
  surveyed: z.boolean(),
});
export type SurveyState = z.infer<typeof SurveyStateSchema> & StoredSurveyState;

/** Parsed once per object: the server passes the same state back turn after turn. */
const parsed = new WeakMap<object, SurveyState | null>();

export function readSurveyState(stored: StoredSurveyState | undefined): SurveyState | null {
  if (!stored) return null;
  let state = parsed.get(stored);
  if (state === undefined) {
    const result = SurveyStateSchema.safeParse(stored);
    state = result.success ? (result.data as SurveyState) : null;
    parsed.set(stored, state);
  }
  return state;
}

/** A question is waiting for the shopper's answer. */
export function surveyPending(stored: StoredSurveyState | undefined): boolean {
  return stored !== undefined && readSurveyState(stored)?.stage != null;
}

export function latest(state: SurveyState): SurveyRecord | undefined {
  return state.answers.at(-1);
}
