// The package as a shop installs it (issue 18, item 5): `npm run build`, `npm pack`, the tarball
// installed into an empty project, `npx daehwa serve` there with a temporary data directory, and
// one shopper conversation over the real websocket, as the demo page would have it.
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
let child: ChildProcess | null = null;
let output = '';

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'daehwa-package-'));
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    // The whole group: npx, and the node it started.
    process.kill(-child.pid, 'SIGKILL');
  }
  await rm(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('builds, packs, installs into an empty project and serves the demo with `npx daehwa serve`', { timeout: 8 * MINUTE }, async () => {
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
    child = spawn('npx', ['--no', 'daehwa', 'serve'], {
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
      }),
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = (): string | null => (child!.exitCode !== null || child!.signalCode !== null ? `daehwa exited (${child!.exitCode ?? child!.signalCode}):\n${output}` : null);

    const url = await poll('the "demo shop" line', 3 * MINUTE, async () => /demo shop (http:\/\/\S+?)\/\s/.exec(output)?.[1] ?? null, exited);
    const health = await poll(
      '/healthz',
      MINUTE,
      async () => {
        const response = await fetch(`${url}/healthz`);
        return response.ok ? ((await response.json()) as { status: string; model: { version: string } }) : null;
      },
      exited,
    );
    expect(health.status).toBe('ok');
    // Trained on first start into the data directory, from the corpus the package ships.
    expect(existsSync(path.join(data, 'models', 'current.json'))).toBe(true);
    lap('serving');

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
    lap('bot reply');

    process.kill(-child.pid!, 'SIGTERM');
    const code = await poll('daehwa to stop', MINUTE, async () => child!.exitCode ?? child!.signalCode ?? null);
    expect([0, 'SIGTERM']).toContain(code);
    lap('stopped');
    console.info(`package test: ${timings.join(', ')}`);
  });
});
