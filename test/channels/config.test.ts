// The channels' configuration: named-key validation, the environment variables, and production's
// refusal of an unauthenticated Kakao skill endpoint.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { hashPassword } from '../../src/config/passwords.ts';
import { buildServer } from '../../src/server/app.ts';
import { createLogger } from '../../src/server/logging.ts';
import { Writable } from 'node:stream';
import { createMemoryStore } from '../../src/store/memory.ts';
import { offlineCommerce, scriptedClassifier, scriptedDialog, startTestServer, testConfig, type TestServer } from '../server/helpers.ts';
import { postSkill, skillRequest } from './kakao-helpers.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';

const SECRETS = { DAEHWA_SECRET: 'k4v9-f2mx-19ad-ee01-7d2c', DAEHWA_CUSTOMER_SECRET: '5f1c9a0e7b3d48e2a6c4f08d9b7e1a35' };

async function productionDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'daehwa-channels-config-'));
  const agents = [{ id: 'minji', name: '김민지', passwordHash: await hashPassword('a-much-better-password') }];
  await writeFile(path.join(dir, 'daehwa.config.json'), JSON.stringify({ agents }));
  return dir;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('channels configuration', () => {
  it('turns the Kakao skill on in development, off in production unless it has a secret', async () => {
    const dev = await loadConfig({ cwd: await mkdtemp(path.join(tmpdir(), 'daehwa-channels-dev-')), env: {} });
    expect(dev.ok && dev.config.channels.kakao).toMatchObject({ enabled: true, deadlineMs: 4000, replayWindowMs: 10_000 });
    const cwd = await productionDir();
    const prod = await loadConfig({ cwd, env: { NODE_ENV: 'production', ...SECRETS } });
    expect(prod.ok && prod.config.channels.kakao.enabled).toBe(false);
    const withSecret = await loadConfig({ cwd, env: { NODE_ENV: 'production', ...SECRETS, DAEHWA_KAKAO_SECRET: 'open-builder-header-secret' } });
    expect(withSecret.ok && withSecret.config.channels.kakao).toMatchObject({ enabled: true, secret: 'open-builder-header-secret' });
  });

  it('refuses to start in production with the Kakao skill on and no secret', async () => {
    const result = await loadConfig({ cwd: await productionDir(), env: { NODE_ENV: 'production', ...SECRETS, DAEHWA_KAKAO_ENABLED: 'true' } });
    expect(!result.ok && result.errors).toEqual([expect.stringMatching(/^config channels\.kakao\.secret: .*NODE_ENV=production.*DAEHWA_KAKAO_SECRET/)]);
    // A server built from a hand-made config refuses too.
    const config = testConfig({ env: 'production', channels: { kakao: { enabled: true } } });
    await expect(
      buildServer(config, { store: createMemoryStore(), commerce: offlineCommerce, classifier: scriptedClassifier(), dialog: scriptedDialog(), messages: SHOP_MESSAGES, logger: createLogger({ level: 'silent' }), processMetrics: false }),
    ).rejects.toThrow(/channels\.kakao\.secret is required/);
  });

  it('warns at start when the Kakao skill accepts requests without a secret (development), and not with one', async () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
    const deps = { store: createMemoryStore(), commerce: offlineCommerce, classifier: scriptedClassifier(), dialog: scriptedDialog(), messages: SHOP_MESSAGES, logger: createLogger({ level: 'warn', destination }), processMetrics: false };
    const open = await buildServer(testConfig(), deps);
    await open.close();
    expect(lines.map((l) => JSON.parse(l) as { level: number; msg: string })).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringMatching(/channels\/kakao\/skill accepts requests without a secret.*DAEHWA_KAKAO_SECRET/) }));
    lines.length = 0;
    const closed = await buildServer(testConfig({ channels: { kakao: { secret: 'kakao-shared-secret-123' } } }), { ...deps, store: createMemoryStore() });
    await closed.close();
    expect(lines.join('')).not.toMatch(/without a secret/);
  });

  it('names the key and the variable of a bad value', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'daehwa-channels-bad-'));
    const short = await loadConfig({ cwd, env: { DAEHWA_KAKAO_SECRET: 'short', DAEHWA_WEBHOOK_SECRET: 'also-short' } });
    expect(!short.ok && short.errors).toEqual([
      'config channels.kakao.secret (from env DAEHWA_KAKAO_SECRET): must be at least 16 characters',
      'config channels.webhook.secret (from env DAEHWA_WEBHOOK_SECRET): must be at least 32 characters',
    ]);
    await writeFile(path.join(cwd, 'daehwa.config.json'), JSON.stringify({ channels: { kakao: { deadlineMs: 6000, callbak: true } } }));
    const file = await loadConfig({ cwd, env: {} });
    expect(!file.ok && file.errors.join('\n')).toMatch(/config channels\.kakao\.callbak \(in daehwa\.config\.json\)/);
    expect(!file.ok && file.errors.join('\n')).toMatch(/config channels\.kakao\.deadlineMs \(in daehwa\.config\.json\): .*4900/);
  });

  it('serves no skill endpoint when the channel is off, and no webhook without its secret', async () => {
    server = await startTestServer({ config: { channels: { kakao: { enabled: false } } } });
    expect((await postSkill(server.url, skillRequest())).status).toBe(404);
    const webhook = await fetch(`${server.url}/channels/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(webhook.status).toBe(404);
  });
});
