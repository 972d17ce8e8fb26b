// The HTTP API's OpenAPI document, GET /api/openapi.json (docs/server.md#the-openapi-document):
// made by @fastify/swagger from the routes' zod schemas (fastify-type-provider-zod's transform).
// It lists what a shop integrates against, the routes under /api/ and /channels/ and the health
// and metrics endpoints; pages, static files and websockets are not in it (the websocket protocol
// is docs/server.md's).
import { readFileSync } from 'node:fs';
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { packagePath } from '../shared/package-paths.ts';

export const OPENAPI_PATH = '/api/openapi.json';

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
        description: 'Agents, shoppers\u2019 transcripts and photos, admin, channels. Errors: {"error":{"code","message"}}. The websocket protocols are in docs/server.md.',
      },
    },
    transform: (route) => (inOpenApi(route.url) ? jsonSchemaTransform(route) : { schema: { hide: true }, url: route.url }),
  });
  app.get(OPENAPI_PATH, async (_request, reply) => reply.header('cache-control', 'no-cache').send(app.swagger()));
}
