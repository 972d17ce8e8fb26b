// GET /api/openapi.json: the HTTP API as OpenAPI 3, made from the routes' zod schemas; pages,
// static files and websockets are not in it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: { type?: string; properties?: Record<string, { type?: string }>; required?: string[] } }> };
  responses?: Record<string, unknown>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

describe('the OpenAPI document', () => {
  let server: TestServer;
  let document: Document;
  beforeAll(async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = JSON.parse(await response.text()) as Document;
  });
  afterAll(async () => {
    await server.close();
  });

  it('is OpenAPI 3 whose every path parameter is declared and every operation has responses', () => {
    expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(document.info).toEqual({ title: expect.any(String), version: expect.stringMatching(/^\d+\.\d+\.\d+/), description: expect.any(String) });
    expect(Object.keys(document.paths).length).toBeGreaterThan(20);
    for (const [path, item] of Object.entries(document.paths)) {
      expect(path).toMatch(/^\/[^:*]*$/); // {name} templates, never fastify's :name or wildcards
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(item)) {
        expect(METHODS.has(method), `${method} ${path}`).toBe(true);
        expect(operation.responses, `${method} ${path}`).toBeTypeOf('object');
        const inPath = (operation.parameters ?? []).filter((p) => p.in === 'path');
        expect(inPath.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...templated].sort());
        expect(inPath.every((p) => p.required === true)).toBe(true);
      }
    }
  });

  it('lists the agent API with its request bodies, path parameters and queries', () => {
    for (const path of ['/api/agent/login', '/api/agent/queue', '/api/agent/queue/{itemId}', '/api/agent/queue/{itemId}/claim', '/api/agent/queue/{itemId}/messages', '/api/agent/queue/{itemId}/notes', '/api/agent/search', '/api/agent/canned-replies/{id}']) {
      expect(document.paths, path).toHaveProperty([path]);
    }
    const messages = document.paths['/api/agent/queue/{itemId}/messages']?.['post'];
    const body = messages?.requestBody?.content['application/json']?.schema;
    expect(body).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
    expect(messages?.parameters).toContainEqual(expect.objectContaining({ in: 'path', name: 'itemId', required: true }));
    const login = document.paths['/api/agent/login']?.['post']?.requestBody?.content['application/json']?.schema;
    expect(login?.required?.sort()).toEqual(['agentId', 'password']);
    expect(document.paths['/api/agent/search']?.['get']?.parameters).toContainEqual(expect.objectContaining({ in: 'query', name: 'q', required: true }));
    expect(document.paths['/api/admin/audit']?.['get']?.parameters?.map((p) => p.name).sort()).toEqual(['after', 'limit']);
  });

  it('leaves out pages, static files, websockets and itself', () => {
    const paths = Object.keys(document.paths);
    for (const hidden of ['/', '/console', '/dashboard', '/dashboard.html', '/vendor/chart.umd.js', '/ws', '/agent/ws', '/api/openapi.json']) {
      expect(paths, hidden).not.toContain(hidden);
    }
    expect(paths.every((path) => path.startsWith('/api/') || path.startsWith('/channels/') || path === '/healthz' || path === '/metrics')).toBe(true);
  });
});
