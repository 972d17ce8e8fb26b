// Surveys over the real sockets, with the shipped texts (flows/surveys.yaml), a scripted dialog
// and a manual clock: CSAT when an agent resolves, a detractor passed back to the queue with
// priority high and the survey in the item's context, the quiet period after a flow, NPS once per
// customer per period across sessions, skips, and no store look-ups on an ordinary turn.
import { afterEach, describe, expect, it } from 'vitest';
import type { DialogEngine, DialogEvent } from '../../src/dialog/types.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { Store } from '../../src/store/types.ts';
import { loadSurveyTexts, type SurveyTexts } from '../../src/surveys/index.ts';
import { api, login, ManualClock, OPEN_HOURS, scriptedDialog, shopper, startTestServer, waitFor, type Frame, type TestServer, type TestSocket } from './helpers.ts';

const loaded = await loadSurveyTexts('flows');
if (!loaded.ok || !loaded.texts) throw new Error('flows/surveys.yaml does not load');
const texts: SurveyTexts = loaded.texts;

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

/** The scripted dialog, where "배송비" or "shipping" completes the shipping_fee flow; other replies are the engine's own (no flow). */
function dialogWithFlows(): DialogEngine {
  const base = scriptedDialog();
  return {
    initialState: base.initialState,
    async turn(state, input, nlu, ctx) {
      const result = await base.turn(state, input, nlu, ctx);
      if (input.kind === 'text' && /배송비|shipping/.test(input.text)) {
        const events: DialogEvent[] = [...result.events, { type: 'flow_started', flow: 'shipping_fee' }, { type: 'flow_completed', flow: 'shipping_fee' }];
        return { ...result, replies: result.replies.map((r) => ({ ...r, meta: { ...r.meta, flow: 'shipping_fee', state: null } })), events };
      }
      return { ...result, replies: result.replies.map((r) => ({ ...r, meta: { ...r.meta, flow: null, state: null } })) };
    },
  };
}

async function start(options: { config?: Record<string, unknown>; store?: Store; clock?: ManualClock; surveys?: SurveyTexts | null } = {}): Promise<TestServer> {
  return startTestServer({
    ...(options.config ? { config: options.config } : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    deps: { dialog: dialogWithFlows(), surveys: options.surveys === undefined ? texts : options.surveys },
  });
}

const isQuestion = (f: Frame) => f.type === 'bot' && f.text === texts.csat.question.ko;

/** Hands the shopper's conversation to the agent, who claims and resolves it; returns the item id. */
async function resolvedByAgent(s: TestServer, socket: TestSocket, token: string): Promise<string> {
  socket.send({ type: 'message', text: '상담원 연결해 주세요' });
  await socket.next((f) => f.type === 'handoff' && f.status === 'queued');
  const items = (await api(s.url, 'GET', '/api/agent/queue', { token })).body.items as { id: string; status: string }[];
  const itemId = items.find((i) => i.status === 'waiting')!.id;
  expect((await api(s.url, 'POST', `/api/agent/queue/${itemId}/claim`, { token })).status).toBe(200);
  await socket.next((f) => f.type === 'handoff' && f.status === 'assigned');
  expect((await api(s.url, 'POST', `/api/agent/queue/${itemId}/resolve`, { token })).status).toBe(200);
  return itemId;
}

describe('surveys on the server', () => {
  it('asks CSAT when an agent resolves, stores the score under the agent, then the comment', async () => {
    server = await start();
    const token = await login(server.url);
    const { socket, session } = await shopper(server.wsUrl);
    await resolvedByAgent(server, socket, token);
    await socket.next((f) => f.type === 'handoff' && f.status === 'ended');
    const question = await socket.next(isQuestion, 'the CSAT question');
    expect((question.quickReplies as { label: string; payload: string }[]).map((q) => q.payload)).toEqual([
      'daehwa:survey:csat:5',
      'daehwa:survey:csat:4',
      'daehwa:survey:csat:3',
      'daehwa:survey:csat:2',
      'daehwa:survey:csat:1',
      'daehwa:survey:skip',
    ]);
    expect(question.meta).toMatchObject({ flow: 'survey', state: 'csat' });

    socket.send({ type: 'quick_reply', payload: 'daehwa:survey:csat:4' });
    expect((await socket.next((f) => f.type === 'bot' && f.text === texts.csat.comment.ko)).quickReplies).toEqual([{ label: '건너뛰기', payload: 'daehwa:survey:skip' }]);
    const [answer] = await server.store.listSurveys({ sessionId: session.sessionId });
    expect(answer).toMatchObject({ kind: 'csat', score: 4, agentId: 'agent', customerId: null, locale: 'ko', at: server.clock.now().toISOString() });
    expect(answer?.comment).toBeUndefined();

    socket.send({ type: 'message', text: '친절하게 알려주셔서 감사해요 카드 4111 1111 1111 1111' });
    await socket.next((f) => f.type === 'bot' && f.text === texts.thanks.ko);
    const [commented] = await server.store.listSurveys({ sessionId: session.sessionId });
    expect(commented).toEqual({ ...answer, comment: '친절하게 알려주셔서 감사해요 카드 [CARD]' });
    // The tapped button is kept in the transcript by its label.
    const transcript = await server.store.getTranscript(session.sessionId);
    expect(transcript.map((e) => e.text)).toContain('★4 만족');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/daehwa_surveys_total\{kind="csat",outcome="answered"\} 1/);
    expect(metrics).toMatch(/daehwa_surveys_total\{kind="csat",outcome="commented"\} 1/);
  });

  it('a detractor who accepts a person is queued with priority high, the survey in the item for the agent', async () => {
    server = await start();
    const token = await login(server.url);
    const { socket, session } = await shopper(server.wsUrl);
    const first = await resolvedByAgent(server, socket, token);
    await socket.next(isQuestion, 'the CSAT question');
    socket.send({ type: 'message', text: '1점이요' });
    const apology = await socket.next((f) => f.type === 'bot' && f.text === texts.detractor.apology.ko);
    expect((apology.quickReplies as { payload: string }[]).map((q) => q.payload)).toEqual(['daehwa:survey:person', 'daehwa:survey:no_person']);
    socket.send({ type: 'quick_reply', payload: 'daehwa:survey:person' });
    await socket.next((f) => f.type === 'bot' && f.text === texts.detractor.connecting.ko);
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued');

    const items = (await api(server.url, 'GET', '/api/agent/queue', { token })).body.items as { id: string; priority: string; reason: string }[];
    expect(items).toEqual([expect.objectContaining({ priority: 'high', reason: 'survey_detractor' })]);
    const detail = (await api(server.url, 'GET', `/api/agent/queue/${items[0]!.id}`, { token })).body;
    expect(detail.item.id).not.toBe(first);
    expect(detail.item.context.survey).toEqual([expect.objectContaining({ kind: 'csat', score: 1, agentId: 'agent', sessionId: session.sessionId })]);
    expect(await server.store.listSurveys()).toEqual([expect.objectContaining({ score: 1 })]);
  });

  it('after hours a detractor’s offer turns into the after-hours notice, like any hand-off', async () => {
    const clock = new ManualClock('2025-03-04T08:55:00.000Z'); // Tuesday 17:55 in Seoul
    server = await start({ clock });
    const token = await login(server.url);
    const { socket } = await shopper(server.wsUrl);
    await resolvedByAgent(server, socket, token);
    await socket.next(isQuestion, 'the CSAT question');
    socket.send({ type: 'quick_reply', payload: 'daehwa:survey:csat:2' });
    await socket.next((f) => f.type === 'bot' && f.text === texts.detractor.apology.ko);
    clock.advance(10 * 60_000); // 18:05: closed
    socket.send({ type: 'quick_reply', payload: 'daehwa:survey:person' });
    const notice = await socket.next((f) => f.type === 'bot' && String(f.text).includes('상담 시간이 아니에요'));
    expect(notice.meta).toMatchObject({ flow: 'handoff', state: 'offline_message' });
  });

  it('a hand-back asks nothing; skipping is stored without a score', async () => {
    server = await start();
    const token = await login(server.url);
    const { socket, session } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued');
    const [item] = (await api(server.url, 'GET', '/api/agent/queue', { token })).body.items as { id: string }[];
    await api(server.url, 'POST', `/api/agent/queue/${item!.id}/claim`, { token });
    await api(server.url, 'POST', `/api/agent/queue/${item!.id}/hand-back`, { token });
    await socket.next((f) => f.type === 'bot' && String(f.text).includes('제가 계속 도와드릴게요'));
    socket.send({ type: 'message', text: '안녕' });
    await socket.next((f) => f.type === 'bot' && String(f.text).startsWith('#'));
    expect(socket.frames.some(isQuestion)).toBe(false);

    await resolvedByAgent(server, socket, token);
    await socket.next(isQuestion, 'the CSAT question');
    socket.send({ type: 'quick_reply', payload: 'daehwa:survey:skip' });
    await socket.next((f) => f.type === 'bot' && f.text === texts.skipped.ko);
    expect(await server.store.listSurveys({ sessionId: session.sessionId })).toEqual([expect.objectContaining({ kind: 'csat', score: null, agentId: 'agent' })]);
    // A survey button pressed again later does nothing: no error, no turn.
    socket.send({ type: 'quick_reply', payload: 'daehwa:survey:csat:5' });
    socket.send({ type: 'message', text: '안녕하세요' });
    await socket.next((f) => f.type === 'bot' && String(f.text).includes('안녕하세요'));
    expect(socket.frames.filter((f) => f.type === 'error')).toEqual([]);
    expect(await server.store.listSurveys()).toHaveLength(1);
  });

  it('the quiet period after a flow brings the question (fake clock); activity moves it on, a left shopper is not asked', async () => {
    const clock = new ManualClock(OPEN_HOURS);
    server = await start({ clock });
    const { socket } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: '배송비 얼마예요' });
    await socket.nextOfType('bot');
    clock.advance(60_000);
    socket.send({ type: 'message', text: '음' });
    await socket.next((f) => f.type === 'bot' && String(f.text).includes('음'));
    clock.advance(60_000); // 120 s after the flow, but only 60 s after the last message
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(socket.frames.some(isQuestion)).toBe(false);
    clock.advance(60_000);
    const question = await socket.next(isQuestion, 'the CSAT question');
    expect(question.meta).toMatchObject({ flow: 'survey', state: 'csat' });
    socket.send({ type: 'quick_reply', payload: 'daehwa:survey:csat:5' });
    await socket.next((f) => f.type === 'bot' && f.text === texts.csat.comment.ko);
    expect(await server.store.listSurveys()).toEqual([expect.objectContaining({ score: 5, flow: 'shipping_fee', agentId: null })]);

    socket.send({ type: 'quick_reply', payload: 'daehwa:survey:skip' });
    await socket.next((f) => f.type === 'bot' && f.text === texts.closing.ko);
    // A second flow in the same session: asked once a session only.
    socket.send({ type: 'message', text: '배송비 다시요' });
    await socket.next((f) => f.type === 'bot' && String(f.text).includes('다시요'));
    clock.advance(10 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(socket.frames.filter(isQuestion)).toHaveLength(1);

    // Another shopper who closes the tab before the period ends is not asked.
    const other = await shopper(server.wsUrl);
    other.socket.send({ type: 'message', text: '배송비요' });
    await other.socket.nextOfType('bot');
    other.socket.close();
    await other.socket.closed;
    await waitFor(async () => (await server.server.sessions.get(other.session.sessionId))?.links.size === 0);
    clock.advance(5 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await server.store.getTranscript(other.session.sessionId)).some((e) => e.flow === 'survey')).toBe(false);
  });

  it('quietSeconds 0, surveys off, or no survey texts: nothing is asked', async () => {
    for (const variant of [{ config: { surveys: { quietSeconds: 0 } } }, { config: { surveys: { enabled: false } } }, { surveys: null }] as const) {
      const clock = new ManualClock(OPEN_HOURS);
      server = await start({ clock, ...variant });
      const { socket } = await shopper(server.wsUrl);
      socket.send({ type: 'message', text: '배송비 얼마예요' });
      await socket.nextOfType('bot');
      clock.advance(10 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(socket.frames.some((f) => f.type === 'bot' && (f.meta as { flow?: string }).flow === 'survey')).toBe(false);
      await server.close();
    }
  });

  it('asks NPS at most once per customer per period, across sessions (fake clock)', async () => {
    const clock = new ManualClock(OPEN_HOURS);
    const store = createMemoryStore();
    server = await start({ clock, store });

    async function visit(): Promise<TestSocket> {
      const { socket } = await shopper(server.wsUrl, { customerId: 'c1001' });
      socket.send({ type: 'message', text: '배송비 얼마예요' });
      await socket.nextOfType('bot');
      clock.advance(120_000);
      await socket.next(isQuestion, 'the CSAT question');
      socket.send({ type: 'quick_reply', payload: 'daehwa:survey:csat:5' });
      await socket.next((f) => f.type === 'bot' && f.text === texts.csat.comment.ko);
      socket.send({ type: 'quick_reply', payload: 'daehwa:survey:skip' });
      return socket;
    }

    const first = await visit();
    const nps = await first.next((f) => f.type === 'bot' && f.text === texts.nps.question.ko, 'the NPS question');
    expect((nps.quickReplies as { payload: string }[]).map((q) => q.payload)).toEqual([...Array.from({ length: 11 }, (_, i) => `daehwa:survey:nps:${i}`), 'daehwa:survey:skip']);
    clock.advance(1000);
    first.send({ type: 'message', text: '9점' });
    await first.next((f) => f.type === 'bot' && f.text === texts.nps.thanks.ko);
    first.close();

    clock.advance(30 * 86_400_000);
    const second = await visit();
    await second.next((f) => f.type === 'bot' && f.text === texts.closing.ko);
    expect(second.frames.some((f) => f.type === 'bot' && f.text === texts.nps.question.ko)).toBe(false);
    second.close();

    clock.advance(61 * 86_400_000);
    const third = await visit();
    await third.next((f) => f.type === 'bot' && f.text === texts.nps.question.ko, 'the NPS question again after 91 days');
    expect((await store.listSurveys({ customerId: 'c1001' })).map((s) => [s.kind, s.score])).toEqual([
      ['csat', 5],
      ['nps', 9],
      ['csat', 5],
      ['csat', 5],
    ]);
  });

  it('an ordinary turn reads nothing for the surveys: no answers listed, no transcript read', async () => {
    const store = createMemoryStore();
    const counts = { listSurveys: 0, getTranscript: 0 };
    const counting = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'listSurveys' || property === 'getTranscript') counts[property] += 1;
        return Reflect.get(target, property, receiver);
      },
    });
    server = await start({ store: counting });
    const { socket } = await shopper(server.wsUrl, { customerId: 'c1001' });
    for (const text of ['안녕하세요', '음', '배송 조회요']) {
      socket.send({ type: 'message', text });
      await socket.next((f) => f.type === 'bot' && String(f.text).includes(text));
    }
    expect(counts).toEqual({ listSurveys: 0, getTranscript: 0 });
  });

  it('a question still waiting when the session closes for inactivity is stored as skipped', async () => {
    const clock = new ManualClock(OPEN_HOURS);
    server = await start({ clock });
    const token = await login(server.url);
    const { socket, session } = await shopper(server.wsUrl);
    await resolvedByAgent(server, socket, token);
    await socket.next(isQuestion, 'the CSAT question');
    clock.advance(31 * 60_000);
    await socket.closed;
    expect(await server.store.listSurveys({ sessionId: session.sessionId })).toEqual([expect.objectContaining({ kind: 'csat', score: null, agentId: 'agent' })]);
    expect((await server.store.getSession(session.sessionId))?.survey).toMatchObject({ stage: null });
  });

  it('the waiting question is kept with the session record', async () => {
    server = await start();
    const token = await login(server.url);
    const { socket } = await shopper(server.wsUrl);
    await resolvedByAgent(server, socket, token);
    await socket.next(isQuestion, 'the CSAT question');
    const session = await server.server.sessions.get((await server.store.listSessions())[0]!.id);
    expect(session?.record.survey).toMatchObject({ stage: 'csat' });
  });
});
