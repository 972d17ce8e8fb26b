// Choosing the store by configuration: lowdb by default, PostgreSQL with store.kind postgres
// (DAEHWA_STORE=postgres + DATABASE_URL); a URL that cannot work and a database that cannot be
// reached stop start-up with a message that never shows the password. Needs no PostgreSQL: the
// database here is a port nothing listens on.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as serve } from '../../src/cli/commands/serve.ts';
import { loadConfig } from '../../src/config/load.ts';
import { assembleDaehwa } from '../../src/server/assemble.ts';
import { createLogger } from '../../src/server/logging.ts';
import { testConfig } from './helpers.ts';

const SECRET = 'pa55-w0rd-never-shown';

async function emptyDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'daehwa-store-config-'));
}

/** A port on 127.0.0.1 that was free a moment ago: nothing answers there. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe('store selection in the configuration', () => {
  it('keeps lowdb by default, even when DATABASE_URL is set for something else', async () => {
    const result = await loadConfig({ cwd: await emptyDir(), env: { DATABASE_URL: `postgres://app:${SECRET}@db/app` } });
    expect(result.ok && result.config.store).toMatchObject({ kind: 'lowdb', dir: 'data/store' });
  });

  it('selects PostgreSQL with DAEHWA_STORE=postgres and DATABASE_URL', async () => {
    const url = `postgres://shop:${SECRET}@db.internal:5432/daehwa?sslmode=require`;
    const result = await loadConfig({ cwd: await emptyDir(), env: { DAEHWA_STORE: 'postgres', DATABASE_URL: url, DAEHWA_STORE_POOL_SIZE: '4' } });
    expect(result.ok && result.config.store).toEqual({ kind: 'postgres', url, poolSize: 4 });
  });

  it('selects PostgreSQL from the file', async () => {
    const cwd = await emptyDir();
    await writeFile(path.join(cwd, 'daehwa.config.json'), JSON.stringify({ store: { kind: 'postgres', url: 'postgresql://localhost/daehwa' } }));
    const result = await loadConfig({ cwd, env: {} });
    expect(result.ok && result.config.store).toEqual({ kind: 'postgres', url: 'postgresql://localhost/daehwa', poolSize: 10 });
  });

  it('asks for DATABASE_URL when PostgreSQL is chosen without one', async () => {
    const result = await loadConfig({ cwd: await emptyDir(), env: { DAEHWA_STORE: 'postgres' } });
    expect(result.ok ? [] : result.errors).toEqual([expect.stringMatching(/^config store\.url: required when store\.kind is postgres: set DATABASE_URL/)]);
  });

  it.each([
    ['a password with an unencoded #', `postgres://shop:${SECRET}#x@db/daehwa`, /not a URL .*percent-encode/],
    ['another scheme', `mysql://shop:${SECRET}@db/daehwa`, /the scheme is "mysql", expected postgres:\/\/ or postgresql:\/\//],
    ['no database', `postgres://shop:${SECRET}@db:5432`, /no database name/],
    ['no URL at all', `shop:${SECRET}`, /the scheme is "shop"|not a URL/],
  ])('names the problem with a DATABASE_URL holding %s, without its password', async (_, url, problem) => {
    const result = await loadConfig({ cwd: await emptyDir(), env: { DAEHWA_STORE: 'postgres', DATABASE_URL: url } });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^config store\.url \(from env DATABASE_URL\): not a usable PostgreSQL URL: /);
    expect(errors[0]).toMatch(problem);
    expect(errors[0]).not.toContain(SECRET);
  });
});

describe('starting on a database that cannot be reached', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('assembleDaehwa rejects naming the database, not its password', async () => {
    const dir = await emptyDir();
    dirs.push(dir);
    const port = await closedPort();
    const config = testConfig({
      store: { kind: 'postgres', url: `postgres://shop:${SECRET}@127.0.0.1:${port}/daehwa` },
      commerce: { kind: 'demo', dataDir: path.join(dir, 'shop') },
      modelsDir: path.join(dir, 'models'),
    });
    const started = assembleDaehwa(config, { logger: createLogger({ level: 'silent' }) });
    await expect(started).rejects.toMatchObject({ code: 'unavailable' });
    await expect(started).rejects.toThrow(`cannot connect to PostgreSQL at postgres://shop@127.0.0.1:${port}/daehwa: `);
    await expect(started).rejects.not.toThrow(SECRET);
  });

  it('daehwa serve exits non-zero with one line saying why', async () => {
    const dir = await emptyDir();
    dirs.push(dir);
    const port = await closedPort();
    vi.stubEnv('DAEHWA_CONFIG', path.join(dir, 'none.json'));
    await writeFile(path.join(dir, 'none.json'), '{}');
    vi.stubEnv('DAEHWA_STORE', 'postgres');
    vi.stubEnv('DATABASE_URL', `postgres://shop:${SECRET}@127.0.0.1:${port}/daehwa`);
    vi.stubEnv('DAEHWA_SHOP_DIR', path.join(dir, 'shop'));
    vi.stubEnv('DAEHWA_MODELS_DIR', path.join(dir, 'models'));
    vi.stubEnv('LOG_LEVEL', 'silent');
    vi.stubEnv('DAEHWA_WATCH', 'false');
    vi.stubEnv('NODE_ENV', 'test');
    vi.stubEnv('PORT', '0');
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const code = await serve([]);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(written.join('')).toMatch(new RegExp(`^daehwa serve: the postgres store cannot open: cannot connect to PostgreSQL at postgres://shop@127\\.0\\.0\\.1:${port}/daehwa: .*\\n$`));
    expect(written.join('')).not.toContain(SECRET);
  });
});
