// Two servers in this test process on one PostgreSQL database (issue 13): the desk's timers set on
// A, which then stops, are fired by B: the first-response SLA of a waiting conversation. (The
// claimed conversation's next-response SLA and auto-close across processes are not tested yet.)
// Skipped without PostgreSQL binaries (one line), unless DAEHWA_REQUIRE_POSTGRES=1.
import { beforeEach, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.ts';
import { describeWithPostgres, findPostgresBinDir, useDatabasePerTest } from '../store/pg-cluster.ts';
import { type SharedServer, startSharedServer } from './shared-server.ts';
import { api, login, ManualClock, OPEN_HOURS, shopper, waitFor } from './helpers.ts';

const BIN_DIR = findPostgresBinDir();
const MIN = 60_000;
const DESK: ConfigInput = {
  desk: {
    sla: { firstResponseMs: { normal: 2 * MIN, high: 2 * MIN }, nextResponseMs: { normal: 3 * MIN, high: 3 * MIN }, warnRatio: 0.5 },
    autoClose: { checkInMs: 5 * MIN, closeMs: 2 * MIN },
  },
};

describeWithPostgres("servers sharing PostgreSQL: the desk's timers", () => {
  let clock: ManualClock;
  const db = useDatabasePerTest(BIN_DIR as string);


  const startShared = (): Promise<SharedServer> => startSharedServer({ connectionString: db.url, clock, config: DESK, closers: db.closers });

  const timerKeys = async (): Promise<string[]> => (await db.cluster.sql(db.url, "SELECT key FROM daehwa_timers WHERE kind <> 'session-idle' ORDER BY key")).rows.map((row: { key: string }) => row.key);

  beforeEach(() => {
    clock = new ManualClock(OPEN_HOURS);
  });

  it('the first-response SLA of a conversation queued on A, which then stops, is breached on B, once', async () => {
    const [a, b] = [await startShared(), await startShared()];
    const { socket } = await shopper(a.wsUrl);
    socket.send({ type: 'message', text: 'agent please' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued');
    const [item] = await a.pgStore.listQueue(['waiting']);
    expect(await timerKeys()).toEqual([`sla-first:${item!.id}`]);
    await a.stop();

    clock.advance(MIN); // the warning: set again for the target
    await waitFor(async () => (await db.cluster.sql(db.url, 'SELECT due_at_ms::float8 AS due FROM daehwa_timers WHERE key = $1', [`sla-first:${item!.id}`])).rows[0]?.due === Date.parse(item!.createdAt) + 2 * MIN);
    expect(await b.pgStore.listSlaBreaches()).toEqual([]);
    clock.advance(MIN);
    await waitFor(async () => (await b.pgStore.listSlaBreaches()).length === 1);
    expect(await b.pgStore.listSlaBreaches()).toEqual([expect.objectContaining({ id: `${item!.id}-first_response`, kind: 'first_response' })]);
    await waitFor(async () => (await timerKeys()).length === 0);
  });
});
