import { appendFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { activeQueuePath, catalogPath, conversationLogPath, legacyConversationPath } from '../../src/store/layout.ts';
import type { TranscriptEntry } from '../../src/store/types.ts';
import { describeStoreContract, queueItem, session, turnFact } from './contract.ts';

const OPENER = fileURLToPath(new URL('./fixtures/open-lowdb.ts', import.meta.url));

const says = (text: string): Omit<TranscriptEntry, 'seq'> => ({ at: '2026-03-02T01:00:00.000Z', from: 'shopper', text });

/** Stores session s1 saying `texts`, closes the store, and returns the path of s1's log. */
async function storeConversation(dir: string, texts: string[]): Promise<string> {
  const store = await createLowdbStore({ dir });
  await store.putSession(session('s1'));
  if (texts.length > 0) await store.appendTranscript('s1', texts.map(says));
  await store.close();
  return conversationLogPath(dir, 's1');
}

/** The lines of a conversation log, parsed. */
async function logLines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describeStoreContract('lowdb', {
  persistent: true,
  async makeHarness() {
    const dir = await mkdtemp(join(tmpdir(), 'daehwa-store-'));
    return {
      open: () => createLowdbStore({ dir, flushIntervalMs: 5 }),
      child: { openerModule: OPENER, location: dir },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
});

describe('lowdb store on disk', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'daehwa-store-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends a turn to its own conversation log and leaves the other files alone', async () => {
    const store = await createLowdbStore({ dir });
    for (const id of ['a', 'b', 'c']) await store.putSession(session(id));
    await store.flush();
    const before = await Promise.all(['b', 'c'].map((id) => stat(conversationLogPath(dir, id))));
    const catalogBefore = await readFile(catalogPath(dir), 'utf8');
    const logBefore = await readFile(conversationLogPath(dir, 'a'), 'utf8');

    await store.appendTranscript('a', [says('where is my order')]);
    await store.putSession(session('a', { updatedAt: '2026-03-02T01:00:01.000Z' }));
    await store.flush();

    const after = await Promise.all(['b', 'c'].map((id) => stat(conversationLogPath(dir, id))));
    expect(after.map((s) => s.mtimeMs)).toEqual(before.map((s) => s.mtimeMs));
    // Same token and status: the catalog is not touched by an ordinary turn.
    expect(await readFile(catalogPath(dir), 'utf8')).toBe(catalogBefore);
    // The turn is appended: what was there is left byte for byte, and the new lines end with a snapshot.
    const logAfter = await readFile(conversationLogPath(dir, 'a'), 'utf8');
    expect(logAfter.startsWith(logBefore)).toBe(true);
    const added = logAfter.slice(logBefore.length).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(added).toEqual([
      { entry: { seq: 1, ...says('where is my order') } },
      { version: 2, lastSeq: 1, snapshots: 2, session: session('a', { updatedAt: '2026-03-02T01:00:01.000Z' }) },
    ]);
    await store.close();
  });

  it('writes the same few lines a turn however long the transcript already is', async () => {
    const store = await createLowdbStore({ dir, flushIntervalMs: 60_000 });
    await store.putSession(session('s1'));
    const turnBytes: number[] = [];
    for (let turn = 0; turn < 20; turn++) {
      const before = turn === 0 ? 0 : (await stat(conversationLogPath(dir, 's1'))).size;
      await store.appendTranscript('s1', [says(`question ${turn % 10}`)]);
      await store.putSession(session('s1', { updatedAt: `2026-03-02T01:00:${String(turn % 10).padStart(2, '0')}.000Z` }));
      await store.flush();
      turnBytes.push((await stat(conversationLogPath(dir, 's1'))).size - before);
    }
    // Turns 2-9 and 12-19 differ only in the seq, lastSeq and snapshot counters: one digit more each.
    expect(new Set(turnBytes.slice(1, 9)).size).toBe(1);
    expect(turnBytes.slice(11, 19)).toEqual(turnBytes.slice(1, 9).map((bytes) => bytes + 3));
    await store.close();
  });

  it('reads a transcript that is part on disk, part not yet written', async () => {
    const store = await createLowdbStore({ dir, flushIntervalMs: 60_000 });
    await store.putSession(session('s1'));
    await store.appendTranscript('s1', [says('one'), says('two')]);
    await store.flush();
    await store.appendTranscript('s1', [says('three')]);
    expect((await store.getTranscript('s1')).map((entry) => [entry.seq, entry.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect((await logLines(conversationLogPath(dir, 's1'))).filter((line) => 'entry' in line)).toHaveLength(2);
    await store.close();
  });

  it('drops an append cut short by a kill, and appends after the last whole write', async () => {
    const path = await storeConversation(dir, ['one']);
    const whole = await readFile(path, 'utf8');
    // A write of two entries and a snapshot, killed inside the snapshot line.
    await appendFile(path, `{"entry":{"seq":2,"at":"x","from":"shopper","text":"two"}}\n{"entry":{"seq":3,"at":"x","from":"shopper","text":"three"}}\n{"version":2,"lastSe`);

    const reopened = await createLowdbStore({ dir });
    expect((await reopened.getTranscript('s1')).map((entry) => entry.text)).toEqual(['one']);
    expect(await readFile(path, 'utf8')).toBe(whole);
    expect((await reopened.appendTranscript('s1', [says('two again')]))[0]?.seq).toBe(2);
    await reopened.close();

    const again = await createLowdbStore({ dir });
    expect((await again.getTranscript('s1')).map((entry) => [entry.seq, entry.text])).toEqual([
      [1, 'one'],
      [2, 'two again'],
    ]);
    await again.close();
  });

  it('names a corrupt conversation log and its line, and does not overwrite it', async () => {
    const path = await storeConversation(dir, ['one']);
    const text = `${await readFile(path, 'utf8')}{"version":2,"session":\n`;
    await writeFile(path, text);

    const reopened = await createLowdbStore({ dir });
    await expect(reopened.getSession('s1')).rejects.toThrow(`${path}:3: not valid JSON`);
    await expect(reopened.getSession('s1')).rejects.toMatchObject({ code: 'corrupt' });
    await expect(reopened.putSession(session('s1'))).rejects.toMatchObject({ code: 'corrupt' });
    await expect(reopened.appendTranscript('s1', [{ at: 'x', from: 'bot', text: 'hi' }])).rejects.toMatchObject({ code: 'corrupt' });
    await reopened.close();
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('keeps a few short logged entries in memory but reads long ones back from the log (the kept lines are bounded in length, not only in number)', async () => {
    /** Stores `texts` for session `id`, then spoils its first log line on disk: a read from the log fails, one from memory does not. */
    const storeThenSpoil = async (store: Awaited<ReturnType<typeof createLowdbStore>>, id: string, texts: string[]) => {
      await store.putSession(session(id));
      await store.appendTranscript(id, texts.map(says));
      await store.flush();
      const path = conversationLogPath(dir, id);
      const lines = await logLines(path);
      (lines[0] as { entry: { from: string } }).entry.from = 'robot';
      await writeFile(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
      return path;
    };
    const store = await createLowdbStore({ dir });
    await storeThenSpoil(store, 'short', ['one', 'two', 'three']);
    expect((await store.getTranscript('short')).map((entry) => entry.text)).toEqual(['one', 'two', 'three']);
    // Three entries, far under the 64 kept, but some 24,000 characters of log lines.
    const long = ['a', 'b', 'c'].map((letter) => letter.repeat(8000));
    const path = await storeThenSpoil(store, 'long', long);
    await expect(store.getTranscript('long')).rejects.toThrow(`${path}:1: unexpected content at entry.from`);
    await store.close();
  });

  it('names the line and field when a conversation log does not match the schema', async () => {
    const path = await storeConversation(dir, ['one']);
    const lines = await logLines(path);
    (lines[1] as { session: { status: string } }).session.status = 'paused';
    (lines[0] as { entry: { from: string } }).entry.from = 'robot';
    await writeFile(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));

    const reopened = await createLowdbStore({ dir });
    await expect(reopened.getSession('s1')).rejects.toThrow(`${path}:2: unexpected content at session.status`);
    await reopened.close();

    (lines[1] as { session: { status: string } }).session.status = 'open';
    await writeFile(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const again = await createLowdbStore({ dir });
    await expect(again.getTranscript('s1')).rejects.toThrow(`${path}:1: unexpected content at entry.from`);
    await again.close();
  });

  it('rewrites a log with one snapshot when snapshots pile up and when its long conversation closes', async () => {
    const store = await createLowdbStore({ dir, flushIntervalMs: 60_000 });
    const path = conversationLogPath(dir, 's1');
    const snapshotCount = async (): Promise<number> => (await logLines(path)).filter((line) => 'session' in line).length;
    await store.putSession(session('s1'));
    let most = 0;
    for (let turn = 1; turn <= 40; turn++) {
      await store.appendTranscript('s1', [says(`message ${turn}`)]);
      await store.putSession(session('s1'));
      await store.flush();
      most = Math.max(most, await snapshotCount());
    }
    expect(most).toBe(32);
    expect(await snapshotCount()).toBeLessThan(32);

    await store.putSession(session('s1', { status: 'closed', closedAt: '2026-03-02T02:00:00.000Z' }));
    await store.flush();
    const lines = await logLines(path);
    expect(lines.filter((line) => 'session' in line)).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({ lastSeq: 40, snapshots: 1, session: { status: 'closed' } });
    await store.close();

    const reopened = await createLowdbStore({ dir });
    expect((await reopened.getTranscript('s1')).map((entry) => entry.text)).toEqual(Array.from({ length: 40 }, (_, i) => `message ${i + 1}`));
    expect((await reopened.getSession('s1'))?.status).toBe('closed');
    await reopened.close();
  });

  it('appends the closing snapshot of a short conversation instead of rewriting its log', async () => {
    const store = await createLowdbStore({ dir, flushIntervalMs: 60_000 });
    await store.putSession(session('s1'));
    for (const text of ['배송 언제 와요?', '20260301', '감사합니다']) {
      await store.appendTranscript('s1', [says(text)]);
      await store.flush();
    }
    const before = await readFile(conversationLogPath(dir, 's1'), 'utf8');
    await store.putSession(session('s1', { status: 'closed', closedAt: '2026-03-02T02:00:00.000Z' }));
    await store.flush();
    const after = await readFile(conversationLogPath(dir, 's1'), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    // One snapshot per flush: three turns, then the close.
    expect((await logLines(conversationLogPath(dir, 's1'))).filter((line) => 'session' in line)).toHaveLength(4);
    await store.close();
  });

  it('reads a conversation stored as one format-1 document and replaces it with a log', async () => {
    const store = await createLowdbStore({ dir });
    await store.putSession(session('other'));
    await store.putSession(session('old'));
    await store.close();
    // What the store wrote before conversation logs: one document, rewritten whole each time.
    const legacyPath = legacyConversationPath(dir, 'old');
    await rm(conversationLogPath(dir, 'old'));
    const transcript = [
      { seq: 1, ...says('배송 언제 와요?') },
      { seq: 2, at: '2026-03-02T01:00:01.000Z', from: 'bot', text: '주문번호를 알려 주세요.', flow: 'order_status', state: 'ask' },
    ];
    await writeFile(legacyPath, JSON.stringify({ version: 1, session: session('old', { mode: 'queued' }), transcript }));

    const reopened = await createLowdbStore({ dir });
    expect(await reopened.getSession('old')).toEqual(session('old', { mode: 'queued' }));
    expect(await reopened.getTranscript('old')).toEqual(transcript);
    expect((await reopened.appendTranscript('old', [says('20260301')]))[0]?.seq).toBe(3);
    await reopened.flush();
    await expect(stat(legacyPath)).rejects.toMatchObject({ code: 'ENOENT' });
    await reopened.close();

    const again = await createLowdbStore({ dir });
    expect((await again.getTranscript('old')).map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(await again.getSession('old')).toEqual(session('old', { mode: 'queued' }));
    await again.close();
  });

  it('refuses to open with a corrupt catalog line, naming file and line', async () => {
    const store = await createLowdbStore({ dir });
    await store.putSession(session('s1'));
    await store.close();
    await appendFile(catalogPath(dir), 'not json\n{"id":"s2","tokenHash":"h","status":"open"}\n');
    const before = await readFile(catalogPath(dir), 'utf8');

    await expect(createLowdbStore({ dir })).rejects.toThrow(`${catalogPath(dir)}:2`);
    expect(await readFile(catalogPath(dir), 'utf8')).toBe(before);
  });

  it('refuses to open with a corrupt queue document, naming it', async () => {
    const store = await createLowdbStore({ dir });
    await store.putQueueItem(queueItem('q1'));
    await store.close();
    await writeFile(activeQueuePath(dir), '[]');
    await expect(createLowdbStore({ dir })).rejects.toThrow(activeQueuePath(dir));
    expect(await readFile(activeQueuePath(dir), 'utf8')).toBe('[]');
  });

  it('drops a catalog line cut short by a kill and keeps the rest', async () => {
    const store = await createLowdbStore({ dir });
    await store.putSession(session('s1'));
    await store.close();
    await appendFile(catalogPath(dir), '{"id":"s2","tokenHa');

    const reopened = await createLowdbStore({ dir });
    expect((await reopened.listSessions()).map((s) => s.id)).toEqual(['s1']);
    await reopened.putSession(session('s3'));
    await reopened.close();
    const again = await createLowdbStore({ dir });
    expect((await again.listSessions()).map((s) => s.id).sort()).toEqual(['s1', 's3']);
    await again.close();
  });

  it('reads a conversation from disk only when it is asked for, and drops written ones past the cache size', async () => {
    const store = await createLowdbStore({ dir, maxCachedConversations: 2 });
    for (let i = 0; i < 6; i++) {
      await store.putSession(session(`s${i}`));
      await store.appendTranscript(`s${i}`, [{ at: '2026-03-02T01:00:00.000Z', from: 'shopper', text: `message ${i}` }]);
    }
    await store.flush();
    for (let i = 0; i < 6; i++) {
      expect((await store.getTranscript(`s${i}`)).map((entry) => entry.text)).toEqual([`message ${i}`]);
    }
    await store.close();
  });

  it('compacts a catalog that mostly holds superseded lines', async () => {
    const store = await createLowdbStore({ dir });
    await store.putSession(session('s1'));
    for (let i = 0; i < 1100; i++) {
      await store.putSession(session('s1', { tokenHash: `hash-${i}` }));
      await store.flush();
    }
    await store.close();
    expect((await readFile(catalogPath(dir), 'utf8')).split('\n').length).toBeGreaterThan(1100);

    const reopened = await createLowdbStore({ dir });
    expect(await readFile(catalogPath(dir), 'utf8')).toBe('{"id":"s1","tokenHash":"hash-1099","status":"open"}\n');
    expect((await reopened.findSessionByTokenHash('hash-1099'))?.id).toBe('s1');
    await reopened.close();
    expect((await readdir(dir)).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  // analytics (issue 12): a day aggregate is computed from what a read sees; it must see every fact once.
  it('reads every analytics fact exactly once while a flush is writing them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'daehwa-store-'));
    const store = await createLowdbStore({ dir, flushIntervalMs: 60_000 });
    const range = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z' };
    let appended = 0;
    for (let round = 0; round < 5; round++) {
      const facts = Array.from({ length: 3000 }, (_, i) => turnFact(`s${round}-${i}`, new Date(Date.parse('2026-03-02T00:00:00.000Z') + (round * 3000 + i) * 60_000).toISOString()));
      await store.appendFacts(facts);
      appended += facts.length;
      const flushing = store.flush();
      const read = await store.listFacts(range);
      await flushing;
      expect(read.length).toBe(appended);
      expect(new Set(read.map((fact) => fact.sessionId)).size).toBe(appended);
    }
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
});
