// The one place where the NLU's decision settings live. Every default here is reported in the
// model metadata so an eval report or a transcript can say which settings produced a result.
import { z } from 'zod';

export const decisionSchema = z.object({
  /** Below this probability the top intent is not trusted: the answer is `None`. */
  threshold: z.number().min(0).max(1),
  /** The top intent must beat the runner-up by at least this much, or the answer is `None`. */
  margin: z.number().min(0).max(1),
});
export type DecisionSettings = z.infer<typeof decisionSchema>;

/**
 * Chosen by `npm run eval` on cross-validation, never on the held-out file: the point that rejects
 * the most out-of-scope lines while giving up at most 1 point of in-scope accuracy
 * (eval/metrics.ts chooseOperatingPoint). Re-run the eval after large corpus changes and move
 * these if its suggestion moves.
 */
export const DEFAULT_DECISION: DecisionSettings = { threshold: 0.4, margin: 0.1 };

/** Texts longer than this are classified from their first characters: keeps latency bounded. */
export const MAX_CLASSIFIED_CHARS = 500;

export function resolveDecision(overrides: Partial<DecisionSettings> = {}): DecisionSettings {
  return decisionSchema.parse({ ...DEFAULT_DECISION, ...overrides });
}

/** Where the trainer reads and writes by default (relative to the working directory). */
export const DEFAULT_CORPUS_DIR = 'intents';
export const DEFAULT_MODELS_DIR = 'models';
export const CURRENT_MODEL_FILE = 'current.json';
