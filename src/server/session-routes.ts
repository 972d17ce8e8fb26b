// Shopper HTTP: a shopper reads their own transcript with their session token. A token opens
// exactly one session; asking for another session's transcript is refused.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Store } from '../store/types.ts';
import { bearerToken } from './agent-auth.ts';
import { HttpError } from './http-errors.ts';
import { sessionRoute } from './route-schemas.ts';
import { anyOf } from './route-security.ts';
import type { SessionDirectory } from './sessions.ts';
import { hashSessionToken } from './tokens.ts';

export const sessionRoutes: FastifyPluginAsyncZod<{ store: Store; sessions: SessionDirectory }> = async (app, options) => {
  app.get('/api/sessions/:sessionId/transcript', { ...sessionRoute, schema: { ...sessionRoute.schema, security: anyOf('sessionToken') } }, async (request) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new HttpError(401, 'missing_credentials', 'send "Authorization: Bearer <sessionToken>"');
    const own = await options.store.findSessionByTokenHash(hashSessionToken(token));
    if (!own) throw new HttpError(401, 'invalid_session_token', 'the session token is not valid');
    if (own.id !== request.params.sessionId) {
      throw new HttpError(403, 'forbidden', 'a session token only opens its own transcript');
    }
    return { sessionId: own.id, status: own.status, entries: await options.sessions.history(own.id) };
  });
};
