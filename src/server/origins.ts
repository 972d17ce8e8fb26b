// Which web pages may open the shopper websocket: the Origin header a browser sends is checked
// against `server.allowedOrigins` before the upgrade; a refused origin gets HTTP 403 with the
// reason. A request without Origin is not from a browser page (browsers always send it on a
// websocket) and is let through: the check stops other sites' pages, not other programs.
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface OriginPolicy {
  /** Configured origins; null: the server's own origin (plus localhost outside production). */
  allowed: readonly string[] | null;
  production: boolean;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function originAllowed(origin: string, host: string | undefined, policy: OriginPolicy): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (policy.allowed) return policy.allowed.some((allowed) => new URL(allowed).origin === url.origin);
  if (host !== undefined && url.host === host && (url.protocol === 'http:' || url.protocol === 'https:')) return true;
  return !policy.production && url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
}

/** A preValidation hook for the websocket route: 403 before the upgrade when the Origin is not allowed. */
export function checkOrigin(policy: OriginPolicy) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = request.headers.origin;
    if (origin === undefined || originAllowed(origin, request.headers.host, policy)) return;
    await reply.code(403).send({
      error: 'origin_not_allowed',
      message: `origin ${origin} may not open the shopper websocket; add it to server.allowedOrigins`,
    });
  };
}
