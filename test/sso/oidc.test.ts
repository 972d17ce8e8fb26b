// Agent single sign-on against a real OpenID Connect provider on a local port (oauth2-mock-server:
// discovery, authorization endpoint, token endpoint, signed ID tokens): the code flow with PKCE,
// state and nonce; the signed-in agent's token works; a tampered or replayed callback, an unknown
// account, an unverified address and an unreachable provider each end on the console with their
// error, audited; a password never signs in an SSO-only account.
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { login, startTestServer, type TestServer } from '../server/helpers.ts';

const REDIRECT = 'http://desk.example.test/api/agent/sso/callback';
let provider: OAuth2Server;
let claims: Record<string, unknown> = {};
let server: TestServer | undefined;

beforeAll(async () => {
  provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  provider.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => Object.assign(token.payload, claims));
});
afterAll(async () => {
  await provider?.stop();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  claims = {};
});

async function start(issuer = provider.issuer.url!): Promise<TestServer> {
  server = await startTestServer({
    config: {
      agents: [DEFAULT_AGENT, { id: 'minji', name: '김민지', role: 'agent', email: 'Minji.Kim@shop.example' }],
      sso: { issuer, clientId: 'daehwa-desk', clientSecret: 'desk-client-secret', redirectUrl: REDIRECT },
    },
  });
  return server;
}

const noFollow = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });

/** Starts a sign-in: the provider's authorization URL and the cookie our server set. */
async function begin(url: string): Promise<{ authorize: URL; cookie: string }> {
  const started = await noFollow(`${url}/api/agent/sso`);
  expect(started.status).toBe(302);
  const setCookie = started.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/^daehwa_sso=[^;]+; Path=\/api\/agent\/sso\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/);
  return { authorize: new URL(started.headers.get('location')!), cookie: setCookie.split(';')[0]! };
}

/** The provider's answer: the query it sends the browser back to the callback with. */
async function authorize(authorizeUrl: URL): Promise<string> {
  const answered = await noFollow(authorizeUrl.href);
  expect(answered.status).toBe(302);
  const back = new URL(answered.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
  return back.search;
}

/** Our callback's verdict, read from the console fragment it redirects to. */
async function callback(url: string, search: string, cookie: string | undefined): Promise<URLSearchParams> {
  const answered = await noFollow(`${url}/api/agent/sso/callback${search}`, cookie ? { cookie } : {});
  expect(answered.status).toBe(302);
  const location = answered.headers.get('location')!;
  expect(location.startsWith('/console#')).toBe(true);
  return new URLSearchParams(location.slice('/console#'.length));
}

describe('agent single sign-on (OpenID Connect)', () => {
  it('signs the agent the provider vouches for in, with PKCE, state and nonce; the token works', async () => {
    const { url, clock } = await start();
    expect(await (await fetch(`${url}/api/agent/sso/status`)).json()).toEqual({ enabled: true, label: '회사 계정으로 로그인 · Company sign-in' });
    const { authorize: at, cookie } = await begin(url);
    expect(at.searchParams.get('code_challenge_method')).toBe('S256');
    expect(at.searchParams.get('client_id')).toBe('daehwa-desk');
    expect(at.searchParams.get('redirect_uri')).toBe(REDIRECT);
    for (const key of ['state', 'nonce', 'code_challenge']) expect(at.searchParams.get(key)?.length).toBeGreaterThan(20);

    claims = { email: 'minji.kim@shop.example', email_verified: true };
    const verdict = await callback(url, await authorize(at), cookie);
    expect(verdict.get('sso_error')).toBeNull();
    const token = verdict.get('sso_token')!;
    const me = await fetch(`${url}/api/agent/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toEqual({ agent: { id: 'minji', name: '김민지', role: 'agent' } });
    expect(Date.parse(verdict.get('expires')!)).toBe(clock.nowMs() + 12 * 60 * 60_000);
    // The admin's audit log has the sign-in, marked as single sign-on.
    const admin = await login(url);
    const { events } = (await (await fetch(`${url}/api/admin/audit`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { events: { action: string; actor: string | null; detail?: unknown }[] };
    expect(events.filter((e) => e.actor === 'minji')).toEqual([expect.objectContaining({ action: 'sign_in', detail: { method: 'sso' } })]);
  });

  it('refuses a callback without its cookie, with another sign-in\'s cookie, or used twice', async () => {
    const { url } = await start();
    claims = { email: 'minji.kim@shop.example' };
    const first = await begin(url);
    const second = await begin(url);
    const search = await authorize(first.authorize);
    expect((await callback(url, search, undefined)).get('sso_error')).toBe('invalid_state');
    // The other sign-in's cookie carries another state and verifier.
    expect((await callback(url, search, second.cookie)).get('sso_error')).toBe('invalid_state');
    const tampered = first.cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await callback(url, search, tampered)).get('sso_error')).toBe('invalid_state');
    expect((await callback(url, search, first.cookie)).get('sso_token')).toBeTruthy();
    // The provider's code is spent: the same answer again is refused.
    expect((await callback(url, search, first.cookie)).get('sso_token')).toBeNull();
  });

  it('an address no account has, or one the provider has not verified, signs nobody in', async () => {
    const { url } = await start();
    claims = { email: 'stranger@elsewhere.example', email_verified: true };
    let attempt = await begin(url);
    expect((await callback(url, await authorize(attempt.authorize), attempt.cookie)).get('sso_error')).toBe('unknown_account');
    claims = { email: 'minji.kim@shop.example', email_verified: false };
    attempt = await begin(url);
    expect((await callback(url, await authorize(attempt.authorize), attempt.cookie)).get('sso_error')).toBe('missing_claim');
    const admin = await login(url);
    const { events } = (await (await fetch(`${url}/api/admin/audit`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { events: { action: string; detail?: unknown }[] };
    expect(events.filter((e) => e.action === 'sign_in_failed').map((e) => e.detail)).toEqual([
      { method: 'sso', code: 'unknown_account' },
      { method: 'sso', code: 'missing_claim' },
    ]);
  });

  it('an unreachable provider sends the agent back to the console with the reason', async () => {
    const { url } = await start('http://127.0.0.1:9/unreachable');
    const started = await noFollow(`${url}/api/agent/sso`);
    expect(started.status).toBe(302);
    expect(started.headers.get('location')).toBe('/console#sso_error=provider_unreachable');
  });

  it('an SSO-only account cannot sign in with any password, the demo one included', async () => {
    const { url } = await start();
    for (const password of ['', 'daehwa-demo', 'anything']) {
      const response = await fetch(`${url}/api/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agentId: 'minji', password: password || 'x' }) });
      expect(response.status).toBe(401);
    }
  });

  it('without sso configured there is no button and no route', async () => {
    server = await startTestServer();
    expect(await (await fetch(`${server.url}/api/agent/sso/status`)).json()).toEqual({ enabled: false });
    expect((await noFollow(`${server.url}/api/agent/sso`)).status).toBe(404);
  });
});
