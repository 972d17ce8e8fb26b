// Agent sign-in: scrypt-hashed passwords from config, then short-lived HMAC-signed tokens that
// the REST endpoints (Authorization: Bearer) and the agent websocket (first frame) accept.
import type { AgentAccount } from '../config/schema.ts';
import { DEFAULT_AGENT } from '../config/schema.ts';
import { verifyPassword } from '../config/passwords.ts';
import type { AgentIdentity } from './agent-protocol.ts';
import type { Clock } from './clock.ts';
import { issueAgentToken, verifyAgentToken } from './tokens.ts';

export type AuthFailure = { code: 'missing_credentials' | 'invalid_token' | 'token_expired' | 'invalid_credentials'; message: string };

export class AgentAuth {
  readonly #accounts: Map<string, AgentAccount>;

  constructor(
    accounts: AgentAccount[],
    private readonly secret: string,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {
    this.#accounts = new Map(accounts.map((account) => [account.id, account]));
  }

  async login(agentId: string, password: string): Promise<{ token: string; agent: AgentIdentity; expiresAt: string } | AuthFailure> {
    const account = this.#accounts.get(agentId);
    // Unknown ids pay for a hash too, so response time does not tell which ids exist.
    const valid = await verifyPassword(password, account?.passwordHash ?? DEFAULT_AGENT.passwordHash);
    if (!account || !valid) return { code: 'invalid_credentials', message: 'unknown agent id or wrong password' };
    const exp = this.clock.nowMs() + this.ttlMs;
    return {
      token: issueAgentToken(this.secret, { agentId: account.id, exp }),
      agent: identity(account),
      expiresAt: new Date(exp).toISOString(),
    };
  }

  verify(token: string | undefined): { ok: true; agent: AgentIdentity } | ({ ok: false } & AuthFailure) {
    if (!token) return { ok: false, code: 'missing_credentials', message: 'sign in first: send "Authorization: Bearer <token>"' };
    const check = verifyAgentToken(this.secret, token, this.clock.nowMs());
    if (!check.ok) {
      return check.reason === 'expired'
        ? { ok: false, code: 'token_expired', message: 'the sign-in has expired; sign in again' }
        : { ok: false, code: 'invalid_token', message: 'the agent token is not valid' };
    }
    const account = this.#accounts.get(check.claims.agentId);
    // An agent removed from config loses access even with an unexpired token.
    if (!account) return { ok: false, code: 'invalid_token', message: 'the agent account no longer exists' };
    return { ok: true, agent: identity(account) };
  }
}

function identity(account: AgentAccount): AgentIdentity {
  return { id: account.id, name: account.name, role: account.role };
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
