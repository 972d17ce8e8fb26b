// GET /api/openapi.json: the HTTP API as OpenAPI 3, made from the routes' zod schemas; pages,
// static files and websockets are not in it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: { type?: string; properties?: Record<string, { type?: string }>; required?: string[] } }> };
  responses?: Record<string, unknown>;
  description?: string;
  security?: Record<string, string[]>[];
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string; in?: string; name?: string; description?: string }> };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

describe('the OpenAPI document', () => {
  let server: TestServer;
  let document: Document;
  beforeAll(async () => {
    // The channels are on (they are served only with their secrets), so that their routes are listed.
    server = await startTestServer({ config: { channels: { kakao: { secret: 'k'.repeat(16) }, webhook: { secret: 'w'.repeat(32) } } } });
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

  /** The operation at `method path`, which must be listed. */
  function operation(method: string, path: string): Operation {
    const found = document.paths[path]?.[method];
    if (!found) throw new Error(`${method} ${path} is not in the document`);
    return found;
  }

  it('declares a security requirement on every operation, naming only declared schemes', () => {
    const schemes = document.components?.securitySchemes ?? {};
    expect(Object.keys(schemes).sort()).toEqual(['agentCookie', 'agentToken', 'kakaoSkillSecret', 'orderEventSignature', 'sessionToken', 'webhookSignature']);
    for (const scheme of Object.values(schemes)) expect(scheme.description).toEqual(expect.any(String));
    expect(schemes['agentToken']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes['agentCookie']).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'daehwa_dashboard' });
    expect(schemes['webhookSignature']).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-daehwa-signature', description: expect.stringContaining('HMAC-SHA256') });
    expect(schemes['kakaoSkillSecret']).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-daehwa-skill-secret' });
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(Array.isArray(op.security), `${method} ${path} declares no security`).toBe(true);
        for (const requirement of op.security ?? []) {
          expect(Object.keys(requirement).length, `${method} ${path}`).toBeGreaterThan(0);
          for (const name of Object.keys(requirement)) expect(schemes, `${method} ${path}: ${name}`).toHaveProperty([name]);
        }
      }
    }
  });

  it('says which credential opens which route, and which routes are for admins', () => {
    const agent = [{ agentToken: [] }];
    expect(operation('get', '/api/agent/queue').security).toEqual(agent);
    expect(operation('post', '/api/agent/queue/{itemId}/claim').security).toEqual(agent);
    expect(operation('get', '/api/agent/search').security).toEqual(agent); // the desk's plugin, a child of the guarded scope
    for (const [method, path] of [['post', '/api/agent/login'], ['get', '/healthz'], ['get', '/metrics'], ['get', '/api/agent/sso/status'], ['post', '/api/dev/customer-token']] as const) {
      expect(operation(method, path).security, `${method} ${path}`).toEqual([]);
    }
    for (const [method, path] of [['post', '/api/admin/reload/flows'], ['get', '/api/admin/audit'], ['post', '/api/admin/shop/orders/{orderId}/events'], ['post', '/api/agent/canned-replies']] as const) {
      expect(operation(method, path).security, `${method} ${path}`).toEqual(agent);
      expect(operation(method, path).description, `${method} ${path}`).toMatch(/admin/i);
    }
    expect(operation('get', '/api/agent/queue').description ?? '').not.toMatch(/admin/i);
    expect(operation('get', '/api/agent/canned-replies').description ?? '').not.toMatch(/admin/i);
    // The dashboard's data: the Bearer token or the cookie; its sign-in trades the token for the cookie, so only the token.
    expect(operation('get', '/api/admin/analytics/report').security).toEqual([{ agentToken: [] }, { agentCookie: [] }]);
    expect(operation('get', '/api/admin/analytics/report').description).toMatch(/admin/i);
    expect(operation('post', '/api/admin/analytics/session').security).toEqual(agent);
    expect(operation('get', '/api/sessions/{sessionId}/transcript').security).toEqual([{ sessionToken: [] }]);
    expect(operation('post', '/api/sessions/{sessionId}/attachments').security).toEqual([{ sessionToken: [] }]);
    expect(operation('get', '/api/attachments/{id}').security).toEqual([{ sessionToken: [] }, { agentToken: [] }]);
    expect(operation('post', '/channels/webhook').security).toEqual([{ webhookSignature: [] }]);
    expect(operation('post', '/channels/kakao/skill').security).toEqual([{ kakaoSkillSecret: [] }]);
    expect(operation('post', '/api/shop/order-events').security).toEqual([{ orderEventSignature: [] }]);
  });

  it('leaves out pages, static files, websockets and itself', () => {
    const paths = Object.keys(document.paths);
    for (const hidden of ['/', '/console', '/dashboard', '/dashboard.html', '/vendor/chart.umd.js', '/ws', '/agent/ws', '/api/openapi.json']) {
      expect(paths, hidden).not.toContain(hidden);
    }
    expect(paths.every((path) => path.startsWith('/api/') || path.startsWith('/channels/') || path === '/healthz' || path === '/metrics')).toBe(true);
  });
});

describe('the OpenAPI document of a development server without a Kakao secret', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists the Kakao skill as public, since it then takes any request', async () => {
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as Document;
    expect(document.paths['/channels/kakao/skill']?.['post']?.security).toEqual([]);
    const response = await fetch(`${server.url}/channels/kakao/skill`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).not.toBe(401);
  });
});
