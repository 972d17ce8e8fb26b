import { beforeEach, describe, expect, it } from 'vitest';
import { HandoffError, HandoffQueue, type QueueChange } from '../../src/handoff/queue.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { Store } from '../../src/store/types.ts';

/** A clock that moves only when the test says so. */
function manualClock(start: string): { now: () => Date; advance: (seconds: number) => void } {
  let current = Date.parse(start);
  return { now: () => new Date(current), advance: (seconds) => (current += seconds * 1000) };
}

describe('HandoffQueue', () => {
  let store: Store;
  let clock: ReturnType<typeof manualClock>;
  let queue: HandoffQueue;
  let changes: QueueChange[];

  beforeEach(() => {
    store = createMemoryStore();
    clock = manualClock('2026-03-02T01:00:00.000Z');
    let next = 0;
    queue = new HandoffQueue({ store, now: clock.now, newId: () => `q${++next}` });
    changes = [];
    queue.onChange((change) => changes.push(change));
  });

  const enqueue = async (sessionId: string, priority: 'normal' | 'high' = 'normal') => {
    const item = await queue.enqueue({ sessionId, reason: 'user_request', priority, context: { slots: {} } });
    clock.advance(10);
    return item;
  };

  const expectCode = async (operation: Promise<unknown>, code: HandoffError['code']) => {
    const error = await operation.then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(HandoffError);
    expect((error as HandoffError).code).toBe(code);
  };

  it('enqueues a waiting item with the clock time and stores it', async () => {
    const item = await enqueue('s1');
    expect(item).toMatchObject({ id: 'q1', sessionId: 's1', status: 'waiting', priority: 'normal', createdAt: '2026-03-02T01:00:00.000Z' });
    expect(await store.getQueueItem('q1')).toEqual(item);
    expect(changes).toEqual([{ kind: 'enqueued', item, positions: [{ itemId: 'q1', sessionId: 's1', position: 1 }] }]);
  });

  it('returns the open item instead of queueing a session twice, even when asked at the same time', async () => {
    const [a, b] = await Promise.all([
      queue.enqueue({ sessionId: 's1', reason: 'user_request', context: {} }),
      queue.enqueue({ sessionId: 's1', reason: 'low_confidence', context: {} }),
    ]);
    expect(b).toEqual(a);
    expect(await queue.list()).toHaveLength(1);
    expect(changes).toHaveLength(1);
  });

  it('queues the session again once its item is finished', async () => {
    const first = await enqueue('s1');
    await queue.claim(first.id, 'mina');
    await queue.resolve(first.id, 'mina');
    const second = await enqueue('s1');
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('waiting');
  });

  it('orders waiting items high priority first, then oldest', async () => {
    const a = await enqueue('a');
    const b = await enqueue('b');
    const urgent = await enqueue('c', 'high');
    expect(await queue.position(urgent.id)).toBe(1);
    expect(await queue.position(a.id)).toBe(2);
    expect(await queue.position(b.id)).toBe(3);
    // The urgent arrival pushed both others back by one.
    expect(changes.at(-1)?.positions).toEqual([
      { itemId: urgent.id, sessionId: 'c', position: 1 },
      { itemId: a.id, sessionId: 'a', position: 2 },
      { itemId: b.id, sessionId: 'b', position: 3 },
    ]);
  });

  it('tells who moved up when an item is claimed, and nobody else', async () => {
    const a = await enqueue('a');
    const b = await enqueue('b');
    const c = await enqueue('c');
    changes = [];
    const claimed = await queue.claim(b.id, 'mina');
    expect(claimed).toMatchObject({ status: 'assigned', agentId: 'mina' });
    expect(await queue.position(b.id)).toBeNull();
    expect(changes).toEqual([{ kind: 'claimed', item: claimed, positions: [{ itemId: c.id, sessionId: 'c', position: 2 }] }]);
    expect(await queue.position(a.id)).toBe(1);
  });

  it('refuses to claim what is missing, claimed by someone else, or finished', async () => {
    const a = await enqueue('a');
    await expectCode(queue.claim('nope', 'mina'), 'not_found');
    await queue.claim(a.id, 'mina');
    await expectCode(queue.claim(a.id, 'junho'), 'already_claimed');
    expect((await queue.claim(a.id, 'mina')).agentId).toBe('mina');
    await queue.handBack(a.id, 'mina');
    await expectCode(queue.claim(a.id, 'junho'), 'not_waiting');
  });

  it('gives one claim and "already taken" to the rest when queues of several processes claim at once', async () => {
    const a = await enqueue('a');
    // One queue per process, one store: nothing in memory orders them, only the store's claim does.
    const queues = Array.from({ length: 5 }, () => new HandoffQueue({ store, now: clock.now }));
    const outcomes = await Promise.allSettled(queues.flatMap((q, p) => [q.claim(a.id, `agent${p}a`), q.claim(a.id, `agent${p}b`)]));
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const winner = (won[0] as PromiseFulfilledResult<{ agentId?: string }>).value.agentId;
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      const reason = (outcome as PromiseRejectedResult).reason as HandoffError;
      expect(reason.code).toBe('already_claimed');
      expect(reason.message).toBe(`queue item ${a.id} is already taken: ${winner} claimed it`);
    }
    expect(await store.getQueueItem(a.id)).toMatchObject({ status: 'assigned', agentId: winner });
  });

  it('lets only one of two agents racing for an item claim it', async () => {
    const a = await enqueue('a');
    const results = await Promise.allSettled([queue.claim(a.id, 'mina'), queue.claim(a.id, 'junho')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect((await store.getQueueItem(a.id))?.agentId).toBe('mina');
  });

  it('resolves and hands back only for the owning agent', async () => {
    const a = await enqueue('a');
    await expectCode(queue.resolve(a.id, 'mina'), 'not_assigned');
    await queue.claim(a.id, 'mina');
    await expectCode(queue.resolve(a.id, 'junho'), 'not_owner');
    await expectCode(queue.handBack(a.id, 'junho'), 'not_owner');

    const resolved = await queue.resolve(a.id, 'mina');
    expect(resolved).toMatchObject({ status: 'resolved', agentId: 'mina' });
    expect(changes.at(-1)?.kind).toBe('resolved');

    const b = await enqueue('b');
    await queue.claim(b.id, 'mina');
    expect((await queue.handBack(b.id, 'mina')).status).toBe('returned_to_bot');
    expect((await queue.list(['returned_to_bot'])).map((item) => item.id)).toEqual([b.id]);
  });

  it('records internal notes with the agent and time', async () => {
    const a = await enqueue('a');
    clock.advance(50);
    const noted = await queue.addNote(a.id, 'mina', '불량 사진 받으면 교환 처리');
    expect(noted.notes).toEqual([{ at: '2026-03-02T01:01:00.000Z', agentId: 'mina', text: '불량 사진 받으면 교환 처리' }]);
    expect(changes.at(-1)).toMatchObject({ kind: 'note_added', positions: [] });
    await expectCode(queue.addNote('nope', 'mina', 'x'), 'not_found');
  });

  it('puts a released item back in its old place, not at the back', async () => {
    const a = await enqueue('a');
    const b = await enqueue('b');
    const c = await enqueue('c');
    await queue.claim(a.id, 'mina');
    expect(await queue.position(b.id)).toBe(1);

    changes = [];
    const released = await queue.release(a.id);
    expect(released.status).toBe('waiting');
    expect(released.agentId).toBeUndefined();
    expect(released.createdAt).toBe(a.createdAt);
    expect(await queue.position(a.id)).toBe(1);
    expect(changes[0]?.positions).toEqual([
      { itemId: a.id, sessionId: 'a', position: 1 },
      { itemId: b.id, sessionId: 'b', position: 2 },
      { itemId: c.id, sessionId: 'c', position: 3 },
    ]);
    await expectCode(queue.release(a.id), 'not_assigned');
  });

  it('finds the open item of a session', async () => {
    const a = await enqueue('a');
    expect((await queue.findOpenBySession('a'))?.id).toBe(a.id);
    expect(await queue.findOpenBySession('b')).toBeNull();
  });

  it('keeps storing changes when a listener throws, and reports the error', async () => {
    const reported: unknown[] = [];
    const fragile = new HandoffQueue({ store, now: clock.now, newId: () => 'qx', onListenerError: (error) => reported.push(error) });
    fragile.onChange(() => {
      throw new Error('socket gone');
    });
    const item = await fragile.enqueue({ sessionId: 's9', reason: 'offline_message', context: { message: '내일 연락 주세요' } });
    expect(await store.getQueueItem(item.id)).toMatchObject({ reason: 'offline_message' });
    expect(reported).toHaveLength(1);
  });

  it('stops telling a listener once it unsubscribes', async () => {
    const seen: QueueChange[] = [];
    const stop = queue.onChange((change) => seen.push(change));
    await enqueue('a');
    stop();
    await enqueue('b');
    expect(seen.map((change) => change.item.sessionId)).toEqual(['a']);
  });
});
