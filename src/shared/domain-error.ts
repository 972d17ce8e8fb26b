// What the core refuses, in its own terms: a kind of refusal, a stable code and a sentence. The
// core never speaks HTTP; the server's one error hook (src/server/http-errors.ts) and the agent
// socket turn a refusal into a status code or an error frame.

export const REFUSALS = ['invalid', 'forbidden', 'not_found', 'conflict', 'too_large', 'unsupported'] as const;
export type Refusal = (typeof REFUSALS)[number];

export class DomainError extends Error {
  constructor(
    /** invalid: the request is wrong; forbidden: not this caller's; not_found; conflict: not in this state; too_large; unsupported: a kind not taken. */
    readonly refusal: Refusal,
    /** Stable, for programs: `already_claimed`, `unknown_placeholder` … */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
