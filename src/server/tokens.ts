// Shopper session tokens (random, only their sha256 stored), signed agent sign-in tokens, and the
// customer tokens a shop's site signs to say which of its customers a shopper is.
import { createHash, createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * Random bytes for session tokens and ids, drawn from the CSPRNG a pool at a time (as Node's own
 * randomUUID does): every new visit takes two draws, and one `randomBytes` call costs more than
 * the rest of opening the session. A byte is handed out once; the pool is refilled when spent.
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomPart(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const part = pool.toString('base64url', poolOffset, poolOffset + bytes);
  // Spent bytes are overwritten at once: the pool never holds a token already given out.
  pool.fill(0, poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return part;
}

/** 32 random bytes: the shopper's proof that a session is theirs. */
export function newSessionToken(): string {
  return randomPart(32);
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newId(prefix: string): string {
  return `${prefix}_${randomPart(12)}`;
}

export interface AgentClaims {
  agentId: string;
  /** Expiry, ms since the epoch. */
  exp: number;
  /** The token's own id, which sign-out revokes (privacy, issue 18); absent in tokens issued before. */
  jti?: string;
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function issueAgentToken(secret: string, claims: AgentClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

export type AgentTokenCheck = { ok: true; claims: AgentClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyAgentToken(secret: string, token: string, nowMs: number): AgentTokenCheck {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  if (!sameSignature(sign(secret, body), signature)) return { ok: false, reason: 'bad_signature' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { agentId, exp, jti } = (claims ?? {}) as Partial<AgentClaims>;
  if (typeof agentId !== 'string' || typeof exp !== 'number' || (jti !== undefined && typeof jti !== 'string')) return { ok: false, reason: 'malformed' };
  if (exp <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims: jti === undefined ? { agentId, exp } : { agentId, exp, jti } };
}

/**
 * `<customerId>.<expiry>.<signature>`: expiry in Unix seconds, signature the lowercase hex
 * HMAC-SHA256 of `<customerId>.<expiry>` under the shared secret. Plain text and hex so that any
 * shop back end can make one with its standard library (docs/server.md).
 */
export function signCustomerToken(secret: string, customerId: string, expiresAtSeconds: number): string {
  const body = `${customerId}.${expiresAtSeconds}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export type CustomerTokenCheck = { ok: true; customerId: string } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const CUSTOMER_TOKEN = /^(.{1,100})\.(\d{1,12})\.([0-9a-f]{64})$/;

export function verifyCustomerToken(secret: string, token: string, nowMs: number): CustomerTokenCheck {
  // Split from the right: the shop's customer ids may contain dots themselves.
  const match = CUSTOMER_TOKEN.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, customerId, expiry, signature] = match as unknown as [string, string, string, string];
  const expected = createHmac('sha256', secret).update(`${customerId}.${expiry}`).digest('hex');
  if (!sameSignature(expected, signature)) return { ok: false, reason: 'bad_signature' };
  if (Number(expiry) * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, customerId };
}
