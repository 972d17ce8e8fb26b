// One wording for zod's complaints wherever input is checked (HTTP bodies, params and queries, frames, stdin lines).
import type { z } from 'zod';

/** What describeIssues reads of an issue: a z.ZodError's issues, or those a route's schema reported (src/server/http-errors.ts). */
export interface IssueList {
  issues: readonly Pick<z.core.$ZodIssue, 'path' | 'message'>[];
}

/** Zod's issues on one line, `field: problem; ...`; `whole` names the value itself when the issue is not in a field. */
export function describeIssues(error: IssueList, whole: string): string {
  return error.issues.map((issue) => `${issue.path.join('.') || whole}: ${issue.message}`).join('; ');
}
