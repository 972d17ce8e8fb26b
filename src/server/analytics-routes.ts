// Analytics over HTTP for admin agents (issue 12): the report, the conversations behind a
// number with their masked transcripts, the CSV export, the trainers' inbox, and the /dashboard
// page with Chart.js served from the engine's own node_modules. Thin: src/analytics/ does the work.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { drillSchema, type Drill } from '../analytics/drill.ts';
import { VocRulesError } from '../analytics/voc.ts';
import { AnalyticsService, conversationsCsv, rangeQuerySchema, type RangeQuery } from '../analytics/service.ts';
import { maskDeep } from '../privacy/mask.ts';
import type { Store } from '../store/types.ts';
import type { AgentAuth } from './agent-auth.ts';
import { authenticateAgent } from './agent-routes.ts';
import { HttpError } from './http-errors.ts';
import { describeIssues } from '../shared/zod-issues.ts';

export interface AnalyticsRoutesOptions {
  auth: AgentAuth;
  store: Store;
  service: AnalyticsService;
  /** The trainers' inbox, when the corpus directory is known (src/analytics/inbox.ts). */
  inbox?: (query: RangeQuery) => Promise<unknown>;
}

/** Chart.js's browser build, found beside its package.json (its exports map does not list the file). */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
/** Rows one drill-down answers at most; the CSV has them all. */
const PAGE_ROWS = 200;

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, 'invalid_query', `${what}: ${describeIssues(result.error, what)}`);
  return result.data;
}

function rangeOf(request: FastifyRequest): RangeQuery {
  return parse(rangeQuerySchema, request.query, 'the query');
}

function drillOf(request: FastifyRequest): Drill | null {
  const query = request.query as Record<string, unknown>;
  if (query['by'] === undefined) return null;
  return parse(drillSchema, { by: query['by'], value: query['value'], step: query['step'], end: query['end'] }, 'the drill-down');
}

async function withVocProblems<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof VocRulesError) throw new HttpError(422, 'invalid_voc_themes', err.message);
    throw err;
  }
}

export function registerAnalyticsRoutes(app: FastifyInstance, options: AnalyticsRoutesOptions): void {
  const { service, store } = options;
  app.get('/dashboard', (_request, reply) => reply.sendFile('dashboard.html'));
  app.get('/vendor/chart.umd.js', async (_request, reply) => {
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400');
    return readFile(CHART_JS, 'utf8');
  });

  app.register(async (scoped) => {
    scoped.addHook('onRequest', authenticateAgent(options.auth));
    scoped.addHook('preHandler', async (request) => {
      if (request.agent?.role !== 'admin') throw new HttpError(403, 'forbidden', 'analytics need an admin agent');
    });

    scoped.get('/api/admin/analytics/report', async (request) => withVocProblems(() => service.report(rangeOf(request))));

    scoped.get('/api/admin/analytics/conversations', async (request) => {
      const rows = await withVocProblems(() => service.conversations(rangeOf(request), drillOf(request)));
      return { total: rows.length, rows: rows.slice(0, PAGE_ROWS) };
    });

    scoped.get('/api/admin/analytics/conversations.csv', async (request, reply) => {
      const range = rangeOf(request);
      const rows = await withVocProblems(() => service.conversations(range, drillOf(request)));
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="daehwa-conversations-${range.from}-${range.to}.csv"`);
      return conversationsCsv(rows);
    });

    scoped.get('/api/admin/analytics/transcript/:sessionId', async (request) => {
      const { sessionId } = parse(z.object({ sessionId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) }), request.params, 'the session id');
      const [session, transcript] = await Promise.all([store.getSession(sessionId), store.getTranscript(sessionId)]);
      if (!session) throw new HttpError(404, 'not_found', `there is no conversation ${sessionId}`);
      return maskDeep({
        sessionId,
        locale: session.locale,
        createdAt: session.createdAt,
        transcript: transcript.filter((entry) => !entry.internal).map(({ seq, at, from, text, intent, score }) => ({ seq, at, from, text, ...(intent ? { intent } : {}), ...(score !== undefined ? { score } : {}) })),
      });
    });

    scoped.get('/api/admin/analytics/inbox', async (request) => {
      if (!options.inbox) throw new HttpError(501, 'not_configured', 'the trainers’ inbox needs the corpus directory');
      return options.inbox(rangeOf(request));
    });
  });
}
