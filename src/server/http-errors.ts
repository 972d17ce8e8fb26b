// One error shape for every HTTP answer: `{ "error": { "code", "message" } }` with a 4xx/5xx status.
// The core's refusals (DomainError) are mapped here, in one place; only the transport throws HttpError.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { DomainError, type Refusal } from '../shared/domain-error.ts';
import { describeIssues } from '../shared/zod-issues.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The HTTP status of each refusal of the core (src/shared/domain-error.ts). */
export const REFUSAL_STATUS: Record<Refusal, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
};

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

/** Parses a request body with a zod schema, or throws a 400 that names the bad fields. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw new HttpError(400, 'invalid_body', describeIssues(parsed.error, 'body'));
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError | DomainError, request, reply) => {
    if (err instanceof HttpError) return sendError(reply, err.status, err.code, err.message);
    if (err instanceof DomainError) return sendError(reply, REFUSAL_STATUS[err.refusal], err.code, err.message);
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return sendError(reply, status, 'internal_error', 'something went wrong on the server');
    }
    // Fastify's own client errors (bad JSON body, wrong content type, body too large).
    return sendError(reply, status, (err.code ?? 'bad_request').toLowerCase(), err.message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );
}
