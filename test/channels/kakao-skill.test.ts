// Contract tests of POST /channels/kakao/skill with skill requests in Kakao's documented shape:
// text, quick replies (message and block actions), block parameters, new and returning users,
// hand-off (callback and kept answers), business hours, the 5-second deadline, over-long answers,
// the shared secret, malformed bodies and replays. The server runs in-process with a manual clock.
import { afterEach, describe, expect, it } from 'vitest';
import { kakaoSkillResponseSchema } from '../../src/channels/kakao/format.ts';
import { CALLBACK_HOLD_MS } from '../../src/channels/kakao/skill.ts';
import type { BotReply, DialogEngine, DialogInput } from '../../src/dialog/types.ts';
import { api, CLOSED_HOURS, login, ManualClock, scriptedDialog, startTestServer, waitFor, type TestServer } from '../server/helpers.ts';
import { FakeCallbackServer, Gate, gatedDialog, postSkill, skillRequest, textsOf } from './kakao-helpers.ts';

let server: TestServer;
let callbacks: FakeCallbackServer | undefined;
afterEach(async () => {
  await server?.close();
  await callbacks?.close();
  callbacks = undefined;
});

/** Every response must be a valid skill response. */
async function skill(body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const { status, body: response } = await postSkill(server.url, body, headers);
  expect(status, JSON.stringify(response)).toBe(200);
  expect(kakaoSkillResponseSchema.safeParse(response).success, JSON.stringify(response)).toBe(true);
  return response;
}

function recordingDialog(inner: DialogEngine, inputs: DialogInput[]): DialogEngine {
  return { initialState: inner.initialState, turn: (state, input, nlu, ctx) => (inputs.push(input), inner.turn(state, input, nlu, ctx)) };
}

describe('Kakao skill: turns', () => {
  it('answers a text with simpleText and the flow quick replies as message actions', async () => {
    server = await startTestServer();
    const response = await skill(skillRequest({ utterance: '안녕하세요' }));
    expect(response.version).toBe('2.0');
    expect(textsOf(response)).toEqual(['#1 안녕하세요']);
    expect(response.template.quickReplies).toEqual([{ action: 'message', label: '배송 조회', messageText: '배송 조회' }]);
  });

  it('maps a tapped quick reply (its messageText, or a block action extra) to its payload', async () => {
    const inputs: DialogInput[] = [];
    server = await startTestServer({ deps: { dialog: recordingDialog(scriptedDialog(), inputs) } });
    await skill(skillRequest({ utterance: '안녕하세요' }));
    expect(textsOf(await skill(skillRequest({ utterance: '배송 조회' })))).toEqual(['#2 intent:order.status']);
    await skill(skillRequest({ utterance: '배송 조회', clientExtra: { payload: 'flow:order_status' } }));
    expect(inputs.slice(1)).toEqual([
      { kind: 'quick_reply', payload: 'intent:order.status' },
      { kind: 'quick_reply', payload: 'flow:order_status' },
    ]);
  });

  it('renders quick replies as block actions when a quick-reply block is configured', async () => {
    server = await startTestServer({ config: { channels: { kakao: { quickReplyBlockId: 'blk_daehwa' } } } });
    const response = await skill(skillRequest({ utterance: '안녕하세요' }));
    expect(response.template.quickReplies).toEqual([
      { action: 'block', label: '배송 조회', blockId: 'blk_daehwa', messageText: '배송 조회', extra: { payload: 'intent:order.status' } },
    ]);
  });

  it('starts the flow named by block parameters, the other parameters as its slots', async () => {
    const inputs: DialogInput[] = [];
    server = await startTestServer({ deps: { dialog: recordingDialog(scriptedDialog(), inputs) } });
    await skill(skillRequest({ utterance: '주문 조회', params: { flow: 'order_status', order_number: '20261118' } }));
    expect(inputs).toEqual([{ kind: 'event', name: 'daehwa.start_flow', data: { flow: 'order_status', slots: { order_number: '20261118' } } }]);
    const bad = await postSkill(server.url, skillRequest({ params: { flow: 'Order Status!' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/action\.params\.flow/);
  });

  it('keeps one conversation per (bot, user), continues it mid-flow, and stores no Kakao user id', async () => {
    server = await startTestServer();
    expect(textsOf(await skill(skillRequest({ utterance: '첫 메시지', userId: 'kakao-user-AAA' })))).toEqual(['#1 첫 메시지']);
    expect(textsOf(await skill(skillRequest({ utterance: '두 번째', userId: 'kakao-user-AAA' })))).toEqual(['#2 두 번째']);
    // A new user, and the same user id under another bot, each start afresh.
    expect(textsOf(await skill(skillRequest({ utterance: '처음이에요', userId: 'kakao-user-BBB' })))).toEqual(['#1 처음이에요']);
    expect(textsOf(await skill(skillRequest({ utterance: '다른 봇', userId: 'kakao-user-AAA', botId: 'other-bot' })))).toEqual(['#1 다른 봇']);
    const sessions = await server.store.listSessions();
    expect(sessions).toHaveLength(3);
    const stored = JSON.stringify([sessions, ...(await Promise.all(sessions.map((s) => server.store.getTranscript(s.id))))]);
    expect(stored).not.toContain('kakao-user-AAA');
    expect(stored).not.toContain('kakao-user-BBB');
    expect(stored).toContain('conversation started on KakaoTalk');
  });

  it('starts a new conversation for a user whose last one ended idle, keeping the old transcript', async () => {
    server = await startTestServer();
    await skill(skillRequest({ utterance: '예전 대화' }));
    server.clock.advance(31 * 60_000);
    await waitFor(async () => (await server.store.listSessions({ status: 'closed' })).length === 1);
    expect(textsOf(await skill(skillRequest({ utterance: '다시 왔어요' })))).toEqual(['#1 다시 왔어요']);
    const [closed] = await server.store.listSessions({ status: 'closed' });
    expect((await server.store.getTranscript(closed!.id)).map((e) => e.text)).toContain('예전 대화');
    expect(await server.store.listSessions({ status: 'open' })).toHaveLength(1);
  });
});

describe('Kakao skill: limits', () => {
  const long = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}번째 문장이에요.`).join(' ');
  function longDialog(text: string): DialogEngine {
    const inner = scriptedDialog();
    return {
      initialState: inner.initialState,
      async turn(state, input, nlu, ctx) {
        const result = await inner.turn(state, input, nlu, ctx);
        if (input.kind !== 'text' || input.text !== '긴 답변') return result;
        const reply: BotReply = { ...result.replies[0]!, text, quickReplies: [{ label: '아주아주아주 긴 이름의 빠른 답장 버튼', payload: 'long' }] };
        return { ...result, replies: [reply] };
      },
    };
  }

  it('splits an over-long answer within the limits and shows the rest on "더 보기"', async () => {
    const text = long(400); // about 5,000 characters
    server = await startTestServer({ deps: { dialog: longDialog(text) } });
    const first = await skill(skillRequest({ utterance: '긴 답변' }));
    expect(first.template.outputs).toHaveLength(3);
    for (const output of textsOf(first)) expect(output.length).toBeLessThanOrEqual(1000);
    expect(first.template.quickReplies).toEqual([{ action: 'message', label: '더 보기', messageText: '더 보기' }]);
    const rest: string[] = [];
    let response = first;
    while (response.template.quickReplies?.[0]?.label === '더 보기') {
      response = await skill(skillRequest({ utterance: '더 보기' }));
      rest.push(...textsOf(response));
    }
    // Nothing lost: every sentence, in order, across the responses.
    expect([...textsOf(first), ...rest].join(' ').replace(/\s+/g, ' ')).toBe(text);
    // The flow's quick reply comes with the last part, its label cut to 14 characters, its text whole.
    expect(response.template.quickReplies).toEqual([{ action: 'message', label: '아주아주아주 긴 이름의 …', messageText: '아주아주아주 긴 이름의 빠른 답장 버튼' }]);
    expect(textsOf(await skill(skillRequest({ utterance: '아주아주아주 긴 이름의 빠른 답장 버튼' })))).toEqual([expect.stringMatching(/ long$/)]);
  });
});

describe('Kakao skill: more choices than quick replies', () => {
  // An NPS scale: 0 to 10 and "skip", twelve choices; Kakao shows at most ten quick replies.
  const scale = [...Array.from({ length: 11 }, (_, n) => ({ label: String(n), payload: `nps:${n}` })), { label: '건너뛰기', payload: 'nps:skip' }];
  function scaleDialog(inputs: DialogInput[]): DialogEngine {
    const inner = scriptedDialog();
    return {
      initialState: inner.initialState,
      async turn(state, input, nlu, ctx) {
        inputs.push(input);
        const result = await inner.turn(state, input, nlu, ctx);
        if (input.kind !== 'text' || input.text !== '추천 점수') return result;
        return { ...result, replies: [{ ...result.replies[0]!, text: '추천하실 가능성은 0점부터 10점 중 몇 점인가요?', quickReplies: scale }] };
      },
    };
  }
  const labels = (response: any) => (response.template.quickReplies ?? []).map((q: { label: string }) => q.label);

  it('shows nine choices and "더 보기", the others on the next page; every choice is one tap away', async () => {
    const inputs: DialogInput[] = [];
    server = await startTestServer({ deps: { dialog: scaleDialog(inputs) } });
    const first = await skill(skillRequest({ utterance: '추천 점수' }));
    expect(textsOf(first)).toEqual(['추천하실 가능성은 0점부터 10점 중 몇 점인가요?']);
    expect(labels(first)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '더 보기']);
    // "더 보기" is the channel's own: no turn runs.
    const second = await skill(skillRequest({ utterance: '더 보기' }));
    expect(textsOf(second)).toEqual(['나머지 선택지예요.']);
    expect(labels(second)).toEqual(['9', '10', '건너뛰기']);
    expect(inputs).toHaveLength(1);
    await skill(skillRequest({ utterance: '10' }));
    expect(inputs.at(-1)).toEqual({ kind: 'quick_reply', payload: 'nps:10' });
  });

  it('reads any choice of the answer typed, on whichever page it is shown', async () => {
    const inputs: DialogInput[] = [];
    server = await startTestServer({ deps: { dialog: scaleDialog(inputs) } });
    await skill(skillRequest({ utterance: '추천 점수' }));
    // The second page's, with the first shown.
    await skill(skillRequest({ utterance: '10' }));
    expect(inputs.at(-1)).toEqual({ kind: 'quick_reply', payload: 'nps:10' });
    // The same body again within the replay window would be a replay, not a new question.
    server.clock.advance(10_000);
    await skill(skillRequest({ utterance: '추천 점수' }));
    await skill(skillRequest({ utterance: '더 보기' }));
    // The first page's, with the second shown.
    await skill(skillRequest({ utterance: '3' }));
    expect(inputs.at(-1)).toEqual({ kind: 'quick_reply', payload: 'nps:3' });
  });

  it('pages block-action quick replies the same way', async () => {
    const inputs: DialogInput[] = [];
    server = await startTestServer({ config: { channels: { kakao: { quickReplyBlockId: 'blk_daehwa' } } }, deps: { dialog: scaleDialog(inputs) } });
    const first = await skill(skillRequest({ utterance: '추천 점수' }));
    expect(first.template.quickReplies).toHaveLength(10);
    expect(first.template.quickReplies.at(-1)).toEqual({ action: 'block', label: '더 보기', blockId: 'blk_daehwa', messageText: '더 보기', extra: { payload: 'daehwa:more' } });
    const second = await skill(skillRequest({ utterance: '더 보기', clientExtra: { payload: 'daehwa:more' } }));
    expect(second.template.quickReplies.map((q: any) => q.extra.payload)).toEqual(['nps:9', 'nps:10', 'nps:skip']);
    await skill(skillRequest({ utterance: '건너뛰기', clientExtra: { payload: 'nps:skip' } }));
    expect(inputs.at(-1)).toEqual({ kind: 'quick_reply', payload: 'nps:skip' });
  });
});

describe('Kakao skill: authentication and bad input', () => {
  it('refuses a missing or wrong secret with 401 and stores nothing', async () => {
    server = await startTestServer({ config: { channels: { kakao: { secret: 'kakao-shared-secret-123' } } } });
    const missing = await postSkill(server.url, skillRequest());
    expect(missing).toMatchObject({ status: 401, body: { error: { code: 'missing_secret' } } });
    const wrong = await postSkill(server.url, skillRequest(), { 'x-daehwa-skill-secret': 'not-the-secret' });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'bad_secret' } } });
    expect(await server.store.listSessions()).toHaveLength(0);
    expect(textsOf(await skill(skillRequest(), { 'x-daehwa-skill-secret': 'kakao-shared-secret-123' }))).toEqual(['#1 안녕하세요']);
  });

  it('answers a malformed body with 400 naming the field, and stores nothing', async () => {
    server = await startTestServer();
    const notJson = await postSkill(server.url, '{"userRequest":');
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    const request = skillRequest() as { userRequest: { user: Record<string, unknown> } };
    delete request.userRequest.user['id'];
    const noUser = await postSkill(server.url, request);
    expect(noUser.status).toBe(400);
    expect(noUser.body.error).toMatchObject({ code: 'invalid_body' });
    expect(noUser.body.error.message).toMatch(/userRequest\.user\.id/);
    const noBot = await postSkill(server.url, { ...skillRequest(), bot: undefined });
    expect(noBot.body.error.message).toMatch(/bot/);
    const empty = await postSkill(server.url, skillRequest({ utterance: '   ' }));
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/userRequest\.utterance/);
    expect(await server.store.listSessions()).toHaveLength(0);
  });

  it('answers a replayed request with the first answer and runs the turn once', async () => {
    server = await startTestServer();
    const body = skillRequest({ utterance: '한 번만', callbackUrl: 'http://127.0.0.1:9/callback/abc' });
    const first = await skill(body);
    const again = await skill(body);
    expect(again).toEqual(first);
    expect(textsOf(await skill(skillRequest({ utterance: '다음' })))).toEqual(['#2 다음']);
    // After the window, the same words are a new message.
    server.clock.advance(10_000);
    expect(textsOf(await skill(body))).toEqual(['#3 한 번만']);
  });
});

describe('Kakao skill: the 5-second deadline', () => {
  it('says "확인 중이에요" with useCallback and POSTs the real answer to the callback URL', async () => {
    callbacks = await FakeCallbackServer.start();
    const gate = new Gate();
    server = await startTestServer({ deps: { dialog: gatedDialog(scriptedDialog(), gate, /느린/) } });
    const pending = postSkill(server.url, skillRequest({ utterance: '느린 배송 조회', callbackUrl: `${callbacks.url}/cb/1` }));
    await waitFor(async () => gate.waiting === 1 && server.clock.pendingDelays().includes(4000));
    server.clock.advance(4000);
    const { status, body } = await pending;
    expect(status).toBe(200);
    expect(body).toEqual({ version: '2.0', useCallback: true, data: { text: '확인 중이에요. 잠시만 기다려 주세요.' } });
    gate.open();
    await callbacks.waitFor(1);
    expect(callbacks.received[0]!.path).toBe('/cb/1');
    expect(kakaoSkillResponseSchema.safeParse(callbacks.received[0]!.body).success).toBe(true);
    expect(textsOf(callbacks.received[0]!.body)).toEqual(['#1 느린 배송 조회']);
  });

  it('without a callback URL, shows the late answer with the next message', async () => {
    const gate = new Gate();
    server = await startTestServer({ deps: { dialog: gatedDialog(scriptedDialog(), gate, /느린/) } });
    const pending = postSkill(server.url, skillRequest({ utterance: '느린 배송 조회' }));
    await waitFor(async () => gate.waiting === 1 && server.clock.pendingDelays().includes(4000));
    server.clock.advance(4000);
    expect(textsOf((await pending).body)).toEqual(['확인 중이에요. 조금 뒤에 아무 메시지나 보내 주시면 답변을 보여 드릴게요.']);
    gate.open();
    // The next message waits for the slow turn on the session's lane, then gets both answers.
    expect(textsOf(await skill(skillRequest({ utterance: '다 됐나요' })))).toEqual(['#1 느린 배송 조회', '#2 다 됐나요']);
  });
});

describe('Kakao skill: hand-off', () => {
  async function queueAndClaim(): Promise<{ token: string; itemId: string }> {
    const handoff = await skill(skillRequest({ utterance: '상담원 연결해 주세요' }));
    expect(textsOf(handoff)).toEqual(['#1 상담원 연결해 주세요', '상담원 연결을 기다리고 있어요. 지금 1번째예요.']);
    const token = await login(server.url);
    const items = (await api(server.url, 'GET', '/api/agent/queue', { token })).body.items as { id: string; reason: string }[];
    expect(items.map((i) => i.reason)).toEqual(['user_request']);
    const itemId = items[0]!.id;
    expect((await api(server.url, 'POST', `/api/agent/queue/${itemId}/claim`, { token })).status).toBe(200);
    return { token, itemId };
  }

  it('queues the Kakao shopper; an agent answer reaches them through the held callback', async () => {
    callbacks = await FakeCallbackServer.start();
    server = await startTestServer();
    const { token, itemId } = await queueAndClaim();
    // The claim's "assigned" news waits for the shopper's next message, which goes to the agent.
    const asked = await skill(skillRequest({ utterance: '코트가 아직 안 왔어요', callbackUrl: `${callbacks.url}/cb/2` }));
    expect(textsOf(asked)).toEqual(['상담원이 연결됐어요. 편하게 말씀해 주세요.']);
    const relayed = await skill(skillRequest({ utterance: '언제 오나요?', callbackUrl: `${callbacks.url}/cb/3` }));
    expect(relayed).toEqual({ version: '2.0', useCallback: true, data: { text: '상담원에게 전달했어요. 답변이 오면 바로 알려 드릴게요.' } });
    const detail = (await api(server.url, 'GET', `/api/agent/queue/${itemId}`, { token })).body;
    expect(detail.transcript.filter((e: { from: string }) => e.from === 'shopper').map((e: { text: string }) => e.text)).toEqual([
      '상담원 연결해 주세요',
      '코트가 아직 안 왔어요',
      '언제 오나요?',
    ]);
    await api(server.url, 'POST', `/api/agent/queue/${itemId}/messages`, { token, body: { text: '내일 도착 예정이에요.' } });
    await callbacks.waitFor(1);
    expect(callbacks.received[0]!.path).toBe('/cb/3');
    expect(textsOf(callbacks.received[0]!.body)).toEqual(['상담원: 내일 도착 예정이에요.']);
  });

  it('keeps agent answers that come after the callback ran out, and shows them on the next message', async () => {
    callbacks = await FakeCallbackServer.start();
    server = await startTestServer();
    const { token, itemId } = await queueAndClaim();
    await skill(skillRequest({ utterance: '확인 부탁해요' })); // takes the "assigned" news
    const held = await skill(skillRequest({ utterance: '기다릴게요', callbackUrl: `${callbacks.url}/cb/4` }));
    expect(held.useCallback).toBe(true);
    server.clock.advance(CALLBACK_HOLD_MS);
    await callbacks.waitFor(1);
    expect(textsOf(callbacks.received[0]!.body)).toEqual(['상담원이 확인하고 있어요. 답변이 오면 다음에 메시지를 보내실 때 보여 드릴게요.']);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^daehwa_channel_callbacks_total\{channel="kakao",outcome="expired"\} 1$/m);
    await api(server.url, 'POST', `/api/agent/queue/${itemId}/messages`, { token, body: { text: '환불 처리했어요.' } });
    await api(server.url, 'POST', `/api/agent/queue/${itemId}/resolve`, { token });
    const next = await skill(skillRequest({ utterance: '고마워요' }));
    // Four bubbles' worth, packed into three: the kept answer first, then the news, then the bot.
    expect(textsOf(next)).toHaveLength(3);
    expect(textsOf(next).join('\n\n')).toBe(
      ['기다리시는 동안 상담원 답변이 도착했어요.', '상담원: 환불 처리했어요.', '상담이 끝났어요. 궁금한 게 있으면 언제든 말씀해 주세요.', '#2 고마워요'].join('\n\n'),
    );
    expect(callbacks.received).toHaveLength(1);
  });

  it('outside business hours offers to leave a message and takes it as a ticket', async () => {
    server = await startTestServer({ clock: new ManualClock(CLOSED_HOURS) });
    const offline = await skill(skillRequest({ utterance: '상담원 연결해 주세요' }));
    expect(textsOf(offline).join('\n')).toMatch(/지금은 상담 시간이 아니에요/);
    expect(offline.template.quickReplies).toEqual([{ action: 'message', label: '챗봇과 계속 이야기할게요', messageText: '챗봇과 계속 이야기할게요' }]);
    const left = await skill(skillRequest({ utterance: '환불 문의드려요. 010-1234-5678로 연락 주세요' }));
    expect(textsOf(left).join('\n')).toMatch(/메시지를 잘 받았어요/);
    const token = await login(server.url);
    const items = (await api(server.url, 'GET', '/api/agent/queue', { token })).body.items as { reason: string }[];
    expect(items.map((i) => i.reason)).toEqual(['offline_message']);
  });
});

describe('Kakao skill: metrics by channel', () => {
  async function metrics(): Promise<string> {
    return (await fetch(`${server.url}/metrics`)).text();
  }

  it('counts turns, deadline misses, callbacks and refused requests by channel', async () => {
    callbacks = await FakeCallbackServer.start();
    const gate = new Gate();
    server = await startTestServer({ config: { channels: { kakao: { secret: 'kakao-shared-secret-123' } } }, deps: { dialog: gatedDialog(scriptedDialog(), gate, /느린/) } });
    const headers = { 'x-daehwa-skill-secret': 'kakao-shared-secret-123' };
    await skill(skillRequest({ utterance: '안녕하세요' }), headers);
    const pending = postSkill(server.url, skillRequest({ utterance: '느린 조회', callbackUrl: `${callbacks.url}/cb/9` }), headers);
    await waitFor(async () => gate.waiting === 1 && server.clock.pendingDelays().includes(4000));
    server.clock.advance(4000);
    await pending;
    gate.open();
    await callbacks.waitFor(1);
    await postSkill(server.url, skillRequest());
    await postSkill(server.url, '{"userRequest":', headers);
    const text = await metrics();
    expect(text).toMatch(/^daehwa_channel_turns_total\{channel="kakao"\} 2$/m);
    expect(text).toMatch(/^daehwa_channel_deadline_misses_total\{channel="kakao"\} 1$/m);
    expect(text).toMatch(/^daehwa_channel_callbacks_total\{channel="kakao",outcome="delivered"\} 1$/m);
    expect(text).toMatch(/^daehwa_channel_errors_total\{channel="kakao",code="missing_secret"\} 1$/m);
    expect(text).toMatch(/^daehwa_channel_errors_total\{channel="kakao",code="invalid_json"\} 1$/m);
    expect(text).toMatch(/^daehwa_channel_links\{channel="kakao"\} 1$/m);
  });
});
