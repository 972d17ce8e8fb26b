import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConversations, runConversation, type LoadedConversation, type RunnerDeps } from '../../src/dialog/conversations/runner.ts';
import type { Classifier } from '../../src/nlu/types.ts';
import { fakeCommerce } from './fake-commerce.ts';
import { nlu, testFlowSet } from './harness.ts';

/** Classifies by keyword, so the runner is tested without a model. */
const classifier: Classifier = {
  classify: async (text) => {
    const order = /\d{8}/.exec(text)?.[0];
    const entities: ['order_number', string][] = order ? [['order_number', order]] : [];
    if (/배송|where/.test(text)) return nlu(text, 'order.status', 0.95, { entities });
    return nlu(text, 'None', 0.1, { entities });
  },
};

function deps(): RunnerDeps & { closed: number } {
  const state = { closed: 0 };
  return Object.assign(state, {
    classifier,
    flowSet: testFlowSet(),
    openShop: async () => ({ port: fakeCommerce(), close: async () => void (state.closed += 1) }),
  });
}

function conversation(spec: Partial<LoadedConversation['spec']> & Pick<LoadedConversation['spec'], 'turns'>): LoadedConversation {
  return { file: 'test/conversations/x.yaml', spec: { name: 'x', customer: 'c1', ...spec } };
}

describe('conversation runner', () => {
  it('passes a conversation whose expectations hold, and closes its shop', async () => {
    const d = deps();
    const result = await runConversation(
      conversation({
        turns: [
          { user: '배송 조회', expect: { intent: 'order.status', flow: 'track', step: 'ask_order', quick_replies: ['10000002'] } },
          { quick_reply: '10000002', expect: { step: null, slots: { order_number: '10000002' }, bot: '11월 21일', not_bot: '취소', handoff: false } },
        ],
      }),
      d,
    );
    expect(result.failure).toBeNull();
    expect(result.transcript.map((l) => l.from)).toEqual(['shopper', 'bot', 'shopper', 'bot']);
    expect(d.closed).toBe(1);
  });

  it('stops at the first turn that misses and says what differed', async () => {
    const result = await runConversation(
      conversation({
        turns: [
          { user: '배송 조회 10000001', expect: { flow: 'cancel', bot: '도착 예정', quick_replies: ['환불'], handoff: 'user_request', events: ['digression'] } },
          { user: '다음 턴은 실행되지 않아요' },
        ],
      }),
      deps(),
    );
    expect(result.failure?.turn).toBe(1);
    expect(result.failure?.mismatches).toEqual([
      { what: 'flow', expected: 'cancel', actual: 'track' },
      { what: 'bot', expected: '/도착 예정/', actual: '10000001 주문은 결제 완료 상태예요.' },
      { what: 'quick reply', expected: '환불', actual: 'none' },
      { what: 'handoff', expected: 'user_request', actual: 'none' },
      { what: 'event', expected: 'digression', actual: 'flow_started, slot_filled, flow_completed' },
    ]);
    expect(result.transcript).toHaveLength(2);
  });

  it('simulates an outage of the listed port methods', async () => {
    const result = await runConversation(
      conversation({ shop: { unavailable: ['getOrder'] }, turns: [{ user: '배송 10000001', expect: { handoff: false, quick_replies: ['handoff'], events: ['flow_abandoned'] } }] }),
      deps(),
    );
    expect(result.failure).toBeNull();
  });
});

describe('conversation files', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('applies file defaults and reports format problems with file:line:column', async () => {
    dir = await mkdtemp(join(tmpdir(), 'daehwa-conv-'));
    await writeFile(join(dir, 'a.yaml'), 'defaults: { locale: en, customer: c1 }\nconversations:\n  - name: one\n    turns:\n      - user: hi\n');
    await writeFile(join(dir, 'b.yaml'), 'conversations:\n  - name: two\n    turns:\n      - user: hi\n        quick_reply: yes\n');
    const { conversations, problems } = await loadConversations(dir);
    expect(conversations.map((c) => [c.spec.name, c.spec.locale, c.spec.customer])).toEqual([['one', 'en', 'c1']]);
    expect(problems).toEqual([
      { file: join(dir, 'b.yaml'), line: 4, column: 9, message: 'a turn is exactly one of `user`, `quick_reply` or `event` (at conversations.0.turns.0)' },
    ]);
  });
});
