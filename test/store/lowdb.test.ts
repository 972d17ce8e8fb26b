import { appendFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { activeQueuePath, catalogPath, conversationPath } from '../../src/store/layout.ts';
import { describeStoreContract, queueItem, session } from './contract.ts';

const OPENER = fileURLToPath(new URL('./fixtures/open-lowdb.ts', import.meta.url));

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

  it('writes a turn to its own conversation file and leaves the others alone', async () => {
    const store = await createLowdbStore({ dir });
    for (const id of ['a', 'b', 'c']) await store.putSession(session(id));
    await store.flush();
    const before = await Promise.all(['b', 'c'].map((id) => stat(conversationPath(dir, id))));
    const catalogBefore = await readFile(catalogPath(dir), 'utf8');

    await store.appendTranscript('a', [{ at: '2026-03-02T01:00:00.000Z', from: 'shopper', text: 'where is my order' }]);
    await store.putSession(session('a', { updatedAt: '2026-03-02T01:00:01.000Z' }));
    await store.flush();

    const after = await Promise.all(['b', 'c'].map((id) => stat(conversationPath(dir, id))));
    expect(after.map((s) => s.mtimeMs)).toEqual(before.map((s) => s.mtimeMs));
    // Same token and status: the catalog is not touched by an ordinary turn.
    expect(await readFile(catalogPath(dir), 'utf8')).toBe(catalogBefore);
    const doc = JSON.parse(await readFile(conversationPath(dir, 'a'), 'utf8')) as { transcript: unknown[] };
    expect(doc.transcript).toHaveLength(1);
    await store.close();
  });

  it('names a corrupt conversation file and does not overwrite it', async () => {
    const store = await createLowdbStore({ dir });
    await store.putSession(session('s1'));
    await store.close();
    const path = conversationPath(dir, 's1');
    await writeFile(path, '{"version":1,"session":');

    const reopened = await createLowdbStore({ dir });
    await expect(reopened.getSession('s1')).rejects.toThrow(path);
    await expect(reopened.getSession('s1')).rejects.toMatchObject({ code: 'corrupt' });
    await expect(reopened.putSession(session('s1'))).rejects.toMatchObject({ code: 'corrupt' });
    await expect(reopened.appendTranscript('s1', [{ at: 'x', from: 'bot', text: 'hi' }])).rejects.toMatchObject({ code: 'corrupt' });
    await reopened.close();
    expect(await readFile(path, 'utf8')).toBe('{"version":1,"session":');
  });

  it('names the field when a conversation file does not match the schema', async () => {
    const store = await createLowdbStore({ dir });
    await store.putSession(session('s1'));
    await store.close();
    const path = conversationPath(dir, 's1');
    const doc = JSON.parse(await readFile(path, 'utf8')) as { session: { status: string } };
    doc.session.status = 'paused';
    await writeFile(path, JSON.stringify(doc));

    const reopened = await createLowdbStore({ dir });
    await expect(reopened.getSession('s1')).rejects.toThrow(/session\.status/);
    await reopened.close();
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
});
