// The privacy desk over the Store port: export, erase and retention across every registered
// personal data holder (conversations, the queue, survey answers, complaint cases, order
// notifications, analytics facts, and one added by a test), on memory, lowdb and PostgreSQL;
// the retention job on a manual clock; `daehwa privacy` as a command.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log.ts';
import type { PersonalDataHolder } from '../../src/privacy/holders.ts';
import { PrivacyDesk } from '../../src/privacy/privacy-desk.ts';
import { RETENTION_INTERVAL_MS, startRetentionJob } from '../../src/privacy/retention.ts';
import { createPersonalDataRegistry } from '../../src/privacy/store-holders.ts';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import { createPostgresStore } from '../../src/store/postgres/index.ts';
import type { Store } from '../../src/store/types.ts';
import { newCase, notification, queueItem, session, survey, turnFact } from '../store/contract.ts';
import { describeWithPostgres, findPostgresBinDir, startPgCluster, type PgCluster } from '../store/pg-cluster.ts';
import { ManualClock, startTestServer } from '../server/helpers.ts';

const NOW = '2026-12-07T00:00:00.000Z';
const DAY = 24 * 60 * 60_000;
const daysAgo = (days: number): string => new Date(Date.parse(NOW) - days * DAY).toISOString();
const says = (text: string, at: string) => ({ at, from: 'shopper' as const, text });

/** A holder added by a deployment (deps.personalDataHolders): keyed on the customer's sessions. */
function reviewsHolder(answers: Map<string, { sessionId: string; at: string; comment: string }>): PersonalDataHolder {
  const of = (ids: readonly string[]) => [...answers.entries()].filter(([, a]) => ids.includes(a.sessionId));
  return {
    name: 'reviews',
    find: async (scope) => ({ reviews: of(scope.sessionIds).map(([, a]) => a) }),
    erase: async (scope) => ({ reviews: of(scope.sessionIds).filter(([id]) => answers.delete(id)).length }),
    purge: async (scope) => ({ reviews: [...answers.entries()].filter(([id, a]) => a.at < scope.cutoff && answers.delete(id)).length }),
  };
}

/**
 * Customer c-1 has an old closed conversation with a ticket, a survey answer, a case and facts,
 * and a recent one with a case, a notification told in it and facts; c-2 one old (a survey, a
 * case, a fact, an old notification), one waiting for an agent.
 */
async function seed(store: Store): Promise<void> {
  await store.putSession(session('old1', { createdAt: daysAgo(400), customerId: 'c-1', status: 'closed', updatedAt: daysAgo(400) }));
  await store.appendTranscript('old1', [says('제 번호 010-1111-2222', daysAgo(400)), says('고마워요', daysAgo(400))]);
  await store.putQueueItem(queueItem('t1', { sessionId: 'old1', reason: 'offline_message', status: 'resolved', createdAt: daysAgo(400) }));
  await store.putSession(session('new1', { createdAt: daysAgo(2), customerId: 'c-1', updatedAt: daysAgo(2) }));
  await store.appendTranscript('new1', [says('배송 언제 와요', daysAgo(2))]);
  await store.putQueueItem(queueItem('q1', { sessionId: 'new1', status: 'resolved' }));
  await store.putSession(session('old2', { createdAt: daysAgo(366), customerId: 'c-2', status: 'closed', updatedAt: daysAgo(366) }));
  await store.appendTranscript('old2', [says('안녕하세요', daysAgo(366))]);
  await store.putSession(session('waiting', { createdAt: daysAgo(500), customerId: 'c-2', updatedAt: daysAgo(500) }));
  await store.putQueueItem(queueItem('q2', { sessionId: 'waiting', status: 'waiting' }));
  // issue 12: the records keyed on the customer or their sessions.
  await store.putSurvey(survey('v1', { sessionId: 'old1', customerId: 'c-1', at: daysAgo(400), comment: '전화 주세요 010-1111-2222' }));
  await store.putSurvey(survey('v2', { sessionId: 'old2', customerId: 'c-2', at: daysAgo(366) }));
  await store.createCase(newCase({ day: daysAgo(400).slice(0, 10), sessionId: 'old1', customerId: 'c-1', summary: '010-1111-2222 로 연락', createdAt: daysAgo(400) }));
  await store.createCase(newCase({ day: daysAgo(2).slice(0, 10), sessionId: 'new1', customerId: 'c-1', createdAt: daysAgo(2) }));
  await store.createCase(newCase({ day: daysAgo(366).slice(0, 10), sessionId: 'old2', customerId: 'c-2', createdAt: daysAgo(366) }));
  await store.addNotification(notification('n1', { customerId: 'c-1', createdAt: daysAgo(3) }));
  await store.markNotificationDelivered('n1', 'new1', daysAgo(2));
  await store.addNotification(notification('n2', { customerId: 'c-2', createdAt: daysAgo(370) }));
  await store.appendFacts([turnFact('old1', daysAgo(400), { text: '제 번호 [PHONE]' })]);
  await store.appendFacts([turnFact('old2', daysAgo(366)), turnFact('new1', daysAgo(2)), turnFact('new1', daysAgo(1.99))]);
  // issue 13: proactive messages shown to c-1 signed in, in old1 as a guest, and to c-2.
  await store.recordProactiveShown('c:c-1', daysAgo(0.5));
  await store.recordProactiveShown('s:old1', daysAgo(400));
  await store.recordProactiveShown('c:c-2', daysAgo(0.5));
}

function describeDesk(name: string, open: () => Promise<{ store: Store; done: () => Promise<void> }>): void {
  describe(`the privacy desk on ${name}`, () => {
    let store: Store;
    let done: () => Promise<void>;
    let answers: Map<string, { sessionId: string; at: string; comment: string }>;
    let desk: PrivacyDesk;
    beforeEach(async () => {
      ({ store, done } = await open());
      await seed(store);
      answers = new Map([
        ['a1', { sessionId: 'old1', at: daysAgo(400), comment: '친절했어요' }],
        ['a2', { sessionId: 'old2', at: daysAgo(366), comment: '좋아요' }],
      ]);
      const now = () => new Date(NOW);
      desk = new PrivacyDesk({
        store,
        registry: createPersonalDataRegistry(store, [reviewsHolder(answers)]),
        audit: new AuditLog({ store, now, onError: (error) => { throw error; } }),
        now,
      });
    });
    afterEach(async () => {
      await done();
    });

    it('exports everything of one customer, with counts, without the token hash', async () => {
      const exported = await desk.exportCustomer('c-1', { actor: 'admin', via: 'api' });
      expect(exported.found).toEqual({ surveys: 1, cases: 2, notifications: 1, analytics_facts: 3, proactive_shown: 2, reviews: 1, queue_items: 1, offline_tickets: 1, sessions: 2, transcript_entries: 3 });
      expect((exported.records['analytics_facts'] as { sessionId: string }[]).map((f) => f.sessionId)).toEqual(['old1', 'new1', 'new1']);
      expect(exported.records['proactive_shown']).toEqual([{ shopper: 'c:c-1', at: daysAgo(0.5) }, { shopper: 's:old1', at: daysAgo(400) }]);
      expect(JSON.stringify(exported.records)).toContain('010-1111-2222');
      expect(JSON.stringify(exported.records)).not.toContain('hash-old1');
      expect((await store.listSessions()).length).toBe(4);
      expect(await store.listAudit()).toMatchObject([{ action: 'export', actor: 'admin', target: { kind: 'customer', id: 'c-1' }, detail: { sessions: 2 } }]);
    });

    it('erases one customer everywhere and reports what was found and removed', async () => {
      const report = await desk.eraseCustomer('c-1', { actor: 'cli:ops', via: 'cli' });
      const counts = { surveys: 1, cases: 2, notifications: 1, analytics_facts: 3, proactive_shown: 2, reviews: 1, queue_items: 1, offline_tickets: 1, sessions: 2, transcript_entries: 3 };
      expect(report).toMatchObject({ customerId: 'c-1', found: counts, removed: counts });
      expect((await store.listSessions()).map((s) => s.id).sort()).toEqual(['old2', 'waiting']);
      expect((await store.listQueue()).map((i) => i.id)).toEqual(['q2']);
      expect([...answers.keys()]).toEqual(['a2']);
      expect(await store.getTranscript('old1')).toEqual([]);
      expect((await store.listSurveys()).map((r) => r.id)).toEqual(['v2']);
      expect((await store.listCases()).map((r) => r.sessionId)).toEqual(['old2']);
      expect(await store.listNotifications({ customerId: 'c-1' })).toEqual([]);
      expect((await store.listFacts({ from: daysAgo(1000), to: NOW })).map((f) => f.sessionId)).toEqual(['old2']);
      expect(await store.listProactiveShown('c:c-1', daysAgo(1000))).toEqual([]);
      expect(await store.listProactiveShown('s:old1', daysAgo(1000))).toEqual([]);
      expect(await store.listProactiveShown('c:c-2', daysAgo(1000))).toEqual([daysAgo(0.5)]);
      const [event] = await store.listAudit();
      expect(event).toMatchObject({ action: 'erase', actor: 'cli:ops', detail: { ...counts, via: 'cli' } });
      expect(JSON.stringify(event)).not.toContain('010-1111-2222');
      // A second request finds nothing.
      expect((await desk.eraseCustomer('c-1', { actor: 'cli:ops', via: 'cli' })).removed).toEqual({
        surveys: 0,
        cases: 0,
        notifications: 0,
        analytics_facts: 0,
        proactive_shown: 0,
        reviews: 0,
        queue_items: 0,
        offline_tickets: 0,
        sessions: 0,
        transcript_entries: 0,
      });
    });

    it('purges the conversations past retention, keeps recent ones and those an agent still has', async () => {
      const report = await desk.purgeExpired(365);
      expect(report).toEqual({
        cutoff: daysAgo(365),
        removed: { surveys: 2, cases: 2, notifications: 1, analytics_facts: 2, proactive_shown: 1, reviews: 2, queue_items: 0, offline_tickets: 1, sessions: 2, transcript_entries: 3 },
      });
      expect((await store.listSurveys()).map((r) => r.id)).toEqual([]);
      expect((await store.listCases()).map((r) => r.sessionId)).toEqual(['new1']);
      expect((await store.listNotifications({ customerId: 'c-1' })).map((n) => n.id)).toEqual(['n1']);
      expect((await store.listFacts({ from: daysAgo(1000), to: NOW })).map((f) => f.sessionId)).toEqual(['new1', 'new1']);
      expect((await store.listSessions()).map((s) => s.id).sort()).toEqual(['new1', 'waiting']);
      expect((await store.listQueue()).map((i) => i.id).sort()).toEqual(['q1', 'q2']);
      expect(await store.listAudit()).toMatchObject([{ action: 'retention_purge', actor: null, detail: { sessions: 2, retentionDays: 365 } }]);
      // Nothing more is due: no new audit event either.
      await desk.purgeExpired(365);
      expect(await store.listAudit()).toHaveLength(1);
      // A longer retention keeps what a shorter one would purge.
      expect((await desk.purgeExpired(3)).removed).toMatchObject({ sessions: 0 });
      expect((await desk.purgeExpired(1)).removed).toMatchObject({ sessions: 1, transcript_entries: 1 });
    });
  });
}

describeDesk('memory', async () => {
  const store = createMemoryStore();
  return { store, done: () => store.close() };
});

describeDesk('lowdb', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'daehwa-privacy-desk-'));
  const store = await createLowdbStore({ dir });
  return {
    store,
    async done() {
      // What was erased is gone from the disk too, not only from memory: old1's phone number was in its log.
      await store.close();
      const reopened = await createLowdbStore({ dir });
      const gone = !(await reopened.listSessions()).some((s) => s.id === 'old1');
      await reopened.close();
      const files = spawnSync('grep', ['-rl', '010-1111-2222', dir], { encoding: 'utf8' }).stdout.trim();
      expect(files === '').toBe(gone);
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const BIN_DIR = findPostgresBinDir();
describeWithPostgres('the privacy desk on PostgreSQL', () => {
  let cluster: PgCluster;
  beforeAll(async () => {
    cluster = await startPgCluster(BIN_DIR as string);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  describeDesk('postgres', async () => {
    const url = await cluster.createDatabase();
    const store = await createPostgresStore({ connectionString: url, poolSize: 2 });
    return {
      store,
      async done() {
        await store.close();
        await cluster.dropDatabase(url);
      },
    };
  });
});

describe('the retention job', () => {
  it('runs at start and then once a day on the clock, and keeps running after a failure', async () => {
    const clock = new ManualClock(NOW);
    const runs: string[] = [];
    const errors: unknown[] = [];
    const job = startRetentionJob({
      clock,
      run: async () => {
        runs.push(clock.now().toISOString());
        if (runs.length === 2) throw new Error('database down');
      },
      onError: (error) => errors.push(error),
    });
    await job.idle;
    expect(runs).toEqual([NOW]);
    clock.advance(RETENTION_INTERVAL_MS - 1);
    expect(runs).toHaveLength(1);
    clock.advance(1);
    await job.idle;
    clock.advance(RETENTION_INTERVAL_MS);
    await job.idle;
    expect(runs).toEqual([NOW, new Date(Date.parse(NOW) + DAY).toISOString(), new Date(Date.parse(NOW) + 2 * DAY).toISOString()]);
    expect(errors).toEqual([new Error('database down')]);
    job.stop();
    clock.advance(RETENTION_INTERVAL_MS);
    await job.idle;
    expect(runs).toHaveLength(3);
  });

  it('purges in the server by privacy.retentionDays, at start and a day later', async () => {
    const store = createMemoryStore();
    await store.putSession(session('s-old', { status: 'closed', updatedAt: daysAgo(31) }));
    await store.putSession(session('s-soon', { status: 'closed', updatedAt: daysAgo(29.5) }));
    const server = await startTestServer({ store, clock: new ManualClock(NOW), config: { privacy: { retentionDays: 30 } } });
    try {
      await server.server.retention?.idle;
      expect((await store.listSessions()).map((s) => s.id)).toEqual(['s-soon']);
      server.clock.advance(RETENTION_INTERVAL_MS);
      await server.server.retention?.idle;
      expect(await store.listSessions()).toEqual([]);
      expect((await store.listAudit()).map((e) => e.action)).toEqual(['retention_purge', 'retention_purge']);
    } finally {
      await server.close();
    }
  });

  it('is off with retentionDays null', async () => {
    const store = createMemoryStore();
    await store.putSession(session('s-old', { status: 'closed', updatedAt: daysAgo(4000) }));
    const server = await startTestServer({ store, clock: new ManualClock(NOW), config: { privacy: { retentionDays: null } } });
    try {
      expect(server.server.retention).toBeNull();
      expect((await store.listSessions()).map((s) => s.id)).toEqual(['s-old']);
    } finally {
      await server.close();
    }
  });
});

describe('daehwa privacy', () => {
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-privacy-cli-'));
    const store = await createLowdbStore({ dir: path.join(dir, 'store') });
    await seed(store);
    await store.close();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const daehwa = (...args: string[]) =>
    spawnSync(TSX, [path.join(ROOT, 'src/cli/main.ts'), 'privacy', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, DAEHWA_STORE_DIR: path.join(dir, 'store'), NODE_ENV: 'development' },
    });

  it('exports to a file and erases a customer, then the store holds nothing of them', async () => {
    const exported = daehwa('export', '--customer', 'c-1', '--out', path.join(dir, 'c-1.json'));
    expect(exported.stderr).toContain('2 sessions, 3 transcript entries');
    expect(exported.status).toBe(0);
    const file = JSON.parse(await readFile(path.join(dir, 'c-1.json'), 'utf8')) as { found: unknown };
    expect(file.found).toEqual({ surveys: 1, cases: 2, notifications: 1, analytics_facts: 3, proactive_shown: 2, queue_items: 1, offline_tickets: 1, sessions: 2, transcript_entries: 3 });

    const erased = daehwa('erase', '--customer', 'c-1');
    expect(erased.status).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({ removed: { sessions: 2, transcript_entries: 3, queue_items: 1, offline_tickets: 1, surveys: 1, cases: 2, notifications: 1, analytics_facts: 3, proactive_shown: 2 } });
    const store = await createLowdbStore({ dir: path.join(dir, 'store') });
    try {
      expect((await store.listSessions()).map((s) => s.customerId)).toEqual(['c-2', 'c-2']);
      expect((await store.listAudit()).map((e) => [e.action, e.detail?.['via']])).toEqual([
        ['export', 'cli'],
        ['erase', 'cli'],
      ]);
    } finally {
      await store.close();
    }
  });

  it('says what is missing', () => {
    const missing = daehwa('erase');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--customer <id> is required');
    const unknown = daehwa('delete', '--customer', 'c-1');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown action 'delete'");
  });
});
