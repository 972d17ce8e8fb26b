// One wording for zod's complaints wherever input is checked (HTTP bodies, frames, stdin lines).
import type { z } from 'zod';

/** Zod's issues on one line, `field: problem; ...`; `whole` names the value itself when the issue is not in a field. */
export function describeIssues(error: z.ZodError, whole: string): string {
  return error.issues.map((issue) => `${issue.path.join('.') || whole}: ${issue.message}`).join('; ');
}
