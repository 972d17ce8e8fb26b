// Two servers in this test process on one PostgreSQL database, wired as `daehwa serve` wires them
// (assemble.ts's sharedDeps): what used to live in one process's memory is shared (issue 13).
// - a sign-out on A is refused by B at the next request, and B's sockets with that token close;
// - wrong passwords on A and B add up to one lockout;
// - an agent's grace period set on A, which then stops, is fired by B;
// - a shopper session's idle timer set on A, which then stops, is fired by B, which closes the
//   session; with A still up, B's close reaches the shopper's socket on A;
// - /healthz reports the database, and answers 503 while it cannot be reached.
// Skipped without PostgreSQL binaries (one line), unless DAEHWA_REQUIRE_POSTGRES=1.

import { createServer, type Server, Socket } from 'node:net';
import { beforeEach, expect, it } from 'vitest';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { AgentAuth } from '../../src/server/agent-auth.ts';
import { LOCK_MS, MAX_FAILURES } from '../../src/server/sign-in-guard.ts';
import { loadMigrations } from '../../src/store/postgres/migrate.ts';
import { describeWithPostgres, findPostgresBinDir, useDatabasePerTest } from '../store/pg-cluster.ts';
import { type SharedServer, startSharedServer } from './shared-server.ts';
import { agentSocket, api, login, ManualClock, OPEN_HOURS, shopper, TestSocket, waitFor, type TestServer } from './helpers.ts';

const BIN_DIR = findPostgresBinDir();
const GRACE_MS = 30_000;
const IDLE_MS = 5 * 60_000;

/** A TCP relay to the cluster that can be cut and restored: the database "goes away" for the servers behind it. */
async function relay(port: number): Promise<{ url: (database: string) => string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let listenPort = 0;
  const listen = async (): Promise<void> => {
    server = createServer((client) => {
      const upstream = new Socket();
      sockets.add(client).add(upstream);
      for (const s of [client, upstream]) s.on('close', () => sockets.delete(s)).on('error', () => undefined);
      upstream.connect(port, '127.0.0.1', () => {
        client.pipe(upstream);
        upstream.pipe(client);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server!.listen(listenPort, '127.0.0.1', () => resolve()));
    const address = server!.address();
    listenPort = typeof address === 'object' && address ? address.port : 0;
  };
  const cut = async (): Promise<void> => {
    const closing = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
  };
  await listen();
  return { url: (database) => `postgres://daehwa@127.0.0.1:${listenPort}/${database}`, cut, restore: listen, close: cut };
}

describeWithPostgres('servers sharing PostgreSQL: sign-in state, timers, health', () => {
  let clock: ManualClock;
  const db = useDatabasePerTest(BIN_DIR as string);

  /** One "process": its own store, coordination and server, wired as assemble.ts wires them. */
  const startShared = (connectionString = db.url): Promise<SharedServer> =>
    startSharedServer({ connectionString, clock, config: { handoff: { agentGraceMs: GRACE_MS }, sessions: { idleTimeoutMs: IDLE_MS } }, closers: db.closers });

  beforeEach(() => {
    clock = new ManualClock(OPEN_HOURS);
  });

  it('a sign-out on A is refused on B at the next request, and B closes the sockets signed in with it', async () => {
    const [a, b] = [await startShared(), await startShared()];
    const token = await login(a.url);
    const other = await login(b.url);
    expect((await api(b.url, 'GET', '/api/agent/me', { token })).status).toBe(200);
    const onB = await agentSocket(b.wsUrl, token);

    expect((await api(a.url, 'POST', '/api/agent/logout', { token })).status).toBe(200);
    // No wait: B reads the revocation from the database on this very request.
    expect(await api(b.url, 'GET', '/api/agent/queue', { token })).toMatchObject({ status: 401, body: { error: { code: 'token_revoked' } } });
    expect(await onB.socket.next((f) => f.type === 'error')).toMatchObject({ code: 'token_revoked' });
    expect((await onB.socket.closed).reason).toBe('token_revoked');
    // A new socket on B with the token is refused; the agent's other sign-in is untouched.
    const again = await agentSocketRefused(b.wsUrl, token);
    expect(again).toMatchObject({ code: 'token_revoked' });
    expect((await api(b.url, 'GET', '/api/agent/me', { token: other })).status).toBe(200);
    const { rows } = await db.cluster.sql(db.url, 'SELECT count(*)::int AS n FROM daehwa_revoked_tokens');
    expect(rows[0].n).toBe(1);
  });

  it('counts wrong passwords on A and B towards one lockout, which both then enforce', async () => {
    const [a, b] = [await startShared(), await startShared()];
    const attempt = (server: TestServer, password: string) => api(server.url, 'POST', '/api/agent/login', { body: { agentId: 'agent', password } });
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await attempt(i % 2 === 0 ? a : b, 'wrong')).body.error.code).toBe('invalid_credentials');
    // The fifth, on B, locks: A's four count there too.
    expect((await attempt(b, 'wrong')).body.error.code).toBe('invalid_credentials');
    for (const server of [a, b]) {
      expect(await attempt(server, 'daehwa-demo')).toMatchObject({ status: 429, body: { error: { code: 'account_locked', message: expect.stringContaining('15 minutes') } } });
    }
    clock.advance(LOCK_MS);
    expect((await attempt(a, 'daehwa-demo')).status).toBe(200);
    // The correct password on A started the address afresh for B too.
    for (let i = 0; i < MAX_FAILURES - 1; i++) await attempt(b, 'wrong');
    expect((await attempt(a, 'daehwa-demo')).status).toBe(200);
  });

  it('locks once when wrong passwords arrive on both processes at the same moment', async () => {
    const [a, b] = [await startShared(), await startShared()];
    const attempt = (server: TestServer) => api(server.url, 'POST', '/api/agent/login', { body: { agentId: 'agent', password: 'wrong' } });
    const answers = await Promise.all(Array.from({ length: MAX_FAILURES }, (_, i) => attempt(i % 2 === 0 ? a : b)));
    expect(answers.every((answer) => answer.body.error.code === 'invalid_credentials')).toBe(true);
    const { rows } = await db.cluster.sql(db.url, 'SELECT failures, locks, locked_until_ms::float8 AS until FROM daehwa_sign_in_failures');
    expect(rows).toEqual([{ failures: 0, locks: 1, until: clock.nowMs() + LOCK_MS }]);
  });

  it('locks longer each time from the same address, and never for other addresses (the policy of one process)', async () => {
    const [a, b] = [await startShared(), await startShared()];
    const auths = [a, b].map((server) => new AgentAuth([DEFAULT_AGENT], 'a-secret-of-16-chars', 60_000, clock, server.coordination.createAuthState({ nowMs: () => clock.nowMs() })));
    const [onA, onB] = auths as [AgentAuth, AgentAuth];
    const fail = async (times: number): Promise<void> => {
      for (let i = 0; i < times; i++) await (i % 2 === 0 ? onA : onB).login('agent', 'wrong', '203.0.113.9');
    };
    await fail(MAX_FAILURES);
    expect(await onB.login('agent', 'daehwa-demo', '203.0.113.9')).toMatchObject({ code: 'account_locked', retryAfterMs: LOCK_MS });
    expect(await onB.login('agent', 'daehwa-demo', '198.51.100.4')).toHaveProperty('token');
    clock.advance(LOCK_MS);
    await fail(MAX_FAILURES);
    expect(await onA.login('agent', 'daehwa-demo', '203.0.113.9')).toMatchObject({ code: 'account_locked', retryAfterMs: 2 * LOCK_MS });
    clock.advance(2 * LOCK_MS);
    expect(await onA.login('agent', 'daehwa-demo', '203.0.113.9')).toHaveProperty('token');
  });

  it("an agent's grace period set on A, which then stops, is fired by B: the conversation goes back to the queue", async () => {
    const [a, b] = [await startShared(), await startShared()];
    const token = await login(a.url);
    const agent = await agentSocket(a.wsUrl, token);
    const { socket, session } = await shopper(b.wsUrl);
    socket.send({ type: 'message', text: 'agent please' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued', 'the queued frame');
    const itemId = (await api(a.url, 'GET', '/api/agent/queue', { token })).body.items[0].id as string;
    agent.socket.send({ type: 'claim', itemId, ref: 'c' });
    expect(await agent.socket.next((f) => f.ref === 'c')).toMatchObject({ type: 'ack' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'assigned', 'the assigned frame');

    // The agent leaves A: the grace period is a row in the database.
    agent.socket.close();
    await waitFor(async () => (await db.cluster.sql(db.url, 'SELECT 1 FROM daehwa_timers WHERE key = $1', [`agent-grace:${itemId}`])).rowCount === 1);
    await a.stop(); // without firing it
    expect((await db.cluster.sql(db.url, "SELECT due_at_ms::float8 AS due FROM daehwa_timers WHERE kind = 'agent-grace'")).rows).toEqual([{ due: clock.nowMs() + GRACE_MS }]);

    clock.advance(GRACE_MS);
    expect(await socket.next((f) => f.type === 'handoff' && f.status === 'queued', 'queued again, by B')).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    expect(await b.pgStore.getQueueItem(itemId)).toMatchObject({ status: 'waiting' });
    expect((await b.pgStore.getTranscript(session.sessionId)).at(-1)?.text).toMatch(/agent agent disconnected; back in the queue/);
    await waitFor(async () => (await db.cluster.sql(db.url, "SELECT 1 FROM daehwa_timers WHERE kind = 'agent-grace'")).rowCount === 0);
    socket.close();
  });

  it('an agent who comes back on B within the grace period keeps the conversation A gave a grace period', async () => {
    const [a, b] = [await startShared(), await startShared()];
    const token = await login(a.url);
    const agent = await agentSocket(a.wsUrl, token);
    const { socket } = await shopper(a.wsUrl);
    socket.send({ type: 'message', text: 'agent please' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued', 'the queued frame');
    const itemId = (await api(a.url, 'GET', '/api/agent/queue', { token })).body.items[0].id as string;
    expect((await api(a.url, 'POST', `/api/agent/queue/${itemId}/claim`, { token })).status).toBe(200);
    agent.socket.close();
    await waitFor(async () => (await db.cluster.sql(db.url, "SELECT 1 FROM daehwa_timers WHERE kind = 'agent-grace'")).rowCount === 1);

    clock.advance(GRACE_MS / 2);
    await agentSocket(b.wsUrl, token);
    await waitFor(async () => (await db.cluster.sql(db.url, "SELECT 1 FROM daehwa_timers WHERE kind = 'agent-grace'")).rowCount === 0);
    clock.advance(GRACE_MS);
    await new Promise((resolve) => setTimeout(resolve, 100)); // several polls of both
    expect(await a.pgStore.getQueueItem(itemId)).toMatchObject({ status: 'assigned', agentId: 'agent' });
    socket.close();
  });

  it("a shopper session's idle timer set on A, which then stops, is fired by B: the session closes", async () => {
    const [a, b] = [await startShared(), await startShared()];
    const { socket, session } = await shopper(a.wsUrl);
    const openedAt = clock.nowMs();
    const idleRow = () => db.cluster.sql(db.url, 'SELECT kind, payload, due_at_ms::float8 AS due FROM daehwa_timers WHERE key = $1', [`session-idle:${session.sessionId}`]);
    // Set when the session opened; its payload holds the session's id only.
    expect((await idleRow()).rows).toEqual([{ kind: 'session-idle', payload: { sessionId: session.sessionId }, due: openedAt + IDLE_MS }]);
    clock.advance(IDLE_MS / 2);
    socket.send({ type: 'message', text: 'hello' });
    await socket.nextOfType('bot');
    // A turn writes no timer.
    expect((await idleRow()).rows).toEqual([{ kind: 'session-idle', payload: { sessionId: session.sessionId }, due: openedAt + IDLE_MS }]);
    await a.stop(); // without firing it; the shopper's socket goes with A
    await socket.closed;

    // Due at the first idle period: B finds the turn half a period ago in the record and sets it again.
    clock.advance(IDLE_MS / 2);
    await waitFor(async () => (await idleRow()).rows[0]?.due === openedAt + IDLE_MS / 2 + IDLE_MS);
    expect(await b.pgStore.getSession(session.sessionId)).toMatchObject({ status: 'open' });
    clock.advance(IDLE_MS / 2);
    await waitFor(async () => (await b.pgStore.getSession(session.sessionId))?.status === 'closed');
    expect((await b.pgStore.getTranscript(session.sessionId)).at(-1)).toMatchObject({ from: 'system', text: 'session closed after 5 min without activity' });
    await waitFor(async () => (await idleRow()).rowCount === 0);
    // The shopper's token finds it closed (nothing waits for them): a new session starts.
    const back = await shopper(b.wsUrl, { sessionToken: session.sessionToken });
    expect(back.socket.frames[0]).toMatchObject({ type: 'error', code: 'session_expired' });
    back.socket.close();
  });

  it('an idle session closed by B closes the shopper socket A holds', async () => {
    const [a, b] = [await startShared(), await startShared()];
    const { socket, session } = await shopper(a.wsUrl);
    socket.send({ type: 'message', text: 'hello' });
    await socket.nextOfType('bot');
    await a.timers.stop(); // A serves the shopper but fires no timer: B must

    clock.advance(IDLE_MS);
    expect((await socket.closed).code).toBe(4000);
    expect(await a.pgStore.getSession(session.sessionId)).toMatchObject({ status: 'closed' });
    expect((await a.pgStore.getTranscript(session.sessionId)).at(-1)).toMatchObject({ from: 'system', text: 'session closed after 5 min without activity' });
    // A let go of it too: the token resumed on A is told the session has ended.
    expect(a.server.sessions.size).toBe(0);
    const back = await shopper(a.wsUrl, { sessionToken: session.sessionToken });
    expect(back.socket.frames[0]).toMatchObject({ type: 'error', code: 'session_expired' });
    back.socket.close();
  });

  it('/healthz reports the database and its pools, answers 503 while it is away, and 200 again when it is back', async () => {
    const database = new URL(db.url).pathname.slice(1);
    const path = await relay(db.cluster.port);
    db.closers.push(() => path.close());
    const a = await startShared(path.url(database));

    const healthy = await fetch(`${a.url}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({
      status: 'ok',
      pid: process.pid,
      store: {
        kind: 'postgres',
        reachable: true,
        schemaVersion: (await loadMigrations()).length, // every shipped migration applied
        latencyMs: expect.any(Number),
        pool: { max: 4, total: expect.any(Number), idle: expect.any(Number), waiting: 0 },
        coordination: { listening: true, pool: { max: 4 } },
      },
    });

    const token = await login(a.url);
    await path.cut();
    // An agent's request cannot be checked against the sign-outs: refused as unavailable, not let through.
    expect(await api(a.url, 'GET', '/api/agent/me', { token })).toMatchObject({ status: 503, body: { error: { code: 'temporarily_unavailable' } } });
    const away = await fetch(`${a.url}/healthz`);
    expect(away.status).toBe(503);
    const body = (await away.json()) as { status: string; store: { reachable: boolean; error: string } };
    expect(body).toMatchObject({ status: 'unavailable', store: { kind: 'postgres', reachable: false, error: expect.any(String) } });
    expect(body.store.error).not.toContain('password');

    await path.restore();
    await waitFor(async () => (await fetch(`${a.url}/healthz`)).status === 200);
    await waitFor(async () => a.coordination.listening);
    expect((await api(a.url, 'GET', '/api/agent/me', { token })).status).toBe(200);
  });

  it("a shopper's turn while the database is away is answered temporarily_unavailable and stores nothing; the same line is answered once it is back", async () => {
    const database = new URL(db.url).pathname.slice(1);
    const path = await relay(db.cluster.port);
    db.closers.push(() => path.close());
    const a = await startShared(path.url(database));
    const { socket, session } = await shopper(a.wsUrl, { locale: 'ko' });
    socket.send({ type: 'message', text: '반품 기간이 어떻게 되나요?' });
    await socket.nextOfType('bot');
    // The turn is over once its lines are stored (the reply goes out before).
    await waitFor(async () => (await a.pgStore.getTranscript(session.sessionId)).length === 2);

    await path.cut();
    socket.send({ type: 'message', text: '배송비는 얼마예요?' });
    const refused = await socket.nextOfType('error');
    expect(refused).toMatchObject({ code: 'temporarily_unavailable', message: expect.stringContaining('again') });
    expect(socket.frames.filter((f) => f.type === 'error' && f.code === 'internal_error')).toEqual([]);

    await path.restore();
    await waitFor(async () => (await fetch(`${a.url}/healthz`)).status === 200);
    socket.send({ type: 'message', text: '배송비는 얼마예요?' });
    const answer = await socket.nextOfType('bot');
    // The echo dialog numbers its turns: the refused one was not counted (its state was not kept).
    expect(answer).toMatchObject({ text: '#2 배송비는 얼마예요?', meta: { state: 'turn_2' } });
    socket.close();

    // Seq by seq: the first turn, then the line sent again and its answer; nothing of the refused turn.
    const transcript = await a.pgStore.getTranscript(session.sessionId);
    expect(transcript.map((e) => [e.seq, e.from, e.text])).toEqual([
      [1, 'shopper', '반품 기간이 어떻게 되나요?'],
      [2, 'bot', '#1 반품 기간이 어떻게 되나요?'],
      [3, 'shopper', '배송비는 얼마예요?'],
      [4, 'bot', '#2 배송비는 얼마예요?'],
    ]);
  });
});

/** Opens an agent socket with `token` and returns the error frame it is refused with. */
async function agentSocketRefused(wsUrl: string, token: string): Promise<Record<string, unknown>> {
  const socket = await TestSocket.open(`${wsUrl}/agent/ws`);
  socket.send({ type: 'auth', token });
  const error = await socket.nextOfType('error');
  await socket.closed;
  return error;
}
