// Starting daehwa for the bench: each server gets its own temporary directory with a config file,
// an empty store and a fresh copy of the demo shop's seed, so the bench never reads or writes the
// user's data (their store, their shop state, their daehwa.config.json or DAEHWA_* variables).
// The flows and the trained model are the project's own, read only.

import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ENV_BINDINGS } from '../../src/config/load.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { CURRENT_MODEL_FILE, DEFAULT_MODELS_DIR } from '../../src/nlu/config.ts';
import { freePort, HOOK_ARGS, spawnServer, type ServerProcess } from './processes.ts';

/**
 * The per-connection rate limit (10 frames/s by default) is lifted: a closed loop must measure
 * how many turns the engine can answer, not how many the limiter lets through.
 */
const UNLIMITED_RATE = { framesPerSecond: 1_000_000, burst: 1_000_000 };

/** What the servers run: the compiled build, as production does (`npm start` with NODE_ENV=production), or the TypeScript through tsx. */
export type ServerCode = 'compiled' | 'source';

const ENTRY: Record<ServerCode, string> = { compiled: 'dist/cli/main.js', source: 'src/cli/main.ts' };

export class BenchWorkspace {
  private serial = 0;

  private constructor(
    readonly dir: string,
    readonly projectDir: string,
    readonly code: ServerCode,
  ) {}

  static async create(projectDir: string, code: ServerCode = 'compiled'): Promise<BenchWorkspace> {
    return new BenchWorkspace(await mkdtemp(path.join(tmpdir(), 'daehwa-bench-')), projectDir, code);
  }

  /** Builds dist/ from the working tree (not timed), so the bench measures this code compiled. */
  ensureBuild(log: (line: string) => void): void {
    if (this.code !== 'compiled') return;
    log('building dist/ with npm run build (not timed)');
    const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: this.projectDir, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status ?? result.signal}); run the bench with --source to measure the TypeScript`);
  }

  /** The model the servers load; trained here (not timed) when the project has none yet. */
  ensureModel(log: (line: string) => void): void {
    const current = path.join(this.projectDir, DEFAULT_MODELS_DIR, CURRENT_MODEL_FILE);
    if (existsSync(current)) return;
    log(`no trained model at ${current}: training one first (not timed)`);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train'], {
      cwd: this.projectDir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.status !== 0) throw new Error(`daehwa train failed (exit ${result.status ?? result.signal}); the bench needs a model`);
  }

  /** Spawns `daehwa serve` on a free port with a fresh store and shop; does not wait for it. */
  async spawnDaehwa(name: string, extraNodeArgs: string[] = [], extraConfig: Pick<ConfigInput, 'channels' | 'store' | 'analytics'> = {}): Promise<ServerProcess> {
    const dir = path.join(this.dir, `${String(++this.serial).padStart(2, '0')}-${name}`);
    await mkdir(dir, { recursive: true });
    await cp(path.join(this.projectDir, 'data', 'shop', 'seed'), path.join(dir, 'shop', 'seed'), { recursive: true });
    const config: ConfigInput = {
      server: { host: '127.0.0.1' },
      store: { kind: 'lowdb', dir: path.join(dir, 'store') },
      commerce: { kind: 'demo', dataDir: path.join(dir, 'shop') },
      flowsDir: path.join(this.projectDir, 'flows'),
      modelsDir: path.join(this.projectDir, DEFAULT_MODELS_DIR),
      sessions: { rateLimit: UNLIMITED_RATE },
      // Shoppers name their demo customer in hello, as in development: no site signs tokens here.
      shopper: { trustCustomerId: true },
      ...extraConfig,
    };
    const configFile = path.join(dir, 'daehwa.config.json');
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
    return spawnServer({
      nodeArgs: [...extraNodeArgs, ...HOOK_ARGS, ENTRY[this.code], 'serve'],
      env: { ...isolatedEnv(), DAEHWA_CONFIG: configFile },
      logFile: path.join(dir, 'server.log'),
      port: await freePort(),
      cwd: this.projectDir,
    });
  }

  /** Spawns the bare echo server (the baseline) on a free port. */
  async spawnEcho(name: string, extraNodeArgs: string[] = []): Promise<ServerProcess> {
    const dir = path.join(this.dir, `${String(++this.serial).padStart(2, '0')}-${name}`);
    await mkdir(dir, { recursive: true });
    return spawnServer({
      nodeArgs: [...extraNodeArgs, ...HOOK_ARGS, 'scripts/bench/echo-server.ts'],
      env: isolatedEnv(),
      logFile: path.join(dir, 'server.log'),
      port: await freePort(),
      cwd: this.projectDir,
    });
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** This process's environment without anything that would point daehwa at the user's settings. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [...Object.keys(ENV_BINDINGS), 'DAEHWA_CONFIG']) delete env[name];
  return env;
}
