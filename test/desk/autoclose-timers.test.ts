// issue 13: auto-close on the Timers port, with the memory timers and the manual clock.
// `autoclose:<item id>` is set at the claim, is not written by messages, is set again from the
// transcript when it fires early, sends the check-in and sets itself for the close, resolves the
// conversation, and goes when an agent resolves it first.
import { afterEach, describe, expect, it } from 'vitest';
import { autoCloseKey, checkInText } from '../../src/desk/autoclose/idle.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';
import { api, login, ManualClock, OPEN_HOURS, recordedTimers, shopper, startTestServer, waitFor, type TestServer } from '../server/helpers.ts';

const MIN = 60_000;
const AUTO_CLOSE = { desk: { autoClose: { checkInMs: 5 * MIN, closeMs: 2 * MIN } } };

describe('auto-close timers on the Timers port', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** A claimed conversation on a server whose autoclose schedule() calls are recorded. */
  const claimed = async () => {
    const clock = new ManualClock(OPEN_HOURS);
    const { timers, scheduled } = recordedTimers(clock, 'autoclose:');
    server = await startTestServer({ clock, config: AUTO_CLOSE, deps: { timers } });
    const token = await login(server.url);
    const { socket } = await shopper(server.wsUrl, { locale: 'en' });
    socket.send({ type: 'message', text: 'agent please' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued');
    const [item] = await server.store.listQueue(['waiting']);
    expect((await api(server.url, 'POST', `/api/agent/queue/${item!.id}/claim`, { token })).status).toBe(200);
    await socket.next((f) => f.type === 'handoff' && f.status === 'assigned');
    const pending = () => timers.pendingKeys().filter((key) => key.startsWith('autoclose:'));
    return { server, clock, token, socket, itemId: item!.id, sessionId: item!.sessionId, scheduled, pending };
  };

  it('is set at the claim, not per message; fired early it is set again; then checks in and resolves', async () => {
    const { server, clock, token, socket, itemId, sessionId, scheduled, pending } = await claimed();
    const claimedAt = clock.nowMs();
    expect(scheduled).toEqual([{ key: autoCloseKey(itemId), dueAtMs: claimedAt + 5 * MIN }]);

    clock.advance(3 * MIN);
    expect((await api(server.url, 'POST', `/api/agent/queue/${itemId}/messages`, { token, body: { text: 'Let me check that for you.' } })).status).toBe(200);
    clock.advance(1 * MIN);
    socket.send({ type: 'message', text: 'thanks, I will wait' });
    await waitFor(async () => (await server.store.getTranscript(sessionId)).some((e) => e.text === 'thanks, I will wait'));
    const lastMessageAt = clock.nowMs();
    expect(scheduled).toHaveLength(1);

    // Due at 5 min: quiet for one minute only, so set for 5 min after the shopper's message.
    clock.advance(claimedAt + 5 * MIN - clock.nowMs());
    await waitFor(async () => scheduled.length === 2);
    expect(scheduled[1]).toEqual({ key: autoCloseKey(itemId), dueAtMs: lastMessageAt + 5 * MIN });
    expect((await server.store.getTranscript(sessionId)).some((e) => e.text === checkInText(SHOP_MESSAGES, 'en', 2 * MIN))).toBe(false);

    // Quiet for 5 min: the check-in, in the agent's name, and the timer set for the close.
    clock.advance(lastMessageAt + 5 * MIN - clock.nowMs());
    await waitFor(async () => scheduled.length === 3);
    const checkInAt = clock.nowMs();
    expect(scheduled[2]).toEqual({ key: autoCloseKey(itemId), dueAtMs: checkInAt + 2 * MIN });
    expect((await server.store.getTranscript(sessionId)).at(-1)).toMatchObject({ from: 'agent', agentId: 'agent', text: checkInText(SHOP_MESSAGES, 'en', 2 * MIN), automatic: 'check_in' });
    expect(await server.store.getQueueItem(itemId)).toMatchObject({ status: 'assigned' });

    clock.advance(2 * MIN);
    await waitFor(async () => (await server.store.getQueueItem(itemId))?.status === 'resolved');
    expect(pending()).toEqual([]);
    expect(scheduled).toHaveLength(3);
    socket.close();
  });

  it('goes when the agent resolves the conversation first', async () => {
    const { server, clock, token, socket, itemId, sessionId, pending } = await claimed();
    expect(pending()).toEqual([autoCloseKey(itemId)]);
    expect((await api(server.url, 'POST', `/api/agent/queue/${itemId}/resolve`, { token })).status).toBe(200);
    await waitFor(async () => pending().length === 0);
    clock.advance(10 * MIN);
    expect((await server.store.getTranscript(sessionId)).some((e) => e.text === checkInText(SHOP_MESSAGES, 'en', 2 * MIN))).toBe(false);
    socket.close();
  });
});
