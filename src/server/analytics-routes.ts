// Analytics over HTTP for admin agents (issue 12): the report, the conversations behind a
// number with their masked transcripts, the CSV export, the trainers' inbox, and the /dashboard
// page with Chart.js served from the engine's own node_modules. Thin: src/analytics/ does the work.
//
// The page is for signed-in admins too, not only its data. A browser navigating to /dashboard
// carries no Authorization header, so the console's sign-in hands the dashboard a cookie: the
// console (?next=/dashboard) posts its token to /api/admin/analytics/session, which answers with
// an HttpOnly, SameSite=Strict cookie holding it. /dashboard without a valid one redirects to the
// console's sign-in; with an agent's who is not an admin it answers 403. The data API takes the
// same cookie or a Bearer token (cron jobs, other dashboards).
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { drillQueryFields, drillSchema } from '../analytics/drill.ts';
import { VocRulesError } from '../analytics/voc.ts';
import { AnalyticsService, conversationsCsv, rangeQuerySchema, type RangeQuery } from '../analytics/service.ts';
import { maskDeep } from '../privacy/mask.ts';
import type { Store } from '../store/types.ts';
import type { AuditSink } from '../audit/audit-log.ts';
import { type AgentAuth, bearerToken } from './agent-auth.ts';
import type { Clock } from './clock.ts';
import { guardScope } from './agent-routes.ts';
import { HttpError } from './http-errors.ts';
import type { ZodFastify } from './route-schemas.ts';
import { anyOf } from './route-security.ts';

export interface AnalyticsRoutesOptions {
  auth: AgentAuth;
  /** The server's clock: the cookie lives as long as the token. */
  clock: Clock;
  /** The dashboard's sign-out is recorded like the console's. */
  audit: AuditSink;
  store: Store;
  service: AnalyticsService;
  /** The trainers' inbox, when the corpus directory is known (src/analytics/inbox.ts). */
  inbox?: (query: RangeQuery) => Promise<unknown>;
}

/** Chart.js's browser build, found beside its package.json (its exports map does not list the file). */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
/** Rows one drill-down answers at most; the CSV has them all. */
const PAGE_ROWS = 200;
/** The dashboard's sign-in cookie: the agent token, HttpOnly, sent to this origin only. */
export const DASHBOARD_COOKIE = 'daehwa_dashboard';
/** Where /dashboard sends a browser that is not signed in: the console's sign-in, which brings it back. */
export const DASHBOARD_SIGN_IN = `/console?next=${encodeURIComponent('/dashboard')}`;

const FORBIDDEN_PAGE = `<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>daehwa 대시보드 · dashboard</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; margin: 2rem"><h1>대시보드는 관리자만 볼 수 있어요</h1><p>Only admins can open the dashboard.</p><p><a href="/console">상담원 콘솔 · Agent console</a></p></body></html>`;

function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === DASHBOARD_COOKIE) return decodeURIComponent(part.slice(at + 1).trim()) || undefined;
  }
  return undefined;
}

function dashboardCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${DASHBOARD_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure}`;
}

/** A Bearer token when one is sent, else the dashboard's cookie. */
function authenticate(auth: AgentAuth) {
  return async (request: FastifyRequest): Promise<void> => {
    const check = auth.verify(bearerToken(request.headers.authorization) ?? cookieToken(request.headers.cookie));
    if (!check.ok) throw new HttpError(401, check.code, check.message);
    request.agent = check.agent;
    request.agentToken = { id: check.tokenId, expiresAtMs: check.expiresAtMs };
  };
}

/** A day range (`from`, `to`, optional `locale` and `channel`): a bad one is `400 invalid_query`. */
const rangeRoute = { schema: { querystring: rangeQuerySchema } };
/** A day range and an optional drill-down (`by`, `value`, `step`, `end`), given to the handler apart. */
const drillRoute = {
  schema: {
    querystring: rangeQuerySchema.and(drillQueryFields).transform((query, ctx) => {
      const { by, value, step, end, ...range } = query;
      if (by === undefined) return { range, drill: null };
      const drill = drillSchema.safeParse({ by, value, step, end });
      if (drill.success) return { range, drill: drill.data };
      for (const issue of drill.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      return z.NEVER;
    }),
  },
};
/** The transcript's session id; its refusal kept the code the query's have. */
const transcriptRoute = {
  schema: { params: z.object({ sessionId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected 1 to 128 letters, digits, _ or -') }) },
  config: { invalidParams: 'invalid_query' },
};

async function withVocProblems<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof VocRulesError) throw new HttpError(422, 'invalid_voc_themes', err.message);
    throw err;
  }
}

export const analyticsRoutes: FastifyPluginAsyncZod<AnalyticsRoutesOptions> = async (app, options) => {
  const { service, store, auth, clock } = options;
  app.get('/dashboard', async (request, reply) => {
    const check = auth.verify(cookieToken(request.headers.cookie));
    if (!check.ok) return reply.header('cache-control', 'no-store').redirect(DASHBOARD_SIGN_IN, 303);
    if (check.agent.role !== 'admin') return reply.code(403).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(FORBIDDEN_PAGE);
    return reply.header('cache-control', 'no-store').sendFile('dashboard.html', { cacheControl: false });
  });
  // The page's file is not served as it is (the static files would): only through /dashboard.
  app.get('/dashboard.html', (_request, reply) => reply.redirect('/dashboard', 301));
  app.get('/vendor/chart.umd.js', async (_request, reply) => {
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400');
    return readFile(CHART_JS, 'utf8');
  });

  await app.register(async (scoped: ZodFastify) => {
    guardScope(scoped, { authenticate: authenticate(auth), security: anyOf('agentToken', 'agentCookie'), admin: 'analytics need an admin agent' });

    // The console's sign-in, continuing to /dashboard, trades its token for the page's cookie.
    // Only the Bearer token: the cookie is what it answers.
    scoped.post('/api/admin/analytics/session', { schema: { security: anyOf('agentToken') } }, async (request, reply) => {
      const token = bearerToken(request.headers.authorization);
      if (!token) throw new HttpError(401, 'missing_credentials', 'send the agent token as "Authorization: Bearer <token>"');
      const expiresAtMs = request.agentToken?.expiresAtMs ?? clock.nowMs();
      reply.header('set-cookie', dashboardCookie(request, token, (expiresAtMs - clock.nowMs()) / 1000)).header('cache-control', 'no-store');
      return reply.code(204).send();
    });
    // The dashboard's sign-out: the token is revoked, as the console's sign-out does, and the cookie cleared.
    scoped.delete('/api/admin/analytics/session', async (request, reply) => {
      const token = request.agentToken;
      if (token?.id) auth.revoke(token.id, token.expiresAtMs);
      if (request.agent) await options.audit.record({ action: 'sign_out', actor: request.agent.id, address: request.ip });
      reply.header('set-cookie', dashboardCookie(request, '', 0)).header('cache-control', 'no-store');
      return reply.code(204).send();
    });

    scoped.get('/api/admin/analytics/report', rangeRoute, async (request) => withVocProblems(() => service.report(request.query)));

    scoped.get('/api/admin/analytics/conversations', drillRoute, async (request) => {
      const { range, drill } = request.query;
      const rows = await withVocProblems(() => service.conversations(range, drill));
      return { total: rows.length, rows: rows.slice(0, PAGE_ROWS) };
    });

    scoped.get('/api/admin/analytics/conversations.csv', drillRoute, async (request, reply) => {
      const { range, drill } = request.query;
      const rows = await withVocProblems(() => service.conversations(range, drill));
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="daehwa-conversations-${range.from}-${range.to}.csv"`);
      return conversationsCsv(rows);
    });

    scoped.get('/api/admin/analytics/transcript/:sessionId', transcriptRoute, async (request) => {
      const { sessionId } = request.params;
      const [session, transcript] = await Promise.all([store.getSession(sessionId), store.getTranscript(sessionId)]);
      if (!session) throw new HttpError(404, 'not_found', `there is no conversation ${sessionId}`);
      return maskDeep({
        sessionId,
        locale: session.locale,
        createdAt: session.createdAt,
        transcript: transcript.filter((entry) => !entry.internal).map(({ seq, at, from, text, intent, score }) => ({ seq, at, from, text, ...(intent ? { intent } : {}), ...(score !== undefined ? { score } : {}) })),
      });
    });

    scoped.get('/api/admin/analytics/inbox', rangeRoute, async (request) => {
      if (!options.inbox) throw new HttpError(501, 'not_configured', 'the trainers’ inbox needs the corpus directory');
      return options.inbox(request.query);
    });
  });
};
