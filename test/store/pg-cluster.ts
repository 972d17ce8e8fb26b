// A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl into a temporary directory, on a
// free port on 127.0.0.1, trust authentication, fsync off. One per test file (start it in
// beforeAll); each test takes a fresh database from it.
//
// The binaries are looked for in DAEHWA_PG_BIN when it is set (only there), otherwise in
// Debian's /usr/lib/postgresql/<version>/bin (newest first), then PATH. initdb refuses to run as root: as root, the cluster runs as the
// `postgres` user (runuser), in a directory it owns.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from 'vitest';

const run = promisify(execFile);

/** The directory holding initdb and pg_ctl, or null when this machine has no PostgreSQL server binaries. */
export function findPostgresBinDir(): string | null {
  const candidates: string[] = [];
  // Set, it is the only place looked at: DAEHWA_PG_BIN=/nowhere runs the tests as a machine without PostgreSQL would.
  if (process.env.DAEHWA_PG_BIN) candidates.push(process.env.DAEHWA_PG_BIN);
  else candidates.push(...defaultPlaces());
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'postgres'))) ?? null;
}

function defaultPlaces(): string[] {
  const candidates: string[] = [];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(debian, version, 'bin')));
  }
  candidates.push(...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== ''));
  return candidates;
}

export interface PgCluster {
  port: number;
  /** A new, empty database; its connection URL. */
  createDatabase(): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  /** Runs one statement as the superuser in the database at `url`. */
  sql(url: string, text: string, values?: unknown[]): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `serverOptions`: more `-c name=value` settings (the bench preloads pg_stat_statements). */
export async function startPgCluster(binDir: string, options: { serverOptions?: string[] } = {}): Promise<PgCluster> {
  const root = await mkdtemp(join(tmpdir(), 'daehwa-pg-'));
  const asRoot = process.getuid?.() === 0;
  let command = (bin: string, args: string[]): [string, string[]] => [join(binDir, bin), args];
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    await chown(root, uid, gid);
    command = (bin, args) => ['runuser', ['-u', 'postgres', '--', join(binDir, bin), ...args]];
  }
  const exec = async (bin: string, args: string[]): Promise<void> => {
    const [file, argv] = command(bin, args);
    try {
      await run(file, argv, { cwd: root, timeout: 120_000 });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`${bin} ${args.join(' ')} failed: ${(error as Error).message}\n${stdout}${stderr}`, { cause: error });
    }
  };

  const data = join(root, 'data');
  const port = await freePort();
  await exec('initdb', ['-D', data, '-U', 'daehwa', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const serverOptions = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${root}`, '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', ...(options.serverOptions ?? [])];
  await exec('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-w', '-t', '60', '-o', serverOptions.join(' '), 'start']);

  // A test run that dies before afterAll still stops its server.
  const stopSync = (): void => {
    const [file, argv] = command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    try {
      execFileSync(file, argv, { stdio: 'ignore', cwd: root });
    } catch {
      // already stopped
    }
  };
  process.once('exit', stopSync);

  const url = (database: string): string => `postgres://daehwa@127.0.0.1:${port}/${database}`;
  const sql = async (target: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      return await client.query(text, values);
    } finally {
      await client.end();
    }
  };
  let databases = 0;

  return {
    port,
    async createDatabase() {
      const name = `t${process.pid}_${++databases}`;
      await sql(url('postgres'), `CREATE DATABASE ${name}`);
      return url(name);
    },
    async dropDatabase(target) {
      const name = new URL(target).pathname.slice(1);
      await sql(url('postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
    sql,
    async stop() {
      process.removeListener('exit', stopSync);
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** What useDatabasePerTest gives a suite: read `url` and `cluster` inside tests and hooks. */
export interface DatabasePerTest {
  readonly cluster: PgCluster;
  /** This test's own database. */
  readonly url: string;
  /** Closed after each test, last added first, before the database is dropped. */
  readonly closers: (() => Promise<void>)[];
}

/**
 * One cluster for the suite and a fresh database for each test: what the cross-process suites
 * share. Call it inside a describeWithPostgres body; the suite's own beforeEach hooks run after
 * this one (the database exists) and its afterEach hooks before (vitest runs after-hooks as a
 * stack), so the database is dropped last.
 */
export function useDatabasePerTest(binDir: string): DatabasePerTest {
  let cluster: PgCluster | undefined;
  let url: string | undefined;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    cluster = await startPgCluster(binDir);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(async () => {
    url = await (cluster as PgCluster).createDatabase();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    if (cluster && url) await cluster.dropDatabase(url);
  });
  return {
    get cluster() {
      if (!cluster) throw new Error('the PostgreSQL cluster is not started yet: read it inside a test or hook');
      return cluster;
    },
    get url() {
      if (!url) throw new Error('no database yet: read the url inside a test or a beforeEach');
      return url;
    },
    closers,
  };
}

/**
 * `describe` for a suite that needs PostgreSQL: without its binaries the suite is skipped with one
 * line saying so, or fails where DAEHWA_REQUIRE_POSTGRES=1 (CI), so a missing install cannot pass.
 */
export function describeWithPostgres(name: string, body: () => void): void {
  const found = findPostgresBinDir() !== null;
  if (!found && process.env.DAEHWA_REQUIRE_POSTGRES === '1') {
    describe(name, () => {
      it('finds the PostgreSQL server binaries (DAEHWA_REQUIRE_POSTGRES=1)', () => {
        throw new Error('DAEHWA_REQUIRE_POSTGRES=1 but no initdb/pg_ctl/postgres was found in DAEHWA_PG_BIN, /usr/lib/postgresql/<version>/bin or PATH');
      });
    });
    return;
  }
  if (!found) console.log(`${name}: skipped, no initdb/pg_ctl found (install Debian's postgresql package or set DAEHWA_PG_BIN; see docs/store.md)`);
  (found ? describe : describe.skip)(name, body);
}
