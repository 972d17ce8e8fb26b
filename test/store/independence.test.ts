// The store outlives the flows and the intent model: history written under an intent or a
// hand-off reason that no longer exists still reads, and the store's own lists agree with the
// layers it no longer imports.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { HANDOFF_REASONS, type DialogState } from '../../src/dialog/types.ts';
import { INTENTS, LOCALES, type Locale } from '../../src/nlu/types.ts';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { activeQueuePath, catalogLine, catalogPath, conversationLog, conversationLogPath, doneQueueItemPath, legacyConversationPath } from '../../src/store/layout.ts';
import { STORED_LOCALES } from '../../src/store/schemas.ts';
import type { StoredDialogState, StoredLocale, TranscriptEntry } from '../../src/store/types.ts';
import { queueItem, session } from './contract.ts';

/** Names an earlier model and earlier flows used: in no list of today's code. */
const RETIRED_INTENT = 'delivery.track';
const RETIRED_REASON = 'vip_escalation';

const oldTranscript: TranscriptEntry[] = [
  { seq: 1, at: '2026-03-02T01:00:00.000Z', from: 'shopper', text: '택배 어디쯤 왔어요?', intent: RETIRED_INTENT, score: 0.91 },
  { seq: 2, at: '2026-03-02T01:00:01.000Z', from: 'bot', text: '주문번호를 알려 주세요.', flow: 'delivery_tracking', state: 'ask_order' },
];

describe('the store keeps history whatever the NLU and the flows are now', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'daehwa-store-history-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses names no current list has', () => {
    expect(INTENTS).not.toContain(RETIRED_INTENT);
    expect([...HANDOFF_REASONS, 'offline_message']).not.toContain(RETIRED_REASON);
  });

  /** Lays out a store directory as an earlier version wrote it, without going through today's store. */
  async function writeOldStore(): Promise<void> {
    const old = session('old', { mode: 'queued' });
    await mkdir(dirname(conversationLogPath(dir, 'old')), { recursive: true });
    await writeFile(conversationLogPath(dir, 'old'), conversationLog(old, oldTranscript));
    await writeFile(catalogPath(dir), catalogLine({ id: 'old', tokenHash: old.tokenHash, status: 'open' }));
    await mkdir(dirname(activeQueuePath(dir)), { recursive: true });
    await writeFile(activeQueuePath(dir), JSON.stringify({ version: 1, items: [queueItem('q-old', { sessionId: 'old', reason: RETIRED_REASON })] }));
    await mkdir(dirname(doneQueueItemPath(dir, 'q-done')), { recursive: true });
    await writeFile(
      doneQueueItemPath(dir, 'q-done'),
      JSON.stringify(queueItem('q-done', { sessionId: 'old', reason: RETIRED_REASON, status: 'resolved' })),
    );
  }

  it('reads a transcript whose intent no longer exists, and a queue item whose reason no longer exists', async () => {
    await writeOldStore();
    const store = await createLowdbStore({ dir });
    expect(await store.getSession('old')).toEqual(session('old', { mode: 'queued' }));
    expect(await store.getTranscript('old')).toEqual(oldTranscript);
    expect((await store.listQueue(['waiting'])).map((item) => [item.id, item.reason])).toEqual([['q-old', RETIRED_REASON]]);
    expect((await store.getQueueItem('q-done'))?.reason).toBe(RETIRED_REASON);
    // The conversation goes on under today's names.
    await store.appendTranscript('old', [{ at: '2026-03-02T01:01:00.000Z', from: 'shopper', text: '20260301', intent: 'order.status', score: 0.8 }]);
    await store.close();

    const again = await createLowdbStore({ dir });
    expect((await again.getTranscript('old')).map((entry) => entry.intent)).toEqual([RETIRED_INTENT, undefined, 'order.status']);
    await again.close();
  });

  it('reads a format-1 document whose intent no longer exists', async () => {
    await mkdir(dirname(legacyConversationPath(dir, 'old')), { recursive: true });
    await writeFile(legacyConversationPath(dir, 'old'), JSON.stringify({ version: 1, session: session('old'), transcript: oldTranscript }));
    await writeFile(catalogPath(dir), catalogLine({ id: 'old', tokenHash: 'hash-old', status: 'open' }));
    const store = await createLowdbStore({ dir });
    expect(await store.getTranscript('old')).toEqual(oldTranscript);
    await store.close();
  });

  it('still refuses an empty intent or reason: a damaged file, not an old name', async () => {
    await writeOldStore();
    const damaged = oldTranscript.map((entry) => (entry.intent ? { ...entry, intent: '' } : entry));
    await writeFile(conversationLogPath(dir, 'old'), conversationLog(session('old', { mode: 'queued' }), damaged));
    const store = await createLowdbStore({ dir });
    await expect(store.getTranscript('old')).rejects.toMatchObject({ code: 'corrupt' });
    await store.close();

    await writeFile(activeQueuePath(dir), JSON.stringify({ version: 1, items: [queueItem('q-old', { sessionId: 'old', reason: '' })] }));
    await expect(createLowdbStore({ dir })).rejects.toMatchObject({ code: 'corrupt' });
  });
});

describe("the store's own lists agree with the layers it does not import", () => {
  it('knows the same locales as the NLU', () => {
    expect([...STORED_LOCALES].sort()).toEqual([...LOCALES].sort());
    expectTypeOf<StoredLocale>().toEqualTypeOf<Locale>();
  });

  it("keeps the dialog's state in a shape the dialog reads back", () => {
    expectTypeOf<DialogState>().toExtend<StoredDialogState>();
    expectTypeOf<StoredDialogState>().toExtend<DialogState>();
  });
});
