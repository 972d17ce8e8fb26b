// The single sign-on routes (docs/server.md#single-sign-on):
//   GET /api/agent/sso/status    whether the console offers the button, and its label
//   GET /api/agent/sso           sends the agent to the identity provider
//   GET /api/agent/sso/callback  the provider sends them back: signed in, or told why not
// Both ends of a sign-in land on the console (/console#sso_token=… or #sso_error=…): the token
// travels in the URL fragment, which browsers never send to a server or put in a Referer.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AuditSink } from '../audit/audit-log.ts';
import type { SsoConfig } from '../config/schema.ts';
import type { AgentAuth } from '../server/agent-auth.ts';
import { PUBLIC } from '../server/route-security.ts';
import { OidcSignIn, SSO_COOKIE, SSO_COOKIE_MAX_AGE_S } from './oidc.ts';

export interface SsoRouteOptions {
  config: SsoConfig | undefined;
  auth: AgentAuth;
  audit: AuditSink;
  secret: string;
  nowMs: () => number;
  production: boolean;
}

const CALLBACK_PATH = '/api/agent/sso/callback';

// No schemas: the callback's query (code, state, error) is the identity provider's, read by openid-client from the URL.
export const ssoRoutes: FastifyPluginAsyncZod<SsoRouteOptions> = async (app, options) => {
  const { config, auth, audit } = options;
  const open = { schema: { security: PUBLIC } };
  app.get('/api/agent/sso/status', open, async () => (config ? { enabled: true, label: config.label } : { enabled: false }));
  if (!config) return;
  const oidc = new OidcSignIn({ config, secret: options.secret, nowMs: options.nowMs, allowHttp: !options.production });
  // Secure whenever the callback is https (always in production: config load refuses http there).
  const secure = new URL(config.redirectUrl).protocol === 'https:';
  const cookie = (value: string, maxAge: number): string =>
    `${SSO_COOKIE}=${value}; Path=${CALLBACK_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  const toConsole = (fragment: Record<string, string>): string => `/console#${new URLSearchParams(fragment).toString()}`;

  app.get('/api/agent/sso', open, async (request, reply) => {
    const started = await oidc.start();
    if (!started.ok) {
      request.log.warn({ code: started.code }, started.message);
      return reply.redirect(toConsole({ sso_error: started.code }));
    }
    // SameSite=Lax: the cookie comes back on the provider's top-level redirect to the callback.
    reply.header('set-cookie', cookie(started.cookie, SSO_COOKIE_MAX_AGE_S));
    return reply.redirect(started.url);
  });

  app.get(CALLBACK_PATH, open, async (request, reply) => {
    const url = new URL(request.url, 'http://callback.invalid');
    const result = await oidc.finish(url, cookieValue(request.headers.cookie, SSO_COOKIE));
    reply.header('set-cookie', cookie('', 0)); // one use
    if (!result.ok) {
      await audit.record({ action: 'sign_in_failed', actor: null, address: request.ip, detail: { method: 'sso', code: result.code } });
      request.log.warn({ code: result.code }, result.message);
      return reply.redirect(toConsole({ sso_error: result.code }));
    }
    const signedIn = auth.signInVouched(result.claim, result.value);
    if (!signedIn) {
      await audit.record({ action: 'sign_in_failed', actor: null, address: request.ip, detail: { method: 'sso', code: 'unknown_account' } });
      return reply.redirect(toConsole({ sso_error: 'unknown_account' }));
    }
    await audit.record({ action: 'sign_in', actor: signedIn.agent.id, address: request.ip, detail: { method: 'sso' } });
    return reply.redirect(toConsole({ sso_token: signedIn.token, expires: signedIn.expiresAt }));
  });
};

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
