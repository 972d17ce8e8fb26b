// The survey settings of the config file (`surveys` in daehwa.config.json, docs/server.md): when
// CSAT and NPS are asked and who counts as a detractor. Every key has a default, and all are on.
import { z } from 'zod';

const flowId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a flow id: lowercase letters, digits and _');

export const surveySettingsSchema = z
  .strictObject({
    /** Off: no survey is ever asked (answers already stored stay). */
    enabled: z.boolean().default(true),
    /** Flows at whose end the CSAT question follows at once (bot-resolved). */
    afterFlows: z.array(flowId).default(['goodbye']),
    /**
     * Bot-resolved without a goodbye: after any other flow ends, once the shopper has been quiet
     * this many seconds (the dialog idle, nobody typing to the bot). 0 turns it off.
     */
    quietSeconds: z.number().int().min(0).max(24 * 60 * 60).default(120),
    /** Flows that resolve nothing: their end starts no quiet period and a conversation does not "end on" them. */
    ignoreFlows: z.array(flowId).default(['greeting', 'thanks', 'goodbye', 'agent_request']),
    /** Asked when an agent resolves a conversation (`resolve`, not `hand-back`). */
    agentResolved: z.boolean().default(true),
    /** A question left unanswered this long is skipped: the next thing the shopper says goes to the bot. */
    expireMinutes: z.number().int().min(1).default(30),
    csat: z
      .strictObject({
        /** After a score, ask for an optional comment. */
        comment: z.boolean().default(true),
        /** Scores up to this are a detractor's: an apology and the offer of a person. */
        detractorMax: z.number().int().min(0).max(5).default(2),
      })
      .prefault({}),
    nps: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Asked at most once per signed-in customer in this many days (an answer or a skip counts). */
        periodDays: z.number().int().min(1).default(90),
        /** Scores up to this are a detractor's. */
        detractorMax: z.number().int().min(0).max(10).default(6),
      })
      .prefault({}),
  })
  .prefault({});

export type SurveySettings = z.output<typeof surveySettingsSchema>;

export const DEFAULT_SURVEY_SETTINGS: SurveySettings = surveySettingsSchema.parse({});
