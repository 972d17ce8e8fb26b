// What every real-browser test starts from: the assembled engine (trained model, the project's
// flows, the demo shop) and Debian's chromium, started once per file and closed after it.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.ts';
import { startAssembled, type TestServer } from '../server/helpers.ts';

export interface BrowserRig {
  readonly server: TestServer;
  readonly browser: Browser;
}

/** Registers the file's beforeAll/afterAll; the rig's fields are set once beforeAll has run. */
/** `config`: what the file's server runs with besides the test defaults (teams, agents). */
export function useEngineAndChromium(config?: ConfigInput): BrowserRig {
  const rig = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    rig.server = await startAssembled(undefined, config ? { config } : {});
    rig.browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await rig.browser?.close();
    await rig.server?.close();
  });
  return rig;
}

/**
 * What went wrong on a page, as it happens: script errors, CSP violations and responses of 400 or
 * more (a missing favicon is no problem of ours; failed loads are counted by their status).
 */
export function recordPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return problems;
}
