// Agent single sign-on through an OpenID Connect identity provider, as a relying party built on
// openid-client: the authorization code flow with PKCE, state and nonce. What a sign-in in
// progress must remember (state, nonce, code verifier) travels in a short-lived cookie signed with
// the server's secret, so the callback may reach any server process. The provider's metadata is
// discovered at the first sign-in and kept; a failed discovery is tried again next time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import { z } from 'zod';
import type { SsoConfig } from '../config/schema.ts';

/** The cookie that carries a sign-in in progress from /api/agent/sso to the callback. */
export const SSO_COOKIE = 'daehwa_sso';
/** A sign-in left longer than this at the provider has to start again. */
export const SSO_COOKIE_MAX_AGE_S = 10 * 60;

export type SsoFailureCode = 'invalid_state' | 'provider_error' | 'provider_unreachable' | 'missing_claim' | 'unknown_account';

export type SsoFailure = { ok: false; code: SsoFailureCode; message: string };

const pendingSchema = z.strictObject({ state: z.string().min(1), nonce: z.string().min(1), verifier: z.string().min(1), exp: z.number() });
type Pending = z.infer<typeof pendingSchema>;

export interface OidcOptions {
  config: SsoConfig;
  /** Signs the sign-in cookie (the server's `secret`). */
  secret: string;
  nowMs: () => number;
  /** Plain-http providers (a test's, a developer's): never in production (config load refuses it there). */
  allowHttp: boolean;
}

export class OidcSignIn {
  #discovered: Promise<client.Configuration> | null = null;

  constructor(private readonly options: OidcOptions) {}

  /** Where to send the agent, and the cookie value to set for the callback. */
  async start(): Promise<{ ok: true; url: string; cookie: string } | SsoFailure> {
    const provider = await this.#provider();
    if (!provider.ok) return provider;
    const pending: Pending = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      exp: this.options.nowMs() + SSO_COOKIE_MAX_AGE_S * 1000,
    };
    const url = client.buildAuthorizationUrl(provider.configuration, {
      redirect_uri: this.options.config.redirectUrl,
      scope: this.options.config.scope,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return { ok: true, url: url.href, cookie: this.#seal(pending) };
  }

  /**
   * The provider sent the agent back to `callbackUrl` (as requested, query included) with the
   * cookie set by `start`: the vouched claim's value, or why not.
   */
  async finish(callbackUrl: URL, cookie: string | undefined): Promise<{ ok: true; claim: string; value: string } | SsoFailure> {
    const pending = this.#open(cookie);
    if (!pending) return { ok: false, code: 'invalid_state', message: 'the sign-in expired or was started in another browser; start it again' };
    const provider = await this.#provider();
    if (!provider.ok) return provider;
    // The provider's own error (the agent declined, no access): its words, not ours.
    const error = callbackUrl.searchParams.get('error');
    if (error) {
      return { ok: false, code: 'provider_error', message: `the identity provider refused the sign-in: ${callbackUrl.searchParams.get('error_description') ?? error}` };
    }
    // The callback arrives on this server's address; the provider checks the registered one.
    const registered = new URL(this.options.config.redirectUrl);
    registered.search = callbackUrl.search;
    let claims: client.IDToken | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(provider.configuration, registered, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (err) {
      const code = err instanceof client.ResponseBodyError || err instanceof client.AuthorizationResponseError ? 'provider_error' : 'invalid_state';
      return { ok: false, code, message: `the sign-in could not be completed: ${(err as Error).message}` };
    }
    const { claim } = this.options.config;
    const value = claims?.[claim];
    if (typeof value !== 'string' || value.length === 0) {
      return { ok: false, code: 'missing_claim', message: `the identity provider's ID token has no "${claim}" claim; add it to the scope or pick another claim (sso.claim)` };
    }
    if (claim === 'email' && claims?.['email_verified'] === false) {
      return { ok: false, code: 'missing_claim', message: 'the identity provider says this e-mail address is not verified' };
    }
    return { ok: true, claim, value };
  }

  async #provider(): Promise<{ ok: true; configuration: client.Configuration } | SsoFailure> {
    const { config, allowHttp } = this.options;
    this.#discovered ??= client.discovery(new URL(config.issuer), config.clientId, config.clientSecret, undefined, allowHttp ? { execute: [client.allowInsecureRequests] } : {});
    try {
      return { ok: true, configuration: await this.#discovered };
    } catch (err) {
      this.#discovered = null;
      return { ok: false, code: 'provider_unreachable', message: `the identity provider at ${config.issuer} could not be reached: ${(err as Error).message}` };
    }
  }

  #seal(pending: Pending): string {
    const body = Buffer.from(JSON.stringify(pending)).toString('base64url');
    return `${body}.${this.#mac(body)}`;
  }

  #open(cookie: string | undefined): Pending | null {
    const [body, mac, extra] = (cookie ?? '').split('.');
    if (!body || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.#mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const pending = pendingSchema.safeParse(parsed);
    return pending.success && pending.data.exp > this.options.nowMs() ? pending.data : null;
  }

  #mac(body: string): string {
    return createHmac('sha256', `sso:${this.options.secret}`).update(body).digest('base64url');
  }
}
