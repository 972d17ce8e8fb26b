// Agent REST API under /api/agent: sign in, then list the queue, read a conversation, claim,
// write, add internal notes, resolve, hand back or release. Every route but login needs a token.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { maskDeep } from '../privacy/mask.ts';
import { bearerToken, type AgentAuth } from './agent-auth.ts';
import { type AgentIdentity, loginBody, textBody } from './agent-protocol.ts';
import type { Clock } from './clock.ts';
import type { HandoffDesk } from './handoff-desk.ts';
import { HttpError, parseBody } from './http-errors.ts';
import { KeyedRateLimiter } from './rate-limit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentIdentity;
  }
}

const itemParams = z.object({ itemId: z.string().min(1).max(100) });

/** Sign-in attempts per client address: 10 at once, then one every 6 seconds. */
const LOGIN_BURST = 10;
const LOGIN_PER_SECOND = 1 / 6;

export function authenticateAgent(auth: AgentAuth) {
  return async (request: FastifyRequest): Promise<void> => {
    const check = auth.verify(bearerToken(request.headers.authorization));
    if (!check.ok) throw new HttpError(401, check.code, check.message);
    request.agent = check.agent;
  };
}

function signedIn(request: FastifyRequest): AgentIdentity {
  if (!request.agent) throw new HttpError(401, 'missing_credentials', 'sign in first');
  return request.agent;
}

function itemIdOf(request: FastifyRequest): string {
  const parsed = itemParams.safeParse(request.params);
  if (!parsed.success) throw new HttpError(400, 'invalid_item_id', 'the queue item id is missing or too long');
  return parsed.data.itemId;
}

export function registerAgentRoutes(
  app: FastifyInstance,
  options: { auth: AgentAuth; desk: HandoffDesk; clock: Clock },
): void {
  const { auth, desk } = options;
  const attempts = new KeyedRateLimiter(LOGIN_PER_SECOND, LOGIN_BURST, options.clock);

  app.post('/api/agent/login', async (request, reply) => {
    if (!attempts.take(request.ip)) {
      throw new HttpError(429, 'too_many_attempts', 'too many sign-in attempts; wait a minute and try again');
    }
    const body = parseBody(loginBody, request.body);
    const result = await auth.login(body.agentId, body.password);
    if ('code' in result) throw new HttpError(401, result.code, result.message);
    return reply.send(result);
  });

  app.register(async (scoped) => {
    scoped.addHook('onRequest', authenticateAgent(auth));

    scoped.get('/api/agent/me', async (request) => ({ agent: signedIn(request) }));

    scoped.get('/api/agent/queue', async () => ({ items: await desk.summaries() }));

    scoped.get('/api/agent/queue/:itemId', async (request) => desk.detail(itemIdOf(request)));

    // An export for records or an email: personal data masked.
    scoped.get('/api/agent/queue/:itemId/export', async (request) => {
      const { item, session, transcript } = await desk.detail(itemIdOf(request));
      return maskDeep({
        itemId: item.id,
        sessionId: item.sessionId,
        reason: item.reason,
        locale: session?.locale ?? null,
        transcript,
        notes: item.notes,
      });
    });

    scoped.post('/api/agent/queue/:itemId/claim', async (request) => ({
      item: await desk.claim(signedIn(request), itemIdOf(request)),
    }));

    scoped.post('/api/agent/queue/:itemId/messages', async (request) => {
      const { text } = parseBody(textBody, request.body);
      return { item: await desk.message(signedIn(request), itemIdOf(request), text) };
    });

    scoped.post('/api/agent/queue/:itemId/notes', async (request) => {
      const { text } = parseBody(textBody, request.body);
      return { item: await desk.note(signedIn(request), itemIdOf(request), text) };
    });

    scoped.post('/api/agent/queue/:itemId/resolve', async (request) => ({
      item: await desk.resolve(signedIn(request), itemIdOf(request)),
    }));

    scoped.post('/api/agent/queue/:itemId/hand-back', async (request) => ({
      item: await desk.handBack(signedIn(request), itemIdOf(request)),
    }));

    scoped.post('/api/agent/queue/:itemId/release', async (request) => ({
      item: await desk.release(signedIn(request), itemIdOf(request)),
    }));
  });
}
