// What a designer writes in flows/surveys.yaml (docs/surveys.md): every sentence the surveys say,
// in both languages, the button labels, and the words that mean "skip", "yes" and "no". Unknown
// keys are errors, so a misspelt key is reported at its line and column.
import { z } from 'zod';

const localized = z.strictObject({
  ko: z.string({ error: 'missing Korean (`ko`) text' }).min(1, 'Korean (`ko`) text is empty'),
  en: z.string({ error: 'missing English (`en`) text' }).min(1, 'English (`en`) text is empty'),
});
export type SurveyText = z.infer<typeof localized>;

const phrases = z.strictObject({ ko: z.array(z.string().min(1)), en: z.array(z.string().min(1)) });

const scoreLabels = (from: number, to: number) =>
  z
    .record(z.string(), localized)
    .superRefine((labels, ctx) => {
      for (const key of Object.keys(labels)) {
        const n = Number(key);
        if (!Number.isInteger(n) || n < from || n > to) ctx.addIssue({ code: 'custom', path: [key], message: `a label is for a score from ${from} to ${to}, not '${key}'` });
      }
      for (let n = from; n <= to; n++) {
        if (!labels[String(n)]) ctx.addIssue({ code: 'custom', message: `missing the label of score ${n} (every score from ${from} to ${to} has one)` });
      }
    });

export const SurveyTextsSchema = z.strictObject({
  buttons: z.strictObject({
    skip: localized,
    person: localized,
    no_person: localized,
  }),
  csat: z.strictObject({
    /** The question, with a button per score. */
    question: localized,
    labels: scoreLabels(1, 5),
    /** An answer outside 1-5: asked once more. */
    reask: localized,
    /** After a score: the optional comment, with a skip button. */
    comment: localized,
  }),
  nps: z.strictObject({
    question: localized,
    /** Button labels; the scores 0 to 10 themselves when absent. */
    labels: scoreLabels(0, 10).optional(),
    reask: localized,
    thanks: localized,
  }),
  detractor: z.strictObject({
    /** A low score: the apology, with the offer of a person. */
    apology: localized,
    /** The offer accepted: the conversation goes to the queue with priority. */
    connecting: localized,
    /** The offer declined after a CSAT score: the comment is asked instead. */
    declined: localized,
    /** Neither yes nor no to the offer: the line is kept as the comment and the offer made once more. */
    reoffer: localized,
  }),
  /** After a comment. */
  thanks: localized,
  /** A question skipped (the button, the words, or a second answer outside the scale). */
  skipped: localized,
  /** The survey over without a comment. */
  closing: localized,
  phrases: z.strictObject({
    /** Typed answers that skip a question, as the whole reply ("괜찮아요", "skip"). */
    skip: phrases,
    yes: phrases,
    no: phrases,
  }),
});
export type SurveyTexts = z.output<typeof SurveyTextsSchema>;
