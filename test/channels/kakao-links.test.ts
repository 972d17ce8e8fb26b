// What a Kakao shopper's link keeps between requests (the frames waiting for their next message,
// the quick replies last offered) is kept through the store: a restarted server finds it again.
// Links of ended sessions with nothing waiting, and links unused for channels.linkTtlMs, go.
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { Store } from '../../src/store/types.ts';
import { api, login, ManualClock, OPEN_HOURS, startTestServer, waitFor, type TestServer } from '../server/helpers.ts';
import { postSkill, skillRequest, textsOf } from './kakao-helpers.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(store: Store, clock: ManualClock, config: Record<string, unknown> = {}): Promise<TestServer> {
  const server = await startTestServer({ store, clock, config });
  servers.push(server);
  return server;
}

async function say(server: TestServer, utterance: string, userId?: string): Promise<any> {
  const { status, body } = await postSkill(server.url, skillRequest({ utterance, ...(userId ? { userId } : {}) }));
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

/** A Kakao shopper asks for a person and an agent claims it: the agent's token and the queue item. */
async function claimedHandoff(server: TestServer): Promise<{ token: string; item: { id: string; sessionId: string } }> {
  await say(server, '상담원 연결해 주세요');
  const token = await login(server.url);
  const [item] = (await api(server.url, 'GET', '/api/agent/queue', { token })).body.items as { id: string; sessionId: string }[];
  await api(server.url, 'POST', `/api/agent/queue/${item!.id}/claim`, { token });
  return { token, item: item! };
}

describe('Kakao links through the store', () => {
  it('reads a tapped quick reply after a restart', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(OPEN_HOURS);
    const first = await start(store, clock);
    expect((await say(first, '안녕하세요')).template.quickReplies).toEqual([{ action: 'message', label: '배송 조회', messageText: '배송 조회' }]);
    // Saved before the answer left.
    const [session] = await store.listSessions();
    expect((await store.getChannelLink(session!.id))?.memory).toMatchObject({ offered: [{ messageText: '배송 조회', payload: 'intent:order.status' }] });
    await first.close();

    const second = await start(store, clock);
    expect(textsOf(await say(second, '배송 조회'))).toEqual(['#2 intent:order.status']);
  });

  it('keeps an agent answer that came between messages across a restart, and shows it with the next message', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(OPEN_HOURS);
    const first = await start(store, clock);
    const { token, item } = await claimedHandoff(first);
    await api(first.url, 'POST', `/api/agent/queue/${item.id}/messages`, { token, body: { text: '내일 도착 예정이에요.' } });
    await waitFor(async () => ((await store.getChannelLink(item.sessionId))?.mailbox.length ?? 0) === 2);
    await first.close();

    const second = await start(store, clock);
    expect(textsOf(await say(second, '감사해요'))).toEqual(['기다리시는 동안 상담원 답변이 도착했어요.', '상담원이 연결됐어요. 편하게 말씀해 주세요.', '상담원: 내일 도착 예정이에요.']);
    expect((await store.getChannelLink(item.sessionId))?.mailbox).toEqual([]);
  });

  it('lets the link of a conversation that ended with nothing waiting go, from memory and the store', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(OPEN_HOURS);
    const server = await start(store, clock);
    await say(server, '안녕하세요');
    const [session] = await store.listSessions();
    expect(await store.getChannelLink(session!.id)).not.toBeNull();
    clock.advance(31 * 60_000);
    await waitFor(async () => (await store.getChannelLink(session!.id)) === null);
    expect((await store.getSession(session!.id))?.status).toBe('closed');
  });

  it('keeps the link of an ended conversation while something waits for the shopper', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(OPEN_HOURS);
    const server = await start(store, clock);
    const { token, item } = await claimedHandoff(server);
    await api(server.url, 'POST', `/api/agent/queue/${item.id}/messages`, { token, body: { text: '환불 처리했어요.' } });
    await api(server.url, 'POST', `/api/agent/queue/${item.id}/resolve`, { token });
    await waitFor(async () => (await store.getSession(item.sessionId))?.mode === 'bot');
    clock.advance(31 * 60_000);
    await waitFor(async () => (await store.getSession(item.sessionId))?.status === 'closed');
    const kept = await store.getChannelLink(item.sessionId);
    expect(kept?.mailbox.map((frame) => (frame as { type: string }).type)).toEqual(expect.arrayContaining(['agent', 'handoff']));
  });

  it('lets an ended conversation’s kept link go when retention erases the conversation', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(OPEN_HOURS);
    const server = await start(store, clock);
    const { token, item } = await claimedHandoff(server);
    await api(server.url, 'POST', `/api/agent/queue/${item.id}/resolve`, { token });
    await waitFor(async () => (await store.getSession(item.sessionId))?.mode === 'bot');
    clock.advance(31 * 60_000);
    await waitFor(async () => (await store.getSession(item.sessionId))?.status === 'closed');
    expect(await store.getChannelLink(item.sessionId)).not.toBeNull();
    const links = async () => /^daehwa_channel_links\{channel="kakao"\} (\d+)$/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1];
    expect(await links()).toBe('1');
    clock.advance(2 * 24 * 60 * 60_000);
    await server.server.privacy.purgeExpired(1);
    expect(await store.getChannelLink(item.sessionId)).toBeNull();
    expect(await links()).toBe('0');
  });

  it('forgets links unused for channels.linkTtlMs', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(OPEN_HOURS);
    // Sessions outlive the links here: a link is stale after a minute unused.
    const server = await start(store, clock, { channels: { linkTtlMs: 60_000 } });
    await say(server, '안녕하세요', 'user-A');
    const [a] = await store.listSessions();
    clock.advance(2 * 60_000);
    await say(server, '안녕하세요', 'user-B');
    await waitFor(async () => (await store.getChannelLink(a!.id)) === null);
    // The session goes on; without the link, a label typed is read as text, not as the button.
    expect(textsOf(await say(server, '배송 조회', 'user-A'))).toEqual(['#2 배송 조회']);
  });
});
