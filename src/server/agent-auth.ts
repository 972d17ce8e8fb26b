// Agent sign-in: scrypt-hashed passwords from config, then short-lived HMAC-signed tokens that
// the REST endpoints (Authorization: Bearer) and the agent websocket (first frame) accept.
// privacy (issue 18): wrong passwords lock an account for the failing address only
// (sign-in-guard.ts), and sign-out revokes the token (every later use answers invalid_token).
import type { AgentAccount } from '../config/schema.ts';
import { DEFAULT_AGENT } from '../config/schema.ts';
import { verifyPassword } from '../config/passwords.ts';
import type { AgentIdentity } from './agent-protocol.ts';
import type { Clock } from './clock.ts';
import { SignInGuard } from './sign-in-guard.ts';
import { issueAgentToken, newId, verifyAgentToken } from './tokens.ts';

export type AuthFailure = {
  code: 'missing_credentials' | 'invalid_token' | 'token_expired' | 'invalid_credentials' | 'token_revoked' | 'account_locked';
  message: string;
};

export type LoginResult =
  | { token: string; agent: AgentIdentity; expiresAt: string }
  | (AuthFailure & { code: 'invalid_credentials'; locked: boolean })
  | (AuthFailure & { code: 'account_locked'; retryAfterMs: number });

export interface VerifiedAgent {
  ok: true;
  agent: AgentIdentity;
  /** The token's id (revoked by sign-out) and expiry, ms since the epoch. */
  tokenId: string | null;
  expiresAtMs: number;
}

export class AgentAuth {
  readonly #accounts: Map<string, AgentAccount>;
  readonly #guard: SignInGuard;
  /** Revoked token id -> its expiry: kept until the token would have expired anyway. */
  readonly #revoked = new Map<string, number>();
  readonly #onRevoked = new Set<(tokenId: string) => void>();

  constructor(
    accounts: AgentAccount[],
    private readonly secret: string,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {
    this.#accounts = new Map(accounts.map((account) => [account.id, account]));
    this.#guard = new SignInGuard(clock);
  }

  /** `address`: the client's, for the per-account lockout (the same account elsewhere is not affected). */
  async login(agentId: string, password: string, address = ''): Promise<LoginResult> {
    const account = this.#accounts.get(agentId);
    const lock = account ? this.#guard.check(account.id, address) : { locked: false as const };
    if (lock.locked) {
      const minutes = Math.ceil(lock.retryAfterMs / 60_000);
      return {
        code: 'account_locked',
        message: `too many wrong passwords for this account from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        retryAfterMs: lock.retryAfterMs,
      };
    }
    // Unknown ids (and accounts that sign in only through SSO) pay for a hash too, so response
    // time does not tell which ids exist; their answer is wrong whatever the password.
    const hash = account?.passwordHash;
    const matches = await verifyPassword(password, hash ?? DEFAULT_AGENT.passwordHash);
    const valid = hash !== undefined && matches;
    if (!account || !valid) {
      const locked = account ? this.#guard.failed(account.id, address).lockedNow : false;
      return { code: 'invalid_credentials', message: 'unknown agent id or wrong password', locked };
    }
    this.#guard.succeeded(account.id, address);
    return this.#signIn(account);
  }

  /**
   * Single sign-on (src/sso/): the identity provider vouched for `value` of `claim`; the account
   * it names (`email` by the account's email, any other claim by its id) is signed in. Null: no
   * account has it.
   */
  signInVouched(claim: string, value: string): { token: string; agent: AgentIdentity; expiresAt: string } | null {
    const wanted = value.trim().toLowerCase();
    const account =
      claim === 'email'
        ? [...this.#accounts.values()].find((candidate) => candidate.email?.toLowerCase() === wanted)
        : this.#accounts.get(value);
    return account ? this.#signIn(account) : null;
  }

  #signIn(account: AgentAccount): { token: string; agent: AgentIdentity; expiresAt: string } {
    const exp = this.clock.nowMs() + this.ttlMs;
    return {
      token: issueAgentToken(this.secret, { agentId: account.id, exp, jti: newId('t') }),
      agent: identity(account),
      expiresAt: new Date(exp).toISOString(),
    };
  }

  verify(token: string | undefined): VerifiedAgent | ({ ok: false } & AuthFailure) {
    if (!token) return { ok: false, code: 'missing_credentials', message: 'sign in first: send "Authorization: Bearer <token>"' };
    const check = verifyAgentToken(this.secret, token, this.clock.nowMs());
    if (!check.ok) {
      return check.reason === 'expired'
        ? { ok: false, code: 'token_expired', message: 'the sign-in has expired; sign in again' }
        : { ok: false, code: 'invalid_token', message: 'the agent token is not valid' };
    }
    const { jti } = check.claims;
    if (jti !== undefined && this.#revoked.has(jti)) {
      return { ok: false, code: 'token_revoked', message: 'this sign-in was ended (signed out); sign in again' };
    }
    const account = this.#accounts.get(check.claims.agentId);
    // An agent removed from config loses access even with an unexpired token.
    if (!account) return { ok: false, code: 'invalid_token', message: 'the agent account no longer exists' };
    return { ok: true, agent: identity(account), tokenId: jti ?? null, expiresAtMs: check.claims.exp };
  }

  /** Sign-out: the token is refused from now on, and sockets signed in with it are told (onRevoked). */
  revoke(tokenId: string, expiresAtMs: number): void {
    const now = this.clock.nowMs();
    for (const [id, exp] of this.#revoked) if (exp <= now) this.#revoked.delete(id);
    this.#revoked.set(tokenId, expiresAtMs);
    for (const listener of this.#onRevoked) listener(tokenId);
  }

  /** Calls `listener` with each token id revoked from now on; returns the unsubscribe function. */
  onRevoked(listener: (tokenId: string) => void): () => void {
    this.#onRevoked.add(listener);
    return () => this.#onRevoked.delete(listener);
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
