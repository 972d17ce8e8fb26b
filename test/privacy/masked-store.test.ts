// The before-storage boundary, unit by unit: what withMaskedShopperLines writes for each kind of
// record, what it leaves exact (identifiers), and the outbox wrapper.
import { describe, expect, it } from 'vitest';
import { forAgents } from '../../src/privacy/agent-view.ts';
import { maskedQueueItem, maskedSession, withMaskedOutbox, withMaskedShopperLines } from '../../src/server/masked-store.ts';
import type { Coordination, OutboxFrame } from '../../src/store/coordination.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { queueItem, session } from '../store/contract.ts';

// 4539 1488 0343 6467 passes Luhn; as a bare order number it is kept where it is an identifier.
const CARD = '4539148803436467';

describe('withMaskedShopperLines', () => {
  it('masks RRNs and card numbers in the dialog state, queue context and notes; keeps identifiers and phone numbers', async () => {
    const inner = createMemoryStore();
    const store = withMaskedShopperLines(inner);
    await store.putSession(
      session('s1', { dialog: { version: 1, locale: 'ko', flow: { opening: `주민번호 900101-1234567 카드 ${CARD}`, slots: { orderId: CARD } } } }),
    );
    await store.putQueueItem(
      queueItem('q1', {
        context: { intents: [{ text: `카드 ${CARD} 결제 실패`, intent: 'payment.issue' }], recentOrders: [{ id: CARD, trackingNumber: CARD }], contact: { phone: '01012345678' } },
        notes: [{ at: '2026-03-02T01:00:00.000Z', agentId: 'agent', text: '주민번호 9001011234567 들음' }],
      }),
    );
    const stored = JSON.stringify([await inner.getSession('s1'), await inner.getQueueItem('q1')]);
    expect(stored).not.toContain('900101-1234567');
    expect(stored).not.toContain('9001011234567');
    expect(stored).toContain('주민번호 [RRN] 카드 [CARD]');
    expect(stored).toContain(`카드 [CARD] 결제 실패`);
    expect(stored).toContain(`"orderId":"${CARD}"`);
    expect(stored).toContain(`"id":"${CARD}","trackingNumber":"${CARD}"`);
    expect(stored).toContain('01012345678');
    expect((await inner.getSession('s1'))?.tokenHash).toBe('hash-s1');
  });
  it('masks the comment a survey answer keeps in the session record', async () => {
    const inner = createMemoryStore();
    const store = withMaskedShopperLines(inner);
    const answer = { id: 'v1', sessionId: 's1', customerId: null, kind: 'csat', score: 2, comment: `카드 ${CARD} 두 번 결제됐어요`, at: '2026-03-02T01:00:00.000Z' };
    await store.putSession(session('s1', { survey: { version: 1, stage: null, answers: [answer], attempts: 0, npsDue: false, surveyed: true } as never }));
    const stored = JSON.stringify(await inner.getSession('s1'));
    expect(stored).toContain('카드 [CARD] 두 번 결제됐어요');
    expect(stored).not.toContain(CARD);
  });

  it('passes a record with nothing to mask through as it is, and never changes the caller\'s', () => {
    const clean = session('s1', { dialog: { version: 1, locale: 'ko', flow: { opening: '주문번호 20261020 배송 언제 와요?', slots: { order_number: '20261020' } } } });
    expect(maskedSession(clean)).toBe(clean);
    const item = queueItem('q1', { notes: [{ at: '2026-03-02T01:00:00.000Z', agentId: 'agent', text: '전화 요청' }] });
    expect(maskedQueueItem(item)).toBe(item);

    const dirty = session('s2', { dialog: { version: 1, locale: 'ko', flow: { opening: `카드 ${CARD}`, slots: { order_number: '20261020' } } } });
    const before = JSON.stringify(dirty);
    const masked = maskedSession(dirty);
    expect(JSON.stringify(masked)).toContain('카드 [CARD]');
    expect(JSON.stringify(dirty)).toBe(before);
    // What needed no masking is shared, not copied.
    const slotsOf = (record: typeof dirty) => (record.dialog as unknown as { flow: { slots: unknown } }).flow.slots;
    expect(slotsOf(masked)).toBe(slotsOf(dirty));
  });
});

describe('withMaskedShopperLines: channel links (issue 15)', () => {
  it('masks card numbers in the frames kept for a Kakao shopper and in the quick replies remembered, keeping identifiers', async () => {
    const inner = createMemoryStore();
    const store = withMaskedShopperLines(inner);
    await store.putSession(session('s1'));
    await store.putChannelLink({
      sessionId: 's1',
      channel: 'kakao',
      mailbox: [{ type: 'agent', text: `카드 ${CARD}로 환불했어요` }, { type: 'bot', text: '주문 확인', card: { orderId: '20261101', trackingNumber: CARD } }],
      memory: { offered: [{ messageText: `카드 ${CARD} 맞아요`, payload: 'yes' }] },
      updatedAt: '2026-03-02T01:00:00.000Z',
    });
    const stored = JSON.stringify(await inner.getChannelLink('s1'));
    expect(stored).toContain('카드 [CARD]로 환불했어요');
    expect(stored).toContain('카드 [CARD] 맞아요');
    expect(stored).toContain(`"trackingNumber":"${CARD}"`);
  });
});

describe('withMaskedOutbox', () => {
  it('stores frames for other processes with card numbers masked, passing everything else through', async () => {
    const appended: OutboxFrame[][] = [];
    const coordination = {
      origin: 'p1',
      locks: { run: (_key: string, task: () => Promise<unknown>) => task() },
      bus: { publish: async () => undefined, subscribe: () => () => undefined, onResubscribed: () => () => undefined },
      outbox: {
        append: async (_id: string, frames: OutboxFrame[]) => (appended.push(frames), 7),
        after: async () => [],
        lastSeq: async () => 7,
      },
      close: async () => undefined,
    } as unknown as Coordination;
    const masked = withMaskedOutbox(coordination);
    expect(masked.origin).toBe('p1');
    expect(await masked.outbox.append('s1', [{ type: 'bot', text: `카드 4111 1111 1111 1111 확인했어요`, meta: { flow: 'payment' } }])).toBe(7);
    expect(appended).toEqual([[{ type: 'bot', text: '카드 [CARD] 확인했어요', meta: { flow: 'payment' } }]]);
    expect(await masked.outbox.lastSeq('s1')).toBe(7);
  });
});

describe('forAgents', () => {
  it('masks contact details in text but keeps ids, times and states exact', () => {
    const view = forAgents({
      item: { id: 'q_01012345678', sessionId: 's1', status: 'waiting', createdAt: '2026-03-02T01:00:00.000Z' },
      transcript: [{ seq: 1, at: '2026-03-02T01:00:00.000Z', from: 'shopper', text: '010-1234-5678 / a.b@c.co', intent: 'agent.request' }],
    });
    expect(view).toEqual({
      item: { id: 'q_01012345678', sessionId: 's1', status: 'waiting', createdAt: '2026-03-02T01:00:00.000Z' },
      transcript: [{ seq: 1, at: '2026-03-02T01:00:00.000Z', from: 'shopper', text: '[PHONE] / [EMAIL]', intent: 'agent.request' }],
    });
  });
});
