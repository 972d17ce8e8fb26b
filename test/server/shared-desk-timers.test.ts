// Two servers in this test process on one PostgreSQL database (issue 13): the desk's timers set on
// A, which then stops, are fired by another: the first-response SLA of a waiting conversation, and
// the next-response SLA and auto-close of a conversation claimed on A (with the breach alert
// reaching the agents' consoles on every process, by the bus).
//
// The PostgreSQL timers poll in real time and fire what the manual clock has made due; each step
// moves the clock past one due time only, then waits until the handler has stored the timer's next
// due time, so that the next move finds the timer where the step before left it.
// Skipped without PostgreSQL binaries (one line), unless DAEHWA_REQUIRE_POSTGRES=1.
import { beforeEach, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.ts';
import { describeWithPostgres, findPostgresBinDir, useDatabasePerTest } from '../store/pg-cluster.ts';
import { type SharedServer, startSharedServer } from './shared-server.ts';
import { agentSocket, api, login, ManualClock, OPEN_HOURS, shopper, waitFor } from './helpers.ts';

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

  /** The stored due time of a timer; null when there is no such row. */
  const dueOf = async (key: string): Promise<number | null> => (await db.cluster.sql(db.url, 'SELECT due_at_ms::float8 AS due FROM daehwa_timers WHERE key = $1', [key])).rows[0]?.due ?? null;

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

  it('a conversation claimed on A, which then stops: on B or C its next-response SLA is breached once, alerting the consoles of both, and auto-close checks in, then resolves it', async () => {
    const [a, b, c] = [await startShared(), await startShared(), await startShared()];
    // The agent has a console on B and on C: they stay available (no grace period) once A has gone,
    // and whichever of B and C fires the timers, the other's console hears of the breach by the bus.
    const consoles = [(await agentSocket(b.wsUrl, await login(b.url))).socket, (await agentSocket(c.wsUrl, await login(c.url))).socket];
    const { socket } = await shopper(a.wsUrl);
    socket.send({ type: 'message', text: 'agent please' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued');
    const [item] = await a.pgStore.listQueue(['waiting']);
    const next = `sla-next:${item!.id}`;
    const autoclose = `autoclose:${item!.id}`;
    expect((await api(a.url, 'POST', `/api/agent/queue/${item!.id}/claim`, { token: await login(a.url) })).status).toBe(200);
    const claimedAt = clock.nowMs();
    await waitFor(async () => (await timerKeys()).join() === [autoclose, next].join());
    expect(await dueOf(next)).toBe(claimedAt + 1.5 * MIN); // the warning (warnRatio 0.5 of 3 min)
    expect(await dueOf(autoclose)).toBe(claimedAt + 5 * MIN); // the check-in
    socket.close();
    await a.stop();

    /** Moves the clock to `atMs` after the claim, then waits until `key` is stored as due at `dueMs` after it (null: gone). */
    const step = async (atMs: number, key: string, dueMs: number | null): Promise<void> => {
      clock.advance(claimedAt + atMs - clock.nowMs());
      await waitFor(async () => (await dueOf(key)) === (dueMs === null ? null : claimedAt + dueMs));
    };
    await step(1.5 * MIN, next, 3 * MIN); // warned: set again for the target
    expect(await b.pgStore.listSlaBreaches()).toEqual([]);
    await step(3 * MIN, next, 4.5 * MIN); // breached: set again for the earliest a new wait could warn
    const breachId = `${item!.id}-next_response-${claimedAt}`;
    expect(await b.pgStore.listSlaBreaches()).toEqual([expect.objectContaining({ id: breachId, kind: 'next_response', agentId: 'agent' })]);
    for (const agentConsole of consoles) expect((await agentConsole.nextOfType('sla_breach')).breach).toMatchObject({ id: breachId, kind: 'next_response' });
    await step(4.5 * MIN, next, 6 * MIN); // the same wait: not recorded again
    await step(5 * MIN, autoclose, 7 * MIN); // quiet for checkInMs: the check-in, then closeMs to answer
    const transcript = await b.pgStore.getTranscript(item!.sessionId);
    expect(transcript.filter((entry) => entry.from === 'agent').map((entry) => [entry.automatic, entry.text])).toEqual([['check_in', expect.stringContaining('2분')]]);
    await step(6 * MIN, next, 7.5 * MIN); // the check-in is the agent's answer: no wait
    await step(7 * MIN, autoclose, null); // no answer to the check-in: resolved
    await waitFor(async () => (await b.pgStore.listQueue(['resolved'])).some((resolved) => resolved.id === item!.id));
    await waitFor(async () => (await timerKeys()).length === 0);
    expect(await b.pgStore.listSlaBreaches()).toEqual([expect.objectContaining({ id: breachId })]);
    // Once on each process: neither console got the alert again since.
    for (const agentConsole of consoles) {
      expect(agentConsole.frames.filter((frame) => frame.type === 'sla_breach')).toHaveLength(1);
      agentConsole.close();
    }
  });
});
