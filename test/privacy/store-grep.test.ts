// Issue 18, "done means": a chat full of personal data through the assembled product (trained
// model, the project's flows, demo shop), then every byte the store keeps is searched. No resident
// registration number and no card number may be anywhere (transcripts, session records with their
// dialog state, queue items with their hand-off context, offline-message tickets, the audit log, on
// PostgreSQL the frame outbox), nor in the log lines. Phone numbers and e-mail addresses are
// stored (docs/privacy.md), and only shown to agents masked.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.ts';
import { assembleDaehwa } from '../../src/server/assemble.ts';
import { createLogger } from '../../src/server/logging.ts';
import { describeWithPostgres, findPostgresBinDir, startPgCluster, type PgCluster } from '../store/pg-cluster.ts';
import { ManualClock, SHOP_TODAY, api, login, shopper, testConfig, type TestServer } from '../server/helpers.ts';

/** Every form in which the numbers below could leak: as typed, and as bare digits. */
const FORBIDDEN = [
  '900101-1234567',
  '9001011234567',
  '850101-2345678',
  '8501012345678',
  '4111 1111 1111 1111',
  '4111-1111-1111-1111',
  '4111111111111111',
  '5500000000000004',
  '3782 822463 10005',
  '378282246310005',
];

interface Assembled extends TestServer {
  logs: () => string;
}

async function assemble(dir: string, store: ConfigInput['store']): Promise<Assembled> {
  let logText = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText += chunk.toString('utf8');
      done();
    },
  });
  const clock = new ManualClock(SHOP_TODAY);
  const config = testConfig({ store, commerce: { kind: 'demo', dataDir: path.join(dir, 'shop') }, modelsDir: path.join(dir, 'models') });
  // Debug level: every line the server could log is written, and searched.
  const daehwa = await assembleDaehwa(config, { logger: createLogger({ level: 'debug', destination }), clock });
  const url = await daehwa.server.listen();
  return { server: daehwa.server, url, wsUrl: url.replace(/^http/, 'ws'), clock, store: daehwa.store, close: () => daehwa.close(), logs: () => logText };
}

/** A signed-in shopper types everything, asks for a person, the agent answers; after hours another leaves a message. */
async function chatFullOfPersonalData(server: TestServer): Promise<void> {
  const { socket } = await shopper(server.wsUrl, { locale: 'ko', customerId: 'c1001' });
  socket.send({ type: 'message', text: '20261102 티셔츠 반품할래요. 제 주민번호는 900101-1234567 이고 카드는 4111 1111 1111 1111 이에요' });
  await socket.nextOfType('bot');
  socket.send({ type: 'message', text: '카드번호 5500000000000004 로 결제했어요. 연락처 010-2345-6789, 메일 minji.kim@example.com, 주소 서울 마포구 월드컵북로 396, 101동 1203호' });
  await socket.nextOfType('bot');
  socket.send({ type: 'message', text: '주민번호 9001011234567 확인해 주시고 상담원 연결해 주세요' });
  await socket.nextOfType('handoff');
  const token = await login(server.url);
  const { body } = await api(server.url, 'GET', '/api/agent/queue', { token });
  const itemId = body.items[0].id as string;
  await api(server.url, 'POST', `/api/agent/queue/${itemId}/claim`, { token });
  await api(server.url, 'POST', `/api/agent/queue/${itemId}/messages`, { token, body: { text: '카드 4111-1111-1111-1111 결제 건 확인했어요' } });
  await api(server.url, 'POST', `/api/agent/queue/${itemId}/notes`, { token, body: { text: '고객 주민번호 900101-1234567 말함' } });
  await api(server.url, 'POST', `/api/agent/queue/${itemId}/reveal`, { token });
  await socket.nextOfType('agent');
  socket.send({ type: 'message', text: '네 카드 3782 822463 10005 도 있어요' });
  await api(server.url, 'POST', `/api/agent/queue/${itemId}/resolve`, { token });
  socket.close();

  server.clock.advance(9 * 60 * 60_000); // Friday 19:00 in Seoul: closed
  const late = await shopper(server.wsUrl, { locale: 'ko' });
  late.socket.send({ type: 'message', text: '상담원 연결해 주세요' });
  await late.socket.nextOfType('bot');
  late.socket.send({ type: 'message', text: '주민번호 850101-2345678, 카드 378282246310005 환불 건으로 010-9999-8888 로 연락 주세요' });
  await late.socket.nextOfType('bot');
  late.socket.close();
  await server.store.flush();
}

function expectNoIdOrCardNumber(where: string, text: string): void {
  for (const forbidden of FORBIDDEN) expect(text.includes(forbidden), `${forbidden} found in ${where}`).toBe(false);
}

/**
 * Every file's text, read again from the top when a file goes while it is read: the server's
 * background jobs (the analytics day aggregates) write a temporary file and rename it.
 */
async function readStoreTree(at: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readTree(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 5) throw err;
    }
  }
}

async function readTree(at: string): Promise<string> {
  let text = '';
  for (const entry of await readdir(at, { withFileTypes: true })) {
    const full = path.join(at, entry.name);
    text += entry.isDirectory() ? await readTree(full) : await readFile(full, 'utf8');
  }
  return text;
}

describe('no resident registration or card number is stored (lowdb)', () => {
  let dir: string;
  let server: Assembled;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-privacy-'));
    server = await assemble(dir, { kind: 'lowdb', dir: path.join(dir, 'store'), flushIntervalMs: 0 });
    await chatFullOfPersonalData(server);
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds none in any file of the store directory, nor in the logs; finds the rest where documented', async () => {
    const onDisk = await readStoreTree(path.join(dir, 'store'));
    expect(onDisk).toContain('[RRN]');
    expect(onDisk).toContain('[CARD]');
    expectNoIdOrCardNumber('the store directory', onDisk);
    expectNoIdOrCardNumber('the log', server.logs());
    // Stored, shown masked to agents: contact details agents may need.
    expect(onDisk).toContain('010-2345-6789');
    expect(onDisk).toContain('minji.kim@example.com');
    expect(onDisk).toContain('01099998888'); // the offline ticket's contact
    // The audit log names the actions, never the data.
    const audit = await readFile(path.join(dir, 'store', 'audit.jsonl'), 'utf8');
    expect(audit).toContain('"reveal"');
    expect(audit).not.toContain('010-2345-6789');
  });
});

const BIN_DIR = findPostgresBinDir();

describeWithPostgres('no resident registration or card number is stored (PostgreSQL)', () => {
  let cluster: PgCluster;
  let url: string;
  let dir: string;
  let server: Assembled;
  beforeAll(async () => {
    cluster = await startPgCluster(BIN_DIR as string);
    url = await cluster.createDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-privacy-pg-'));
    server = await assemble(dir, { kind: 'postgres', url, poolSize: 4 });
    await chatFullOfPersonalData(server);
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await cluster?.stop();
  });

  it('finds none in any daehwa table (sessions, transcripts, queue, outbox, audit), nor in the logs', async () => {
    const tables = (await cluster.sql(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'daehwa_%'")).rows.map(
      (row) => row.table_name as string,
    );
    expect(tables).toEqual(expect.arrayContaining(['daehwa_sessions', 'daehwa_transcript_entries', 'daehwa_queue_items', 'daehwa_session_frames', 'daehwa_audit_events']));
    let everything = '';
    for (const table of tables) {
      const { rows } = await cluster.sql(url, `SELECT t::text AS row FROM ${table} t`);
      everything += rows.map((row) => row.row as string).join('\n');
    }
    expect(everything).toContain('[RRN]');
    expect(everything).toContain('[CARD]');
    expectNoIdOrCardNumber('the PostgreSQL tables', everything);
    expectNoIdOrCardNumber('the log', server.logs());
    expect(everything).toContain('010-2345-6789');
  });
});
