// Agent sign-in: scrypt-hashed passwords from config, then short-lived HMAC-signed tokens that
// the REST endpoints (Authorization: Bearer) and the agent websocket (first frame) accept.
// privacy (issue 18): wrong passwords lock an account for the failing address only
// (sign-in-guard.ts), and sign-out revokes the token (every later use answers token_revoked).
// Both are kept by an AuthState (src/store/auth-state.ts): in memory for one process, in
// PostgreSQL for several (issue 13), so that a sign-out on one process ends the sign-in on all.
import type { AgentAccount } from '../config/schema.ts';
import { DEFAULT_AGENT } from '../config/schema.ts';
import { verifyPassword } from '../config/passwords.ts';
import { type AuthState, createMemoryAuthState } from '../store/auth-state.ts';
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

export type VerifyResult = VerifiedAgent | ({ ok: false } & AuthFailure);

export class AgentAuth {
  readonly #accounts: Map<string, AgentAccount>;
  readonly #guard: SignInGuard;
  readonly #state: AuthState;
  /** Revocations this process has heard of (token id -> its expiry), for verify(); check() asks the state. */
  readonly #revoked = new Map<string, number>();

  constructor(
    accounts: AgentAccount[],
    private readonly secret: string,
    private readonly ttlMs: number,
    private readonly clock: Clock,
    /** Where revocations and wrong passwords are kept; this process's memory by default. */
    state: AuthState = createMemoryAuthState({ nowMs: () => clock.nowMs() }),
  ) {
    this.#accounts = new Map(accounts.map((account) => [account.id, account]));
    this.#state = state;
    this.#guard = new SignInGuard(clock, state.signIns);
    state.revocations.onRevoked((tokenId) => this.#heard(tokenId));
  }

  /** `address`: the client's, for the per-account lockout (the same account elsewhere is not affected). */
  async login(agentId: string, password: string, address = ''): Promise<LoginResult> {
    const account = this.#accounts.get(agentId);
    const lock = account ? await this.#guard.check(account.id, address) : { locked: false as const };
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
      const locked = account ? (await this.#guard.failed(account.id, address)).lockedNow : false;
      return { code: 'invalid_credentials', message: 'unknown agent id or wrong password', locked };
    }
    await this.#guard.succeeded(account.id, address);
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

  /**
   * The token's signature, expiry and account, and the revocations this process has heard of:
   * no I/O. A token signed out on another process a moment ago may still pass here; check() is
   * the answer to act on.
   */
  verify(token: string | undefined): VerifyResult {
    if (!token) return { ok: false, code: 'missing_credentials', message: 'sign in first: send "Authorization: Bearer <token>"' };
    const check = verifyAgentToken(this.secret, token, this.clock.nowMs());
    if (!check.ok) {
      return check.reason === 'expired'
        ? { ok: false, code: 'token_expired', message: 'the sign-in has expired; sign in again' }
        : { ok: false, code: 'invalid_token', message: 'the agent token is not valid' };
    }
    const { jti } = check.claims;
    if (jti !== undefined && this.#revoked.has(jti)) return REVOKED;
    const account = this.#accounts.get(check.claims.agentId);
    // An agent removed from config loses access even with an unexpired token.
    if (!account) return { ok: false, code: 'invalid_token', message: 'the agent account no longer exists' };
    return { ok: true, agent: identity(account), tokenId: jti ?? null, expiresAtMs: check.claims.exp };
  }

  /**
   * verify(), then whether the token was signed out on any process (with PostgreSQL, one indexed
   * read): what the REST routes and the agent socket accept. Rejects when the state cannot be read.
   */
  async check(token: string | undefined): Promise<VerifyResult> {
    const verified = this.verify(token);
    if (!verified.ok || verified.tokenId === null) return verified;
    if (await this.#state.revocations.isRevoked(verified.tokenId)) {
      this.#heard(verified.tokenId, verified.expiresAtMs);
      return REVOKED;
    }
    return verified;
  }

  /** Sign-out: the token is refused from now on on every process, and sockets signed in with it are told (onRevoked). */
  async revoke(tokenId: string, expiresAtMs: number): Promise<void> {
    this.#heard(tokenId, expiresAtMs);
    await this.#state.revocations.revoke(tokenId, expiresAtMs);
  }

  /** Calls `listener` with each token id revoked from now on, here or on another process; returns the unsubscribe function. */
  onRevoked(listener: (tokenId: string) => void): () => void {
    return this.#state.revocations.onRevoked(listener);
  }

  #heard(tokenId: string, expiresAtMs = this.clock.nowMs() + this.ttlMs): void {
    const now = this.clock.nowMs();
    for (const [id, exp] of this.#revoked) if (exp <= now) this.#revoked.delete(id);
    this.#revoked.set(tokenId, Math.max(expiresAtMs, this.#revoked.get(tokenId) ?? 0));
  }
}

const REVOKED = { ok: false, code: 'token_revoked', message: 'this sign-in was ended (signed out); sign in again' } as const satisfies { ok: false } & AuthFailure;

function identity(account: AgentAccount): AgentIdentity {
  return { id: account.id, name: account.name, role: account.role };
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
