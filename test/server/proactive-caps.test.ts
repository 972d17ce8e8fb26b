// The proactive caps (max_per_day, min_minutes_between) count for the shopper wherever their
// page events are handled: they are kept in the store, so a restart keeps them and two server
// processes on one store share them (one memory store object; two PostgreSQL "processes", skipped
// without PostgreSQL binaries unless DAEHWA_REQUIRE_POSTGRES=1); a store that cannot say holds the
// nudge back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logging.ts';
import type { ProactiveConfig } from '../../src/proactive/loader.ts';
import { RulesFileSchema, SuggestionsFileSchema } from '../../src/proactive/schema.ts';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { Store } from '../../src/store/types.ts';
import { describeWithPostgres, findPostgresBinDir, useDatabasePerTest } from '../store/pg-cluster.ts';
import { ManualClock, OPEN_HOURS, shopper, startTestServer, type TestServer, type TestSocket, waitFor } from './helpers.ts';
import { startSharedServer } from './shared-server.ts';

/** One nudge a day per shopper, and nothing else to hold it back. */
const proactive: ProactiveConfig = {
  notifications: { notifications: {} },
  rules: RulesFileSchema.parse({
    caps: { min_minutes_between: 0, max_per_day: 1, typing_quiet_seconds: 10 },
    rules: [
      {
        id: 'size_on_dwell',
        when: { trigger: 'dwell', seconds: 20 },
        if: { page: 'product' },
        do: { message: { ko: '사이즈 고민 중이신가요?', en: 'Not sure about the size?' } },
        once_per_visit: false,
      },
    ],
  }),
  suggestions: SuggestionsFileSchema.parse({ pages: {} }),
};

const HOUR = 60 * 60_000;
const running: TestServer[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function start(clock: ManualClock, store: Store, logger?: ReturnType<typeof createLogger>): Promise<TestServer> {
  const server = await startTestServer({ clock, store, deps: { proactive, ...(logger ? { logger } : {}) } });
  running.push(server);
  return server;
}

async function stop(server: TestServer): Promise<void> {
  running.splice(running.indexOf(server), 1);
  await server.close();
}

/** Views a product, lingers on it, and waits until both events are handled (the echo of a line sent after them). */
async function lingerOnProduct(socket: TestSocket, line: string): Promise<void> {
  socket.send({ type: 'event', name: 'page_view', data: { page: 'product', productId: 'p101', category: 'top' } });
  socket.send({ type: 'event', name: 'dwell', data: { seconds: 30 } });
  socket.send({ type: 'message', text: line });
  await socket.next((f) => f.type === 'bot' && String(f.text).endsWith(line), `the echo of "${line}"`);
}

const nudges = (socket: TestSocket) => socket.frames.filter((f) => f.type === 'nudge');

async function proactiveCounts(server: TestServer): Promise<string[]> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith('daehwa_proactive_total'));
}

describe('the proactive caps', () => {
  it('survive a restart: a nudge shown before it holds the next one back after it, until a day has passed; older shows are deleted daily', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-caps-'));
    const clock = new ManualClock(OPEN_HOURS);
    const before = await start(clock, await createLowdbStore({ dir, flushIntervalMs: 10 }));
    const first = await shopper(before.wsUrl, { customerId: 'c1001' });
    await lingerOnProduct(first.socket, 'before the restart');
    expect(nudges(first.socket)).toHaveLength(1);
    first.socket.close();
    await stop(before);
    await before.store.close();

    clock.advance(HOUR);
    const after = await start(clock, await createLowdbStore({ dir, flushIntervalMs: 10 }));
    const again = await shopper(after.wsUrl, { customerId: 'c1001' });
    await lingerOnProduct(again.socket, 'after the restart');
    expect(nudges(again.socket)).toEqual([]);
    // Both the page view and the dwell were held back by the cap, before any rule was looked at.
    expect(await proactiveCounts(after)).toEqual(['daehwa_proactive_total{rule="none",outcome="daily_cap"} 2']);

    again.socket.close();

    // A day after the first nudge (the idle session is closed by then), the cap has room again.
    clock.advance(23 * HOUR);
    const later = await shopper(after.wsUrl, { customerId: 'c1001' });
    await lingerOnProduct(later.socket, 'a day later');
    expect(nudges(later.socket)).toHaveLength(1);
    later.socket.close();

    // The server's daily clean-up (a day after it started) deletes the first show; the recent one stays.
    const shown = () => after.store.listProactiveShown('c:c1001', '1970-01-01T00:00:00.000Z');
    expect(await shown()).toHaveLength(2);
    clock.advance(2 * HOUR);
    await waitFor(async () => (await shown()).length === 1);
    expect(await shown()).toEqual([new Date(Date.parse(OPEN_HOURS) + 24 * HOUR).toISOString()]);
    await stop(after);
    await after.store.close();
  });

  it('are shared by two servers on one store: the customer nudged on one is held back on the other', async () => {
    const clock = new ManualClock(OPEN_HOURS);
    const store = createMemoryStore();
    const one = await start(clock, store);
    const two = await start(clock, store);
    const onOne = await shopper(one.wsUrl, { customerId: 'c1001' });
    await lingerOnProduct(onOne.socket, 'on the first server');
    expect(nudges(onOne.socket)).toHaveLength(1);
    const onTwo = await shopper(two.wsUrl, { customerId: 'c1001' });
    await lingerOnProduct(onTwo.socket, 'on the second server');
    expect(nudges(onTwo.socket)).toEqual([]);
    expect(await proactiveCounts(two)).toEqual(['daehwa_proactive_total{rule="none",outcome="daily_cap"} 2']);
    // Another shopper on the second server has their own cap.
    const guest = await shopper(two.wsUrl);
    await lingerOnProduct(guest.socket, 'a guest');
    expect(nudges(guest.socket)).toHaveLength(1);
    for (const socket of [onOne.socket, onTwo.socket, guest.socket]) socket.close();
  });

  it('hold the nudge back, with a warning and no error to the shopper, when the store cannot read them', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) });
    const store = createMemoryStore();
    const failing: Store = new Proxy(store, {
      get: (target, name, receiver) =>
        name === 'listProactiveShown' ? () => Promise.reject(new Error('database went away')) : (Reflect.get(target, name, receiver) as unknown),
    });
    const server = await start(new ManualClock(OPEN_HOURS), failing, createLogger({ level: 'warn', destination }));
    const { socket } = await shopper(server.wsUrl);
    await lingerOnProduct(socket, 'still answered');
    expect(nudges(socket)).toEqual([]);
    expect(socket.frames.filter((f) => f.type === 'error')).toEqual([]);
    // One warning for each page event that reached the decision: the page view and the dwell.
    expect(lines.filter((line) => line['msg'] === 'the proactive caps could not be read; no nudge is shown')).toHaveLength(2);
    socket.close();
  });
});

describeWithPostgres('the proactive caps on PostgreSQL', () => {
  const db = useDatabasePerTest(findPostgresBinDir() as string);

  it('are shared by two processes on one database', async () => {
    const clock = new ManualClock(OPEN_HOURS);
    const [a, b] = await Promise.all([0, 1].map(() => startSharedServer({ connectionString: db.url, clock, config: {}, closers: db.closers, deps: { proactive } })));
    const onA = await shopper(a!.wsUrl, { customerId: 'c1001' });
    await lingerOnProduct(onA.socket, 'on A');
    expect(nudges(onA.socket)).toHaveLength(1);
    const onB = await shopper(b!.wsUrl, { customerId: 'c1001' });
    await lingerOnProduct(onB.socket, 'on B');
    expect(nudges(onB.socket)).toEqual([]);
    expect(await proactiveCounts(b!)).toEqual(['daehwa_proactive_total{rule="none",outcome="daily_cap"} 2']);
    onA.socket.close();
    onB.socket.close();
  });
});
