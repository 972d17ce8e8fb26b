// The package as a shop installs it (issue 18, item 5): `npm run build`, `npm pack`, the tarball
// installed into an empty project, `npx daehwa serve` there with a temporary data directory, and
// one shopper conversation over the real websocket, as the demo page would have it; then the same
// in production (NODE_ENV=production, the shop's own secrets and agent).
//
// It needs npm and the packages in the npm cache (or the registry): `--prefer-offline`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const MINUTE = 60_000;

/**
 * The environment without what npm sets for a script (`npm test`): a child npm must not take
 * this checkout's prefix or package for the temporary project's.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|config_(prefix|local_prefix|global_prefix)$)/i.test(key)) continue;
    if (key === 'NODE_ENV' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: cleanEnv(), timeout: 4 * MINUTE, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Polls `probe` until it gives a value, the deadline passes or `gaveUp` says to stop. */
async function poll<T>(what: string, deadlineMs: number, probe: () => Promise<T | null>, gaveUp: () => string | null = () => null): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    const reason = gaveUp();
    if (reason) throw new Error(`gave up waiting for ${what}: ${reason}`);
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: no answer within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Frame = { type: string; [key: string]: unknown };

/** A websocket whose frames can be awaited by type, each within a deadline. */
async function openSocket(url: string, origin: string): Promise<{ send(frame: Frame): void; next(type: string): Promise<Frame>; close(): void }> {
  const ws = new WebSocket(url, { origin });
  const frames: Frame[] = [];
  let closed = false;
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  ws.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    send: (frame) => ws.send(JSON.stringify(frame)),
    next: (type) =>
      poll(
        `a "${type}" frame`,
        MINUTE,
        async () => {
          const index = frames.findIndex((f) => f.type === type);
          return index === -1 ? null : frames.splice(index, 1)[0]!;
        },
        () => (closed ? `the socket closed; frames: ${JSON.stringify(frames)}` : null),
      ),
    close: () => ws.close(),
  };
}

let tmp: string;
const children: ChildProcess[] = [];

interface Served {
  url: string;
  /** SIGTERM to the group (npx and the node it started); resolves with how it ended. */
  stop(): Promise<number | string>;
}

/** `npx daehwa serve` in `project` on a free port, its data in `data`; resolves once /healthz answers. */
async function serve(project: string, data: string, env: Record<string, string>): Promise<Served> {
  let output = '';
  const proc = spawn('npx', ['--no', 'daehwa', 'serve'], {
    cwd: project,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DAEHWA_STORE_DIR: path.join(data, 'store'),
      DAEHWA_SHOP_DIR: path.join(data, 'shop'),
      DAEHWA_MODELS_DIR: path.join(data, 'models'),
      DAEHWA_WATCH: 'false',
      ...env,
    }),
  });
  children.push(proc);
  proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = (): string | null => (proc.exitCode !== null || proc.signalCode !== null ? `daehwa exited (${proc.exitCode ?? proc.signalCode}):\n${output}` : null);
  const url = await poll('the "demo shop" line', 3 * MINUTE, async () => /demo shop (http:\/\/\S+?)\/\s/.exec(output)?.[1] ?? null, exited);
  const health = await poll(
    '/healthz',
    MINUTE,
    async () => {
      const response = await fetch(`${url}/healthz`);
      return response.ok ? ((await response.json()) as { status: string }) : null;
    },
    exited,
  );
  expect(health.status).toBe('ok');
  return {
    url,
    async stop() {
      process.kill(-proc.pid!, 'SIGTERM');
      return poll('daehwa to stop', MINUTE, async () => proc.exitCode ?? proc.signalCode ?? null);
    },
  };
}

/** The demo page, then one shopper conversation over the websocket as the page would open it. */
async function chat(url: string): Promise<void> {
  const page = await fetch(`${url}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toMatch(/<html/i);

  const socket = await openSocket(`${url.replace(/^http/, 'ws')}/ws`, url);
  socket.send({ type: 'hello', locale: 'en' });
  const session = await socket.next('session');
  expect(session.sessionId).toEqual(expect.any(String));
  socket.send({ type: 'message', text: 'Where is my order?' });
  const bot = await socket.next('bot');
  expect(typeof bot.text).toBe('string');
  expect((bot.text as string).length).toBeGreaterThan(0);
  expect(bot.meta).toMatchObject({ intent: 'order.status' });
  socket.close();
}

/** `daehwa serve --hash-password` reads the password on stdin. */
async function hashWithStdin(project: string): Promise<string> {
  const proc = spawn('npx', ['--no', 'daehwa', 'serve', '--hash-password'], { cwd: project, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stdin.end('a-long-test-password\n');
  await poll('the password hash', MINUTE, async () => (proc.exitCode !== null ? proc.exitCode : null));
  expect(out.trim()).toMatch(/^scrypt\$/);
  return out.trim();
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'daehwa-package-'));
});

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      // The whole group: npx, and the node it started.
      process.kill(-child.pid, 'SIGKILL');
    }
  }
  await rm(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('builds, packs, installs into an empty project and serves the demo with `npx daehwa serve`, in development and in production', { timeout: 8 * MINUTE }, async () => {
    const started = Date.now();
    const timings: string[] = [];
    const lap = (what: string): void => {
      timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    };

    await npm(['run', 'build'], ROOT);
    expect(existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))).toBe(true);
    lap('build');

    const packDir = path.join(tmp, 'pack');
    await mkdir(packDir);
    // The build just ran: skip prepack's second one.
    const packed = JSON.parse(await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], ROOT)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('dist/cli/main.js');
    // The PostgreSQL store reads its migrations beside its compiled code (issue 13).
    expect(files).toContain('dist/store/postgres/migrations/001_initial.sql');
    expect(files).toContain('bin/daehwa.js');
    expect(files).toContain('flows/greeting.yaml');
    expect(files).toContain('public/index.html');
    expect(files.some((f) => f.startsWith('data/shop/seed/'))).toBe(true);
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('models/'))).toBe(false);
    const tarball = path.join(packDir, (await readdir(packDir)).find((name) => name.endsWith('.tgz'))!);
    lap('pack');

    const project = path.join(tmp, 'shop');
    await mkdir(project);
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'daehwa-package-test', private: true }));
    await npm(['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], project);
    // No TypeScript came along: what runs is the build.
    expect(existsSync(path.join(project, 'node_modules', 'daehwa', 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(path.join(project, 'node_modules', 'daehwa', 'src'))).toBe(false);
    lap('install');

    const data = path.join(tmp, 'data');
    const dev = await serve(project, data, {});
    // Trained on first start into the data directory, from the corpus the package ships.
    expect(existsSync(path.join(data, 'models', 'current.json'))).toBe(true);
    lap('serving');
    await chat(dev.url);
    lap('bot reply');
    expect([0, 'SIGTERM']).toContain(await dev.stop());
    lap('stopped');

    // In production the development secrets are refused, by the compiled config check...
    const refused = (await run('npx', ['--no', 'daehwa', 'serve'], { cwd: project, env: cleanEnv({ NODE_ENV: 'production', PORT: '0' }) }).then(
      () => null,
      (err: unknown) => err,
    )) as { code?: number; stderr?: string } | null;
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain('the default secret is refused when NODE_ENV=production');
    // ... and with the secrets and an agent of the shop's own (docs/server.md) it serves.
    const passwordHash = await hashWithStdin(project);
    await writeFile(path.join(project, 'daehwa.config.json'), JSON.stringify({ agents: [{ id: 'kim', name: 'Kim', passwordHash, role: 'admin' }] }));
    const prod = await serve(project, data, {
      NODE_ENV: 'production',
      DAEHWA_SECRET: 'package-test-secret-0123456789',
      DAEHWA_CUSTOMER_SECRET: 'package-test-customer-secret-0123456789abcdef',
    });
    await chat(prod.url);
    expect([0, 'SIGTERM']).toContain(await prod.stop());
    lap('production');
    console.info(`package test: ${timings.join(', ')}`);
  });
});
