// Hand-off to people over the real sockets: queue positions, claim, relay both ways, the bot's
// silence, hand back, resolve, the agent's grace period, and messages outside business hours.
import { afterEach, describe, expect, it } from 'vitest';
import {
  agentSocket,
  api,
  CLOSED_HOURS,
  ManualClock,
  login,
  shopper,
  startTestServer,
  waitFor,
  type Frame,
  type TestServer,
} from './helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

type Queue = { items: { id: string; sessionId: string; status: string; position: number | null; reason: string }[] };

async function queued(url: string, token: string): Promise<Queue['items']> {
  return ((await api(url, 'GET', '/api/agent/queue', { token })).body as Queue).items;
}

describe('hand-off to an agent', () => {
  it('queues with positions, lets an agent claim and answer, relays the shopper, and hands back', async () => {
    server = await startTestServer();
    const token = await login(server.url);
    const agent = await agentSocket(server.wsUrl, token);
    const alice = await shopper(server.wsUrl);
    const bob = await shopper(server.wsUrl);

    alice.socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    expect((await alice.socket.nextOfType('bot')).meta).toMatchObject({ intent: 'agent.request' });
    expect(await alice.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    server.clock.advance(1_000);
    bob.socket.send({ type: 'message', text: 'I want to talk to a person' });
    expect(await bob.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'queued', position: 2 });

    const items = await queued(server.url, token);
    expect(items.map((i) => [i.sessionId, i.position, i.reason])).toEqual([
      [alice.session.sessionId, 1, 'user_request'],
      [bob.session.sessionId, 2, 'user_request'],
    ]);
    const aliceItem = items[0]!.id;
    const pushed = await agent.socket.next((f) => f.type === 'queue' && (f.items as unknown[]).length === 2, 'queue of 2');
    expect(pushed.items).toHaveLength(2);

    agent.socket.send({ type: 'claim', itemId: aliceItem, ref: 'c1' });
    expect(await agent.socket.nextOfType('ack')).toMatchObject({ ref: 'c1', item: { status: 'assigned', agentId: 'agent' } });
    expect(await alice.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'assigned' });
    // Bob moves up.
    expect(await bob.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'queued', position: 1 });

    agent.socket.send({ type: 'message', itemId: aliceItem, text: '안녕하세요, 상담원 김민지입니다. 무엇을 도와드릴까요?' });
    expect(await alice.socket.nextOfType('agent')).toEqual({
      type: 'agent',
      text: '안녕하세요, 상담원 김민지입니다. 무엇을 도와드릴까요?',
      seq: expect.any(Number), // for read receipts (desk, issue 14)
    });

    // While the agent owns it, the shopper's words go to the agent and the bot stays silent.
    alice.socket.send({ type: 'message', text: '주문한 코트가 아직 안 왔어요' });
    const relayed = await agent.socket.next(
      (f) => f.type === 'entries' && (f.entries as { from: string }[]).some((e) => e.from === 'shopper'),
      'relayed shopper entry',
    );
    expect(relayed).toMatchObject({ sessionId: alice.session.sessionId, entries: [{ from: 'shopper', text: '주문한 코트가 아직 안 왔어요' }] });
    expect(alice.socket.frames.filter((f) => f.type === 'bot')).toHaveLength(1);

    agent.socket.send({ type: 'note', itemId: aliceItem, text: 'VIP 고객, 배송 지연 보상 검토', ref: 'n1' });
    expect((await agent.socket.next((f) => f.type === 'ack' && f.ref === 'n1')).item).toMatchObject({ notes: [{ agentId: 'agent', text: 'VIP 고객, 배송 지연 보상 검토' }] });

    agent.socket.send({ type: 'hand_back', itemId: aliceItem });
    expect(await alice.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'ended' });
    alice.socket.send({ type: 'message', text: '배송 조회' });
    expect((await alice.socket.next((f) => f.type === 'bot' && f.text === '#2 배송 조회', 'bot answering again')).meta).toMatchObject({
      intent: 'order.status',
    });

    const transcript = await server.store.getTranscript(alice.session.sessionId);
    expect(transcript.map((e) => `${e.from}:${e.text}`)).toEqual([
      'shopper:상담원 연결해 주세요',
      'bot:#1 상담원 연결해 주세요',
      'system:handed off to the agent queue (user_request)',
      'system:상담원 (agent) joined the conversation',
      'agent:안녕하세요, 상담원 김민지입니다. 무엇을 도와드릴까요?',
      'shopper:주문한 코트가 아직 안 왔어요',
      'system:handed back to the bot by agent',
      expect.stringMatching(/^bot:/),
      'shopper:배송 조회',
      'bot:#2 배송 조회',
    ]);
    // Internal notes never reach the shopper.
    expect(JSON.stringify(alice.socket.frames)).not.toContain('VIP');
    for (const s of [alice, bob]) s.socket.close();
    agent.socket.close();
  });

  it('snapshots the transcript and intents into the queue item', async () => {
    server = await startTestServer();
    const token = await login(server.url);
    const { socket } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: '배송 어디쯤이에요' });
    await socket.nextOfType('bot');
    socket.send({ type: 'message', text: '사람이랑 얘기할래요' });
    await socket.nextOfType('handoff');
    const [item] = await queued(server.url, token);
    const detail = (await api(server.url, 'GET', `/api/agent/queue/${item!.id}`, { token })).body;
    expect(detail.item.context.intents).toMatchObject([
      { text: '배송 어디쯤이에요', intent: 'order.status', score: 0.9 },
      { text: '사람이랑 얘기할래요', intent: 'agent.request', score: 0.9 },
    ]);
    expect(detail.item.context.transcript).toHaveLength(4);
    expect(detail.transcript.at(-1)).toMatchObject({ from: 'system' });
    socket.close();
  });

  it('resolving ends the hand-off and the bot answers again', async () => {
    server = await startTestServer();
    const token = await login(server.url);
    const { socket, session } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: 'agent please' });
    await socket.nextOfType('bot');
    await socket.nextOfType('handoff');
    const [item] = await queued(server.url, token);
    expect((await api(server.url, 'POST', `/api/agent/queue/${item!.id}/claim`, { token })).status).toBe(200);
    expect((await api(server.url, 'POST', `/api/agent/queue/${item!.id}/messages`, { token, body: { text: 'Done, refund issued.' } })).status).toBe(200);
    expect(await socket.nextOfType('agent')).toMatchObject({ text: 'Done, refund issued.' });
    expect((await api(server.url, 'POST', `/api/agent/queue/${item!.id}/resolve`, { token })).body.item.status).toBe('resolved');
    expect(await socket.next((f) => f.type === 'handoff' && f.status === 'ended')).toBeTruthy();
    expect((await server.store.getSession(session.sessionId))?.mode).toBe('bot');
    socket.send({ type: 'message', text: 'thanks' });
    expect((await socket.nextOfType('bot')).text).toBe('#2 thanks');
    socket.close();
  });

  it('returns the conversation to the queue when the agent is gone past the grace period, losing nothing', async () => {
    server = await startTestServer({ config: { handoff: { agentGraceMs: 30_000 } } });
    const token = await login(server.url);
    const agent = await agentSocket(server.wsUrl, token);
    const { socket, session } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: '상담원이요' });
    await socket.nextOfType('handoff');
    const [item] = await queued(server.url, token);
    agent.socket.send({ type: 'claim', itemId: item!.id });
    await socket.next((f) => f.type === 'handoff' && f.status === 'assigned');

    // A reconnect within the grace period keeps the conversation with the agent. The server hears
    // of a disconnect on its own side of the socket, which may close after ours: the grace starts then.
    const graceStarted = async () => server.clock.pendingDelays().includes(30_000);
    agent.socket.close();
    await agent.socket.closed;
    await waitFor(graceStarted);
    server.clock.advance(10_000);
    const back = await agentSocket(server.wsUrl, token);
    server.clock.advance(60_000);
    expect((await server.store.getQueueItem(item!.id))?.status).toBe('assigned');

    back.socket.close();
    await back.socket.closed;
    await waitFor(graceStarted);
    socket.send({ type: 'message', text: '여보세요? 아직 계세요?' });
    await waitFor(async () => (await server.store.getTranscript(session.sessionId)).some((e) => e.text === '여보세요? 아직 계세요?'));
    server.clock.advance(29_000);
    expect((await server.store.getQueueItem(item!.id))?.status).toBe('assigned');
    server.clock.advance(1_000);
    expect(await socket.next((f) => f.type === 'handoff' && f.status === 'queued')).toEqual({
      type: 'handoff',
      status: 'queued',
      position: 1,
    });
    expect(await server.store.getQueueItem(item!.id)).toMatchObject({ status: 'waiting' });
    expect((await server.store.getSession(session.sessionId))?.mode).toBe('queued');
    const texts = (await server.store.getTranscript(session.sessionId)).map((e) => e.text);
    expect(texts).toContain('여보세요? 아직 계세요?');
    expect(texts.at(-1)).toMatch(/disconnected; back in the queue/);
    // The bot stayed silent throughout.
    expect(socket.frames.filter((f) => f.type === 'bot')).toHaveLength(1);
    socket.close();
  });

  it('tells a resuming shopper where they are in the queue', async () => {
    server = await startTestServer();
    const first = await shopper(server.wsUrl);
    first.socket.send({ type: 'message', text: '상담원 연결' });
    await first.socket.nextOfType('handoff');
    first.socket.close();
    const again = await shopper(server.wsUrl, { sessionToken: first.session.sessionToken });
    await again.socket.nextOfType('history');
    expect(await again.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    again.socket.close();
  });
});

describe('outside business hours', () => {
  it('answers a request for a person with the hours instead of "connecting you", and turns the next message into a ticket', async () => {
    server = await startTestServer({ clock: new ManualClock(CLOSED_HOURS) });
    const token = await login(server.url);
    const { socket, session } = await shopper(server.wsUrl, { locale: 'ko' });
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.nextOfType('bot');
    socket.send({ type: 'message', text: '환불이 두 번 결제됐어요. 연락 부탁드려요.' });
    await socket.nextOfType('bot');

    // Exactly one answer to the request: the dialog's "connecting you" (#1 ...) is not sent at all.
    expect(socket.frames.slice(1)).toEqual([
      {
        type: 'bot',
        text: '지금은 상담 시간이 아니에요. 상담원은 내일(수) 오전 9시부터 연결돼요. 남기실 말씀을 적어 주시면 상담원이 확인하는 대로 답변드릴게요.',
        quickReplies: [{ label: '챗봇과 계속 이야기할게요', payload: 'daehwa:back_to_bot' }],
        meta: { intent: 'agent.request', score: 0.9, flow: 'handoff', state: 'offline_message' },
      },
      {
        type: 'bot',
        text: '메시지를 잘 받았어요. 상담원은 내일(수) 오전 9시부터 연결돼요. 확인하는 대로 답변드릴게요. 그동안 궁금한 게 있으면 저에게 물어보셔도 돼요.',
        meta: { intent: null, score: null, flow: 'handoff', state: null },
      },
    ]);
    const said = socket.frames.slice(1).map((frame) => `bot:${String(frame.text)}`);
    expect((await server.store.getTranscript(session.sessionId)).map((e) => `${e.from}:${e.text}`)).toEqual([
      'shopper:상담원 연결해 주세요',
      said[0],
      'shopper:환불이 두 번 결제됐어요. 연락 부탁드려요.',
      'system:handed off to the agent queue (offline_message)',
      said[1],
    ]);
    const items = await queued(server.url, token);
    expect(items).toMatchObject([{ sessionId: session.sessionId, reason: 'offline_message', status: 'waiting' }]);

    // The bot is still there for questions.
    socket.send({ type: 'message', text: '배송비 얼마예요' });
    expect((await socket.nextOfType('bot')).text).toBe('#2 배송비 얼마예요');
    socket.close();
  });

  it('puts the phone number and e-mail address of a message left outside hours on the ticket', async () => {
    server = await startTestServer({ clock: new ManualClock(CLOSED_HOURS) });
    const token = await login(server.url);
    const { socket } = await shopper(server.wsUrl, { locale: 'ko' });
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.nextOfType('bot');
    socket.send({ type: 'message', text: '교환 문의요. 010 1234 5678 이나 Kim.Shopper@Example.com 으로 연락 주세요' });
    await socket.nextOfType('bot');
    const [summary] = await queued(server.url, token);
    const detail = (await api(server.url, 'GET', `/api/agent/queue/${summary?.id}`, { token })).body as { item: { context: unknown } };
    expect(detail.item.context).toMatchObject({ contact: { phone: '[PHONE]', email: '[EMAIL]' } });
    // Stored as given: an agent who reveals the ticket reads them (docs/privacy.md).
    const revealed = (await api(server.url, 'POST', `/api/agent/queue/${summary?.id}/reveal`, { token })).body as { item: { context: unknown } };
    expect(revealed.item.context).toMatchObject({ contact: { phone: '01012345678', email: 'kim.shopper@example.com' } });
    socket.close();
  });

  it('keeps the dialog\'s hand-off reply while people are answering', async () => {
    server = await startTestServer();
    const { socket } = await shopper(server.wsUrl, { locale: 'ko' });
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.nextOfType('handoff');
    expect(socket.frames.slice(1)).toEqual([
      { type: 'bot', text: '#1 상담원 연결해 주세요', meta: { intent: 'agent.request', score: 0.9, flow: 'echo', state: 'turn_1' } },
      { type: 'handoff', status: 'queued', position: 1 },
    ]);
    socket.close();
  });

  it('delivers an agent\'s answer to a ticket whose session closed, when the shopper comes back with their token', async () => {
    server = await startTestServer({ clock: new ManualClock(CLOSED_HOURS), config: { sessions: { idleTimeoutMs: 60_000 } } });
    const { socket, session } = await shopper(server.wsUrl, { locale: 'ko' });
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.nextOfType('bot');
    socket.send({ type: 'message', text: '쿠폰이 적용이 안 돼요. 내일 연락 주세요.' });
    await socket.nextOfType('bot');
    server.clock.advance(60_000);
    expect((await socket.closed).code).toBe(4000);
    expect(await server.store.getSession(session.sessionId)).toMatchObject({ status: 'closed' });

    // The next morning an agent takes the ticket and answers.
    server.clock.advance(11 * 60 * 60_000);
    const token = await login(server.url);
    const [item] = await queued(server.url, token);
    const answer = '안녕하세요, 쿠폰 확인해 드렸어요. 지금 다시 적용해 보시겠어요?';
    expect((await api(server.url, 'POST', `/api/agent/queue/${item!.id}/claim`, { token })).status).toBe(200);
    expect((await api(server.url, 'POST', `/api/agent/queue/${item!.id}/messages`, { token, body: { text: answer } })).status).toBe(200);

    const back = await shopper(server.wsUrl, { sessionToken: session.sessionToken });
    expect(back.session).toMatchObject({ sessionId: session.sessionId, resumed: true });
    const history = (await back.socket.nextOfType('history')).entries as { from: string; text: string }[];
    expect(history.filter((e) => e.from !== 'system').map((e) => `${e.from}:${e.text}`)).toEqual([
      'shopper:상담원 연결해 주세요',
      expect.stringMatching(/^bot:지금은 상담 시간이 아니에요/),
      'shopper:쿠폰이 적용이 안 돼요. 내일 연락 주세요.',
      expect.stringMatching(/^bot:메시지를 잘 받았어요/),
      `agent:${answer}`,
    ]);
    expect(await back.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'assigned' });
    expect(back.socket.frames.filter((f) => f.type === 'error')).toEqual([]);

    // The conversation goes on with the agent.
    back.socket.send({ type: 'message', text: '네, 이제 돼요. 감사합니다!' });
    await waitFor(async () => (await server.store.getTranscript(session.sessionId)).some((e) => e.text === '네, 이제 돼요. 감사합니다!'));
    expect(back.socket.frames.filter((f) => f.type === 'bot')).toEqual([]);

    // Once resolved and idle again, nothing new waits for the shopper: the token starts afresh.
    expect((await api(server.url, 'POST', `/api/agent/queue/${item!.id}/resolve`, { token })).status).toBe(200);
    await back.socket.next((f) => f.type === 'handoff' && f.status === 'ended');
    server.clock.advance(60_000);
    expect((await back.socket.closed).code).toBe(4000);
    const later = await shopper(server.wsUrl, { sessionToken: session.sessionToken });
    expect(later.socket.frames[0]).toMatchObject({ type: 'error', code: 'session_expired' });
    expect(later.session.sessionId).not.toBe(session.sessionId);
    later.socket.close();
  });

  it('lets the shopper decline and keep chatting with the bot', async () => {
    server = await startTestServer({ clock: new ManualClock(CLOSED_HOURS) });
    const token = await login(server.url);
    const { socket } = await shopper(server.wsUrl, { locale: 'en' });
    socket.send({ type: 'message', text: 'agent' });
    expect((await socket.nextOfType('bot')).text).toMatch(/^Our support team is offline right now\. Our team is back Wednesday at 9:00 AM \(KST\)/);
    socket.send({ type: 'quick_reply', payload: 'daehwa:back_to_bot' });
    expect((await socket.nextOfType('bot')).text).toMatch(/keep helping/);
    socket.send({ type: 'message', text: 'where is my order' });
    expect((await socket.nextOfType('bot')).text).toBe('#2 where is my order');
    expect(await queued(server.url, token)).toEqual([]);
    socket.close();
  });
});
