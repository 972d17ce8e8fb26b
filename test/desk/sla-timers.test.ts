// issue 13: the desk's SLA warnings on the Timers port, with the memory timers and the manual
// clock. `sla-first:<item id>` is set when an item starts waiting, fires at the warning and again at
// the target, and goes at the claim; `sla-next:<item id>` is set at the claim, is not written by
// messages, is set again from the transcript when it fires (early, or after the wait's breach,
// which it records once), and goes when the conversation ends.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.ts';
import { firstResponseKey } from '../../src/desk/sla/watch.ts';
import { nextResponseKey } from '../../src/desk/sla/next-response.ts';
import { createMemoryTimers } from '../../src/timers/index.ts';
import { agentSocket, api, login, ManualClock, OPEN_HOURS, shopper, startTestServer, waitFor, type TestServer } from '../server/helpers.ts';

const TARGET = 60_000;

describe('SLA timers on the Timers port', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** A server whose timers' schedule() calls for `kind` are recorded. */
  const start = async (kind: string, config: ConfigInput) => {
    const clock = new ManualClock(OPEN_HOURS);
    const timers = createMemoryTimers({ clock });
    const scheduled: { key: string; dueAtMs: number }[] = [];
    const schedule = timers.schedule.bind(timers);
    timers.schedule = (key, dueAtMs, payload, options) => {
      if (key.startsWith(`${kind}:`)) scheduled.push({ key, dueAtMs });
      return schedule(key, dueAtMs, payload, options);
    };
    server = await startTestServer({ clock, config, deps: { timers } });
    const pending = () => timers.pendingKeys().filter((key) => key.startsWith(`${kind}:`));
    return { server, clock, scheduled, pending };
  };

  const queuedItem = async (s: TestServer) => {
    const { socket } = await shopper(s.wsUrl);
    socket.send({ type: 'message', text: 'agent please' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued');
    const [item] = await s.store.listQueue(['waiting']);
    return { socket, item: item! };
  };

  it('first response: set when queued for the warning, set again for the target, one breach, nothing left', async () => {
    const { server, clock, scheduled, pending } = await start('sla-first', { desk: { sla: { firstResponseMs: { normal: TARGET, high: TARGET }, warnRatio: 0.5 } } });
    const { socket, item } = await queuedItem(server);
    const queuedAt = Date.parse(item.createdAt);
    expect(scheduled).toEqual([{ key: firstResponseKey(item.id), dueAtMs: queuedAt + TARGET / 2 }]);

    clock.advance(TARGET / 2);
    await waitFor(async () => scheduled.length === 2);
    expect(scheduled[1]).toEqual({ key: firstResponseKey(item.id), dueAtMs: queuedAt + TARGET });
    expect(await server.store.listSlaBreaches()).toEqual([]);

    clock.advance(TARGET / 2 - 1);
    expect(await server.store.listSlaBreaches()).toEqual([]);
    clock.advance(1);
    await waitFor(async () => (await server.store.listSlaBreaches()).length === 1);
    expect(await server.store.listSlaBreaches()).toEqual([expect.objectContaining({ id: `${item.id}-first_response`, breachedAt: new Date(queuedAt + TARGET).toISOString() })]);
    expect(pending()).toEqual([]);
    clock.advance(10 * TARGET);
    expect(await server.store.listSlaBreaches()).toHaveLength(1);
    socket.close();
  });

  it('first response: a claim before the target cancels it', async () => {
    const { server, clock, pending } = await start('sla-first', { desk: { sla: { firstResponseMs: { normal: TARGET, high: TARGET } } } });
    const token = await login(server.url);
    const { socket, item } = await queuedItem(server);
    expect(pending()).toEqual([firstResponseKey(item.id)]);
    expect((await api(server.url, 'POST', `/api/agent/queue/${item.id}/claim`, { token })).status).toBe(200);
    await waitFor(async () => pending().length === 0);
    clock.advance(10 * TARGET);
    expect(await server.store.listSlaBreaches()).toEqual([]);
    socket.close();
  });

  it('next response: set at the claim, not per message, set again from the transcript, one breach a wait, gone at the resolution', async () => {
    const { server, clock, scheduled, pending } = await start('sla-next', { desk: { sla: { nextResponseMs: { normal: TARGET, high: TARGET }, warnRatio: 0.5 } } });
    const token = await login(server.url);
    const console = (await agentSocket(server.wsUrl, token)).socket;
    const { socket, item } = await queuedItem(server);
    expect((await api(server.url, 'POST', `/api/agent/queue/${item.id}/claim`, { token })).status).toBe(200);
    const claimedAt = clock.nowMs();
    expect(scheduled).toEqual([{ key: nextResponseKey(item.id), dueAtMs: claimedAt + TARGET / 2 }]);

    // The agent answers at +10 s, the shopper writes at +20 s and +25 s: no timer is written.
    clock.advance(10_000);
    expect((await api(server.url, 'POST', `/api/agent/queue/${item.id}/messages`, { token, body: { text: 'Hello, how can I help?' } })).status).toBe(200);
    clock.advance(10_000);
    socket.send({ type: 'message', text: 'my parcel is late' });
    await waitFor(async () => (await server.store.getTranscript(item.sessionId)).some((e) => e.text === 'my parcel is late'));
    const waitSince = clock.nowMs();
    clock.advance(5_000);
    socket.send({ type: 'message', text: 'are you there?' });
    await waitFor(async () => (await server.store.getTranscript(item.sessionId)).some((e) => e.text === 'are you there?'));
    expect(scheduled).toHaveLength(1);

    // Due at +30 s, early for the wait that began at +20 s: set for its warning, then its target.
    clock.advance(claimedAt + TARGET / 2 - clock.nowMs());
    await waitFor(async () => scheduled.length === 2);
    expect(scheduled[1]).toEqual({ key: nextResponseKey(item.id), dueAtMs: waitSince + TARGET / 2 });
    clock.advance(waitSince + TARGET / 2 - clock.nowMs());
    await waitFor(async () => scheduled.length === 3);
    expect(scheduled[2]).toEqual({ key: nextResponseKey(item.id), dueAtMs: waitSince + TARGET });
    expect(await server.store.listSlaBreaches()).toEqual([]);

    clock.advance(waitSince + TARGET - clock.nowMs());
    await waitFor(async () => (await server.store.listSlaBreaches()).length === 1);
    expect(await server.store.listSlaBreaches()).toEqual([expect.objectContaining({ id: `${item.id}-next_response-${waitSince}`, kind: 'next_response', since: new Date(waitSince).toISOString() })]);
    // Still waiting, but this wait is recorded: later firings record nothing more.
    await waitFor(async () => scheduled.length === 4);
    for (let firing = 5; firing <= 7; firing++) {
      clock.advance(TARGET);
      await waitFor(async () => scheduled.length === firing);
    }
    expect(await server.store.listSlaBreaches()).toHaveLength(1);

    expect((await api(server.url, 'POST', `/api/agent/queue/${item.id}/resolve`, { token })).status).toBe(200);
    await waitFor(async () => pending().length === 0);
    // One alert (a breach is stored by id, so a repeat shows as a second alert): the queue without
    // the item comes after any alert sent before the resolution.
    await console.next((f) => f.type === 'queue' && !(f['items'] as { id: string }[]).some((i) => i.id === item.id));
    expect(console.frames.filter((f) => f.type === 'sla_breach')).toHaveLength(1);
    socket.close();
    console.close();
  });
});
