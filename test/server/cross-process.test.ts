// Two servers in this test process on one PostgreSQL database, each with its own store and its own
// coordination (turn lock, bus, outbox), stand for two processes: what one process does reaches
// the sockets the other holds. test/server/multi-process.test.ts does the same with real
// processes. Skipped without PostgreSQL binaries (one line), unless DAEHWA_REQUIRE_POSTGRES=1.

import { describe, expect, it } from 'vitest';
import { createPostgresCoordination, createPostgresStore, LISTENER_APPLICATION_NAME, type PostgresCoordination } from '../../src/store/postgres/index.ts';
import type { Store } from '../../src/store/types.ts';
import { describeWithPostgres, findPostgresBinDir, useDatabasePerTest } from '../store/pg-cluster.ts';
import { agentSocket, api, login, shopper, startTestServer, waitFor, type Frame, type TestServer } from './helpers.ts';

const BIN_DIR = findPostgresBinDir();

describeWithPostgres('servers sharing PostgreSQL', () => {
  const db = useDatabasePerTest(BIN_DIR as string);

  const startShared = async (
    options: { beforeReconnect?: () => Promise<void> } = {},
  ): Promise<TestServer & { coordination: PostgresCoordination; pgStore: Store }> => {
    const pgStore = await createPostgresStore({ connectionString: db.url, poolSize: 4 });
    const coordination = await createPostgresCoordination({
      connectionString: db.url,
      poolSize: 4,
      reconnectDelayMs: { first: 20, max: 200 },
      onError: () => undefined,
      ...options,
    });
    const server = await startTestServer({ store: pgStore, deps: { coordination } });
    db.closers.push(async () => {
      await server.close();
      await coordination.close();
      await pgStore.close();
    });
    return { ...server, coordination, pgStore };
  };

  const texts = (frames: Frame[], type: string): unknown[] => frames.filter((f) => f.type === type).map((f) => f.text);

  it('an agent on B claims, answers and hands back a shopper connected to A', async () => {
    const [a, b] = [await startShared(), await startShared()];
    const token = await login(b.url);
    const agent = await agentSocket(b.wsUrl, token);

    const { socket, session } = await shopper(a.wsUrl);
    socket.send({ type: 'message', text: 'agent please' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued', 'the queued frame');
    // The queue change on A reaches the console on B.
    const queued = await agent.socket.next((f) => f.type === 'queue' && (f.items as unknown[]).length === 1, 'a queue frame with the item');
    const itemId = (queued.items as { id: string; sessionId: string }[])[0]!.id;

    agent.socket.send({ type: 'claim', itemId, ref: 'c1' });
    expect(await agent.socket.next((f) => f.ref === 'c1')).toMatchObject({ type: 'ack' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'assigned', 'the assigned frame relayed from B');

    agent.socket.send({ type: 'message', itemId, text: 'hello from B', ref: 'm1' });
    expect(await agent.socket.next((f) => f.ref === 'm1')).toMatchObject({ type: 'ack' });
    expect(await socket.nextOfType('agent')).toMatchObject({ text: 'hello from B' });

    // The shopper's reply, on A, reaches the agent's console on B; the bot stays silent.
    socket.send({ type: 'message', text: 'thanks, my order is late' });
    await agent.socket.next(
      (f) => f.type === 'entries' && f.sessionId === session.sessionId && (f.entries as { text: string }[]).some((e) => e.text === 'thanks, my order is late'),
      'the shopper line on B',
    );

    agent.socket.send({ type: 'hand_back', itemId, ref: 'h1' });
    expect(await agent.socket.next((f) => f.ref === 'h1')).toMatchObject({ type: 'ack' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'ended', 'the ended frame');
    await socket.next((f) => f.type === 'bot' && (f.meta as { flow: string }).flow === 'handoff', 'the desk bot line');

    // Back with the bot on A: the record A reads under the lock is B's (mode bot, turn count kept).
    socket.send({ type: 'message', text: 'where is it' });
    await socket.next((f) => f.type === 'bot' && String(f.text).startsWith('#2 '), 'the bot answering again');
    expect(texts(socket.frames, 'agent')).toEqual(['hello from B']);

    const transcript = await a.pgStore.getTranscript(session.sessionId);
    expect(transcript.map((entry) => entry.seq)).toEqual(transcript.map((_, i) => i + 1));
    expect(transcript.filter((e) => e.from !== 'system').map((e) => `${e.from}:${e.text}`)).toEqual([
      'shopper:agent please',
      'bot:#1 agent please',
      'agent:hello from B',
      'shopper:thanks, my order is late',
      expect.stringMatching(/^bot:/),
      'shopper:where is it',
      'bot:#2 where is it',
    ]);
  });

  it('delivers what was sent while the listening connection was down, once it is back', async () => {
    let reconnect!: () => void;
    const held = new Promise<void>((resolve) => (reconnect = resolve));
    const [a, b] = [await startShared({ beforeReconnect: () => held }), await startShared()];
    const token = await login(b.url);
    const { socket, session } = await shopper(a.wsUrl);
    socket.send({ type: 'message', text: 'agent please' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued', 'the queued frame');
    const itemId = (await api(b.url, 'GET', '/api/agent/queue', { token })).body.items[0].id as string;
    expect((await api(b.url, 'POST', `/api/agent/queue/${itemId}/claim`, { token })).status).toBe(200);
    await socket.next((f) => f.type === 'handoff' && f.status === 'assigned', 'the assigned frame');

    // A's listening connection is cut and held down; B's message is written while A cannot hear of it.
    await db.cluster.sql(db.url, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [
      LISTENER_APPLICATION_NAME,
    ]);
    await waitFor(async () => !a.coordination.listening);
    expect((await api(b.url, 'POST', `/api/agent/queue/${itemId}/messages`, { token, body: { text: 'sent during the outage' } })).status).toBe(200);
    await waitFor(async () => {
      const { rows } = await db.cluster.sql(db.url, "SELECT count(*)::int AS n FROM daehwa_session_frames WHERE session_id = $1 AND frame->>'type' = 'agent'", [session.sessionId]);
      return rows[0].n === 1;
    });
    expect(a.coordination.listening).toBe(false);
    expect(texts(socket.frames, 'agent')).toEqual([]);
    // Listening again, A reads the outbox after the last frame it delivered.
    reconnect();
    expect(await socket.nextOfType('agent')).toMatchObject({ text: 'sent during the outage' });
    expect(texts(socket.frames, 'agent')).toEqual(['sent during the outage']);
  });
});
