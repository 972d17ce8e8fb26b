// The conversations behind a number (docs/analytics.md#drill-down): the same summaries the
// figures count, filtered by the figure's own rule, so a drill-down lists exactly what was counted.
import { z } from 'zod';
import { type ConversationSummary, OUTCOMES } from './conversations.ts';

export const drillSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('outcome'), value: z.enum(OUTCOMES) }),
  z.object({ by: z.literal('day'), value: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  z.object({ by: z.literal('hour'), value: z.coerce.number().int().min(0).max(23) }),
  z.object({ by: z.literal('locale'), value: z.enum(['ko', 'en']) }),
  z.object({ by: z.literal('reason'), value: z.string().min(1).max(100) }),
  z.object({ by: z.literal('intent'), value: z.string().min(1).max(100) }),
  z.object({ by: z.literal('fallback'), value: z.literal('true').optional() }),
  z.object({ by: z.literal('theme'), value: z.string().min(1).max(100) }),
  z.object({ by: z.literal('flow'), value: z.string().min(1).max(100), step: z.string().max(100).optional(), end: z.string().max(20).optional() }),
]);
export type Drill = z.infer<typeof drillSchema>;

/** The drill-down's fields as a query string has them, each optional; with `by`, they are checked as drillSchema. */
export const drillQueryFields = z.object({
  by: z.enum(drillSchema.options.map((option) => option.shape.by.value)).optional(),
  value: z.string().optional(),
  step: z.string().optional(),
  end: z.string().optional(),
});

/** Session ids behind the figure, most recent first by start. */
export function drillDown(summaries: readonly ConversationSummary[], drill: Drill): string[] {
  const started = (s: ConversationSummary): boolean => s.startedInRange;
  const keep = (s: ConversationSummary): boolean => {
    switch (drill.by) {
      case 'outcome':
        return started(s) && s.outcome === drill.value;
      case 'day':
        return started(s) && s.startedDay === drill.value;
      case 'hour':
        return started(s) && s.startedHour === drill.value;
      case 'locale':
        return started(s) && s.locale === drill.value;
      case 'reason':
        return started(s) && s.handoffReason === drill.value;
      case 'intent':
        return s.intents.has(drill.value);
      case 'fallback':
        return s.fallbacks > 0;
      case 'theme':
        return s.themes.has(drill.value);
      case 'flow':
        return (
          started(s) &&
          s.runs.some(
            (run) =>
              run.flow === drill.value &&
              (drill.step === undefined || run.steps.includes(drill.step)) &&
              (drill.end === undefined || (run.end === drill.end && (drill.step === undefined || run.lastStep === drill.step))),
          )
        );
    }
  };
  return summaries
    .filter(keep)
    .sort((a, b) => (a.startedDay === b.startedDay ? b.startedHour - a.startedHour : a.startedDay < b.startedDay ? 1 : -1))
    .map((s) => s.sessionId);
}
