// One error shape for every HTTP answer: `{ "error": { "code", "message" } }` with a 4xx/5xx status.
// The core's refusals (DomainError) are mapped here, in one place; only the transport throws HttpError.
// Requests the route's zod schema refuses (fastify-type-provider-zod) get the documented codes too.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { DomainError, type Refusal } from '../shared/domain-error.ts';
import { describeIssues } from '../shared/zod-issues.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The error code when the route's `params` schema refuses the path (`invalid_item_id`, …); default `invalid_params`. */
    invalidParams?: string;
  }
}

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

/** The request part a route's schema refused (fastify's `validationContext`). */
type RequestPart = NonNullable<FastifyError['validationContext']>;

/** The code of each request part a route's schema refused, and the word for the part itself in the message. */
const VALIDATION: Record<RequestPart, { code: string; whole: string }> = {
  body: { code: 'invalid_body', whole: 'body' },
  params: { code: 'invalid_params', whole: 'path' },
  querystring: { code: 'invalid_query', whole: 'query' },
  headers: { code: 'invalid_headers', whole: 'headers' },
};

/**
 * The 400 for a request part a route's schema refused. The type provider reports each zod issue
 * with its path as a JSON pointer (`/items/0/name`), which is read back into the path describeIssues names.
 */
function sendValidationRefusal(reply: FastifyReply, request: FastifyRequest, validation: FastifySchemaValidationError[], context: RequestPart): FastifyReply {
  const part = VALIDATION[context];
  const code = context === 'params' ? (request.routeOptions.config.invalidParams ?? part.code) : part.code;
  const issues = validation.map((issue) => ({ path: issue.instancePath.split('/').filter((key) => key !== ''), message: issue.message ?? 'is not valid' }));
  return sendError(reply, 400, code, describeIssues({ issues }, part.whole));
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route or hook runs (a malformed
 * URL, a path parameter longer than 100 characters), in the same shape as every other error.
 */
export function sendFrameworkError(err: FastifyError, _request: unknown, reply: FastifyReply): void {
  sendError(reply, err.statusCode ?? 400, err.code.toLowerCase(), err.message);
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError | DomainError, request, reply) => {
    if (err instanceof HttpError) return sendError(reply, err.status, err.code, err.message);
    if (err instanceof DomainError) return sendError(reply, REFUSAL_STATUS[err.refusal], err.code, err.message);
    if (err.validation && err.validationContext) return sendValidationRefusal(reply, request, err.validation, err.validationContext);
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
