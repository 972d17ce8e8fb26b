// Single sign-on in real Chromium: the console offers the provider's button, a click goes through
// a real OpenID Connect provider (oauth2-mock-server on a local port) and back, and the agent is
// signed in with the token out of the address bar; an account the shop does not know is told so.
import { createServer } from 'node:net';
import { OAuth2Server } from 'oauth2-mock-server';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { startTestServer, type TestServer } from '../server/helpers.ts';

let provider: OAuth2Server;
let server: TestServer;
let browser: Browser;
let claims: Record<string, unknown> = {};

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  provider.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => Object.assign(token.payload, claims));
  const port = await freePort();
  server = await startTestServer({
    config: {
      server: { port, host: '127.0.0.1', maxLoopDelayMs: 0 },
      agents: [DEFAULT_AGENT, { id: 'minji', name: '김민지', role: 'agent', email: 'minji.kim@shop.example' }],
      sso: { issuer: provider.issuer.url!, clientId: 'daehwa-desk', redirectUrl: `http://127.0.0.1:${port}/api/agent/sso/callback`, label: '사내 계정으로 로그인' },
    },
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await provider?.stop();
});

describe('console single sign-on', () => {
  it('a click on the company button signs the agent in through the provider', async () => {
    claims = { email: 'minji.kim@shop.example', email_verified: true };
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    // Script errors and CSP violations show up here; failed loads are checked by status, a missing favicon aside.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
    });
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) errors.push(`${response.status()} ${response.url()}`);
    });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${server.url}/console`);
    const button = page.locator('#sso-signin', { hasText: '사내 계정으로 로그인' });
    await button.waitFor();
    await button.click();
    await page.locator('#me', { hasText: '김민지' }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.locator('#signin').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('an address no agent account has ends on the sign-in form with the reason', async () => {
    claims = { email: 'someone@elsewhere.example', email_verified: true };
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/console`);
    await page.locator('#sso-signin').click();
    await page.locator('#signin-error', { hasText: '연결된 상담원 계정이 없어요' }).waitFor();
    expect(await page.locator('#desk').isHidden()).toBe(true);
    await page.screenshot({ path: '/tmp/sso-error.png' });
  });
});
