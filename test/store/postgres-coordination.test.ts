// What processes sharing one PostgreSQL database coordinate through (src/store/postgres/coordination.ts):
// the per-session turn lock, the bus with its reconnection, and the frame outbox. Two
// coordinations on one database stand for two processes. Skipped without PostgreSQL binaries
// (one line), unless DAEHWA_REQUIRE_POSTGRES=1.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CoordinatedLanes } from '../../src/server/lanes.ts';
import type { BusNote } from '../../src/store/coordination.ts';
import {
  createPostgresCoordination,
  createPostgresStore,
  LISTENER_APPLICATION_NAME,
  type PostgresCoordination,
  type PostgresStore,
} from '../../src/store/postgres/index.ts';
import { session } from './contract.ts';
import { describeWithPostgres, findPostgresBinDir, startPgCluster, type PgCluster } from './pg-cluster.ts';

const BIN_DIR = findPostgresBinDir();

/** Polls until `condition` holds; fails naming `what` after `ms` (a bound, never a wait). */
async function eventually(what: string, condition: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describeWithPostgres('PostgreSQL coordination', () => {
  let cluster: PgCluster;
  let url: string;
  let store: PostgresStore;
  const opened: PostgresCoordination[] = [];
  const open = async (): Promise<PostgresCoordination> => {
    const coordination = await createPostgresCoordination({
      connectionString: url,
      poolSize: 4,
      reconnectDelayMs: { first: 20, max: 200 },
      onError: () => undefined,
    });
    opened.push(coordination);
    return coordination;
  };

  beforeAll(async () => {
    cluster = await startPgCluster(BIN_DIR as string);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(async () => {
    url = await cluster.createDatabase();
    store = await createPostgresStore({ connectionString: url, poolSize: 4 });
    await store.putSession(session('s1'));
    await store.putSession(session('s2'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((coordination) => coordination.close()));
    await store.close();
    await cluster.dropDatabase(url);
  });

  describe('the turn lock', () => {
    it('never runs one session\'s tasks on two processes at once, and runs every one', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      let inside = 0;
      let most = 0;
      const ran: string[] = [];
      const task = (name: string) => async (): Promise<string> => {
        inside += 1;
        most = Math.max(most, inside);
        // A read and a write while holding the lock, as a turn does.
        const record = await store.getSession('s1');
        await store.putSession({ ...record!, updatedAt: new Date().toISOString() });
        inside -= 1;
        ran.push(name);
        return name;
      };
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).locks.run('s1', task(`t${i}`))));
      expect(most).toBe(1);
      expect(results).toEqual(Array.from({ length: 40 }, (_, i) => `t${i}`));
      expect(ran.sort()).toEqual(results.sort());
    });

    it('lets another session\'s task run while one session is locked on another process', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const hold = deferred();
      const entered = deferred();
      const held = a.locks.run('s1', async () => {
        entered.resolve();
        await hold.promise;
      });
      await entered.promise;
      // s2 is not blocked by s1's lock: this resolves while s1 is still held.
      await expect(b.locks.run('s2', async () => 'free')).resolves.toBe('free');
      let secondRan = false;
      const waiting = b.locks.run('s1', async () => {
        secondRan = true;
      });
      // The same session on the other process waits until the first lets go.
      await eventually('the second lock request to be waiting in the database', async () => {
        const { rows } = await cluster.sql(url, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
        return rows[0].n === 1;
      });
      expect(secondRan).toBe(false);
      hold.resolve();
      await Promise.all([held, waiting]);
      expect(secondRan).toBe(true);
    });

    it('lets go of the lock when the task fails, and passes the failure on', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      await expect(a.locks.run('s1', async () => Promise.reject(new Error('turn broke')))).rejects.toThrow('turn broke');
      await expect(b.locks.run('s1', async () => 'next')).resolves.toBe('next');
    });

    it('fails a turn that waits past the lock timeout, naming the session', async () => {
      const a = await open();
      const b = await createPostgresCoordination({ connectionString: url, poolSize: 2, lockTimeoutMs: 100, onError: () => undefined });
      opened.push(b);
      const hold = deferred();
      const entered = deferred();
      const held = a.locks.run('s1', async () => {
        entered.resolve();
        await hold.promise;
      });
      await entered.promise;
      await expect(b.locks.run('s1', async () => 'never')).rejects.toThrow('waited more than 100 ms for the turn lock of session s1');
      hold.resolve();
      await held;
      await expect(b.locks.run('s1', async () => 'now')).resolves.toBe('now');
    });

    it("survives its connection dropping while a turn holds the lock: no uncaught error, the lock is free again", async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const outcome = a.locks.run('s1', async () => {
        // The lock's connection waits idle in its transaction while the turn runs: it is killed now.
        const { rows } = await cluster.sql(url, "SELECT pg_terminate_backend(pid) AS killed FROM pg_locks WHERE locktype = 'advisory' AND granted");
        expect(rows).toEqual([{ killed: true }]);
        await new Promise((resolve) => setTimeout(resolve, 200)); // the drop reaches the client while it is idle
        return 'turn done';
      });
      // The turn's own work is kept; its lock went with the connection.
      await expect(outcome).resolves.toBe('turn done');
      await expect(b.locks.run('s1', async () => 'next')).resolves.toBe('next');
      await expect(a.locks.run('s1', async () => 'again')).resolves.toBe('again');
    });

    it('in CoordinatedLanes: reads the record afresh once the lock is taken, before the task', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const seen: string[] = [];
      const lanesOf = (coordination: PostgresCoordination, name: string): CoordinatedLanes =>
        new CoordinatedLanes(coordination.locks, async (key) => {
          seen.push(`${name} reads ${(await store.getSession(key))!.mode}`);
        });
      const [onA, onB] = [lanesOf(a, 'A'), lanesOf(b, 'B')];
      await onA.run('s1', async () => {
        const record = await store.getSession('s1');
        await store.putSession({ ...record!, mode: 'agent' });
      });
      await onB.run('s1', async () => undefined);
      expect(seen).toEqual(['A reads bot', 'B reads agent']);
    });
  });

  describe('the bus', () => {
    it('brings a note to the other processes, not back to its sender', async () => {
      const [a, b, c] = await Promise.all([open(), open(), open()]);
      const got = { a: [] as BusNote[], b: [] as BusNote[], c: [] as BusNote[] };
      a.bus.subscribe((note) => got.a.push(note));
      b.bus.subscribe((note) => got.b.push(note));
      c.bus.subscribe((note) => got.c.push(note));
      await a.bus.publish({ kind: 'queue' });
      await a.bus.publish({ kind: 'entries', sessionId: 's1', fromSeq: 3, toSeq: 4 });
      await eventually('both other processes to get both notes', () => got.b.length === 2 && got.c.length === 2);
      expect(got.b).toEqual([{ kind: 'queue' }, { kind: 'entries', sessionId: 's1', fromSeq: 3, toSeq: 4 }]);
      expect(got.c).toEqual(got.b);
      expect(got.a).toEqual([]);
    });

    it('ignores a notification that is not a daehwa note, and says so', async () => {
      const errors: string[] = [];
      const a = await createPostgresCoordination({ connectionString: url, poolSize: 2, onError: (error) => errors.push(error.message) });
      opened.push(a);
      const notes: BusNote[] = [];
      a.bus.subscribe((note) => notes.push(note));
      await cluster.sql(url, "SELECT pg_notify('daehwa_bus', '{\"origin\":\"x\",\"note\":{\"kind\":\"launch\"}}')");
      await cluster.sql(url, "SELECT pg_notify('daehwa_bus', 'not json')");
      await eventually('both bad notifications to be reported', () => errors.length === 2);
      expect(errors[0]).toMatch(/is not a daehwa bus note/);
      expect(errors[1]).toMatch(/is not JSON/);
      expect(notes).toEqual([]);
    });

    it('listens again after its connection is killed, and tells subscribers to catch up', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const notes: BusNote[] = [];
      let resubscribed = 0;
      b.bus.subscribe((note) => notes.push(note));
      b.bus.onResubscribed(() => (resubscribed += 1));
      await cluster.sql(url, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [
        LISTENER_APPLICATION_NAME,
      ]);
      await eventually('both listeners to reconnect', () => resubscribed === 1 && a.listening && b.listening);
      await a.bus.publish({ kind: 'queue' });
      await eventually('the note after the reconnection', () => notes.length === 1);
      expect(notes).toEqual([{ kind: 'queue' }]);
    });
  });

  describe('the frame outbox', () => {
    it('numbers frames per session from 1, contiguously across processes, and tells the others', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const heard: BusNote[] = [];
      b.bus.subscribe((note) => heard.push(note));
      const seqs = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).outbox.append('s1', [{ type: 'agent', text: `m${i}` }, { type: 'bot', text: `r${i}` }])),
      );
      expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => 2 * (i + 1)));
      const all = await a.outbox.after('s1', 0);
      expect(all.map((entry) => entry.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      // Each batch kept together, in order.
      for (let i = 0; i < 60; i += 2) expect(all[i + 1]!.frame['text']).toBe(String(all[i]!.frame['text']).replace('m', 'r'));
      expect((await b.outbox.after('s1', 58)).map((entry) => entry.seq)).toEqual([59, 60]);
      expect(await b.outbox.lastSeq('s1')).toBe(60);
      expect(await b.outbox.lastSeq('s2')).toBe(0);
      // The notes b heard are a's appends (15), ids only.
      await eventually("a's 15 notes", () => heard.length === 15);
      for (const note of heard) expect(note).toMatchObject({ kind: 'frames', sessionId: 's1' });
    });

    it('refuses frames for a session it does not have', async () => {
      const a = await open();
      await expect(a.outbox.append('nobody', [{ type: 'agent', text: 'x' }])).rejects.toThrow('cannot send frames to unknown session nobody');
    });
  });
});
