// Issue 18 "Trust": security headers, the shopper websocket's Origin allow-list, and masking of
// resident registration numbers and card numbers before shopper lines are stored.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { shopper, startTestServer, TestSocket, type TestServer } from './helpers.ts';

let running: TestServer | null = null;
let dir: string | null = null;

afterEach(async () => {
  if (running) {
    await running.close();
    await running.store.close();
    running = null;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

async function start(config: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  running = await startTestServer(config);
  return running;
}

function expectCommonHeaders(headers: Headers): void {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
}

describe('security headers', () => {
  it('the agent console has a CSP, nosniff, referrer policy and refuses framing', async () => {
    const { url } = await start();
    for (const page of ['/console', '/console.html', '/console.js']) {
      const response = await fetch(`${url}${page}`);
      expect(response.status).toBe(200);
      expectCommonHeaders(response.headers);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('JSON API responses, errors included, carry the headers', async () => {
    const { url } = await start();
    for (const [route, status] of [['/healthz', 200], ['/api/agent/queue', 401], ['/nope', 404]] as const) {
      const response = await fetch(`${url}${route}`);
      expect(response.status).toBe(status);
      expectCommonHeaders(response.headers);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('the shopper page may be framed by the configured ancestors only (default self)', async () => {
    const byDefault = await start();
    const page = await fetch(`${byDefault.url}/`);
    expect(page.status).toBe(200);
    expectCommonHeaders(page.headers);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    await byDefault.close();
    running = null;

    const configured = await start({ config: { server: { port: 0, host: '127.0.0.1', frameAncestors: ["'self'", 'https://shop.example'] } } });
    const framed = await fetch(`${configured.url}/`);
    expect(framed.headers.get('content-security-policy')).toContain("frame-ancestors 'self' https://shop.example");
    // The console stays unframeable whatever the widget allows.
    const console = await fetch(`${configured.url}/console`);
    expect(console.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

function openWithOrigin(url: string, origin: string): Promise<{ opened: WebSocket } | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    ws.once('open', () => resolve({ opened: ws }));
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => reject(err));
  });
}

describe('shopper websocket origin check', () => {
  it('refuses a foreign origin with 403 and a reason, accepts the server’s own origin', async () => {
    const { url, wsUrl } = await start();
    const refused = await openWithOrigin(`${wsUrl}/ws`, 'https://evil.example');
    expect(refused).toMatchObject({ status: 403 });
    expect((refused as { body: string }).body).toContain('origin_not_allowed');

    const accepted = await openWithOrigin(`${wsUrl}/ws`, url);
    expect('opened' in accepted).toBe(true);
    if ('opened' in accepted) accepted.opened.close();
  });

  it('uses the configured allow-list', async () => {
    const { wsUrl } = await start({ config: { server: { port: 0, host: '127.0.0.1', allowedOrigins: ['https://shop.example'] } } });
    expect(await openWithOrigin(`${wsUrl}/ws`, 'http://localhost:5173')).toMatchObject({ status: 403 });
    const accepted = await openWithOrigin(`${wsUrl}/ws`, 'https://shop.example');
    expect('opened' in accepted).toBe(true);
    if ('opened' in accepted) accepted.opened.close();
    // A client without Origin is no browser page: it is let through (the existing tests' clients).
    const plain = await TestSocket.open(`${wsUrl}/ws`);
    plain.close();
  });
});

describe('masking before a shopper line is stored', () => {
  it('keeps an RRN and a card number out of the transcript on disk; the reply still comes', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-trust-'));
    const server = await start({ store: await createLowdbStore({ dir, flushIntervalMs: 0 }) });
    const { socket, session } = await shopper(server.wsUrl, { locale: 'ko' });
    socket.send({ type: 'message', text: '제 주민번호는 900101-1234567 이에요' });
    expect((await socket.nextOfType('bot')).text).toContain('#1');
    socket.send({ type: 'message', text: 'card 4111 1111 1111 1111 please' });
    expect((await socket.nextOfType('bot')).text).toContain('#2');
    socket.close();
    await server.store.flush();

    const transcript = await server.store.getTranscript(session.sessionId);
    expect(transcript.filter((e) => e.from === 'shopper').map((e) => e.text)).toEqual([
      '제 주민번호는 [RRN] 이에요',
      'card [CARD] please',
    ]);
    let onDisk = '';
    const walk = async (at: string): Promise<void> => {
      for (const entry of await readdir(at, { withFileTypes: true })) {
        const full = path.join(at, entry.name);
        if (entry.isDirectory()) await walk(full);
        else onDisk += await readFile(full, 'utf8');
      }
    };
    await walk(dir);
    expect(onDisk).toContain('[RRN]');
    expect(onDisk).not.toContain('900101-1234567');
    expect(onDisk).not.toContain('1234567');
    expect(onDisk).not.toContain('4111 1111 1111 1111');
  });
});
