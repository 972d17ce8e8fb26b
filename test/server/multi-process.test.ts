// Three real `daehwa serve` processes on one PostgreSQL database (issue 13): a shopper moves from
// one process to another mid-flow and resumes; an agent on a third claims, answers and hands back;
// 200 claims at once on 20 items across the processes give one claim per item; a process killed with
// SIGKILL mid-conversation leaves the conversation to carry on through another. Every transcript
// is checked seq by seq. Skipped without PostgreSQL binaries (one line), unless DAEHWA_REQUIRE_POSTGRES=1.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { issueAgentToken } from '../../src/server/tokens.ts';
import { createPostgresStore, type PostgresStore } from '../../src/store/postgres/index.ts';
import type { TranscriptEntry } from '../../src/store/types.ts';
import { describeWithPostgres, findPostgresBinDir, startPgCluster, type PgCluster } from '../store/pg-cluster.ts';
import { agentSocket, api, type Frame, shopper, waitFor } from './helpers.ts';

const BIN_DIR = findPostgresBinDir();
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const SECRET = 'multi-process-test-secret';
/** The issue's figure: 200 claims at once, 10 agents on each of 20 waiting items. */
const CLAIMS = 200;
const ITEMS = 20;

interface ServeProcess {
  name: string;
  child: ChildProcess;
  url: string;
  wsUrl: string;
  exited: Promise<number | null>;
  stderr(): string;
}

/** Starts `daehwa serve`; resolves once it prints its address, fails with its stderr if it exits first. */
async function startServe(name: string, env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stderr! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      stderr += `${line}\n`;
      const match = /^daehwa: demo shop (http:\/\/\S+?)\/ /.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`${name} exited with ${code} before serving:\n${stderr}`)));
  });
  return { name, child, url, wsUrl: url.replace(/^http/, 'ws'), exited, stderr: () => stderr };
}

const agentToken = (agentId: string): string => issueAgentToken(SECRET, { agentId, exp: Date.now() + 60 * 60_000 });

/** Seqs 1, 2, 3, … with no gap and no repeat. */
function expectContiguous(transcript: TranscriptEntry[]): void {
  expect(transcript.map((entry) => entry.seq)).toEqual(transcript.map((_, index) => index + 1));
}

const spoken = (transcript: TranscriptEntry[]): string[] => transcript.filter((e) => e.from !== 'system').map((e) => `${e.from}:${e.text}`);

describeWithPostgres('several server processes on one database', () => {
  let cluster: PgCluster;
  let dir: string;
  let store: PostgresStore;
  let processes: ServeProcess[] = [];
  let [a, b, c] = [] as ServeProcess[];

  beforeAll(async () => {
    cluster = await startPgCluster(BIN_DIR as string);
    const url = await cluster.createDatabase();
    dir = await mkdtemp(join(tmpdir(), 'daehwa-multi-'));
    const always = [['00:00', '24:00']];
    const config = {
      handoff: { businessHours: { timeZone: 'Asia/Seoul', weekly: { mon: always, tue: always, wed: always, thu: always, fri: always, sat: always, sun: always } } },
      agents: Array.from({ length: CLAIMS }, (_, i) => ({ id: `agent${i}`, name: `상담원 ${i}`, passwordHash: DEFAULT_AGENT.passwordHash })),
    };
    await writeFile(join(dir, 'daehwa.config.json'), JSON.stringify(config));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DAEHWA_CONFIG: join(dir, 'daehwa.config.json'),
      DAEHWA_STORE: 'postgres',
      DATABASE_URL: url,
      DAEHWA_STORE_POOL_SIZE: '4',
      DAEHWA_SECRET: SECRET,
      DAEHWA_MODELS_DIR: join(dir, 'models'),
      DAEHWA_SHOP_DIR: join(dir, 'shop'),
      DAEHWA_WATCH: 'false',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    // The first trains the model into the shared models directory; the others load it.
    a = await startServe('A', env);
    processes = [a];
    [b, c] = await Promise.all([startServe('B', env), startServe('C', env)]);
    processes.push(b!, c!);
    store = await createPostgresStore({ connectionString: url, poolSize: 2 });
  }, 240_000);

  afterAll(async () => {
    await store?.close();
    for (const serve of processes) if (serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGTERM');
    await Promise.all(processes.map((serve) => serve.exited));
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a shopper moves from A to B mid-flow and resumes; an agent on C claims, answers and hands back', async () => {
    const first = await shopper(a!.wsUrl, { locale: 'ko' });
    first.socket.send({ type: 'message', text: '안녕하세요' });
    expect((await first.socket.nextOfType('bot')).meta).toMatchObject({ intent: 'greeting' });
    first.socket.close();
    await first.socket.closed;

    const { socket, session } = await shopper(b!.wsUrl, { sessionToken: first.session.sessionToken });
    expect(session).toMatchObject({ sessionId: first.session.sessionId, resumed: true });
    const history = (await socket.nextOfType('history')).entries as { from: string; text: string }[];
    expect(history.map((entry) => `${entry.from}:${entry.text}`)[0]).toBe('shopper:안녕하세요');

    const agent = await agentSocket(c!.wsUrl, agentToken('agent0'));
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    expect((await socket.nextOfType('bot')).meta).toMatchObject({ intent: 'agent.request' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued', 'the queued frame');
    // The hand-off made on B reaches the console on C.
    const queued = await agent.socket.next(
      (f) => f.type === 'queue' && (f.items as { sessionId: string }[]).some((item) => item.sessionId === session.sessionId),
      'a queue frame with the shopper',
    );
    const itemId = (queued.items as { id: string; sessionId: string }[]).find((item) => item.sessionId === session.sessionId)!.id;

    agent.socket.send({ type: 'claim', itemId, ref: 'claim' });
    expect(await agent.socket.next((f) => f.ref === 'claim')).toMatchObject({ type: 'ack' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'assigned', 'the assigned frame from C');

    agent.socket.send({ type: 'message', itemId, text: 'C의 상담원입니다. 무엇을 도와드릴까요?', ref: 'm1' });
    expect(await socket.nextOfType('agent')).toMatchObject({ text: 'C의 상담원입니다. 무엇을 도와드릴까요?' });

    socket.send({ type: 'message', text: '주문한 물건이 아직 안 왔어요' });
    await agent.socket.next(
      (f) => f.type === 'entries' && (f.entries as { text: string }[]).some((entry) => entry.text === '주문한 물건이 아직 안 왔어요'),
      "the shopper's line on C",
    );

    agent.socket.send({ type: 'hand_back', itemId, ref: 'back' });
    expect(await agent.socket.next((f) => f.ref === 'back')).toMatchObject({ type: 'ack' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'ended', 'the hand-back on B');
    await socket.next((f) => f.type === 'bot' && (f.meta as { flow: string | null }).flow === 'handoff', "the desk's line after the hand-back");

    // The bot answers on B again: it reads the mode C wrote.
    socket.send({ type: 'message', text: '안녕하세요' });
    await socket.next((f) => f.type === 'bot' && (f.meta as { intent: string | null }).intent === 'greeting', 'the bot answering after the hand-back');
    expect(socket.frames.filter((f) => f.type === 'agent')).toHaveLength(1);
    socket.close();
    agent.socket.close();

    const transcript = await store.getTranscript(session.sessionId);
    expectContiguous(transcript);
    const lines = spoken(transcript);
    const order = [
      'shopper:안녕하세요',
      'shopper:상담원 연결해 주세요',
      'agent:C의 상담원입니다. 무엇을 도와드릴까요?',
      'shopper:주문한 물건이 아직 안 왔어요',
      'shopper:안녕하세요',
    ];
    // Each line once, in this order (the bot's replies between them).
    let at = -1;
    for (const line of order) {
      const next = lines.indexOf(line, at + 1);
      expect(next, `${line} after position ${at} in ${JSON.stringify(lines)}`).toBeGreaterThan(at);
      at = next;
    }
    expect(lines.filter((line) => line === 'shopper:안녕하세요')).toHaveLength(2);
    expect(lines.filter((line) => line.startsWith('agent:'))).toHaveLength(1);
    // Nobody but the agent answered while the agent had the conversation.
    const agentAt = lines.indexOf(order[2]!);
    expect(lines[agentAt + 1]).toBe(order[3]);
  });

  it(`${CLAIMS} claims at once on three processes, ${ITEMS} items: one claim per item, the rest "already taken"`, async () => {
    const servers = [a!, b!, c!];
    // Each shopper on its own process asks for a person; their items wait in one queue.
    const shoppers = await Promise.all(Array.from({ length: ITEMS }, (_, i) => shopper(servers[i % 3]!.wsUrl, { locale: 'ko' })));
    await Promise.all(
      shoppers.map(async ({ socket }) => {
        socket.send({ type: 'message', text: '상담원 연결해 주세요' });
        await socket.next((f) => f.type === 'handoff' && f.status === 'queued', 'the queued frame');
      }),
    );
    const waiting = await store.listQueue(['waiting']);
    const items = shoppers.map(({ session }) => waiting.find((queued) => queued.sessionId === session.sessionId)!);
    expect(items.every(Boolean)).toBe(true);

    // Every agent claims one item, the claims dealt round robin over the items and the processes, all at once.
    const claims = Array.from({ length: CLAIMS }, (_, i) => ({ agentId: `agent${i}`, item: items[i % ITEMS]!, server: servers[i % 3]! }));
    const results = await Promise.all(
      claims.map(({ agentId, item, server }) => api(server.url, 'POST', `/api/agent/queue/${item.id}/claim`, { token: agentToken(agentId) })),
    );
    for (const [index, item] of items.entries()) {
      const tried = claims.flatMap((claim, i) => (claim.item === item ? [{ ...claim, result: results[i]! }] : []));
      expect(tried).toHaveLength(CLAIMS / ITEMS);
      const won = tried.filter((claim) => claim.result.status === 200).map((claim) => claim.agentId);
      expect(won, `winners of item ${item.id}`).toHaveLength(1);
      for (const { result } of tried.filter((claim) => claim.result.status !== 200)) {
        expect(result).toMatchObject({ status: 409, body: { error: { code: 'already_claimed' } } });
        expect(result.body.error.message).toBe(`queue item ${item.id} is already taken: ${won[0]} claimed it`);
      }
      expect(await store.getQueueItem(item.id)).toMatchObject({ status: 'assigned', agentId: won[0] });
      const { socket, session } = shoppers[index]!;
      await socket.next((f) => f.type === 'handoff' && f.status === 'assigned', 'one assigned frame');
      const transcript = await store.getTranscript(session.sessionId);
      expectContiguous(transcript);
      expect(transcript.filter((entry) => entry.from === 'system' && entry.text.includes('joined the conversation'))).toHaveLength(1);
      socket.close();
    }
  });

  it('a process killed with SIGKILL mid-conversation: the conversation carries on through another', async () => {
    const agent = await agentSocket(c!.wsUrl, agentToken('agent1'));
    const first = await shopper(b!.wsUrl, { locale: 'ko' });
    first.socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await first.socket.next((f) => f.type === 'handoff' && f.status === 'queued', 'the queued frame');
    const item = (await store.listQueue(['waiting'])).find((queued) => queued.sessionId === first.session.sessionId)!;
    agent.socket.send({ type: 'claim', itemId: item.id, ref: 'claim' });
    expect(await agent.socket.next((f) => f.ref === 'claim')).toMatchObject({ type: 'ack' });
    await first.socket.next((f) => f.type === 'handoff' && f.status === 'assigned', 'the assigned frame');
    agent.socket.send({ type: 'message', itemId: item.id, text: '확인해 볼게요', ref: 'm1' });
    expect(await first.socket.nextOfType('agent')).toMatchObject({ text: '확인해 볼게요' });

    // B dies with a line of the shopper's in flight.
    first.socket.send({ type: 'message', text: '감사합니다' });
    b!.child.kill('SIGKILL');
    await b!.exited;
    await first.socket.closed;

    const { socket, session } = await shopper(a!.wsUrl, { sessionToken: first.session.sessionToken });
    expect(session).toMatchObject({ sessionId: first.session.sessionId, resumed: true });
    const history = (await socket.nextOfType('history')).entries as { from: string; text: string }[];
    expect(history.some((entry) => entry.from === 'agent' && entry.text === '확인해 볼게요')).toBe(true);
    expect(await socket.nextOfType('handoff')).toMatchObject({ status: 'assigned' });

    agent.socket.send({ type: 'message', itemId: item.id, text: '배송이 내일 도착합니다', ref: 'm2' });
    expect(await socket.nextOfType('agent')).toMatchObject({ text: '배송이 내일 도착합니다' });
    socket.send({ type: 'message', text: '알겠습니다' });
    await agent.socket.next((f) => f.type === 'entries' && (f.entries as { text: string }[]).some((entry) => entry.text === '알겠습니다'), "the shopper's line on C");
    agent.socket.send({ type: 'resolve', itemId: item.id, ref: 'done' });
    expect(await agent.socket.next((f) => f.ref === 'done')).toMatchObject({ type: 'ack' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'ended', 'the end on A');

    // The resolution is followed by the CSAT question (written after the `ended` frame): the
    // transcript is read once the question is in it, not at the first moment the end is seen.
    const csat = /^bot:.*만족스러우셨나요/;
    expect((await socket.nextOfType('bot')).text).toMatch(/만족스러우셨나요/);
    await waitFor(async () => spoken(await store.getTranscript(session.sessionId)).some((line) => csat.test(line)));
    const transcript = await store.getTranscript(session.sessionId);
    expectContiguous(transcript);
    const lines = spoken(transcript);
    // The line in flight when B died was stored whole or not at all, and never twice.
    expect(lines.filter((line) => line === 'shopper:감사합니다').length).toBeLessThanOrEqual(1);
    expect(lines.filter((line) => line.startsWith('agent:'))).toEqual(['agent:확인해 볼게요', 'agent:배송이 내일 도착합니다']);
    // The bot said nothing while the agent had the conversation; after the resolution, the CSAT question once.
    const after = lines.slice(lines.lastIndexOf('shopper:알겠습니다') + 1);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatch(csat);
    expect(socket.frames.filter((f: Frame) => f.type === 'agent').map((f) => f.text)).toEqual(['배송이 내일 도착합니다']);
    socket.close();
    agent.socket.close();
    // The processes left serve on.
    expect((await fetch(`${a!.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${c!.url}/healthz`)).status).toBe(200);
  });
});
