// Versioned SQL migrations: migrations/NNN_name.sql, applied in order at start, recorded in
// daehwa_migrations. The whole run is one transaction under a transaction-level advisory lock,
// so two processes starting at once apply each migration once, and a migration that fails leaves
// the database exactly as it was.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { StoreError } from '../errors.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Key of the advisory lock every migration run takes (the bytes of "daehwa-m" as a bigint). */
const MIGRATION_LOCK_KEY = '7233173975887588717';

export interface Migration {
  version: number;
  /** The file name, e.g. 001_initial.sql. */
  name: string;
  sql: string;
}

const MIGRATION_FILE = /^(\d{3,})_[a-z0-9_]+\.sql$/;

/**
 * The migrations in `dir`, by version: increasing from 001, each version once. A version may be
 * missing (numbers are handed out ahead to work in progress, which may land later): the database
 * records each version it applied, and one that arrives later is applied then.
 */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = MIGRATION_FILE.exec(file);
    if (!match) {
      throw new StoreError('migration_failed', `${join(dir, file)}: a migration file is named NNN_name.sql (digits, an underscore, lower-case letters, digits and underscores)`);
    }
    const version = Number(match[1]);
    const previous = migrations.at(-1)?.version ?? 0;
    if (version <= previous || (previous === 0 && version !== 1)) {
      const why = version === previous ? `version ${version} is taken by ${migrations.at(-1)!.name}` : previous === 0 ? 'the first migration is version 001' : `expected a version after ${previous}`;
      throw new StoreError('migration_failed', `${join(dir, file)}: ${why} (versions run 1, 2, 3, …, each once)`);
    }
    migrations.push({ version, name: file, sql: await readFile(join(dir, file), 'utf8') });
  }
  return migrations;
}

export interface MigrationResult {
  /** The schema version after the run. */
  version: number;
  /** Files applied by this run (none when the database was up to date). */
  applied: string[];
}

/** Applies the migrations the database lacks, all in one transaction; rolls everything back if one fails. */
export async function migrate(client: pg.ClientBase, migrations: Migration[]): Promise<MigrationResult> {
  await client.query('BEGIN');
  try {
    const result = await applyPending(client, migrations);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function applyPending(client: pg.ClientBase, migrations: Migration[]): Promise<MigrationResult> {
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
  await client.query(
    `CREATE TABLE IF NOT EXISTS daehwa_migrations (
       version integer PRIMARY KEY,
       name text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const recorded = await client.query<{ version: number; name: string }>('SELECT version, name FROM daehwa_migrations ORDER BY version');
  const known = migrations.at(-1)?.version ?? 0;
  const newest = recorded.rows.at(-1);
  if (newest && newest.version > known) {
    throw new StoreError(
      'schema_too_new',
      `the database is at daehwa schema version ${newest.version} (${newest.name}), newer than this daehwa knows (up to version ${known}); ` +
        'run the daehwa release that migrated it, or point the store at another database',
    );
  }
  const done = new Set(recorded.rows.map((row) => row.version));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    try {
      await client.query(migration.sql);
    } catch (error) {
      throw new StoreError(
        'migration_failed',
        `migration ${migration.name} failed and was rolled back (the database is unchanged): ${(error as Error).message}`,
        { cause: error },
      );
    }
    await client.query('INSERT INTO daehwa_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    applied.push(migration.name);
  }
  return { version: Math.max(known, newest?.version ?? 0), applied };
}
