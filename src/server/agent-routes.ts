// Agent REST API under /api/agent: sign in, then list the queue, read a conversation, claim,
// write, add internal notes, resolve, hand back or release. Every route but login needs a token.
// privacy (issue 18): what agents read has phone numbers, e-mails and addresses masked
// (src/privacy/agent-view.ts) unless they reveal it; sign-ins, sign-outs, failures, claims,
// reveals, notes, resolutions, hand-backs and exports go to the audit log.
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AuditAction, AuditSink } from '../audit/audit-log.ts';
import { forAgents } from '../privacy/agent-view.ts';
import { maskDeep } from '../privacy/mask.ts';
import { bearerToken, type AgentAuth } from './agent-auth.ts';
import { type AgentIdentity, loginBody, textBody } from './agent-protocol.ts';
import type { Clock } from './clock.ts';
import type { HandoffDesk } from './handoff-desk.ts';
import { HttpError } from './http-errors.ts';
import { KeyedRateLimiter } from './rate-limit.ts';
import { itemRoute, type ZodFastify } from './route-schemas.ts';
import { anyOf, declareSecurity, PUBLIC, type Security } from './route-security.ts';

declare module 'fastify' {
  interface FastifyRequest {
    agent?: AgentIdentity;
    /** The id and expiry of the token the agent signed in with (sign-out revokes it). */
    agentToken?: { id: string | null; expiresAtMs: number };
  }
}

/** Sign-in attempts per client address: 10 at once, then one every 6 seconds. */
const LOGIN_BURST = 10;
const LOGIN_PER_SECOND = 1 / 6;

/** An onRequest hook: the agent's Bearer token signs them in (401 with the check's code otherwise). */
function authenticateAgent(auth: AgentAuth) {
  return async (request: FastifyRequest): Promise<void> => {
    const check = await checkAgentToken(auth, bearerToken(request.headers.authorization));
    if (!check.ok) throw new HttpError(401, check.code, check.message);
    request.agent = check.agent;
    request.agentToken = { id: check.tokenId, expiresAtMs: check.expiresAtMs };
  };
}

/** A preValidation hook after the sign-in: agents who are not admins get `403 forbidden` and `message`, before their input is read. */
function requireAdmin(message: string) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.agent?.role !== 'admin') throw new HttpError(403, 'forbidden', message);
  };
}

export interface AgentGuard {
  /** The onRequest hook that signs the agent in (401 without a valid credential). */
  authenticate: onRequestAsyncHookHandler;
  /** The credentials it takes, for the OpenAPI document. */
  security: Security;
  /** Admin agents only: others get `403 forbidden` with this message, before their input is read. */
  admin?: string;
}

/** Puts every route added to `scope` from now on behind `guard`, and says so in the OpenAPI document. */
export function guardScope(scope: ZodFastify, guard: AgentGuard): void {
  scope.addHook('onRequest', guard.authenticate);
  if (guard.admin !== undefined) scope.addHook('preValidation', requireAdmin(guard.admin));
  declareSecurity(scope, guard.security, { admin: guard.admin !== undefined });
}

/** Every route added to `scope` from now on needs an agent's Bearer token, and with `admin` an admin agent (`admin` is the 403's message). */
export function agentOnly(scope: ZodFastify, auth: AgentAuth, options: { admin?: string } = {}): void {
  guardScope(scope, { authenticate: authenticateAgent(auth), security: anyOf('agentToken'), ...options });
}

/** auth.check(), with a sign-in state that cannot be read now (the database is away) answered 503. */
export async function checkAgentToken(auth: AgentAuth, token: string | undefined): ReturnType<AgentAuth['check']> {
  try {
    return await auth.check(token);
  } catch {
    throw new HttpError(503, 'temporarily_unavailable', 'the sign-in cannot be checked right now; try again in a moment');
  }
}

function signedIn(request: FastifyRequest): AgentIdentity {
  if (!request.agent) throw new HttpError(401, 'missing_credentials', 'sign in first');
  return request.agent;
}

export interface AgentRoutesOptions {
  auth: AgentAuth;
  desk: HandoffDesk;
  clock: Clock;
  audit: AuditSink;
}

export const agentRoutes: FastifyPluginAsyncZod<AgentRoutesOptions> = async (app, options) => {
  const { auth, desk, audit } = options;
  const attempts = new KeyedRateLimiter(LOGIN_PER_SECOND, LOGIN_BURST, options.clock);
  /** Records what a signed-in agent did to a queue item. */
  const audited = async (request: FastifyRequest, action: AuditAction, itemId: string): Promise<void> =>
    audit.record({ action, actor: signedIn(request).id, address: request.ip, target: { kind: 'queue_item', id: itemId } });

  // The attempt is counted before the body is checked: a malformed guess costs one too.
  const counted = async (request: FastifyRequest): Promise<void> => {
    if (!attempts.take(request.ip)) {
      throw new HttpError(429, 'too_many_attempts', 'too many sign-in attempts; wait a minute and try again');
    }
  };

  app.post('/api/agent/login', { schema: { body: loginBody, security: PUBLIC }, preValidation: counted }, async (request, reply) => {
    const { body } = request;
    const result = await auth.login(body.agentId, body.password, request.ip).catch((): never => {
      // issue 13: the lockout records are in the database, which cannot be read now.
      throw new HttpError(503, 'temporarily_unavailable', 'sign-in is not possible right now; try again in a moment');
    });
    if ('code' in result) {
      if (result.code === 'account_locked') {
        await audit.record({ action: 'sign_in_locked', actor: null, address: request.ip, target: { kind: 'agent', id: body.agentId } });
        reply.header('retry-after', String(Math.ceil(result.retryAfterMs / 1000)));
        throw new HttpError(429, result.code, result.message);
      }
      await audit.record({
        action: 'sign_in_failed',
        actor: null,
        address: request.ip,
        target: { kind: 'agent', id: body.agentId },
        detail: { lockedNow: result.locked },
      });
      throw new HttpError(401, result.code, result.message);
    }
    await audit.record({ action: 'sign_in', actor: result.agent.id, address: request.ip });
    return reply.send(result);
  });

  await app.register(async (scoped: ZodFastify) => {
    agentOnly(scoped, auth);
    const itemWithText = { ...itemRoute, schema: { ...itemRoute.schema, body: textBody } };

    scoped.get('/api/agent/me', async (request) => ({ agent: signedIn(request) }));

    // Sign-out: the token is revoked (401 token_revoked from now on, here and on the agent socket).
    scoped.post('/api/agent/logout', async (request) => {
      const agent = signedIn(request);
      const token = request.agentToken;
      if (token?.id) {
        await auth.revoke(token.id, token.expiresAtMs).catch(() => {
          throw new HttpError(503, 'temporarily_unavailable', 'the sign-out cannot be recorded right now; try again in a moment');
        });
      }
      await audit.record({ action: 'sign_out', actor: agent.id, address: request.ip });
      return { ok: true };
    });

    scoped.get('/api/agent/queue', async () => forAgents({ items: await desk.summaries() }));

    scoped.get('/api/agent/queue/:itemId', itemRoute, async (request) => forAgents(await desk.detail(request.params.itemId)));

    // The conversation as stored, phone numbers, e-mails and addresses included: recorded in the audit log.
    scoped.post('/api/agent/queue/:itemId/reveal', itemRoute, async (request) => {
      const { itemId } = request.params;
      const detail = await desk.detail(itemId);
      await audit.record({
        action: 'reveal',
        actor: signedIn(request).id,
        address: request.ip,
        target: { kind: 'queue_item', id: itemId },
        detail: { sessionId: detail.item.sessionId },
      });
      return detail;
    });

    // An export for records or an email: personal data masked.
    scoped.get('/api/agent/queue/:itemId/export', itemRoute, async (request) => {
      const { item, session, transcript } = await desk.detail(request.params.itemId);
      await audited(request, 'export', item.id);
      return maskDeep({
        itemId: item.id,
        sessionId: item.sessionId,
        reason: item.reason,
        locale: session?.locale ?? null,
        transcript,
        notes: item.notes,
      });
    });

    scoped.post('/api/agent/queue/:itemId/claim', itemRoute, async (request) => {
      const item = await desk.claim(signedIn(request), request.params.itemId);
      await audited(request, 'claim', item.id);
      return forAgents({ item });
    });

    scoped.post('/api/agent/queue/:itemId/messages', itemWithText, async (request) => {
      return forAgents({ item: await desk.message(signedIn(request), request.params.itemId, request.body.text) });
    });

    scoped.post('/api/agent/queue/:itemId/notes', itemWithText, async (request) => {
      const item = await desk.note(signedIn(request), request.params.itemId, request.body.text);
      await audited(request, 'note', item.id);
      return forAgents({ item });
    });

    scoped.post('/api/agent/queue/:itemId/resolve', itemRoute, async (request) => {
      const item = await desk.resolve(signedIn(request), request.params.itemId);
      await audited(request, 'resolve', item.id);
      return forAgents({ item });
    });

    scoped.post('/api/agent/queue/:itemId/hand-back', itemRoute, async (request) => {
      const item = await desk.handBack(signedIn(request), request.params.itemId);
      await audited(request, 'hand_back', item.id);
      return forAgents({ item });
    });

    scoped.post('/api/agent/queue/:itemId/release', itemRoute, async (request) => {
      const item = await desk.release(signedIn(request), request.params.itemId);
      await audited(request, 'release', item.id);
      return forAgents({ item });
    });
  });
};
