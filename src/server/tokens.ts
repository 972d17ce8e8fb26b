// Shopper session tokens (random, only their sha256 stored) and signed agent sign-in tokens.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes: the shopper's proof that a session is theirs. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export interface AgentClaims {
  agentId: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

export function issueAgentToken(secret: string, claims: AgentClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

export type AgentTokenCheck = { ok: true; claims: AgentClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyAgentToken(secret: string, token: string, nowMs: number): AgentTokenCheck {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { agentId, exp } = (claims ?? {}) as Partial<AgentClaims>;
  if (typeof agentId !== 'string' || typeof exp !== 'number') return { ok: false, reason: 'malformed' };
  if (exp <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { agentId, exp } };
}
