// replay (issue 10): the recording and replaying ports at the commerce port's edge, and the
// masking of a turn's record on its way into the store.
import { describe, expect, it } from 'vitest';
import type { CommercePort } from '../../src/commerce/types.ts';
import { TurnRecorder, TurnReplayer } from '../../src/conversation/turn-ports.ts';
import { SilentTurns, withoutTurnRecord } from '../../src/conversation/turn-recording.ts';
import { maskNumbersDeep, withMaskedShopperLines } from '../../src/server/masked-store.ts';
import { transcriptEntrySchema } from '../../src/store/schemas.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { SessionRecord, StoredCall } from '../../src/store/types.ts';
import { fakeCommerce } from '../dialog/fake-commerce.ts';

const NO_FACTS = { npsDue: async () => true, history: async () => [] };
const CARD = '4111 1111 1111 1111';

describe('TurnRecorder', () => {
  it('notes each call with its arguments (a Date as its ISO string) and result, or what it threw', async () => {
    const shop = fakeCommerce();
    const failing: CommercePort = new Proxy(shop as unknown as CommercePort, {
      get: (target, prop, receiver) => (prop === 'getPolicy' ? async () => Promise.reject(new Error('socket hang up')) : Reflect.get(target, prop, receiver)),
    });
    const recorder = new TurnRecorder({ commerce: failing, facts: NO_FACTS });
    const now = new Date('2026-11-20T01:00:00.000Z');
    const found = await recorder.ports.commerce.findProducts('데님');
    await expect(recorder.ports.commerce.getPolicy()).rejects.toThrow('socket hang up');
    await recorder.ports.commerce.createReturn({ orderId: 'o-1', customerId: 'c1', reason: 'size', now });
    expect(await recorder.ports.facts.npsDue('c1', now)).toBe(true);
    expect(recorder.calls.map((call) => call.op)).toEqual(['commerce.findProducts', 'commerce.getPolicy', 'commerce.createReturn', 'surveys.npsDue']);
    expect(recorder.calls[0]).toEqual({ op: 'commerce.findProducts', args: ['데님'], result: JSON.parse(JSON.stringify(found)) });
    expect(recorder.calls[1]).toEqual({ op: 'commerce.getPolicy', args: [], thrown: 'socket hang up' });
    expect(recorder.calls[2]!.args).toEqual([{ orderId: 'o-1', customerId: 'c1', reason: 'size', now: '2026-11-20T01:00:00.000Z' }]);
    expect(recorder.calls[3]).toEqual({ op: 'surveys.npsDue', args: ['c1', '2026-11-20T01:00:00.000Z'], result: true });
  });

  it('keeps what the shop answered, even when the dialog later changes the object', async () => {
    const recorder = new TurnRecorder({ commerce: fakeCommerce(), facts: NO_FACTS });
    const result = await recorder.ports.commerce.listOrders('c1');
    if (!result.ok) throw new Error('the fake shop failed');
    const before = JSON.stringify(recorder.calls[0]!.result);
    expect(before).toContain('"status":"paid"');
    result.value[0]!.status = 'cancelled';
    result.value.reverse();
    expect(JSON.stringify(recorder.calls[0]!.result)).toBe(before);
  });
});

describe('TurnReplayer', () => {
  const calls: StoredCall[] = [
    { op: 'commerce.getOrder', args: ['20261101', 'c1001'], result: { ok: true, value: { id: '20261101' } } },
    { op: 'commerce.getPolicy', args: [], thrown: 'socket hang up' },
    { op: 'commerce.findProducts', args: [`[CARD] 데님`], result: { ok: true, value: [] } },
  ];

  it('answers each call from the recording, once, and throws what was thrown', async () => {
    const replayer = new TurnReplayer(calls, maskNumbersDeep);
    expect(await replayer.ports.commerce.getOrder('20261101', 'c1001')).toEqual({ ok: true, value: { id: '20261101' } });
    await expect(replayer.ports.commerce.getPolicy()).rejects.toThrow('socket hang up');
    // Compared as the store kept it: the card number masked.
    expect(await replayer.ports.commerce.findProducts(`${CARD} 데님`)).toEqual({ ok: true, value: [] });
    expect(replayer.finish()).toEqual([]);
  });

  it('reports a call it has no recording of, one with other arguments, and one not made', async () => {
    const replayer = new TurnReplayer(calls, maskNumbersDeep);
    expect(await replayer.ports.commerce.listOrders('c1001')).toMatchObject({ ok: false, error: 'unavailable' });
    expect(await replayer.ports.commerce.getOrder('20261118', 'c1001')).toMatchObject({ ok: false, error: 'unavailable' });
    // The same call twice: the recording answers it once.
    await expect(replayer.ports.commerce.getPolicy()).rejects.toThrow('socket hang up');
    await expect(replayer.ports.cases!.list()).rejects.toThrow(/holds no cases.list call/);
    expect(replayer.finish()).toEqual([
      { kind: 'unrecorded', op: 'commerce.listOrders', args: ['c1001'] },
      { kind: 'arguments', op: 'commerce.getOrder', args: ['20261118', 'c1001'], recorded: ['20261101', 'c1001'] },
      { kind: 'unrecorded', op: 'cases.list', args: [] },
      { kind: 'unmade', op: 'commerce.getOrder', args: ['20261101', 'c1001'] },
      { kind: 'unmade', op: 'commerce.findProducts', args: ['[CARD] 데님'] },
    ]);
  });
});

describe('a turn record in the store', () => {
  const session: SessionRecord = {
    id: 's1',
    tokenHash: 'h',
    customerId: null,
    locale: 'ko',
    status: 'open',
    createdAt: '2026-11-20T01:00:00.000Z',
    updatedAt: '2026-11-20T01:00:00.000Z',
    mode: 'bot',
    dialog: { version: 1, locale: 'ko' },
  };

  it('is masked like the line it rides on: card numbers in arguments and results, identifiers kept', async () => {
    const store = withMaskedShopperLines(createMemoryStore());
    await store.putSession(session);
    const silent = new SilentTurns();
    const conversation = {};
    silent.add(conversation, '2026-11-20T01:00:00.500Z', { kind: 'event', name: 'page_view', data: { page: 'product', productId: 'p104' } }, []);
    const turn = silent.record(conversation, {
      input: { kind: 'text', text: `카드 ${CARD}` },
      locale: 'ko',
      replies: 1,
      calls: [{ op: 'commerce.findProducts', args: [`카드 ${CARD}`], result: { ok: true, value: [{ id: '4111111111111111', note: `paid with ${CARD}` }] } }],
    });
    const [entry] = await store.appendTranscript('s1', [{ at: '2026-11-20T01:00:01.000Z', from: 'shopper', text: `카드 ${CARD}`, turn }]);
    expect(JSON.stringify(entry)).not.toContain(CARD);
    expect(entry!.turn!.calls[0]).toEqual({ op: 'commerce.findProducts', args: ['카드 [CARD]'], result: { ok: true, value: [{ id: '4111111111111111', note: 'paid with [CARD]' }] } });
    expect(entry!.turn!.silent).toEqual([{ at: '2026-11-20T01:00:00.500Z', input: { kind: 'event', name: 'page_view', data: { page: 'product', productId: 'p104' } }, calls: [] }]);
    // Taken: the next turn does not carry it again.
    expect(silent.record(conversation, { input: { kind: 'text', text: 'hi' }, locale: 'ko', replies: 0, calls: [] })).not.toHaveProperty('silent');
    // The agent console's copy goes without it.
    expect(withoutTurnRecord(entry!)).toEqual({ seq: 1, at: '2026-11-20T01:00:01.000Z', from: 'shopper', text: '카드 [CARD]' });
  });

  it('is checked when read: a malformed record is refused, naming the field', () => {
    const entry = { seq: 1, at: '2026-11-20T01:00:01.000Z', from: 'shopper', text: 'hi' };
    expect(transcriptEntrySchema.safeParse(entry).success).toBe(true);
    const bad = transcriptEntrySchema.safeParse({ ...entry, turn: { input: { kind: 'text' }, locale: 'ko', replies: -1, calls: [{ op: '', args: [] }] } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['turn.replies', 'turn.calls.0.op']);
  });
});
