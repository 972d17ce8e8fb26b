import { describe, expect, it } from 'vitest';
import { createDialogEngine } from '../../src/dialog/index.ts';
import { Conversation, NOW, TEST_FLOWS, events, nlu, testFlowSet, texts } from './harness.ts';
import { fakeCommerce } from './fake-commerce.ts';

describe('slot filling', () => {
  it('takes the order number from the first sentence instead of asking for it', async () => {
    const c = new Conversation();
    const turn = await c.say(nlu('10000002 배송 어디쯤이에요', 'order.status', 0.97, { entities: [['order_number', '10000002']] }));
    expect(texts(turn)).toBe('10000002 주문은 11월 21일(토) 도착 예정이에요.');
    expect(events(turn)).toEqual(['flow_started', 'slot_filled', 'flow_completed']);
    expect(turn.replies[0]?.meta).toEqual({ intent: 'order.status', score: 0.97, flow: 'track', state: null });
    expect(c.commerce.calls).not.toContain('listOrders');
  });

  it('asks with the shopper’s orders as quick replies and takes a tapped one', async () => {
    const c = new Conversation();
    const ask = await c.say(nlu('배송 조회', 'order.status'));
    expect(texts(ask)).toBe('주문번호를 알려 주세요.');
    expect(ask.replies[0]?.quickReplies?.map((q) => q.payload)).toEqual(['10000001', '10000002', '10000003']);
    expect(ask.replies[0]?.meta.state).toBe('ask_order');
    const done = await c.tap('10000001');
    expect(texts(done)).toBe('10000001 주문은 결제 완료 상태예요.');
    expect(c.view.flow).toBeNull();
  });

  it('answers an order of another shopper exactly like a missing one, then hands off when attempts run out', async () => {
    const c = new Conversation();
    await c.say(nlu('배송 조회', 'order.status'));
    const other = await c.say(nlu('20000001', 'None', 0.1, { entities: [['order_number', '20000001']] }));
    expect(texts(other)).toBe('20000001 주문을 찾을 수 없어요.');
    expect(c.view.step).toBe('ask_order');
    const last = await c.say(nlu('99999999', 'None', 0.1, { entities: [['order_number', '99999999']] }));
    expect(last.events).toContainEqual({ type: 'handoff_requested', reason: 'slot_attempts_exhausted', priority: 'normal', flow: 'track', slots: {} });
    expect(last.events).toContainEqual({ type: 'flow_abandoned', flow: 'track', why: 'attempts' });
    expect(c.view.flow).toBeNull();
  });

  it('re-asks an out-of-range value with the reason, and leaves politely when on_fail is exit', async () => {
    const c = new Conversation();
    await c.say(nlu('린넨 셔츠 사이즈 추천', 'size.help'));
    expect(c.view.step).toBe('ask_height');
    const first = await c.say(nlu('400이요', 'None', 0.2, { entities: [['height', 400]] }));
    expect(texts(first)).toBe('키는 120에서 210 사이로 알려 주세요.');
    const second = await c.say(nlu('500cm', 'None', 0.2, { entities: [['height', 500]] }));
    expect(events(second)).toContain('flow_abandoned');
    expect(events(second)).not.toContain('handoff_requested');
    expect(c.view.flow).toBeNull();
  });

  it('reads bare "170 65" as height then weight when asked for the height', async () => {
    const c = new Conversation();
    await c.say(nlu('린넨 셔츠 사이즈', 'size.help'));
    const turn = await c.say(nlu('170 65', 'size.help', 0.9));
    expect(texts(turn)).toBe('M 사이즈를 추천해요 (both).');
  });

  it('fills the product from a page view the shopper is looking at', async () => {
    const c = new Conversation();
    await c.send({ kind: 'event', name: 'page_view', data: { productId: 'p1' } }, null);
    const turn = await c.say(nlu('사이즈 추천해 주세요', 'size.help'));
    expect(texts(turn)).toBe('키가 몇 cm예요?');
    expect(c.view.slots).toMatchObject({ product_id: 'p1' });
  });
});

describe('corrections and context', () => {
  const NOTIFY = `
flow: notify
title: { ko: 재입고 알림, en: restock alert }
intents: [product.stock]
slots:
  product_id:
    type: product
    prompt: { ko: 어떤 상품인가요?, en: Which product? }
    lookup: { call: get_product, result: product }
  confirm:
    type: yes_no
    prompt: { ko: '{{product.name}} 재입고 알림을 신청할까요?', en: 'Shall I tell you when the {{product.name}} is back?' }
steps:
  - id: ask_product
    ask: product_id
  - id: ask_confirm
    ask: confirm
  - id: done
    say: { ko: '{{product.name}} 알림을 신청했어요.', en: Done. }
`;

  it('takes another product named at a yes/no question as a correction, not as "no"', async () => {
    const c = new Conversation({ flowSet: testFlowSet({ ...TEST_FLOWS, 'notify.yaml': NOTIFY }) });
    expect(texts(await c.say(nlu('린넨 셔츠 재입고 알림', 'product.stock')))).toBe('린넨 셔츠 재입고 알림을 신청할까요?');
    const turn = await c.say(nlu('아니 울 코트요', 'None', 0.2));
    expect(texts(turn)).toBe('울 코트 재입고 알림을 신청할까요?');
    expect(c.view.slots).toMatchObject({ product_id: 'p2' });
    expect(texts(await c.tap('yes'))).toBe('울 코트 알림을 신청했어요.');
  });

  it('keeps the product when the reply names the same one, and searches the catalogue only for typed words', async () => {
    const c = new Conversation({ flowSet: testFlowSet({ ...TEST_FLOWS, 'notify.yaml': NOTIFY }) });
    await c.say(nlu('린넨 셔츠 재입고 알림', 'product.stock'));
    const same = await c.say(nlu('린넨 셔츠요', 'None', 0.2));
    expect(events(same)).not.toContain('slot_filled'); // no rewind: the product was not asked again
    expect(texts(same)).toBe('린넨 셔츠 재입고 알림을 신청할까요?');
    const searches = c.commerce.calls.filter((call) => call === 'findProducts').length;
    await c.tap('yes');
    expect(c.commerce.calls.filter((call) => call === 'findProducts')).toHaveLength(searches);
  });

  it('rewinds to the corrected slot: the confirmation is asked again for the new order', async () => {
    const c = new Conversation();
    await c.say(nlu('10000001 취소해 주세요', 'order.cancel', 0.95, { entities: [['order_number', '10000001']] }));
    expect(c.view.step).toBe('ask_confirm');
    const turn = await c.say(nlu('아 아니 주문번호 10000003이요', 'None', 0.2, { entities: [['order_number', '10000003']] }));
    expect(texts(turn)).toBe('10000003 주문을 취소할까요?');
    expect(c.view.slots).toMatchObject({ order_number: '10000003' });
    const done = await c.tap('yes');
    expect(texts(done)).toBe('이미 출고됐어요.');
  });

  it('starts the next flow from the order just looked up', async () => {
    const c = new Conversation();
    await c.say(nlu('10000001 배송 조회', 'order.status', 0.95, { entities: [['order_number', '10000001']] }));
    const turn = await c.say(nlu('취소할래요', 'order.cancel'));
    expect(texts(turn)).toBe('10000001 주문을 취소할까요?');
  });

  it('does not start a flow from its own last answer', async () => {
    const c = new Conversation();
    await c.say(nlu('10000001 취소', 'order.cancel', 0.95, { entities: [['order_number', '10000001']] }));
    await c.tap('no');
    const again = await c.say(nlu('주문 취소해 주세요', 'order.cancel'));
    expect(texts(again)).toBe('어떤 주문을 취소할까요?');
  });
});

describe('digressions, switching and commands', () => {
  it('answers a shipping question mid-flow, then asks the pending question again', async () => {
    const c = new Conversation();
    await c.say(nlu('주문 취소', 'order.cancel'));
    const turn = await c.say(nlu('배송비 얼마예요', 'shipping.fee'));
    expect(turn.replies.map((r) => r.text)).toEqual(['배송비는 3,000원이에요.', '그럼 하던 이야기로 돌아갈게요.', '어떤 주문을 취소할까요?']);
    expect(turn.events).toContainEqual({ type: 'digression', intent: 'shipping.fee', from: 'cancel' });
    expect(c.view).toMatchObject({ flow: 'cancel', step: 'ask_order' });
  });

  it('catches a digression even where any text would answer (a free-text question)', async () => {
    const c = new Conversation();
    await c.say(nlu('결제가 안 돼요', 'payment.issue', 0.95));
    const turn = await c.say(nlu('배송비는요?', 'shipping.fee'));
    expect(texts(turn)).toContain('배송비는 3,000원이에요.');
    expect(c.view.slots).toEqual({});
    const answer = await c.say(nlu('카드가 거절돼요', 'payment.issue', 0.95));
    expect(texts(answer)).toBe('"카드가 거절돼요" 내용으로 접수했어요.');
  });

  it('keeps the shopper at a question marked `digressions: false`: no answer about shipping, no switch offered', async () => {
    const flows = { ...TEST_FLOWS, 'cancel.yaml': (TEST_FLOWS['cancel.yaml'] ?? '').replace('  - id: ask_order\n    ask: order_number', '  - id: ask_order\n    ask: order_number\n    digressions: false') };
    const c = new Conversation({ flowSet: testFlowSet(flows) });
    await c.say(nlu('주문 취소', 'order.cancel'));
    const fee = await c.say(nlu('배송비 얼마예요', 'shipping.fee'));
    expect(events(fee)).not.toContain('digression');
    expect(texts(fee)).not.toContain('3,000원');
    const other = await c.say(nlu('사이즈 추천해 주세요', 'size.help'));
    expect(texts(other)).not.toContain('넘어갈까요');
    expect(c.view).toMatchObject({ flow: 'cancel', step: 'ask_order', pending: null });
  });

  it('asks before switching to another task; "no" returns to the question', async () => {
    const c = new Conversation();
    await c.say(nlu('주문 취소', 'order.cancel'));
    const ask = await c.say(nlu('사이즈 추천해 주세요', 'size.help'));
    expect(texts(ask)).toBe('지금 주문 취소 안내 중인데요, 사이즈 추천으로 넘어갈까요?');
    expect(c.view.pending).toBe('switch');
    const back = await c.say(nlu('아니요', 'None', 0.3));
    expect(back.replies.map((r) => r.text)).toEqual(['네, 하던 주문 취소 안내를 이어서 할게요.', '어떤 주문을 취소할까요?']);
    expect(c.view).toMatchObject({ flow: 'cancel', step: 'ask_order', pending: null });
  });

  it('switches on "yes", starting the new flow with what the shopper said', async () => {
    const c = new Conversation();
    await c.say(nlu('주문 취소', 'order.cancel'));
    await c.say(nlu('린넨 셔츠 사이즈 추천해 주세요', 'size.help'));
    const turn = await c.say(nlu('네', 'None', 0.3));
    expect(turn.events).toContainEqual({ type: 'flow_abandoned', flow: 'cancel', why: 'switch' });
    expect(c.view).toMatchObject({ flow: 'fit', step: 'ask_height', slots: { product_id: 'p1' } });
  });

  it('stops on a cancel command in either language, but an idle "취소" is a request to cancel an order', async () => {
    const ko = new Conversation();
    await ko.say(nlu('주문 취소', 'order.cancel'));
    const stop = await ko.say(nlu('그만할게요', 'None', 0.2));
    expect(stop.events).toContainEqual({ type: 'flow_abandoned', flow: 'cancel', why: 'cancel' });
    expect(ko.view.flow).toBeNull();
    const idle = await ko.say(nlu('취소', 'order.cancel', 0.99));
    expect(ko.view.flow).toBe('cancel');
    expect(events(idle)).toContain('flow_started');

    const en = new Conversation({ locale: 'en' });
    await en.say(nlu('where is my order', 'order.status'));
    const stopped = await en.say(nlu('never mind', 'None', 0.2));
    expect(texts(stopped)).toMatch(/^OK, I've stopped that/);
  });

  it('hands off at once when the shopper asks for a person mid-flow, with what the shopper told so far', async () => {
    const c = new Conversation();
    await c.say(nlu('10000001 주문 취소', 'order.cancel', 0.95, { entities: [['order_number', '10000001']] }));
    const turn = await c.say(nlu('상담원 연결해 주세요', 'agent.request', 0.98));
    expect(turn.events).toContainEqual({ type: 'handoff_requested', reason: 'user_request', priority: 'normal', flow: 'person', slots: { order_number: '10000001' } });
    expect(turn.events).toContainEqual({ type: 'flow_abandoned', flow: 'cancel', why: 'switch' });
    expect(texts(turn)).toBe('상담원에게 연결해 드릴게요. 잠시만 기다려 주세요.');
  });

  it('takes the flow’s own request restated at its confirmation as a yes', async () => {
    const c = new Conversation();
    await c.say(nlu('10000001 취소', 'order.cancel', 0.95, { entities: [['order_number', '10000001']] }));
    const turn = await c.say(nlu('취소해 주세요', 'order.cancel', 0.97));
    expect(texts(turn)).toBe('10000001 주문을 취소했어요.');
  });

  it('takes a plain yes to a confirmation even when the NLU hears something else in it', async () => {
    const c = new Conversation({ locale: 'en' });
    await c.say(nlu('cancel order 10000001', 'order.cancel', 0.95, { entities: [['order_number', '10000001']] }));
    const turn = await c.say(nlu('yes please', 'agent.request', 0.9));
    expect(texts(turn)).toBe('Order 10000001 is cancelled.');
    expect(events(turn)).not.toContain('handoff_requested');
  });

  it('reads "네, 취소해 주세요" as yes to a confirmation', async () => {
    const c = new Conversation();
    await c.say(nlu('10000001 취소', 'order.cancel', 0.95, { entities: [['order_number', '10000001']] }));
    const turn = await c.say(nlu('네, 취소해 주세요', 'order.cancel', 0.9));
    expect(texts(turn)).toBe('10000001 주문을 취소했어요.');
    expect(c.commerce.orders.get('10000001')?.status).toBe('cancelled');
  });
});

describe('fallback and hand-off policy', () => {
  it('suggests the closest intents that have a flow, then offers a person on the second miss', async () => {
    const c = new Conversation();
    const first = await c.say(nlu('음 그거요', 'None', 0.2, { alternatives: [['refund.status', 0.2], ['order.status', 0.15], ['size.help', 0.1]] }));
    expect(texts(first)).toBe('죄송해요, 제가 잘 이해하지 못했어요. 혹시 이런 질문이신가요?');
    // refund.status has no flow in the test set, so it is not offered
    expect(first.replies[0]?.quickReplies).toEqual([
      { label: '배송 조회', payload: 'intent:order.status' },
      { label: '사이즈 추천', payload: 'intent:size.help' },
    ]);
    expect(first.events).toContainEqual({ type: 'fallback', text: '음 그거요', suggestions: ['order.status', 'size.help'], consecutive: 1 });
    const second = await c.say(nlu('날씨 어때', 'None', 0.1));
    expect(second.replies[0]?.quickReplies?.map((q) => q.payload)).toEqual(['handoff', 'no']);
    const accepted = await c.tap('handoff');
    expect(accepted.events).toContainEqual({ type: 'handoff_requested', reason: 'repeated_misunderstanding', priority: 'normal', flow: null, slots: {} });
  });

  it('adds the intents the shop concepts of the line point to after the runners-up', async () => {
    const c = new Conversation();
    const turn = await c.say({ ...nlu('사이즈랑 배송 관련해서요', 'None', 0.7, { alternatives: [['order.status', 0.2], ['refund.status', 0.01]] }), hints: ['size.help', 'order.status'] });
    expect(turn.events).toContainEqual({ type: 'fallback', text: '사이즈랑 배송 관련해서요', suggestions: ['order.status', 'size.help'], consecutive: 1 });
  });

  it('does not suggest small talk or faint alternatives, and offers the menu instead', async () => {
    const flows = { ...TEST_FLOWS, 'hello.yaml': 'flow: hello\ntitle: { ko: 인사, en: greeting }\nintents: [greeting]\nsuggest: false\nsteps:\n  - id: hi\n    say: { ko: 안녕하세요, en: Hi }\n' };
    const c = new Conversation({ flowSet: testFlowSet(flows) });
    const turn = await c.say(nlu('음', 'None', 0.1, { alternatives: [['greeting', 0.4], ['order.status', 0.01]] }));
    expect(turn.replies[0]?.quickReplies?.map((q) => q.payload)).toEqual(['intent:order.status', 'intent:order.cancel', 'intent:size.help', 'intent:agent.request']);
  });

  it('resets the miss count once the shopper is understood', async () => {
    const c = new Conversation();
    await c.say(nlu('음', 'None', 0.1));
    await c.say(nlu('배송비 얼마', 'shipping.fee'));
    const miss = await c.say(nlu('어쩌구', 'None', 0.1));
    expect(miss.events).toContainEqual(expect.objectContaining({ type: 'fallback', consecutive: 1 }));
  });

  it('hands off instead of guessing below the threshold, and a flow can raise its own', async () => {
    const strict = new Conversation({ engine: { handoffThreshold: 0.7 } });
    const low = await strict.say(nlu('배송 조회 되나', 'order.status', 0.6));
    expect(low.events).toContainEqual({ type: 'handoff_requested', reason: 'low_confidence', priority: 'normal', flow: null, slots: {} });
    expect(strict.view.flow).toBeNull();

    const c = new Conversation();
    await c.say(nlu('배송 조회 되나', 'order.status', 0.8));
    expect(c.view.flow).toBe('track');
    const pay = new Conversation();
    const money = await pay.say(nlu('결제가 이상해요', 'payment.issue', 0.8));
    expect(events(money)).toContain('handoff_requested');
  });

  it('apologises and offers a person when the shop is down, without throwing', async () => {
    for (const commerce of [fakeCommerce({ down: true }), fakeCommerce({ throws: true })]) {
      const c = new Conversation({ commerce });
      const turn = await c.say(nlu('10000001 배송 조회', 'order.status', 0.95, { entities: [['order_number', '10000001']] }));
      expect(texts(turn)).toBe('죄송해요, 지금 주문 정보를 불러오지 못하고 있어요. 상담원을 연결해 드릴까요?');
      expect(turn.events).toContainEqual({ type: 'flow_abandoned', flow: 'track', why: 'error' });
      const yes = await c.say(nlu('네', 'None', 0.3));
      expect(yes.events).toContainEqual({ type: 'handoff_requested', reason: 'commerce_unavailable', priority: 'normal', flow: null, slots: {} });
    }
  });

  it('asks a guest to sign in before showing any order', async () => {
    const c = new Conversation({ customerId: null });
    const turn = await c.say(nlu('10000001 배송 조회', 'order.status', 0.95, { entities: [['order_number', '10000001']] }));
    expect(texts(turn)).toBe('주문 정보를 확인하려면 로그인이 필요해요. 로그인한 뒤 다시 말씀해 주세요.');
    expect(c.commerce.calls).toEqual([]);
  });
});

describe('state', () => {
  it('stays small JSON through a whole flow', async () => {
    const c = new Conversation();
    await c.say(nlu('린넨 셔츠 사이즈', 'size.help'));
    await c.say(nlu('170', 'None', 0.1, { entities: [['height', 170]] }));
    expect(JSON.stringify(c.state).length).toBeLessThan(4000);
    expect(JSON.parse(JSON.stringify(c.state))).toEqual(c.state);
  });

  it('leaves politely when a reload removed the flow or the step the conversation waits in', async () => {
    const c = new Conversation();
    await c.say(nlu('결제가 안 돼요', 'payment.issue', 0.95));
    expect(c.view).toMatchObject({ flow: 'pay', step: 'ask_problem' });
    const ctx = { now: NOW, customerId: 'c1', commerce: fakeCommerce() };
    const { 'pay.yaml': removed, ...rest } = TEST_FLOWS;
    const withoutFlow = createDialogEngine(testFlowSet(rest));
    const turn = await withoutFlow.turn(c.state, { kind: 'text', text: '카드가 거절돼요' }, nlu('카드가 거절돼요', 'None', 0.2), ctx);
    expect(turn.replies[0]?.text).toMatch(/^죄송해요, 진행하던 안내가 바뀌어서/);
    expect(turn.events).toContainEqual({ type: 'flow_abandoned', flow: 'pay', why: 'error' });
    expect(turn.state.flow).toBeNull();

    const withoutStep = createDialogEngine(testFlowSet({ ...rest, 'pay.yaml': (removed ?? '').replaceAll('ask_problem', 'which_problem') }));
    const gone = await withoutStep.turn(c.state, { kind: 'text', text: '카드가 거절돼요' }, nlu('카드가 거절돼요', 'None', 0.2), ctx);
    expect(gone.events).toContainEqual({ type: 'flow_abandoned', flow: 'pay', why: 'error' });
  });

  it('starts over from a state it cannot read, keeping the language', async () => {
    const engine = createDialogEngine(testFlowSet());
    const turn = await engine.turn({ version: 1, locale: 'en', flow: 'garbage' }, { kind: 'text', text: 'hello' }, nlu('how much is shipping', 'shipping.fee'), {
      now: NOW,
      customerId: null,
      commerce: fakeCommerce(),
    });
    expect(turn.replies[0]?.text).toBe('Shipping is ₩3,000.');
    expect(turn.state.locale).toBe('en');
  });

  it("never changes the state a turn was given, its own last result included", async () => {
    const engine = createDialogEngine(testFlowSet());
    const ctx = { now: NOW, customerId: null, commerce: fakeCommerce() };
    const first = await engine.turn(engine.initialState('ko'), { kind: 'text', text: '주문 취소' }, nlu('주문 취소', 'order.cancel'), ctx);
    const before = structuredClone(first.state);
    const second = await engine.turn(first.state, { kind: 'text', text: 'how much is shipping?' }, nlu('how much is shipping?', 'shipping.fee'), ctx);
    expect(second.state).not.toBe(first.state);
    expect(first.state).toEqual(before);
    // The same state read back from the store (parsed, not the runtime's own object) reads the same.
    const again = await engine.turn(JSON.parse(JSON.stringify(first.state)), { kind: 'text', text: 'how much is shipping?' }, nlu('how much is shipping?', 'shipping.fee'), ctx);
    expect(again.state).toEqual(second.state);
  });

  it('follows the shopper into English, but digits alone keep the language', async () => {
    const c = new Conversation();
    await c.say(nlu('주문 취소', 'order.cancel'));
    await c.say(nlu('12345678', 'None', 0.1));
    expect(c.state.locale).toBe('ko');
    const turn = await c.say(nlu('how much is shipping?', 'shipping.fee'));
    expect(c.state.locale).toBe('en');
    expect(texts(turn)).toContain('Shipping is ₩3,000.');
  });
});

describe('replies that do not answer the question', () => {
  it('answers an off-topic reply briefly and asks again, without using up attempts', async () => {
    const c = new Conversation();
    await c.say(nlu('사이즈 추천해 주세요', 'size.help'));
    expect(c.view.step).toBe('ask_product');
    for (let i = 0; i < 4; i += 1) {
      const turn = await c.say(nlu('오늘 날씨 어때', 'None', 0.98));
      expect(texts(turn)).toBe('죄송하지만 그건 제가 도와드리기 어려워요.\n어떤 상품인가요?');
      expect(events(turn)).not.toContain('flow_abandoned');
    }
    const answered = await c.say(nlu('울 코트요', 'None', 0.2));
    expect(texts(answered)).toBe('키가 몇 cm예요?');
    expect(c.view.slots).toMatchObject({ product_id: 'p2' });
  });

  it('takes a reply that passes the checks as the answer, whatever intent the NLU gives it', async () => {
    const c = new Conversation();
    await c.say(nlu('사이즈 추천해 주세요', 'size.help'));
    const turn = await c.say(nlu('울 코트요', 'order.status', 0.9));
    expect(texts(turn)).toBe('키가 몇 cm예요?');
    expect(c.view.slots).toMatchObject({ product_id: 'p2' });
  });

  it('asks whether to switch when a reply confidently read as another task gives no usable product', async () => {
    const c = new Conversation();
    await c.say(nlu('사이즈 추천해 주세요', 'size.help'));
    const turn = await c.say(nlu('주문한 거 취소할래요', 'order.cancel', 0.95));
    expect(texts(turn)).toBe('지금 사이즈 추천 안내 중인데요, 주문 취소로 넘어갈까요?');
  });

  it('counts an order number as an attempt even when the NLU files the bare number under None', async () => {
    const c = new Conversation();
    await c.say(nlu('배송 조회', 'order.status'));
    const turn = await c.say(nlu('99999999', 'None', 0.97, { entities: [['order_number', '99999999']] }));
    expect(texts(turn)).toBe('99999999 주문을 찾을 수 없어요.');
  });

  it('does not take an unsure None, or a rejected candidate, as out of scope', async () => {
    const c = new Conversation();
    await c.say(nlu('사이즈 추천해 주세요', 'size.help'));
    const unsure = await c.say(nlu('린넨 바지요', 'None', 0.3));
    expect(texts(unsure)).not.toContain('도와드리기 어려워요');
    const rejected = await c.say(nlu('모자요', 'None', 0.55, { alternatives: [['size.help', 0.6]] }));
    expect(texts(rejected)).not.toContain('도와드리기 어려워요');
  });
});
