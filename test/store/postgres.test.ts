// The PostgreSQL store: the shared contract, then what only a database has (several stores on
// one database, migrations, rows edited behind the store's back). A throwaway cluster is started
// once for this file (pg-cluster.ts); without PostgreSQL binaries the file is skipped with one
// line, unless DAEHWA_REQUIRE_POSTGRES=1 (CI), where their absence fails.

import { readdirSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { createPostgresStore, MIGRATIONS_DIR, type PostgresStore } from '../../src/store/postgres/index.ts';
import { loadMigrations } from '../../src/store/postgres/migrate.ts';
import type { TranscriptEntry } from '../../src/store/types.ts';
import { describeStoreContract, queueItem, session } from './contract.ts';
import { describeWithPostgres, findPostgresBinDir, startPgCluster, type PgCluster } from './pg-cluster.ts';

/** The shipped migrations, by version: derived, so that each new migration does not edit these tests. */
const SHIPPED = readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith('.sql')).sort();
const NEXT = String(SHIPPED.length + 1).padStart(3, '0');
const OPENER = fileURLToPath(new URL('./fixtures/open-postgres.ts', import.meta.url));
const BIN_DIR = findPostgresBinDir();

const says = (text: string): Omit<TranscriptEntry, 'seq'> => ({ at: '2026-03-02T01:00:00.000Z', from: 'shopper', text });

describeWithPostgres('PostgreSQL store', () => {
  let cluster: PgCluster;

  beforeAll(async () => {
    cluster = await startPgCluster(BIN_DIR as string);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  describeStoreContract('postgres', {
    persistent: true,
    async makeHarness() {
      const url = await cluster.createDatabase();
      return {
        open: () => createPostgresStore({ connectionString: url, poolSize: 4 }),
        child: { openerModule: OPENER, location: url },
        cleanup: () => cluster.dropDatabase(url),
      };
    },
  });

  describe('on one database', () => {
    let url: string;
    const opened: PostgresStore[] = [];
    const open = async (options: { migrationsDir?: string } = {}): Promise<PostgresStore> => {
      const store = await createPostgresStore({ connectionString: url, poolSize: 4, ...options });
      opened.push(store);
      return store;
    };
    const tableExists = async (table: string): Promise<boolean> =>
      (await cluster.sql(url, 'SELECT to_regclass($1) IS NOT NULL AS present', [table])).rows[0].present as boolean;
    const recordedMigrations = async (): Promise<{ version: number; name: string; applied_at: Date }[]> =>
      (await cluster.sql(url, 'SELECT version, name, applied_at FROM daehwa_migrations ORDER BY version')).rows as {
        version: number;
        name: string;
        applied_at: Date;
      }[];

    beforeEach(async () => {
      url = await cluster.createDatabase();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await cluster.dropDatabase(url);
    });

    it('numbers appends from two stores on one database contiguously, each batch consecutive', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      await a.putSession(session('s1'));
      const batches = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).appendTranscript('s1', [says(`q${i}`), says(`r${i}`)])),
      );
      const seqs = (await b.getTranscript('s1')).map((entry) => entry.seq);
      expect(seqs).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      for (const batch of batches) expect(batch[1]!.seq).toBe(batch[0]!.seq + 1);
      expect(new Set(batches.flat().map((entry) => entry.seq)).size).toBe(120);
      // What each call got back is what was stored under its seqs.
      const stored = new Map((await a.getTranscript('s1')).map((entry) => [entry.seq, entry.text]));
      for (const entry of batches.flat()) expect(stored.get(entry.seq)).toBe(entry.text);
    });

    it('applies the migrations once, however many stores open the database at the same time', async () => {
      // A slow second migration keeps the first run's transaction open while the others arrive.
      const dir = await mkdtemp(join(tmpdir(), 'daehwa-migrations-'));
      try {
        await copyFile(join(MIGRATIONS_DIR, '001_initial.sql'), join(dir, '001_initial.sql'));
        await writeFile(join(dir, '002_slow.sql'), 'SELECT pg_sleep(0.5);\nCREATE TABLE daehwa_slow (x integer);\n');
        const stores = await Promise.all([open({ migrationsDir: dir }), open({ migrationsDir: dir }), open({ migrationsDir: dir })]);
        expect(stores.map((store) => store.migrations.applied).flat()).toEqual(['001_initial.sql', '002_slow.sql']);
        const first = await recordedMigrations();
        expect(first.map((row) => [row.version, row.name])).toEqual([
          [1, '001_initial.sql'],
          [2, '002_slow.sql'],
        ]);

        await Promise.all(opened.splice(0).map((store) => store.close()));
        const again = await open({ migrationsDir: dir });
        expect(again.migrations).toEqual({ version: 2, applied: [] });
        expect(await recordedMigrations()).toEqual(first);
        await again.putSession(session('s1'));
        expect(await again.getSession('s1')).toEqual(session('s1'));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    // Every branch adds migrations: the shipped list is read, not written out here.
    const shippedNames = async (): Promise<string[]> => (await loadMigrations()).map((migration) => migration.name);

    it('applies the shipped migrations to a new database and records them', async () => {
      const store = await open();
      const shipped = await shippedNames();
      expect(shipped.slice(0, 2)).toEqual(['001_initial.sql', '002_coordination.sql']);
      expect(store.migrations).toEqual({ version: shipped.length, applied: shipped });
      expect((await recordedMigrations()).map((row) => row.name)).toEqual(shipped);
      for (const table of ['daehwa_sessions', 'daehwa_transcript_entries', 'daehwa_queue_items', 'daehwa_session_frames', 'daehwa_surveys', 'daehwa_cases', 'daehwa_notifications', 'daehwa_channel_links']) expect(await tableExists(table)).toBe(true);
    });

    it('refuses a database migrated by a newer daehwa, naming its version', async () => {
      await (await open()).close();
      const known = (await shippedNames()).length;
      const future = `${String(known + 1).padStart(3, '0')}_future.sql`;
      await cluster.sql(url, 'INSERT INTO daehwa_migrations (version, name) VALUES ($1, $2)', [known + 1, future]);
      const refused = createPostgresStore({ connectionString: url });
      await expect(refused).rejects.toMatchObject({ code: 'schema_too_new' });
      await expect(refused).rejects.toThrow(`schema version ${known + 1} (${future}), newer than this daehwa knows (up to version ${known})`);
    });

    describe('a migration that fails', () => {
      let dir: string;
      let broken: string;
      beforeEach(async () => {
        dir = await mkdtemp(join(tmpdir(), 'daehwa-migrations-'));
        const shipped = await shippedNames();
        for (const name of shipped) await copyFile(join(MIGRATIONS_DIR, name), join(dir, name));
        broken = `${String(shipped.length + 1).padStart(3, '0')}_broken.sql`;
        await writeFile(join(dir, broken), 'CREATE TABLE daehwa_half (x integer);\nSELECT * FROM no_such_table;\n');
      });
      afterEach(async () => {
        await rm(dir, { recursive: true, force: true });
      });

      it('on a new database: start-up stops naming the file, and nothing is created', async () => {
        const failed = createPostgresStore({ connectionString: url, migrationsDir: dir });
        await expect(failed).rejects.toMatchObject({ code: 'migration_failed' });
        await expect(failed).rejects.toThrow(new RegExp(`^migration ${broken.replace('.', '\\.')} failed and was rolled back .*no_such_table`));
        for (const table of ['daehwa_migrations', 'daehwa_sessions', 'daehwa_half']) expect(await tableExists(table)).toBe(false);
      });

      it('on a database at the shipped version: it stays there with its data', async () => {
        const store = await open();
        await store.putSession(session('s1'));
        await store.close();

        await expect(createPostgresStore({ connectionString: url, migrationsDir: dir })).rejects.toThrow(`migration ${broken} failed`);
        expect((await recordedMigrations()).map((row) => row.name)).toEqual(await shippedNames());
        expect(await tableExists('daehwa_half')).toBe(false);
        expect(await (await open()).getSession('s1')).toEqual(session('s1'));
      });
    });

    it('names the table and the row of a row that does not match its schema', async () => {
      const store = await open();
      await store.putSession(session('s1'));
      await store.appendTranscript('s1', [says('one'), says('two')]);
      await store.putQueueItem(queueItem('q1'));

      await cluster.sql(url, `UPDATE daehwa_sessions SET record = jsonb_set(record, '{mode}', '"dancing"') WHERE id = 's1'`);
      await expect(store.getSession('s1')).rejects.toThrow(/^daehwa_sessions row "s1" does not match its schema at mode: /);
      await expect(store.findSessionByTokenHash('hash-s1')).rejects.toMatchObject({ code: 'corrupt' });

      await cluster.sql(url, `UPDATE daehwa_transcript_entries SET entry = jsonb_set(entry, '{from}', '"robot"') WHERE seq = 2`);
      await expect(store.getTranscript('s1')).rejects.toThrow(/^daehwa_transcript_entries row \(session "s1", seq 2\) does not match its schema at from: /);

      await cluster.sql(url, `UPDATE daehwa_queue_items SET record = record - 'notes' WHERE id = 'q1'`);
      const listed = store.listQueue();
      await expect(listed).rejects.toBeInstanceOf(StoreError);
      await expect(listed).rejects.toThrow(/^daehwa_queue_items row "q1" does not match its schema at notes: /);

      await cluster.sql(url, `UPDATE daehwa_sessions SET record = jsonb_set(record, '{mode}', '"bot"') WHERE id = 's1'`);
      await cluster.sql(url, `INSERT INTO daehwa_sessions (id, token_hash, status, record) SELECT 's2', 'h2', status, record FROM daehwa_sessions WHERE id = 's1'`);
      await expect(store.getSession('s2')).rejects.toThrow('daehwa_sessions row "s2" holds the record of "s1"');
    });

    it('says which database it cannot reach, without its password', async () => {
      const closedPort = cluster.port + 1;
      const attempt = createPostgresStore({ connectionString: `postgres://daehwa:hunter2-secret@127.0.0.1:${closedPort}/nothing`, connectionTimeoutMs: 3000 });
      await expect(attempt).rejects.toMatchObject({ code: 'unavailable' });
      await expect(attempt).rejects.toThrow(`cannot connect to PostgreSQL at postgres://daehwa@127.0.0.1:${closedPort}/nothing: `);
      await expect(attempt).rejects.not.toThrow('hunter2');
    });
  });
});
