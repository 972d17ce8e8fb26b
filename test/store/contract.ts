// The behaviour every Store must have. Run it for a store with
// `describeStoreContract('name', { persistent, makeHarness })` in a test/store/*.test.ts file.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import type { AttachmentRecord, CannedReply, SlaBreach, QueueItem, SessionRecord, Store, TranscriptEntry, DeskFact, TurnFact, NewCase, SurveyRecord, NotificationRecord, FactDayRecord, FactDayWindow, ChannelLinkRecord } from '../../src/store/types.ts';

export interface StoreHarness {
  /** Opens the store; every call opens the same stored data. */
  open(): Promise<Store>;
  /** For persistent stores: a module exporting `openStore(location)`, and the location, for a child process. */
  child?: { openerModule: string; location: string };
  cleanup(): Promise<void>;
}

export interface StoreUnderTest {
  /** Keeps its data across close() and open(); a memory store does not. */
  persistent: boolean;
  makeHarness(): Promise<StoreHarness>;
}

export function session(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    tokenHash: `hash-${id}`,
    customerId: null,
    locale: 'ko',
    status: 'open',
    createdAt: '2026-03-02T01:00:00.000Z',
    updatedAt: '2026-03-02T01:00:00.000Z',
    mode: 'bot',
    dialog: { version: 1, locale: 'ko' },
    ...overrides,
  };
}

export function queueItem(id: string, overrides: Partial<QueueItem> = {}): QueueItem {
  return {
    id,
    sessionId: 's1',
    reason: 'user_request',
    priority: 'normal',
    status: 'waiting',
    createdAt: '2026-03-02T01:00:00.000Z',
    updatedAt: '2026-03-02T01:00:00.000Z',
    context: { slots: { order_number: '20260301' } },
    notes: [],
    ...overrides,
  };
}

export function survey(id: string, overrides: Partial<SurveyRecord> = {}): SurveyRecord {
  return {
    id,
    sessionId: 's1',
    customerId: 'c1001',
    kind: 'csat',
    score: 4,
    locale: 'ko',
    flow: 'order_status',
    intent: 'order.status',
    agentId: null,
    at: '2026-03-02T01:10:00.000Z',
    ...overrides,
  };
}

export function notification(id: string, overrides: Partial<NotificationRecord> = {}): NotificationRecord {
  return {
    id,
    customerId: 'c1001',
    kind: 'shipped',
    orderId: '20261118',
    data: { carrier: 'CJ대한통운', trackingNumber: '6123' },
    createdAt: '2026-03-02T01:30:00.000Z',
    deliveredAt: null,
    sessionId: null,
    ...overrides,
  };
}

export function newCase(overrides: Partial<NewCase> = {}): NewCase {
  return {
    day: '2026-03-02',
    sessionId: 's1',
    customerId: 'c1001',
    kind: 'defect',
    orderId: '20260301',
    summary: 'damaged',
    locale: 'ko',
    createdAt: '2026-03-02T01:20:00.000Z',
    ...overrides,
  };
}

const shopperSays = (text: string): Omit<TranscriptEntry, 'seq'> => ({
  at: '2026-03-02T01:00:01.000Z',
  from: 'shopper',
  text,
  intent: 'order.status',
  score: 0.93,
});

const botSays = (text: string): Omit<TranscriptEntry, 'seq'> => ({
  at: '2026-03-02T01:00:01.050Z',
  from: 'bot',
  text,
  flow: 'order_status',
  state: 'ask_order_number',
});

export function describeStoreContract(name: string, underTest: StoreUnderTest): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      harness = await underTest.makeHarness();
      store = await harness.open();
    });

    afterEach(async () => {
      await store.close();
      await harness.cleanup();
    });

    const reopen = async (): Promise<Store> => {
      await store.close();
      store = await harness.open();
      return store;
    };

    it('returns null for a session it never stored', async () => {
      expect(await store.getSession('nobody')).toBeNull();
      expect(await store.findSessionByTokenHash('hash-nobody')).toBeNull();
      expect(await store.getTranscript('nobody')).toEqual([]);
    });

    it('stores, replaces and finds sessions by token hash', async () => {
      await store.putSession(session('s1'));
      expect(await store.getSession('s1')).toEqual(session('s1'));
      expect(await store.findSessionByTokenHash('hash-s1')).toEqual(session('s1'));

      const rotated = session('s1', { tokenHash: 'hash-rotated', mode: 'agent', dialog: { version: 1, locale: 'ko', flow: 'refund' } });
      await store.putSession(rotated);
      expect(await store.getSession('s1')).toEqual(rotated);
      expect(await store.findSessionByTokenHash('hash-rotated')).toEqual(rotated);
      expect(await store.findSessionByTokenHash('hash-s1')).toBeNull();
    });

    it('hands out copies: changing a returned session does not change the store', async () => {
      await store.putSession(session('s1'));
      const copy = await store.getSession('s1');
      if (!copy) throw new Error('session missing');
      copy.mode = 'agent';
      expect((await store.getSession('s1'))?.mode).toBe('bot');
    });

    it('lists sessions, filtered by status', async () => {
      await store.putSession(session('a'));
      await store.putSession(session('b', { status: 'closed', closedAt: '2026-03-02T02:00:00.000Z' }));
      await store.putSession(session('c'));
      await store.putSession(session('c', { status: 'closed', closedAt: '2026-03-02T03:00:00.000Z' }));

      const ids = (sessions: SessionRecord[]): string[] => sessions.map((s) => s.id).sort();
      expect(ids(await store.listSessions())).toEqual(['a', 'b', 'c']);
      expect(ids(await store.listSessions({ status: 'open' }))).toEqual(['a']);
      expect(ids(await store.listSessions({ status: 'closed' }))).toEqual(['b', 'c']);
    });

    it('numbers transcript entries from 1 and keeps them across session updates', async () => {
      await store.putSession(session('s1'));
      const first = await store.appendTranscript('s1', [shopperSays('주문한 거 언제 와요?'), botSays('주문번호를 알려 주세요.')]);
      expect(first.map((entry) => entry.seq)).toEqual([1, 2]);
      expect(first[0]).toMatchObject({ text: '주문한 거 언제 와요?', intent: 'order.status', score: 0.93 });

      await store.putSession(session('s1', { updatedAt: '2026-03-02T01:00:02.000Z' }));
      const second = await store.appendTranscript('s1', [shopperSays('20260301')]);
      expect(second.map((entry) => entry.seq)).toEqual([3]);
      expect((await store.getTranscript('s1')).map((entry) => [entry.seq, entry.text])).toEqual([
        [1, '주문한 거 언제 와요?'],
        [2, '주문번호를 알려 주세요.'],
        [3, '20260301'],
      ]);
    });

    // replay (issue 10): a bot turn's record rides on its first entry; entries written before have none.
    it('keeps a turn record with its entry across a reopen, and reads the entries without one as before', async () => {
      await store.putSession(session('s1'));
      await store.appendTranscript('s1', [shopperSays('주문한 거 언제 와요?'), botSays('주문번호를 알려 주세요.')]);
      const turn = {
        input: { kind: 'quick_reply' as const, payload: 'order:20261102-0001' },
        locale: 'ko' as const,
        replies: 1,
        calls: [
          { op: 'commerce.getOrder', args: ['20261102-0001', 'c1001'], result: { ok: true, value: { id: '20261102-0001', status: 'shipped', items: [{ lineId: 'l1', quantity: 1 }] } } },
          { op: 'commerce.getPolicy', args: [], thrown: 'socket hang up' },
        ],
        silent: [{ at: '2026-03-02T01:00:01.500Z', input: { kind: 'event' as const, name: 'page_view', data: { productId: 'p-100' } }, calls: [] }],
      };
      await store.appendTranscript('s1', [{ ...shopperSays('20261102-0001 주문이요'), turn }, botSays('배송 중이에요.')]);
      const check = async (read: Store) => {
        const entries = await read.getTranscript('s1');
        expect(entries.map((entry) => entry.turn ?? null)).toEqual([null, null, turn, null]);
        expect(entries[0]).not.toHaveProperty('turn');
      };
      await check(store);
      if (underTest.persistent) await check(await reopen());
    });

    // desk: the check-in auto-close writes in the agent's name is marked, so it is known whatever its wording.
    it('keeps an entry’s automatic mark across a reopen', async () => {
      await store.putSession(session('s1'));
      const checkIn = { at: '2026-03-02T01:05:00.000Z', from: 'agent' as const, agentId: 'agent', text: 'Are you still there?', automatic: 'check_in' };
      await store.appendTranscript('s1', [shopperSays('네'), checkIn]);
      const check = async (read: Store) => {
        const entries = await read.getTranscript('s1');
        expect(entries.map((entry) => entry.automatic ?? null)).toEqual([null, 'check_in']);
        expect(entries[0]).not.toHaveProperty('automatic');
      };
      await check(store);
      if (underTest.persistent) await check(await reopen());
    });

    it('keeps seq strictly increasing under concurrent appends', async () => {
      await store.putSession(session('s1'));
      const batches = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.appendTranscript('s1', [shopperSays(`a${i}`), botSays(`b${i}`)])),
      );
      const seqs = (await store.getTranscript('s1')).map((entry) => entry.seq);
      expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      // Each call got back its own two consecutive numbers.
      for (const batch of batches) expect(batch[1]!.seq).toBe(batch[0]!.seq + 1);
    });

    it('refuses to append to a session it does not have', async () => {
      await expect(store.appendTranscript('ghost', [shopperSays('hello')])).rejects.toMatchObject({
        code: 'session_not_found',
      });
    });

    it('stores a turn (its entries and the record after it) together, numbered after the entries before', async () => {
      await store.putSession(session('s1'));
      await store.appendTranscript('s1', [shopperSays('안녕하세요')]);
      const after = session('s1', { updatedAt: '2026-03-02T01:00:05.000Z', mode: 'queued', offered: [{ payload: 'intent:order.status', label: '배송 조회' }] });
      const stored = await store.appendTurn(after, [shopperSays('주문한 거 언제 와요?'), botSays('주문번호를 알려 주세요.')]);
      expect(stored.map((entry) => [entry.seq, entry.text])).toEqual([
        [2, '주문한 거 언제 와요?'],
        [3, '주문번호를 알려 주세요.'],
      ]);
      // A turn that said nothing still stores its record.
      const quiet = { ...after, updatedAt: '2026-03-02T01:00:09.000Z' };
      expect(await store.appendTurn(quiet, [])).toEqual([]);
      const check = async (read: Store) => {
        expect(await read.getSession('s1')).toEqual(quiet);
        expect((await read.getTranscript('s1')).map((entry) => entry.seq)).toEqual([1, 2, 3]);
      };
      await check(store);
      if (underTest.persistent) await check(await reopen());
    });

    it('refuses a turn of a session it does not have, and stores nothing of it', async () => {
      await expect(store.appendTurn(session('ghost'), [shopperSays('hello')])).rejects.toMatchObject({ code: 'session_not_found' });
      expect(await store.getSession('ghost')).toBeNull();
      expect(await store.getTranscript('ghost')).toEqual([]);
    });

    it('refuses ids it could not store', async () => {
      await expect(store.putSession(session('../escape'))).rejects.toBeInstanceOf(StoreError);
      await expect(store.putQueueItem(queueItem('a/b'))).rejects.toMatchObject({ code: 'invalid_id' });
    });

    it('stores queue items and lists them oldest first, filtered by status', async () => {
      await store.putQueueItem(queueItem('q2', { createdAt: '2026-03-02T01:05:00.000Z' }));
      await store.putQueueItem(queueItem('q1', { createdAt: '2026-03-02T01:01:00.000Z', status: 'assigned', agentId: 'mina' }));
      await store.putQueueItem(queueItem('q3', { createdAt: '2026-03-02T01:09:00.000Z', status: 'resolved' }));
      await store.putQueueItem(queueItem('q0', { createdAt: '2026-03-02T00:59:00.000Z', status: 'returned_to_bot' }));

      expect((await store.listQueue()).map((item) => item.id)).toEqual(['q0', 'q1', 'q2', 'q3']);
      expect((await store.listQueue(['waiting', 'assigned'])).map((item) => item.id)).toEqual(['q1', 'q2']);
      expect((await store.listQueue(['resolved'])).map((item) => item.id)).toEqual(['q3']);
      expect(await store.getQueueItem('q1')).toEqual(
        queueItem('q1', { createdAt: '2026-03-02T01:01:00.000Z', status: 'assigned', agentId: 'mina' }),
      );
      expect(await store.getQueueItem('missing')).toBeNull();
    });

    it('moves a queue item between statuses without duplicating it', async () => {
      await store.putQueueItem(queueItem('q1'));
      await store.putQueueItem(queueItem('q1', { status: 'resolved' }));
      await store.flush();
      await store.putQueueItem(queueItem('q1', { status: 'waiting', updatedAt: '2026-03-02T04:00:00.000Z' }));
      expect((await store.listQueue()).map((item) => [item.id, item.status])).toEqual([['q1', 'waiting']]);
      await store.flush();
      expect((await store.listQueue(['resolved'])).map((item) => item.id)).toEqual([]);
    });

    it('claims a waiting item for exactly one of many agents claiming it at once', async () => {
      await store.putQueueItem(queueItem('q1'));
      const at = '2026-03-02T01:05:00.000Z';
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimQueueItem('q1', `agent${i}`, at)));
      const winners = results.filter((result) => result.claimed);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.item!;
      expect(winner).toEqual({ ...queueItem('q1'), status: 'assigned', agentId: winner.agentId, updatedAt: at });
      // Every loser is told who has it.
      for (const result of results.filter((r) => !r.claimed)) expect(result.item).toMatchObject({ status: 'assigned', agentId: winner.agentId });
      await store.flush();
      expect(await store.getQueueItem('q1')).toEqual(winner);
      expect((await store.listQueue(['waiting'])).map((item) => item.id)).toEqual([]);
    });

    it('claims nothing that is not waiting, and says what it is', async () => {
      await store.putQueueItem(queueItem('q-done', { status: 'resolved' }));
      await store.putQueueItem(queueItem('q-taken', { status: 'assigned', agentId: 'mina' }));
      const at = '2026-03-02T01:05:00.000Z';
      expect(await store.claimQueueItem('q-none', 'jun', at)).toEqual({ claimed: false, item: null });
      expect(await store.claimQueueItem('q-done', 'jun', at)).toEqual({ claimed: false, item: queueItem('q-done', { status: 'resolved' }) });
      expect(await store.claimQueueItem('q-taken', 'jun', at)).toEqual({ claimed: false, item: queueItem('q-taken', { status: 'assigned', agentId: 'mina' }) });
      expect(await store.getQueueItem('q-taken')).toMatchObject({ agentId: 'mina' });
    });

    // ---- privacy (issue 18): audit log, erase ----
    it('appends audit events in order, numbers them, and lists them after a seq', async () => {
      const first = await store.appendAudit({ at: '2026-03-02T01:00:00.000Z', action: 'sign_in', actor: 'agent', address: '127.0.0.1' });
      const second = await store.appendAudit({
        at: '2026-03-02T01:01:00.000Z',
        action: 'reveal',
        actor: 'agent',
        target: { kind: 'queue_item', id: 'q1' },
        detail: { fields: 'transcript', count: 2, ok: true, none: null },
      });
      expect([first.seq, second.seq]).toEqual([1, 2]);
      expect(await store.listAudit()).toEqual([first, second]);
      expect(await store.listAudit({ after: 1 })).toEqual([second]);
      expect(await store.listAudit({ limit: 1 })).toEqual([first]);
      expect(second).toMatchObject({ action: 'reveal', target: { kind: 'queue_item', id: 'q1' }, detail: { count: 2 } });
      if (underTest.persistent) {
        const reopened = await reopen();
        expect(await reopened.listAudit()).toEqual([first, second]);
        expect((await reopened.appendAudit({ at: '2026-03-02T01:02:00.000Z', action: 'sign_out', actor: 'agent' })).seq).toBe(3);
      }
    });

    it('erases a session with its transcript, and a queue item, leaving the others', async () => {
      await store.putSession(session('s1', { customerId: 'c-1' }));
      await store.putSession(session('s2'));
      await store.appendTranscript('s1', [shopperSays('제 번호는 010-1234-5678')]);
      await store.appendTranscript('s2', [shopperSays('안녕하세요')]);
      await store.putQueueItem(queueItem('q1', { sessionId: 's1' }));
      await store.putQueueItem(queueItem('q2', { sessionId: 's1', status: 'resolved' }));
      await store.putQueueItem(queueItem('q3', { sessionId: 's2' }));
      expect(await store.deleteSession('s1')).toBe(true);
      expect(await store.deleteSession('s1')).toBe(false);
      expect(await store.deleteQueueItem('q1')).toBe(true);
      expect(await store.deleteQueueItem('q2')).toBe(true);
      expect(await store.deleteQueueItem('nope')).toBe(false);
      const check = async (s: Store): Promise<void> => {
        expect(await s.getSession('s1')).toBeNull();
        expect(await s.findSessionByTokenHash('hash-s1')).toBeNull();
        expect(await s.getTranscript('s1')).toEqual([]);
        expect((await s.listSessions()).map((x) => x.id)).toEqual(['s2']);
        expect((await s.getTranscript('s2')).map((e) => e.text)).toEqual(['안녕하세요']);
        expect(await s.getQueueItem('q1')).toBeNull();
        expect(await s.getQueueItem('q2')).toBeNull();
        expect((await s.listQueue()).map((item) => item.id)).toEqual(['q3']);
      };
      await check(store);
      if (underTest.persistent) await check(await reopen());
    });

    it('stores a session again under an erased id as a new one', async () => {
      await store.putSession(session('s1'));
      await store.appendTranscript('s1', [shopperSays('첫 번째')]);
      await store.deleteSession('s1');
      await store.putSession(session('s1', { tokenHash: 'hash-again' }));
      expect((await store.appendTranscript('s1', [shopperSays('두 번째')]))[0]?.seq).toBe(1);
      const after = underTest.persistent ? await reopen() : store;
      expect((await after.getTranscript('s1')).map((e) => e.text)).toEqual(['두 번째']);
      expect(await after.findSessionByTokenHash('hash-s1')).toBeNull();
    });
    // ---- end privacy ----
    // ---- channels (issue 15): what Kakao and the webhook keep between a shopper's requests ----
    const link = (sessionId: string, overrides: Partial<ChannelLinkRecord> = {}): ChannelLinkRecord => ({
      sessionId,
      channel: 'kakao',
      mailbox: [{ type: 'agent', text: '내일 도착 예정이에요.' }, { type: 'handoff', status: 'ended' }],
      memory: { offered: [{ messageText: '상담원 연결', payload: 'handoff' }], overflow: null },
      updatedAt: '2026-03-02T01:00:00.000Z',
      ...overrides,
    });

    it('keeps a channel link per session, replaced whole by the next put, as a private copy', async () => {
      await store.putSession(session('s1'));
      await store.putSession(session('s2'));
      expect(await store.getChannelLink('s1')).toBeNull();
      const given = link('s1');
      await store.putChannelLink(given);
      (given.mailbox as unknown[]).push('changed after the put');
      expect(await store.getChannelLink('s1')).toEqual(link('s1'));
      await store.putChannelLink(link('s1', { mailbox: [], memory: null, updatedAt: '2026-03-02T01:05:00.000Z' }));
      await store.putChannelLink(link('s2', { channel: 'webhook' }));
      const read = await store.getChannelLink('s1');
      expect(read).toEqual(link('s1', { mailbox: [], memory: null, updatedAt: '2026-03-02T01:05:00.000Z' }));
      read!.mailbox.push('changed after the get');
      expect((await store.getChannelLink('s1'))?.mailbox).toEqual([]);
      expect((await store.getChannelLink('s2'))?.channel).toBe('webhook');
      if (underTest.persistent) {
        const reopened = await reopen();
        expect(await reopened.getChannelLink('s2')).toEqual(link('s2', { channel: 'webhook' }));
        expect((await reopened.getChannelLink('s1'))?.updatedAt).toBe('2026-03-02T01:05:00.000Z');
      }
    });

    it('refuses a link for a session it does not hold', async () => {
      await expect(store.putChannelLink(link('nobody'))).rejects.toMatchObject({ code: 'session_not_found' });
      expect(await store.getChannelLink('nobody')).toBeNull();
    });

    it('deletes a link, the stale ones by time, and a session’s link with the session', async () => {
      for (const id of ['s1', 's2', 's3', 's4']) await store.putSession(session(id));
      await store.putChannelLink(link('s1', { updatedAt: '2026-03-01T00:00:00.000Z' }));
      await store.putChannelLink(link('s2', { updatedAt: '2026-03-02T00:00:00.000Z' }));
      await store.putChannelLink(link('s3', { updatedAt: '2026-03-03T00:00:00.000Z' }));
      await store.putChannelLink(link('s4', { updatedAt: '2026-03-03T00:00:00.000Z' }));
      expect(await store.deleteChannelLink('s4')).toBe(true);
      expect(await store.deleteChannelLink('s4')).toBe(false);
      // Updated before the time given: gone; at it or after: kept.
      expect(await store.deleteChannelLinksBefore('2026-03-02T00:00:00.000Z')).toBe(1);
      expect(await store.deleteChannelLinksBefore('2026-03-02T00:00:00.000Z')).toBe(0);
      expect(await store.deleteSession('s2')).toBe(true);
      const check = async (s: Store): Promise<void> => {
        expect(await s.getChannelLink('s1')).toBeNull();
        expect(await s.getChannelLink('s2')).toBeNull();
        expect(await s.getChannelLink('s4')).toBeNull();
        expect(await s.getChannelLink('s3')).toEqual(link('s3', { updatedAt: '2026-03-03T00:00:00.000Z' }));
      };
      await check(store);
      if (underTest.persistent) await check(await reopen());
      // An erased session id stored again starts without its old link.
      await store.putSession(session('s2'));
      expect(await store.getChannelLink('s2')).toBeNull();
    });
    // ---- proactive caps (issue 13): when proactive messages were shown to a shopper ----
    it('keeps the times proactive messages were shown, per shopper, read from a time on, oldest first', async () => {
      await store.recordProactiveShown('c:c-1001', '2026-03-02T09:00:00.000Z');
      await store.recordProactiveShown('c:c-1001', '2026-03-01T08:00:00.000Z');
      await store.recordProactiveShown('c:c-1001', '2026-03-02T10:30:00.000Z');
      await store.recordProactiveShown('s:s1', '2026-03-02T09:00:00.000Z');
      const check = async (s: Store): Promise<void> => {
        expect(await s.listProactiveShown('c:c-1001', '2026-03-01T00:00:00.000Z')).toEqual(['2026-03-01T08:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-03-02T10:30:00.000Z']);
        // `since` itself counts; earlier shows do not.
        expect(await s.listProactiveShown('c:c-1001', '2026-03-02T09:00:00.000Z')).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-02T10:30:00.000Z']);
        expect(await s.listProactiveShown('s:s1', '2026-03-01T00:00:00.000Z')).toEqual(['2026-03-02T09:00:00.000Z']);
        expect(await s.listProactiveShown('s:s2', '2026-03-01T00:00:00.000Z')).toEqual([]);
      };
      await check(store);
      if (underTest.persistent) await check(await reopen());
    });

    it('refuses a show it could not find again: an empty shopper, a time not written as an ISO instant', async () => {
      await expect(store.recordProactiveShown('', '2026-03-02T09:00:00.000Z')).rejects.toThrow('shopper "" is not storable');
      await expect(store.recordProactiveShown('s:s1', '2026-03-02 09:00')).rejects.toThrow('show time "2026-03-02 09:00" is not storable');
      expect(await store.listProactiveShown('s:s1', '2026-03-01T00:00:00.000Z')).toEqual([]);
    });

    it('deletes the shows before a time (pruning) and all of some shoppers (erasure)', async () => {
      await store.recordProactiveShown('c:c-1001', '2026-03-01T08:00:00.000Z');
      await store.recordProactiveShown('c:c-1001', '2026-03-02T09:00:00.000Z');
      await store.recordProactiveShown('s:s1', '2026-03-01T07:00:00.000Z');
      await store.recordProactiveShown('s:s2', '2026-03-02T09:00:00.000Z');
      await store.recordProactiveShown('s:s3', '2026-03-02T11:00:00.000Z');
      // Shown before the time given: gone; at it or after: kept.
      expect(await store.deleteProactiveShown({ before: '2026-03-02T09:00:00.000Z' })).toBe(2);
      expect(await store.deleteProactiveShown({ before: '2026-03-02T09:00:00.000Z' })).toBe(0);
      expect(await store.deleteProactiveShown({ shoppers: ['c:c-1001', 's:s2', 's:nobody'] })).toBe(2);
      expect(await store.deleteProactiveShown({ shoppers: [] })).toBe(0);
      const check = async (s: Store): Promise<void> => {
        for (const shopper of ['c:c-1001', 's:s1', 's:s2']) expect(await s.listProactiveShown(shopper, '2026-01-01T00:00:00.000Z')).toEqual([]);
        expect(await s.listProactiveShown('s:s3', '2026-01-01T00:00:00.000Z')).toEqual(['2026-03-02T11:00:00.000Z']);
      };
      await check(store);
      if (underTest.persistent) await check(await reopen());
      // An erased shopper shown again starts from that show alone.
      await store.recordProactiveShown('c:c-1001', '2026-03-02T12:00:00.000Z');
      expect(await store.listProactiveShown('c:c-1001', '2026-01-01T00:00:00.000Z')).toEqual(['2026-03-02T12:00:00.000Z']);
    });
    // ---- end proactive caps ----
    // ---- end channels ----
    // ---- desk (issue 14): canned replies, attachments ----
    const canned = (id: string, overrides: Partial<CannedReply> = {}): CannedReply => ({
      id,
      shortcut: 'delay',
      title: '배송 지연 안내',
      text: '{{customer.name}}님, 주문 {{order.number}} 배송이 늦어져 죄송합니다.',
      locale: 'ko',
      team: null,
      createdAt: '2026-03-02T01:00:00.000Z',
      updatedAt: '2026-03-02T01:00:00.000Z',
      updatedBy: 'lead',
      ...overrides,
    });
    const attachment = (id: string, overrides: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
      id,
      sessionId: 's1',
      mime: 'image/jpeg',
      bytes: 1234,
      createdAt: '2026-03-02T01:00:00.000Z',
      ...overrides,
    });

    it('stores, replaces, lists (by shortcut, then locale) and deletes canned replies', async () => {
      expect(await store.listCannedReplies()).toEqual([]);
      await store.putCannedReply(canned('c2', { shortcut: 'refund', locale: 'en', text: 'Your refund is on its way.' }));
      await store.putCannedReply(canned('c1'));
      await store.putCannedReply(canned('c3', { locale: 'en', text: 'Sorry, {{customer.name}}.', team: 'shipping' }));
      expect((await store.listCannedReplies()).map((reply) => reply.id)).toEqual(['c3', 'c1', 'c2']);
      await store.putCannedReply(canned('c1', { text: '바뀐 문구', updatedBy: 'mina' }));
      expect((await store.listCannedReplies()).find((reply) => reply.id === 'c1')).toEqual(canned('c1', { text: '바뀐 문구', updatedBy: 'mina' }));
      expect(await store.deleteCannedReply('c1')).toBe(true);
      expect(await store.deleteCannedReply('c1')).toBe(false);
      expect((await store.listCannedReplies()).map((reply) => reply.id)).toEqual(['c3', 'c2']);
      await expect(store.putCannedReply(canned('../escape'))).rejects.toMatchObject({ code: 'invalid_id' });
    });

    it('stores attachment records and returns null for unknown ones', async () => {
      await store.putSession(session('s1'));
      await store.putAttachment(attachment('a1'));
      expect(await store.getAttachment('a1')).toEqual(attachment('a1'));
      expect(await store.getAttachment('a2')).toBeNull();
      expect(await store.getAttachment('../a1')).toBeNull();
      await expect(store.putAttachment(attachment('bad/id'))).rejects.toMatchObject({ code: 'invalid_id' });
    });

    const breach = (id: string, overrides: Partial<SlaBreach> = {}): SlaBreach => ({
      id,
      itemId: 'q1',
      sessionId: 's1',
      kind: 'first_response',
      priority: 'normal',
      team: null,
      targetMs: 300_000,
      since: '2026-03-02T01:00:00.000Z',
      breachedAt: '2026-03-02T01:05:00.000Z',
      ...overrides,
    });

    it('records SLA breaches and lists them oldest first, one per id', async () => {
      expect(await store.listSlaBreaches()).toEqual([]);
      await store.recordSlaBreach(breach('b2', { breachedAt: '2026-03-02T01:09:00.000Z', priority: 'high' }));
      await store.recordSlaBreach(breach('b1'));
      await store.recordSlaBreach(breach('b1'));
      expect(await store.listSlaBreaches()).toEqual([breach('b1'), breach('b2', { breachedAt: '2026-03-02T01:09:00.000Z', priority: 'high' })]);
    });

    it('records next-response breaches with the agent who had the conversation', async () => {
      const late = breach('q1-next_response-1772413500000', { kind: 'next_response', team: 'delivery', since: '2026-03-02T01:05:00.000Z', breachedAt: '2026-03-02T01:08:00.000Z', agentId: 'mina' });
      await store.recordSlaBreach(breach('q1-first_response'));
      await store.recordSlaBreach(late);
      expect(await store.listSlaBreaches()).toEqual([breach('q1-first_response'), late]);
    });

    it.runIf(underTest.persistent)('keeps canned replies and attachment records after close and reopen', async () => {
      await store.putSession(session('s1'));
      await store.putCannedReply(canned('c1'));
      await store.putAttachment(attachment('a1', { mime: 'image/png' }));
      await store.recordSlaBreach(breach('b1', { team: 'shipping' }));
      await store.recordSlaBreach(breach('b2', { kind: 'next_response', agentId: 'mina', breachedAt: '2026-03-02T01:06:00.000Z' }));
      const reopened = await reopen();
      expect(await reopened.listSlaBreaches()).toEqual([breach('b1', { team: 'shipping' }), breach('b2', { kind: 'next_response', agentId: 'mina', breachedAt: '2026-03-02T01:06:00.000Z' })]);
      expect(await reopened.listCannedReplies()).toEqual([canned('c1')]);
      expect(await reopened.getAttachment('a1')).toEqual(attachment('a1', { mime: 'image/png' }));
    });

    it('stores surveys, replaces them by id and lists them by time, from inclusive and to exclusive', async () => {
      await store.putSurvey(survey('v2', { at: '2026-03-02T02:00:00.000Z', kind: 'nps', score: 9 }));
      await store.putSurvey(survey('v1', { at: '2026-03-02T01:00:00.000Z', customerId: null, sessionId: 's2' }));
      await store.putSurvey(survey('v3', { at: '2026-03-03T00:00:00.000Z', score: null }));
      // The comment written after the score replaces the record; other fields stay put.
      await store.putSurvey(survey('v2', { at: '2026-03-02T02:00:00.000Z', kind: 'nps', score: 9, comment: '배송이 빨랐어요' }));

      const ids = (records: SurveyRecord[]): string[] => records.map((record) => record.id);
      expect(ids(await store.listSurveys())).toEqual(['v1', 'v2', 'v3']);
      expect(await store.listSurveys({ sessionId: 's2' })).toEqual([survey('v1', { at: '2026-03-02T01:00:00.000Z', customerId: null, sessionId: 's2' })]);
      expect(ids(await store.listSurveys({ customerId: 'c1001' }))).toEqual(['v2', 'v3']);
      expect(ids(await store.listSurveys({ from: '2026-03-02T02:00:00.000Z' }))).toEqual(['v2', 'v3']);
      expect(ids(await store.listSurveys({ to: '2026-03-02T02:00:00.000Z' }))).toEqual(['v1']);
      expect(ids(await store.listSurveys({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z', customerId: 'c1001' }))).toEqual(['v2']);
      expect((await store.listSurveys({ customerId: 'c1001' }))[0]).toEqual(survey('v2', { at: '2026-03-02T02:00:00.000Z', kind: 'nps', score: 9, comment: '배송이 빨랐어요' }));
      // A skip is kept with a null score.
      expect((await store.listSurveys({ from: '2026-03-03T00:00:00.000Z' }))[0]?.score).toBeNull();
      // Ties in time are listed by id.
      await store.putSurvey(survey('v0', { at: '2026-03-02T02:00:00.000Z' }));
      expect(ids(await store.listSurveys({ from: '2026-03-02T02:00:00.000Z', to: '2026-03-02T02:00:00.001Z' }))).toEqual(['v0', 'v2']);
    });

    it('hands out copies of surveys and keeps only their own fields', async () => {
      await store.putSurvey({ ...survey('v1'), extra: 'not a survey field' } as SurveyRecord);
      const [copy] = await store.listSurveys();
      expect(copy).toEqual(survey('v1'));
      copy!.score = 1;
      expect((await store.listSurveys())[0]?.score).toBe(4);
    });

    it('numbers cases per day from 0001, and never twice however many are opened at once', async () => {
      const first = await store.createCase(newCase());
      expect(first).toMatchObject({ number: 'C-20260302-0001', status: 'open', queueItemId: null, kind: 'defect', orderId: '20260301', updatedAt: first.createdAt });
      const opened = await Promise.all(Array.from({ length: 12 }, (_, i) => store.createCase(newCase({ sessionId: `s${i + 2}`, createdAt: `2026-03-02T02:${String(i).padStart(2, '0')}:00.000Z` }))));
      const numbers = opened.map((record) => record.number).sort();
      expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => `C-20260302-${String(i + 2).padStart(4, '0')}`));
      expect(new Set(opened.map((record) => record.id)).size).toBe(12);
      expect((await store.createCase(newCase({ day: '2026-03-03' }))).number).toBe('C-20260303-0001');
      await expect(store.createCase(newCase({ day: '3 March' }))).rejects.toBeInstanceOf(StoreError);
    });

    it('finds cases by number, replaces them, and lists them by customer, session or queue item', async () => {
      const a = await store.createCase(newCase({ customerId: 'c1001', sessionId: 's1' }));
      const b = await store.createCase(newCase({ customerId: 'c1002', sessionId: 's2', createdAt: '2026-03-02T03:00:00.000Z', kind: 'complaint', orderId: null, summary: null }));
      expect(await store.getCase(a.number)).toEqual(a);
      expect(await store.getCase('C-20990101-0001')).toBeNull();
      const claimed = { ...a, status: 'with_agent' as const, queueItemId: 'q1', updatedAt: '2026-03-02T04:00:00.000Z' };
      await store.putCase(claimed);
      expect(await store.getCase(a.number)).toEqual(claimed);
      expect(await store.listCases({ queueItemId: 'q1' })).toEqual([claimed]);
      expect(await store.listCases({ customerId: 'c1002' })).toEqual([b]);
      expect(await store.listCases({ sessionId: 's1' })).toEqual([claimed]);
      expect((await store.listCases()).map((record) => record.number)).toEqual([a.number, b.number]);
    });

    it('keeps a notification once by id, lists a customer’s oldest first, and marks each told exactly once', async () => {
      expect(await store.addNotification(notification('e2', { createdAt: '2026-03-02T02:00:00.000Z', kind: 'delivered' }))).toBe(true);
      expect(await store.addNotification(notification('e1'))).toBe(true);
      expect(await store.addNotification(notification('e3', { customerId: 'c1002' }))).toBe(true);
      // The webhook retried: the second copy changes nothing.
      expect(await store.addNotification(notification('e1', { kind: 'delayed' }))).toBe(false);
      expect((await store.listNotifications({ customerId: 'c1001' })).map((n) => [n.id, n.kind])).toEqual([
        ['e1', 'shipped'],
        ['e2', 'delivered'],
      ]);
      const marks = await Promise.all(Array.from({ length: 10 }, (_, i) => store.markNotificationDelivered('e1', `s${i}`, '2026-03-02T03:00:00.000Z')));
      expect(marks.filter(Boolean)).toHaveLength(1);
      expect(await store.markNotificationDelivered('missing', 's1', '2026-03-02T03:00:00.000Z')).toBe(false);
      expect((await store.listNotifications({ customerId: 'c1001', pending: true })).map((n) => n.id)).toEqual(['e2']);
      const [told] = await store.listNotifications({ customerId: 'c1001' });
      expect(told).toMatchObject({ id: 'e1', deliveredAt: '2026-03-02T03:00:00.000Z', data: { carrier: 'CJ대한통운' } });
      expect(told?.sessionId).toMatch(/^s\d$/);
    });

    it.runIf(underTest.persistent)('keeps everything after close and reopen', async () => {
      await store.putSession(session('s1', { customerId: 'c-1001', mode: 'queued' }));
      await store.putSession(session('s2', { status: 'closed', closedAt: '2026-03-02T02:00:00.000Z' }));
      await store.appendTranscript('s1', [shopperSays('상담원 연결해 주세요'), botSays('상담원을 연결해 드릴게요.')]);
      await store.putQueueItem(queueItem('q1', { priority: 'high' }));
      await store.putQueueItem(queueItem('q2', { status: 'resolved', notes: [{ at: '2026-03-02T01:30:00.000Z', agentId: 'mina', text: '환불 안내 완료' }] }));

      const reopened = await reopen();
      expect(await reopened.getSession('s1')).toEqual(session('s1', { customerId: 'c-1001', mode: 'queued' }));
      expect(await reopened.findSessionByTokenHash('hash-s2')).toMatchObject({ id: 's2', status: 'closed' });
      expect((await reopened.listSessions({ status: 'open' })).map((s) => s.id)).toEqual(['s1']);
      expect((await reopened.getTranscript('s1')).map((entry) => entry.text)).toEqual(['상담원 연결해 주세요', '상담원을 연결해 드릴게요.']);
      expect((await reopened.appendTranscript('s1', [shopperSays('네')]))[0]?.seq).toBe(3);
      expect(await reopened.getQueueItem('q1')).toMatchObject({ priority: 'high', status: 'waiting' });
      expect((await reopened.getQueueItem('q2'))?.notes).toHaveLength(1);
    });

    it.runIf(underTest.persistent)('keeps surveys, cases and the case numbering after close and reopen', async () => {
      await store.putSurvey(survey('v1'));
      await store.putSurvey(survey('v1', { comment: '친절했어요' }));
      await store.putSurvey(survey('v2', { kind: 'nps', score: null, at: '2026-03-02T01:11:00.000Z' }));
      const a = await store.createCase(newCase());
      await store.putCase({ ...a, status: 'resolved', updatedAt: '2026-03-02T05:00:00.000Z' });
      await store.putSession(session('s1', { survey: { version: 1, stage: 'done' } }));

      const reopened = await reopen();
      expect(await reopened.listSurveys()).toEqual([survey('v1', { comment: '친절했어요' }), survey('v2', { kind: 'nps', score: null, at: '2026-03-02T01:11:00.000Z' })]);
      expect(await reopened.getCase(a.number)).toEqual({ ...a, status: 'resolved', updatedAt: '2026-03-02T05:00:00.000Z' });
      expect((await reopened.createCase(newCase())).number).toBe('C-20260302-0002');
      expect((await reopened.getSession('s1'))?.survey).toEqual({ version: 1, stage: 'done' });
    });

    it.runIf(underTest.persistent)('keeps notifications and whether they were told after close and reopen', async () => {
      await store.addNotification(notification('e1'));
      await store.addNotification(notification('e2'));
      await store.markNotificationDelivered('e1', 's9', '2026-03-02T03:00:00.000Z');
      const reopened = await reopen();
      expect(await reopened.listNotifications({ customerId: 'c1001', pending: true })).toEqual([notification('e2')]);
      expect(await reopened.addNotification(notification('e1'))).toBe(false);
      expect(await reopened.markNotificationDelivered('e1', 's10', '2026-03-02T04:00:00.000Z')).toBe(false);
    });

    it.runIf(underTest.persistent)('stays readable after a writer is killed with SIGKILL mid-writes', async () => {
      const child = harness.child;
      if (!child) throw new Error(`${name}: a persistent store must give the contract a child opener`);
      await store.close();

      const acknowledged = await runWriterUntilKilled(child.openerModule, child.location, 40);

      store = await harness.open();
      // Everything the writer saw flushed is there, whole.
      for (let i = 0; i <= acknowledged; i++) {
        expect(await store.getSession(`k${i}`)).toMatchObject({ id: `k${i}`, status: i % 3 === 0 ? 'closed' : 'open' });
        expect((await store.getTranscript(`k${i}`)).map((entry) => entry.seq)).toEqual([1, 2, 3]);
        expect(await store.getQueueItem(`kq${i}`)).toMatchObject({ status: i % 2 === 0 ? 'resolved' : 'waiting' });
      }
      // Whatever was caught mid-flight is either absent or whole.
      for (const stored of await store.listSessions()) {
        const seqs = (await store.getTranscript(stored.id)).map((entry) => entry.seq);
        expect(seqs).toEqual(seqs.map((_, index) => index + 1));
      }
      const queued = await store.listQueue();
      expect(new Set(queued.map((item) => item.id)).size).toBe(queued.length);
      // And the store still takes writes.
      await store.putSession(session('after-kill'));
      await store.flush();
    });

    // ---- analytics facts (issue 12) ----
    it('appends analytics facts and reads a range by time, end excluded', async () => {
      await store.appendFacts([turnFact('s1', '2026-03-02T10:00:00.000Z'), deskFact('s1', '2026-03-02T10:00:01.000Z', 'queued')]);
      await store.appendFacts([turnFact('s2', '2026-03-03T23:59:59.999Z'), turnFact('s2', '2026-03-04T00:00:00.000Z')]);
      await store.appendFacts([turnFact('s3', '2026-03-01T12:00:00.000Z')]);
      const all = await store.listFacts({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z' });
      expect(all.map((fact) => `${fact.sessionId}@${fact.at}`)).toEqual([
        's3@2026-03-01T12:00:00.000Z',
        's1@2026-03-02T10:00:00.000Z',
        's1@2026-03-02T10:00:01.000Z',
        's2@2026-03-03T23:59:59.999Z',
        's2@2026-03-04T00:00:00.000Z',
      ]);
      expect(all[2]).toEqual(deskFact('s1', '2026-03-02T10:00:01.000Z', 'queued'));
      expect(all[1]).toEqual(turnFact('s1', '2026-03-02T10:00:00.000Z'));
      const some = await store.listFacts({ from: '2026-03-02T10:00:01.000Z', to: '2026-03-04T00:00:00.000Z' });
      expect(some.map((fact) => fact.at)).toEqual(['2026-03-02T10:00:01.000Z', '2026-03-03T23:59:59.999Z']);
      expect(await store.listFacts({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-02T00:00:00.000Z' })).toEqual([]);
    });

    it('keeps facts with equal times in the order they were appended, and hands them out frozen', async () => {
      const at = '2026-03-02T10:00:00.000Z';
      await store.appendFacts([deskFact('a', at, 'claimed'), deskFact('b', at, 'agent_message')]);
      await store.appendFacts([deskFact('c', at, 'resolved')]);
      const range = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' };
      const read = await store.listFacts(range);
      expect(read.map((fact) => fact.sessionId)).toEqual(['a', 'b', 'c']);
      expect(() => ((read[0] as { sessionId: string }).sessionId = 'changed')).toThrow(TypeError);
      const appended = deskFact('d', at, 'queued');
      await store.appendFacts([appended]);
      appended.sessionId = 'changed after append';
      expect((await store.listFacts(range)).map((fact) => fact.sessionId)).toEqual(['a', 'b', 'c', 'd']);
    });

    it.runIf(underTest.persistent)('keeps analytics facts after close and reopen', async () => {
      await store.appendFacts([turnFact('s1', '2026-03-02T10:00:00.000Z')]);
      await reopen();
      expect(await store.listFacts({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' })).toEqual([
        turnFact('s1', '2026-03-02T10:00:00.000Z'),
      ]);
    });

    it('reads only the facts of named sessions when asked', async () => {
      await store.appendFacts([turnFact('s1', '2026-03-02T10:00:00.000Z'), turnFact('s2', '2026-03-02T11:00:00.000Z'), turnFact('s1', '2026-03-05T10:00:00.000Z')]);
      const mine = await store.listFacts({ from: '2026-01-01T00:00:00.000Z', to: '9999-12-31T00:00:00.000Z', sessionIds: ['s1', 'nobody'] });
      expect(mine.map((fact) => `${fact.sessionId}@${fact.at}`)).toEqual(['s1@2026-03-02T10:00:00.000Z', 's1@2026-03-05T10:00:00.000Z']);
      expect(await store.listFacts({ from: '2026-01-01T00:00:00.000Z', to: '2026-12-31T00:00:00.000Z', sessionIds: [] })).toEqual([]);
    });

    it('keeps the day aggregates a claim puts, lists them by day, and replaces a day put again', async () => {
      const claim = await store.claimFactDays([window('2026-03-02'), window('2026-03-03'), window('2026-03-04')]);
      expect(await store.putFactDays(claim, [dayRecord('2026-03-02'), dayRecord('2026-03-04')])).toEqual(['2026-03-02', '2026-03-04']);
      expect(await store.listFactDays({ from: '2026-03-01', to: '2026-03-31' })).toEqual([dayRecord('2026-03-02'), dayRecord('2026-03-04')]);
      expect(await store.listFactDays({ from: '2026-03-03', to: '2026-03-04' })).toEqual([dayRecord('2026-03-04')]);
      // A claim is spent once put; a new one replaces the day.
      expect(await store.putFactDays(claim, [dayRecord('2026-03-02', { basis: 'again' })])).toEqual([]);
      const again = await store.claimFactDays([window('2026-03-02')]);
      expect(await store.putFactDays(again, [dayRecord('2026-03-02', { basis: 'b2' })])).toEqual(['2026-03-02']);
      expect((await store.listFactDays({ from: '2026-03-02', to: '2026-03-02' }))[0]?.basis).toBe('b2');
      // A claim never made keeps nothing.
      expect(await store.putFactDays('no-such-claim', [dayRecord('2026-03-05')])).toEqual([]);
      expect(await store.listFactDays({ from: '2026-03-05', to: '2026-03-05' })).toEqual([]);
    });

    it('drops a kept day, or voids a claim, when a fact inside its window is appended; facts outside change nothing', async () => {
      const first = await store.claimFactDays([window('2026-03-02'), window('2026-03-03')]);
      await store.putFactDays(first, [dayRecord('2026-03-02'), dayRecord('2026-03-03')]);
      // Today's facts come after every kept window.
      await store.appendFacts([turnFact('s1', '2026-03-09T10:00:00.000Z')]);
      expect((await store.listFactDays({ from: '2026-03-01', to: '2026-03-31' })).map((d) => d.day)).toEqual(['2026-03-02', '2026-03-03']);
      // A late fact at 20:00 on 3 March, shop time (UTC+9): inside the window of the 3rd only (the 2nd's ends at 15:00Z on the 3rd).
      await store.appendFacts([turnFact('s2', '2026-03-03T20:00:00.000Z')]);
      expect((await store.listFactDays({ from: '2026-03-01', to: '2026-03-31' })).map((d) => d.day)).toEqual(['2026-03-02']);
      // One at 19:00 on the 3rd, shop time: inside both.
      await store.appendFacts([turnFact('s2', '2026-03-03T10:00:00.000Z')]);
      expect(await store.listFactDays({ from: '2026-03-01', to: '2026-03-31' })).toEqual([]);
      // A claim is voided alike: the day computed from facts read before the change is not kept.
      const claim = await store.claimFactDays([window('2026-03-02'), window('2026-03-05')]);
      await store.appendFacts([deskFact('s3', '2026-03-02T00:00:00.000Z', 'queued')]);
      expect(await store.putFactDays(claim, [dayRecord('2026-03-02'), dayRecord('2026-03-05')])).toEqual(['2026-03-05']);
      // Of two claims on a day, the later one is kept.
      const early = await store.claimFactDays([window('2026-03-06')]);
      const late = await store.claimFactDays([window('2026-03-06')]);
      expect(await store.putFactDays(early, [dayRecord('2026-03-06', { basis: 'early' })])).toEqual([]);
      expect(await store.putFactDays(late, [dayRecord('2026-03-06', { basis: 'late' })])).toEqual(['2026-03-06']);
    });

    it('deletes the facts of sessions, or those before a time, and drops the days whose window held them', async () => {
      await store.appendFacts([turnFact('s1', '2026-03-02T10:00:00.000Z'), turnFact('s2', '2026-03-02T11:00:00.000Z'), deskFact('s1', '2026-03-05T10:00:00.000Z', 'queued')]);
      await store.appendFacts([turnFact('s3', '2026-03-10T10:00:00.000Z')]);
      await store.flush();
      await store.appendFacts([turnFact('s1', '2026-03-10T11:00:00.000Z')]); // waiting to be written, on lowdb
      const claim = await store.claimFactDays([window('2026-03-02'), window('2026-03-06'), window('2026-03-10')]);
      await store.putFactDays(claim, [dayRecord('2026-03-02'), dayRecord('2026-03-06'), dayRecord('2026-03-10')]);

      expect(await store.deleteFacts({ sessionIds: ['s1'] })).toBe(3);
      const all = { from: '2026-01-01T00:00:00.000Z', to: '2026-12-31T00:00:00.000Z' };
      expect((await store.listFacts(all)).map((fact) => fact.sessionId)).toEqual(['s2', 's3']);
      // The 2nd and the 10th held s1's facts; the 6th did not.
      expect((await store.listFactDays({ from: '2026-03-01', to: '2026-03-31' })).map((d) => d.day)).toEqual(['2026-03-06']);
      expect(await store.deleteFacts({ sessionIds: ['s1'] })).toBe(0);

      const claimAgain = await store.claimFactDays([window('2026-03-02')]);
      await store.putFactDays(claimAgain, [dayRecord('2026-03-02')]);
      expect(await store.deleteFacts({ before: '2026-03-10T10:00:00.000Z' })).toBe(1);
      expect((await store.listFacts(all)).map((fact) => fact.sessionId)).toEqual(['s3']);
      // s2's fact went from the 2nd; the 6th held none.
      expect((await store.listFactDays({ from: '2026-03-01', to: '2026-03-31' })).map((d) => d.day)).toEqual(['2026-03-06']);
      await store.flush();
      expect((await store.listFacts(all)).map((fact) => fact.sessionId)).toEqual(['s3']);
    });

    it.runIf(underTest.persistent)('keeps day aggregates after close and reopen, and not those a change dropped', async () => {
      const claim = await store.claimFactDays([window('2026-03-02'), window('2026-03-03')]);
      await store.putFactDays(claim, [dayRecord('2026-03-02'), dayRecord('2026-03-03')]);
      await store.appendFacts([turnFact('s1', '2026-03-02T01:00:00.000Z')]);
      await store.appendFacts([turnFact('s1', '2026-03-04T20:00:00.000Z')]);
      await reopen();
      expect(await store.listFactDays({ from: '2026-03-01', to: '2026-03-31' })).toEqual([dayRecord('2026-03-03')]);
      expect(await store.deleteFacts({ sessionIds: ['s1'] })).toBe(2);
      await reopen();
      expect(await store.listFacts({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' })).toEqual([]);
    });
    // ---- end analytics facts ----

    // ---- privacy of survey answers, cases and notifications (issue 12) ----
    it('deletes survey answers by session, by customer, and before a time', async () => {
      await store.putSurvey(survey('v1', { sessionId: 's1', customerId: 'c1' }));
      await store.putSurvey(survey('v2', { sessionId: 's2', customerId: null }));
      await store.putSurvey(survey('v3', { sessionId: 's3', customerId: 'c2', at: '2026-03-05T00:00:00.000Z' }));
      await store.putSurvey(survey('v4', { sessionId: 's4', customerId: 'c1' }));
      expect(await store.deleteSurveys({ sessionIds: ['s2'], customerId: 'c1' })).toBe(3);
      expect((await store.listSurveys()).map((r) => r.id)).toEqual(['v3']);
      expect(await store.deleteSurveys({ before: '2026-03-05T00:00:00.000Z' })).toBe(0);
      expect(await store.deleteSurveys({ before: '2026-03-05T00:00:00.001Z' })).toBe(1);
      expect(await store.listSurveys()).toEqual([]);
      expect(await store.deleteSurveys({})).toBe(0);
    });

    it('deletes cases by session, by customer, and by when they last changed, and never numbers one twice', async () => {
      const a = await store.createCase(newCase({ sessionId: 's1', customerId: 'c1' }));
      const b = await store.createCase(newCase({ sessionId: 's2', customerId: null }));
      const c = await store.createCase(newCase({ sessionId: 's3', customerId: 'c2' }));
      await store.putCase({ ...c, status: 'resolved', updatedAt: '2026-03-09T00:00:00.000Z' });
      expect(await store.deleteCases({ customerId: 'c1' })).toBe(1);
      expect(await store.getCase(a.number)).toBeNull();
      expect(await store.deleteCases({ sessionIds: ['s2', 's9'] })).toBe(1);
      expect(await store.getCase(b.number)).toBeNull();
      expect(await store.deleteCases({ before: '2026-03-09T00:00:00.000Z' })).toBe(0);
      expect(await store.deleteCases({ before: '2026-03-10T00:00:00.000Z' })).toBe(1);
      expect(await store.listCases()).toEqual([]);
      expect((await store.createCase(newCase())).number).toBe('C-20260302-0004');
    });

    it('deletes notifications by customer, by the session they were told in, and by age', async () => {
      await store.addNotification(notification('e1', { customerId: 'c1' }));
      await store.addNotification(notification('e2', { customerId: 'c2' }));
      await store.addNotification(notification('e3', { customerId: 'c2', createdAt: '2026-03-08T00:00:00.000Z' }));
      await store.markNotificationDelivered('e2', 's7', '2026-03-02T03:00:00.000Z');
      expect(await store.deleteNotifications({ customerId: 'c1', sessionIds: ['s7'] })).toBe(2);
      expect(await store.listNotifications({ customerId: 'c1' })).toEqual([]);
      expect((await store.listNotifications({ customerId: 'c2' })).map((n) => n.id)).toEqual(['e3']);
      expect(await store.deleteNotifications({ before: '2026-03-08T00:00:00.000Z' })).toBe(0);
      expect(await store.deleteNotifications({ before: '2026-03-09T00:00:00.000Z' })).toBe(1);
      // Deleted means forgotten: the same event id is news again.
      expect(await store.addNotification(notification('e1', { customerId: 'c1' }))).toBe(true);
    });

    it.runIf(underTest.persistent)('keeps deleted surveys, cases and notifications deleted after close and reopen', async () => {
      await store.putSurvey(survey('v1', { sessionId: 's1' }));
      await store.putSurvey(survey('v2', { sessionId: 's2' }));
      const kept = await store.createCase(newCase({ sessionId: 's2' }));
      await store.createCase(newCase({ sessionId: 's1' }));
      await store.addNotification(notification('e1', { customerId: 'c1' }));
      await store.flush();
      await store.deleteSurveys({ sessionIds: ['s1'] });
      await store.deleteCases({ sessionIds: ['s1'] });
      await store.deleteNotifications({ customerId: 'c1' });
      await reopen();
      expect((await store.listSurveys()).map((r) => r.id)).toEqual(['v2']);
      expect(await store.listCases()).toEqual([kept]);
      expect(await store.listNotifications({ customerId: 'c1' })).toEqual([]);
      expect((await store.createCase(newCase())).number).toBe('C-20260302-0003');
    });
    // ---- end privacy ----
  });
}

// ---- daily aggregates (issue 12): windows as Asia/Seoul days have them ----
function window(day: string): FactDayWindow {
  const start = Date.parse(`${day}T00:00:00.000Z`) - 9 * 3600_000;
  return { day, from: new Date(start).toISOString(), to: new Date(start + 48 * 3600_000).toISOString() };
}

function dayRecord(day: string, overrides: Partial<FactDayRecord> = {}): FactDayRecord {
  return { ...window(day), basis: 'b1', computedAt: '2026-03-20T00:00:00.000Z', data: { version: 1, cells: { 'ko|web': { conversations: 3 } } }, ...overrides };
}

const WRITER_SCRIPT = fileURLToPath(new URL('./fixtures/write-until-killed.ts', import.meta.url));

/** Starts a writer, kills it with SIGKILL once it reports `minFlushed` rounds flushed, returns the last round it reported. */
async function runWriterUntilKilled(openerModule: string, location: string, minFlushed: number): Promise<number> {
  const writer = spawn(process.execPath, ['--import', 'tsx', WRITER_SCRIPT, openerModule, location], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => writer.once('exit', () => resolve()));

  let acknowledged = -1;
  for await (const line of createInterface({ input: writer.stdout })) {
    const match = /^flushed (\d+)$/.exec(line);
    if (match) acknowledged = Number(match[1]);
    if (acknowledged >= minFlushed) {
      writer.kill('SIGKILL');
      break;
    }
  }
  await exited;
  if (acknowledged < minFlushed) throw new Error(`the writer stopped before it was killed:\n${stderr}`);
  return acknowledged;
}

// ---- analytics facts (issue 12) ----
export function turnFact(sessionId: string, at: string, overrides: Partial<TurnFact> = {}): TurnFact {
  return {
    kind: 'turn',
    at,
    sessionId,
    startedAt: at,
    locale: 'ko',
    channel: 'web',
    input: 'text',
    intent: 'order.status',
    score: 0.91,
    alternatives: [{ intent: 'refund.status', score: 0.05 }],
    fallback: false,
    suggestions: [],
    flow: 'order_status',
    step: 'ask_order_number',
    flows: [{ flow: 'order_status', event: 'started' }],
    entities: ['order_number'],
    slots: [],
    handoff: null,
    ...overrides,
  };
}

export function deskFact(sessionId: string, at: string, event: DeskFact['event']): DeskFact {
  return { kind: 'desk', at, sessionId, startedAt: at, locale: 'en', channel: 'web', event, itemId: `q-${sessionId}`, agentId: 'agent', reason: 'user_request' };
}
