// A small flow set, hand-made NLU results and a turn runner for the runtime's unit tests.

import { readFileSync } from 'node:fs';
import { createDialogEngine, describeState, loadFlowSetFromSources, type DialogEngineOptions, type FlowSet } from '../../src/dialog/index.ts';
import type { DialogInput, DialogState, TurnResult } from '../../src/dialog/types.ts';
import type { Entity, EntityType, IntentId, NluResult } from '../../src/nlu/types.ts';
import { fakeCommerce, type FakeCommerce } from './fake-commerce.ts';

/** The shop's own messages file (the engine's sentences are part of what is tested), with a menu of the test flows. */
export const MESSAGES = readFileSync(new URL('../../flows/messages.yaml', import.meta.url), 'utf8').replace(
  /^menu: .*$/m,
  'menu: [order.status, order.cancel, size.help, agent.request]',
);

export const TEST_FLOWS: Record<string, string> = {
  'track.yaml': `
flow: track
title: { ko: 배송 조회, en: tracking }
intents: [order.status]
requires_customer: true
slots:
  order_number:
    type: order_number
    remember: true
    prompt: { ko: 주문번호를 알려 주세요., en: What is the order number? }
    errors:
      not_found: { ko: '{{value}} 주문을 찾을 수 없어요.', en: 'No order {{value}} on your account.' }
    lookup: { call: get_order, result: order }
    choices: { call: list_orders, label: '{{item.id}}', value: '{{item.id}}' }
    max_attempts: 2
steps:
  - id: ask_order
    ask: order_number
  - id: route
    branch:
      - if: { order.status: shipped }
        goto: shipped
  - id: other
    say: { ko: '{{order.id}} 주문은 {{order.status | status}} 상태예요.', en: 'Order {{order.id}} is {{order.status | status}}.' }
    end: true
  - id: shipped
    say: { ko: '{{order.id}} 주문은 {{order.expectedDelivery | date}} 도착 예정이에요.', en: 'Order {{order.id}} arrives {{order.expectedDelivery | date}}.' }
`,
  'cancel.yaml': `
flow: cancel
title: { ko: 주문 취소, en: cancellation }
intents: [order.cancel]
requires_customer: true
slots:
  order_number:
    type: order_number
    carry_over: true
    prompt: { ko: 어떤 주문을 취소할까요?, en: Which order should I cancel? }
    lookup: { call: get_order, result: order }
  confirm:
    type: yes_no
    prompt: { ko: '{{order.id}} 주문을 취소할까요?', en: 'Cancel order {{order.id}}?' }
    on_fail: exit
steps:
  - id: ask_order
    ask: order_number
  - id: ask_confirm
    ask: confirm
  - id: check
    branch:
      - if: { confirm: false }
        goto: kept
  - id: do_cancel
    call: cancel_order
    args: { order_number: '{{order_number}}' }
    on:
      not_allowed: too_late
  - id: done
    say: { ko: '{{order.id}} 주문을 취소했어요.', en: 'Order {{order.id}} is cancelled.' }
    end: true
  - id: kept
    say: { ko: 그대로 둘게요., en: Keeping it. }
    end: true
  - id: too_late
    say: { ko: 이미 출고됐어요., en: It has shipped. }
`,
  'fit.yaml': `
flow: fit
title: { ko: 사이즈 추천, en: size advice }
intents: [size.help]
slots:
  product_id:
    type: product
    carry_over: true
    prompt: { ko: 어떤 상품인가요?, en: Which product? }
    lookup: { call: get_product, result: product }
  height:
    type: height
    range: [120, 210]
    prompt: { ko: 키가 몇 cm예요?, en: How tall are you? }
    errors:
      range: { ko: '키는 120에서 210 사이로 알려 주세요.', en: 'Between 120 and 210, please.' }
    max_attempts: 2
    on_fail: exit
  weight:
    type: weight
    range: [30, 150]
    prompt: { ko: 몸무게는요?, en: And your weight? }
steps:
  - id: ask_product
    ask: product_id
  - id: ask_height
    ask: height
  - id: ask_weight
    ask: weight
  - id: recommend
    call: recommend_size
    args: { product: '{{product}}', height: '{{height}}', weight: '{{weight}}' }
    result: rec
  - id: answer
    say: { ko: '{{rec.size}} 사이즈를 추천해요 ({{rec.match}}).', en: 'I recommend {{rec.size}} ({{rec.match}}).' }
`,
  'fee.yaml': `
flow: fee
title: { ko: 배송비, en: shipping costs }
intents: [shipping.fee]
digression: true
steps:
  - id: policy
    call: get_policy
    result: policy
  - id: answer
    say: { ko: '배송비는 {{policy.shippingFee | money}}이에요.', en: 'Shipping is {{policy.shippingFee | money}}.' }
`,
  'person.yaml': `
flow: person
title: { ko: 상담원 연결, en: a person }
intents: [agent.request]
interrupts: true
steps:
  - id: connect
    handoff: { reason: user_request }
`,
  'pay.yaml': `
flow: pay
title: { ko: 결제 문제, en: payment problem }
intents: [payment.issue]
handoff_threshold: 0.9
slots:
  problem:
    type: text
    prompt: { ko: 어떤 문제인가요?, en: What went wrong? }
steps:
  - id: ask_problem
    ask: problem
  - id: thanks
    say: { ko: '"{{problem}}" 내용으로 접수했어요.', en: 'Noted: "{{problem}}".' }
`,
};

export function testFlowSet(flows: Record<string, string> = TEST_FLOWS): FlowSet {
  const sources = [{ file: 'flows/messages.yaml', text: MESSAGES }, ...Object.entries(flows).map(([file, text]) => ({ file: `flows/${file}`, text }))];
  const result = loadFlowSetFromSources(sources);
  if (!result.ok) throw new Error(`test flows do not load:\n${result.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n')}`);
  return result.flowSet;
}

export function nlu(text: string, intent: IntentId = 'None', score = intent === 'None' ? 0.1 : 0.95, options: { entities?: [EntityType, string | number][]; alternatives?: [IntentId, number][] } = {}): NluResult {
  const entities: Entity[] = (options.entities ?? []).map(([type, value]) => {
    const at = Math.max(0, text.indexOf(String(value)));
    return { type, value, text: String(value), start: at, end: at + String(value).length };
  });
  return {
    text,
    locale: /[가-힣]/.test(text) ? 'ko' : 'en',
    intent,
    score,
    entities,
    alternatives: (options.alternatives ?? []).map(([i, s]) => ({ intent: i, score: s })),
  };
}

export const NOW = new Date('2026-11-20T10:00:00+09:00');

/** Runs turns like the server does: the state goes through JSON between turns. */
export class Conversation {
  state: DialogState;
  readonly commerce: FakeCommerce;
  private readonly engine;
  private readonly customerId: string | null;

  constructor(options: { flowSet?: FlowSet; engine?: DialogEngineOptions; customerId?: string | null; commerce?: FakeCommerce; locale?: 'ko' | 'en' } = {}) {
    this.engine = createDialogEngine(options.flowSet ?? testFlowSet(), options.engine);
    this.commerce = options.commerce ?? fakeCommerce();
    this.customerId = options.customerId === undefined ? 'c1' : options.customerId;
    this.state = this.engine.initialState(options.locale ?? 'ko');
  }

  async say(result: NluResult): Promise<TurnResult> {
    return this.send({ kind: 'text', text: result.text }, result);
  }

  async tap(payload: string): Promise<TurnResult> {
    return this.send({ kind: 'quick_reply', payload }, null);
  }

  async send(input: DialogInput, result: NluResult | null): Promise<TurnResult> {
    const turn = await this.engine.turn(this.state, input, result, { now: NOW, customerId: this.customerId, commerce: this.commerce });
    this.state = JSON.parse(JSON.stringify(turn.state)) as DialogState;
    return turn;
  }

  get view() {
    return describeState(this.state);
  }
}

export function texts(turn: TurnResult): string {
  return turn.replies.map((r) => r.text).join('\n');
}

export function events(turn: TurnResult): string[] {
  return turn.events.map((e) => e.type);
}
