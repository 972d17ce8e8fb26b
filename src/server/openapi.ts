// The HTTP API's OpenAPI document, GET /api/openapi.json (docs/server.md#the-openapi-document):
// made by @fastify/swagger from the routes' zod schemas (fastify-type-provider-zod's transform).
// It lists what a shop integrates against, the routes under /api/ and /channels/ and the health
// and metrics endpoints; pages, static files and websockets are not in it (the websocket protocol
// is docs/server.md's). Its security schemes are the credentials the server takes; each route says
// which open it where its authentication is installed (src/server/route-security.ts).
import { readFileSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SIGNATURE_HEADER as ORDER_EVENT_SIGNATURE_HEADER } from '../commerce/order-events.ts';
import { SECRET_HEADER as KAKAO_SECRET_HEADER } from '../channels/kakao/skill.ts';
import { SIGNATURE_HEADER as WEBHOOK_SIGNATURE_HEADER } from '../channels/webhook/route.ts';
import { packagePath } from '../shared/package-paths.ts';
import { DASHBOARD_COOKIE } from './analytics-routes.ts';

export const OPENAPI_PATH = '/api/openapi.json';

/** components.securitySchemes: every credential a route of the document takes. */
const SECURITY_SCHEMES = {
  agentToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'An agent token, from POST /api/agent/login or the single sign-on (GET /api/agent/sso): "Authorization: Bearer <token>".',
  },
  agentCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: DASHBOARD_COOKIE,
    description: 'The dashboard\u2019s cookie: the agent token, set by POST /api/admin/analytics/session (HttpOnly, SameSite=Strict).',
  },
  sessionToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'A shopper\u2019s session token, from the shopper websocket\u2019s `session` frame: "Authorization: Bearer <sessionToken>". It opens its own session only.',
  },
  webhookSignature: {
    type: 'apiKey',
    in: 'header',
    name: WEBHOOK_SIGNATURE_HEADER,
    description: '`sha256=<lowercase hex HMAC-SHA256 of the exact body bytes, keyed with channels.webhook.secret>` (docs/channels.md#webhook).',
  },
  orderEventSignature: {
    type: 'apiKey',
    in: 'header',
    name: ORDER_EVENT_SIGNATURE_HEADER,
    description: '`sha256=<lowercase hex HMAC-SHA256 of the exact body bytes, keyed with commerce.webhookSecret>` (docs/commerce-http.md#order-events).',
  },
  kakaoSkillSecret: {
    type: 'apiKey',
    in: 'header',
    name: KAKAO_SECRET_HEADER,
    description: 'channels.kakao.secret as it is, set in the Open Builder skill\u2019s headers (docs/channels.md). Without a configured secret the skill takes any request (development).',
  },
} as const;
export type SecuritySchemeName = keyof typeof SECURITY_SCHEMES;

/** The routes the document lists. */
export function inOpenApi(url: string): boolean {
  return (url.startsWith('/api/') || url.startsWith('/channels/') || url === '/healthz' || url === '/metrics') && url !== OPENAPI_PATH;
}

/** Registers the document's collector before any route (it sees the routes added after it), and the document's route. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const { version } = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(packagePath('package.json'), 'utf8')));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'daehwa HTTP API',
        version,
        description:
          'Agents, shoppers\u2019 transcripts and photos, admin, channels. Errors: {"error":{"code","message"}}. Each operation names the credentials that open it (security; [] is public); admin-only operations say so. The websocket protocols are in docs/server.md.',
      },
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: (route) => (inOpenApi(route.url) ? jsonSchemaTransform(route) : { schema: { hide: true }, url: route.url }),
  });
  app.get(OPENAPI_PATH, async (_request, reply) => reply.header('cache-control', 'no-cache').send(app.swagger()));
}
