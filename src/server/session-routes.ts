// Shopper HTTP: a shopper reads their own transcript with their session token. A token opens
// exactly one session; asking for another session's transcript is refused.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../store/types.ts';
import { bearerToken } from './agent-auth.ts';
import { HttpError } from './http-errors.ts';
import type { SessionDirectory } from './sessions.ts';
import { hashSessionToken } from './tokens.ts';

const params = z.object({ sessionId: z.string().min(1).max(100) });

export function registerSessionRoutes(app: FastifyInstance, options: { store: Store; sessions: SessionDirectory }): void {
  app.get('/api/sessions/:sessionId/transcript', async (request) => {
    const parsed = params.safeParse(request.params);
    if (!parsed.success) throw new HttpError(400, 'invalid_session_id', 'the session id is missing or too long');
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new HttpError(401, 'missing_credentials', 'send "Authorization: Bearer <sessionToken>"');
    const own = await options.store.findSessionByTokenHash(hashSessionToken(token));
    if (!own) throw new HttpError(401, 'invalid_session_token', 'the session token is not valid');
    if (own.id !== parsed.data.sessionId) {
      throw new HttpError(403, 'forbidden', 'a session token only opens its own transcript');
    }
    return { sessionId: own.id, status: own.status, entries: await options.sessions.history(own.id) };
  });
}
