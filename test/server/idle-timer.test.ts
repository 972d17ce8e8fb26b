// issue 13: a shopper session's idle close is the timer `session-idle:<session id>` on the Timers
// port. Here with the memory timers and the manual clock: it fires an idle period after the last
// activity, is set again (never per turn) when the shopper was active meanwhile, goes when the
// session closes or is erased, and leaves the conversations people own open.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.ts';
import { idleTimerKey } from '../../src/server/sessions.ts';
import type { Store } from '../../src/store/types.ts';
import { api, login, ManualClock, OPEN_HOURS, recordedTimers, shopper, startTestServer, waitFor, type TestServer } from './helpers.ts';

const IDLE_MS = 60_000;

describe('the durable idle timer of a shopper session', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  /** A server whose idle timers the test looks into: their schedule() calls are recorded. */
  const start = async (options: { config?: ConfigInput; clock?: ManualClock; store?: Store } = {}) => {
    const clock = options.clock ?? new ManualClock(OPEN_HOURS);
    const { timers, scheduled } = recordedTimers(clock, 'session-idle:');
    const server = await startTestServer({
      clock,
      ...(options.store ? { store: options.store } : {}),
      config: { sessions: { idleTimeoutMs: IDLE_MS }, ...options.config },
      deps: { timers },
    });
    servers.push(server);
    // The idle timers only (the desk sets SLA timers of its own).
    const pending = { pendingKeys: () => timers.pendingKeys().filter((key) => key.startsWith('session-idle:')) };
    return { server, clock, timers: pending, scheduled };
  };

  it('is set when the session opens and closes it an idle period later', async () => {
    const { server, clock, timers, scheduled } = await start();
    const { socket, session } = await shopper(server.wsUrl);
    expect(timers.pendingKeys()).toEqual([idleTimerKey(session.sessionId)]);
    expect(scheduled).toEqual([{ key: idleTimerKey(session.sessionId), dueAtMs: clock.nowMs() + IDLE_MS }]);

    clock.advance(IDLE_MS - 1);
    expect(await server.store.getSession(session.sessionId)).toMatchObject({ status: 'open' });
    clock.advance(1);
    expect((await socket.closed).code).toBe(4000);
    expect(await server.store.getSession(session.sessionId)).toMatchObject({ status: 'closed', closedAt: new Date(Date.parse(OPEN_HOURS) + IDLE_MS).toISOString() });
    expect((await server.store.getTranscript(session.sessionId)).map((e) => `${e.from}:${e.text}`)).toEqual(['system:session closed after 1 min without activity']);
    // Closed: nothing is left pending for it.
    expect(timers.pendingKeys()).toEqual([]);
  });

  it('writes no timer per turn: fired early, it is set again for an idle period after the last activity', async () => {
    const { server, clock, scheduled } = await start();
    const { socket, session } = await shopper(server.wsUrl);
    const t0 = clock.nowMs();
    for (const at of [10_000, 20_000, 40_000]) {
      clock.advance(t0 + at - clock.nowMs());
      socket.send({ type: 'message', text: `hello at ${at}` });
      await socket.nextOfType('bot');
    }
    expect(scheduled).toHaveLength(1); // the session's start only

    clock.advance(t0 + IDLE_MS - clock.nowMs()); // the first due time: the shopper wrote 20 s ago
    await waitFor(async () => scheduled.length === 2);
    expect(scheduled[1]).toEqual({ key: idleTimerKey(session.sessionId), dueAtMs: t0 + 40_000 + IDLE_MS });
    expect(await server.store.getSession(session.sessionId)).toMatchObject({ status: 'open' });

    clock.advance(40_000 - 1);
    expect(await server.store.getSession(session.sessionId)).toMatchObject({ status: 'open' });
    clock.advance(1);
    expect((await socket.closed).code).toBe(4000);
    expect(await server.store.getSession(session.sessionId)).toMatchObject({ status: 'closed', closedAt: new Date(t0 + 40_000 + IDLE_MS).toISOString() });
    expect(scheduled).toHaveLength(2);
  });

  it('is set again while people own the conversation, and closes it once the bot has it back and it is idle', async () => {
    const { server, clock, timers, scheduled } = await start();
    const token = await login(server.url);
    const { socket, session } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: 'agent please' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued');

    // Queued, then with an agent, for an idle period each: still open, its timer set again each time.
    clock.advance(IDLE_MS);
    await waitFor(async () => scheduled.length === 2);
    expect(await server.store.getSession(session.sessionId)).toMatchObject({ status: 'open', mode: 'queued' });
    const itemId = (await api(server.url, 'GET', '/api/agent/queue', { token })).body.items[0].id as string;
    expect((await api(server.url, 'POST', `/api/agent/queue/${itemId}/claim`, { token })).status).toBe(200);
    clock.advance(IDLE_MS);
    await waitFor(async () => scheduled.length === 3);
    expect(await server.store.getSession(session.sessionId)).toMatchObject({ status: 'open', mode: 'agent' });
    expect(timers.pendingKeys()).toEqual([idleTimerKey(session.sessionId)]);
    expect(scheduled.at(-1)).toEqual({ key: idleTimerKey(session.sessionId), dueAtMs: clock.nowMs() + IDLE_MS });

    clock.advance(IDLE_MS / 2);
    expect((await api(server.url, 'POST', `/api/agent/queue/${itemId}/resolve`, { token })).status).toBe(200);
    await socket.next((f) => f.type === 'handoff' && f.status === 'ended');
    const resolvedAt = clock.nowMs();
    // The timer due now finds the resolution half an idle period ago: it is set for an idle period after it.
    clock.advance(IDLE_MS / 2);
    await waitFor(async () => scheduled.length === 4);
    expect(scheduled.at(-1)).toEqual({ key: idleTimerKey(session.sessionId), dueAtMs: resolvedAt + IDLE_MS });
    expect(await server.store.getSession(session.sessionId)).toMatchObject({ status: 'open', mode: 'bot' });
    clock.advance(IDLE_MS / 2);
    expect((await socket.closed).code).toBe(4000);
    expect(await server.store.getSession(session.sessionId)).toMatchObject({ status: 'closed', mode: 'bot' });
    expect(timers.pendingKeys()).toEqual([]);
  });

  it('goes with the session when its customer is erased', async () => {
    const { server, timers } = await start({ config: { shopper: { trustCustomerId: true } } });
    const { socket, session } = await shopper(server.wsUrl, { customerId: 'c-erased' });
    const other = await shopper(server.wsUrl);
    expect(timers.pendingKeys().sort()).toEqual([idleTimerKey(session.sessionId), idleTimerKey(other.session.sessionId)].sort());

    await server.server.privacy.eraseCustomer('c-erased', { actor: 'test', via: 'cli' });
    expect((await socket.closed).code).toBe(4005);
    expect(timers.pendingKeys()).toEqual([idleTimerKey(other.session.sessionId)]);
    other.socket.close();
  });

  it('is set for an open session loaded from the store without one (a single process restarted)', async () => {
    const first = await start();
    const { socket, session } = await shopper(first.server.wsUrl);
    socket.close();
    await first.server.close(); // the memory timers go with it
    servers.splice(servers.indexOf(first.server), 1);

    const { server, clock, timers } = await start({ clock: first.clock, store: first.server.store });
    expect(timers.pendingKeys()).toEqual([]);
    clock.advance(IDLE_MS / 2);
    expect(await server.server.sessions.get(session.sessionId)).not.toBeNull();
    // Due an idle period after the session's last write, as the timer it lost was.
    expect(timers.pendingKeys()).toEqual([idleTimerKey(session.sessionId)]);
    clock.advance(IDLE_MS / 2);
    await waitFor(async () => (await server.store.getSession(session.sessionId))?.status === 'closed');
  });
});
