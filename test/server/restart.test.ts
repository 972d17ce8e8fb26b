// Durable sessions: a shopper comes back after the server restarted (lowdb store on disk) and
// finds the same conversation; a conversation an agent owned goes back to the queue after the
// grace period, since no agent can still be connected to a new process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { api, CLOSED_HOURS, login, ManualClock, OPEN_HOURS, shopper, startTestServer, waitFor, type TestServer } from './helpers.ts';

let dir: string;
let running: TestServer | null = null;

async function start(clock: ManualClock): Promise<TestServer> {
  running = await startTestServer({
    clock,
    store: await createLowdbStore({ dir, flushIntervalMs: 10 }),
    config: { handoff: { agentGraceMs: 45_000 } },
  });
  return running;
}

async function stop(server: TestServer): Promise<void> {
  await server.close();
  await server.store.close();
  running = null;
}

afterEach(async () => {
  if (running) await stop(running);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('after a server restart', () => {
  it('resumes the conversation with its history and carries on', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-restart-'));
    const clock = new ManualClock(OPEN_HOURS);
    const before = await start(clock);
    const first = await shopper(before.wsUrl, { locale: 'ko', customerId: 'c1001' });
    first.socket.send({ type: 'message', text: '주문한 코트 배송 조회해 주세요' });
    await first.socket.nextOfType('bot');
    first.socket.close();
    await stop(before);

    clock.advance(5 * 60_000);
    const after = await start(clock);
    const again = await shopper(after.wsUrl, { sessionToken: first.session.sessionToken });
    expect(again.session).toMatchObject({ sessionId: first.session.sessionId, resumed: true });
    expect((await again.socket.nextOfType('history')).entries).toMatchObject([
      { from: 'shopper', text: '주문한 코트 배송 조회해 주세요' },
      { from: 'bot', text: '#1 주문한 코트 배송 조회해 주세요' },
    ]);
    // The dialog state survived too: the turn counter goes on from 1.
    again.socket.send({ type: 'message', text: '감사합니다' });
    expect((await again.socket.nextOfType('bot')).text).toBe('#2 감사합니다');
    expect((await after.store.getSession(first.session.sessionId))?.customerId).toBe('c1001');
    again.socket.close();
  });

  it('a button offered before the restart is written by its label when tapped after it', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-restart-'));
    const clock = new ManualClock(OPEN_HOURS);
    const before = await start(clock);
    const first = await shopper(before.wsUrl, { locale: 'ko' });
    first.socket.send({ type: 'message', text: '안녕하세요' });
    expect((await first.socket.nextOfType('bot')).quickReplies).toEqual([{ label: '배송 조회', payload: 'intent:order.status' }]);
    first.socket.close();
    await stop(before);

    const after = await start(clock);
    const again = await shopper(after.wsUrl, { sessionToken: first.session.sessionToken });
    again.socket.send({ type: 'quick_reply', payload: 'intent:order.status' });
    expect((await again.socket.nextOfType('bot')).text).toBe('#2 intent:order.status');
    const transcript = await after.store.getTranscript(first.session.sessionId);
    expect(transcript.filter((entry) => entry.from === 'shopper').map((entry) => entry.text)).toEqual(['안녕하세요', '배송 조회']);
    again.socket.close();
  });

  it('after hours, still takes the shopper\'s next text as a message for the agents', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-restart-'));
    const clock = new ManualClock(CLOSED_HOURS);
    const before = await start(clock);
    const first = await shopper(before.wsUrl, { locale: 'ko' });
    first.socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await first.socket.nextOfType('bot');
    first.socket.close();
    await stop(before);

    const after = await start(clock);
    const again = await shopper(after.wsUrl, { sessionToken: first.session.sessionToken });
    await again.socket.nextOfType('history');
    again.socket.send({ type: 'message', text: '교환 문의 남겨요. 내일 연락 주세요' });
    await again.socket.nextOfType('bot');
    const token = await login(after.url);
    const { body } = await api(after.url, 'GET', '/api/agent/queue', { token });
    expect(body.items).toMatchObject([{ sessionId: first.session.sessionId, reason: 'offline_message' }]);
    expect((await after.store.getSession(first.session.sessionId))?.mode).toBe('bot');
    again.socket.close();
  });

  it('returns a claimed conversation to the queue once the grace period passes', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-restart-'));
    const clock = new ManualClock(OPEN_HOURS);
    const before = await start(clock);
    const token = await login(before.url);
    const { socket, session } = await shopper(before.wsUrl);
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.nextOfType('handoff');
    const itemId = (await api(before.url, 'GET', '/api/agent/queue', { token })).body.items[0].id as string;
    expect((await api(before.url, 'POST', `/api/agent/queue/${itemId}/claim`, { token })).status).toBe(200);
    socket.close();
    await stop(before);

    const after = await start(clock);
    const back = await shopper(after.wsUrl, { sessionToken: session.sessionToken });
    expect(await back.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'assigned' });
    back.socket.send({ type: 'message', text: '계속 기다리고 있어요' });
    const said = async (): Promise<boolean> =>
      (await after.store.getTranscript(session.sessionId)).some((e) => e.text === '계속 기다리고 있어요');
    await waitFor(said);
    clock.advance(45_000);
    expect(await back.socket.next((f) => f.type === 'handoff' && f.status === 'queued')).toEqual({
      type: 'handoff',
      status: 'queued',
      position: 1,
    });
    expect(await after.store.getQueueItem(itemId)).toMatchObject({ status: 'waiting' });
    expect(await said()).toBe(true);
    back.socket.close();
  });
});
