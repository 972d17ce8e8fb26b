// replay (issue 10): conversations held with the assembled server (real model, flows, demo shop,
// lowdb store) replay exactly; a changed flow sentence, a changed shop answer and a missing or
// different shop call are reported at the turn they change; a transcript stored before turns were
// recorded is read but cannot be replayed.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { replayDeps, run as replayCommand } from '../../src/cli/commands/replay.ts';
import { ReplayError, replayConversation, type ReplayDeps, type ReplayReport } from '../../src/conversation/replay.ts';
import type { DaehwaConfig } from '../../src/config/schema.ts';
import { loadConversations, type LoadedConversation } from '../../src/dialog/conversations/runner.ts';
import type { TurnSpec } from '../../src/dialog/conversations/format.ts';
import { assembleDaehwa } from '../../src/server/assemble.ts';
import { createLogger } from '../../src/server/logging.ts';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import type { SessionRecord, Store, TranscriptEntry } from '../../src/store/types.ts';
import { api, login, ManualClock, SHOP_TODAY, shopper, testConfig, type TestSocket } from '../server/helpers.ts';

const CONVERSATIONS_DIR = 'test/conversations';

/** Our own conversation: the order question comes second, so a changed question diverges at turn 2. */
const GREETING_FIRST: LoadedConversation = {
  file: 'replay.test.ts',
  spec: { name: 'greeting, then an order', locale: 'ko', customer: 'c1001', turns: [{ user: '안녕하세요' }, { user: '택배 언제 와요?' }, { quick_reply: '20261118' }] },
};

/** A page view answers nothing and writes nothing: it goes with the next turn's record. */
const PAGE_FIRST: LoadedConversation = {
  file: 'replay.test.ts',
  spec: { name: 'a product page, then a size question', locale: 'ko', turns: [{ event: 'page_view', data: { page: 'product', productId: 'p104' } }, { user: '사이즈 추천해 주세요' }, { user: '170에 65요' }] },
};

/** The first two conversations of every file that a web shopper could hold (no other seed, no server-only events). */
function pick(conversations: LoadedConversation[]): LoadedConversation[] {
  const perFile = new Map<string, number>();
  return conversations.filter(({ file, spec }) => {
    if (spec.shop?.seed || (spec.channels && !spec.channels.includes('web'))) return false;
    if (spec.turns.some((turn) => turn.event?.startsWith('daehwa.'))) return false;
    const taken = perFile.get(file) ?? 0;
    if (taken >= 2) return false;
    perFile.set(file, taken + 1);
    return true;
  });
}

function frameOf(turn: TurnSpec): Record<string, unknown> {
  if (turn.user !== undefined) return { type: 'message', text: turn.user };
  if (turn.quick_reply !== undefined) return { type: 'quick_reply', payload: turn.quick_reply };
  // The widget says which kind of page a page view is (the conversation files leave it out).
  const data = turn.event === 'page_view' ? { page: 'product', ...turn.data } : turn.data;
  return { type: 'event', name: turn.event, ...(data ? { data } : {}) };
}

/** Sends the turn, then a second hello: the connection handles its frames in order, so its refusal comes once the turn is done. */
async function say(socket: TestSocket, turn: TurnSpec): Promise<void> {
  socket.send(frameOf(turn));
  socket.send({ type: 'hello' });
  await socket.next((frame) => frame.type === 'error' && frame.code === 'already_started', 'the fence after a turn');
}

let dir: string;
let config: DaehwaConfig;
let deps: ReplayDeps;
const recorded: { name: string; locale: string; sessionId: string }[] = [];
let greetingSession = '';
let pageSession = '';

async function withStore<T>(use: (store: Store) => Promise<T>): Promise<T> {
  const store = await createLowdbStore({ dir: path.join(dir, 'store') });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

async function stored(sessionId: string): Promise<{ session: SessionRecord; transcript: TranscriptEntry[] }> {
  return withStore(async (store) => {
    const session = await store.getSession(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    return { session, transcript: await store.getTranscript(sessionId) };
  });
}

/** The CLI's exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    const code = await replayCommand(args);
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'daehwa-replay-'));
  // Quiet-period surveys off: a timer's turn would land between this test's own.
  config = testConfig({ store: { kind: 'lowdb', dir: path.join(dir, 'store') }, commerce: { kind: 'demo', dataDir: path.join(dir, 'shop') }, surveys: { quietSeconds: 0 } });
  const clock = new ManualClock(SHOP_TODAY);
  const daehwa = await assembleDaehwa(config, { logger: createLogger({ level: 'silent' }), clock });
  const wsUrl = (await daehwa.server.listen()).replace(/^http/, 'ws');
  try {
    const { conversations, problems } = await loadConversations(CONVERSATIONS_DIR);
    expect(problems).toEqual([]);
    // Ours first, while the demo shop's orders are as seeded (later ones cancel and return some).
    for (const conversation of [GREETING_FIRST, PAGE_FIRST, ...pick(conversations)]) {
      const { spec } = conversation;
      const { socket, session } = await shopper(wsUrl, { locale: spec.locale ?? 'ko', ...(spec.customer ? { customerId: spec.customer } : {}) });
      for (const turn of spec.turns) {
        // Each turn at its own time (and the frame budget refilled).
        clock.advance(1_700);
        await say(socket, turn);
      }
      // Every frame reached the conversation: none was refused.
      expect(socket.frames.filter((frame) => frame.type === 'error' && frame.code !== 'already_started')).toEqual([]);
      socket.close();
      recorded.push({ name: spec.name, locale: spec.locale ?? 'ko', sessionId: session.sessionId });
      if (conversation === GREETING_FIRST) greetingSession = session.sessionId;
      if (conversation === PAGE_FIRST) pageSession = session.sessionId;
    }
  } finally {
    await daehwa.close();
  }
  const loaded = await replayDeps(config);
  if (!loaded.ok) throw new Error(loaded.problem);
  deps = loaded.deps;
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('daehwa replay', () => {
  it('replays every recorded conversation, in both languages, without a divergence', async () => {
    expect(recorded.length).toBeGreaterThanOrEqual(20);
    expect(new Set(recorded.map((r) => r.locale))).toEqual(new Set(['ko', 'en']));
    let turns = 0;
    let calls = 0;
    const divergent: string[] = [];
    for (const { name, sessionId } of recorded) {
      const { session, transcript } = await stored(sessionId);
      const report = await replayConversation(session, transcript, deps);
      turns += report.turns.length;
      calls += transcript.reduce((n, entry) => n + (entry.turn?.calls.length ?? 0), 0);
      if (report.divergence !== null) divergent.push(`${name}: turn ${report.divergence} ${JSON.stringify(report.turns.at(-1))}`);
      expect(report.turns.length).toBe(report.recordedTurns);
    }
    expect(divergent).toEqual([]);
    // Shop answers were part of it: replayed from the recording, not from a shop.
    expect(calls).toBeGreaterThan(20);
    expect(turns).toBeGreaterThan(recorded.length * 2);
  });

  it('prints one line per turn and exits 0 when the replies are identical', async () => {
    const { code, out } = await cli([greetingSession, '--store-dir', path.join(dir, 'store')]);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^replay ${greetingSession} \\(ko, 3 recorded turns\\)`));
    expect(lines.slice(1, 4).map((line) => line.slice(0, 7))).toEqual(['  ✓ 1  ', '  ✓ 2  ', '  ✓ 3  ']);
    expect(lines[2]).toContain('택배 언제 와요?  →  어떤 주문인가요?');
    expect(lines.at(-1)).toBe('identical: all 3 turns replay as stored');
  });

  it('reports a changed flow sentence at the turn that says it, with exit code 1', async () => {
    const flows = path.join(dir, 'flows-changed');
    await cp('flows', flows, { recursive: true });
    const file = path.join(flows, 'slots.yaml');
    const original = await readFile(file, 'utf8');
    expect(original).toContain('ko: 어떤 주문인가요?');
    await writeFile(file, original.replace('ko: 어떤 주문인가요?', 'ko: 어느 주문을 확인해 드릴까요?'));

    const text = await cli([greetingSession, '--store-dir', path.join(dir, 'store'), '--flows', flows]);
    expect(text.code).toBe(1);
    const lines = text.out.trim().split('\n');
    expect(lines[1]).toMatch(/^ {2}✓ 1 {2}안녕하세요/);
    expect(lines[2]).toBe('  ✗ 2  shopper │ 택배 언제 와요?');
    expect(lines[3]).toBe('        intent   stored: order.status   now: order.status');
    expect(text.out).toMatch(/expected:\n {10}bot │ 어떤 주문인가요\? .*\[order_status\/ask_order\]\n {8}actual:\n {10}bot │ 어느 주문을 확인해 드릴까요\?/);
    expect(lines.at(-1)).toBe('divergent: turn 2 of 3 differs (replies)');

    const json = await cli([greetingSession, '--store-dir', path.join(dir, 'store'), '--flows', flows, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as ReplayReport;
    expect(report.divergence).toBe(2);
    expect(report.turns).toHaveLength(2);
    const turn = report.turns[1]!;
    expect(turn).toMatchObject({ number: 2, shopper: '택배 언제 와요?', differs: ['replies'], intent: { expected: 'order.status', actual: 'order.status' } });
    expect(turn.expected[0]?.text).toMatch(/^어떤 주문인가요\?/);
    expect(turn.actual[0]?.text).toMatch(/^어느 주문을 확인해 드릴까요\?/);
  });

  it('reports a changed shop answer, a call the recording lacks and one made with other arguments', async () => {
    const { session, transcript } = await stored(greetingSession);
    const orderTurn = transcript.find((entry) => entry.turn?.input.kind === 'quick_reply');
    expect(orderTurn?.turn?.calls.map((call) => call.op)).toContain('commerce.getOrder');
    const edited = (edit: (entry: TranscriptEntry) => TranscriptEntry) => transcript.map((entry) => (entry === orderTurn ? edit(structuredClone(entry)) : entry));
    const getOrder = (entry: TranscriptEntry) => entry.turn!.calls.find((call) => call.op === 'commerce.getOrder')!;

    // The shop says the order was delivered: the reply says so, and that is a divergence.
    const delivered = edited((entry) => {
      const call = getOrder(entry);
      call.result = { ...(call.result as object), value: { ...(call.result as { value: object }).value, status: 'delivered', deliveredAt: '2026-11-19T05:00:00.000Z' } };
      return entry;
    });
    const changed = await replayConversation(session, delivered, deps);
    expect(changed.divergence).toBe(3);
    expect(changed.turns[2]).toMatchObject({ differs: ['replies'], calls: [] });
    expect(changed.turns[2]!.expected[0]!.text).toMatch(/결제 완료/);
    expect(changed.turns[2]!.actual[0]!.text).toMatch(/배송 완료/);

    // No getOrder in the recording: the call is reported, answered as an outage.
    const missing = await replayConversation(session, edited((entry) => ({ ...entry, turn: { ...entry.turn!, calls: entry.turn!.calls.filter((call) => call.op !== 'commerce.getOrder') } })), deps);
    expect(missing.divergence).toBe(3);
    expect(missing.turns[2]!.differs).toContain('calls');
    expect(missing.turns[2]!.calls).toContainEqual({ kind: 'unrecorded', op: 'commerce.getOrder', args: ['20261118', 'c1001'] });

    // Recorded for another order: the arguments differ.
    const other = await replayConversation(session, edited((entry) => ((getOrder(entry).args = ['20261101', 'c1001']), entry)), deps);
    expect(other.divergence).toBe(3);
    expect(other.turns[2]!.calls).toContainEqual({ kind: 'arguments', op: 'commerce.getOrder', args: ['20261118', 'c1001'], recorded: ['20261101', 'c1001'] });
    expect(other.turns[2]!.calls).toContainEqual({ kind: 'unmade', op: 'commerce.getOrder', args: ['20261101', 'c1001'] });
  });

  it('replays a page view that wrote nothing before the turn it went with; without it the turn diverges', async () => {
    const { session, transcript } = await stored(pageSession);
    const [first] = transcript;
    expect(first).toMatchObject({ from: 'shopper', text: '사이즈 추천해 주세요', turn: { input: { kind: 'text' }, silent: [{ input: { kind: 'event', name: 'page_view', data: { productId: 'p104' } }, calls: [] }] } });
    const report = await replayConversation(session, transcript, deps);
    expect(report).toMatchObject({ recordedTurns: 2, divergence: null });
    expect(report.turns[0]!.actual[0]!.text).toMatch(/^캐시미어 블렌드 라운드 니트 사이즈를 봐 드릴게요/);

    const { silent: _silent, ...rest } = first!.turn!;
    const forgotten = await replayConversation(session, [{ ...first!, turn: rest }, ...transcript.slice(1)], deps);
    expect(forgotten.divergence).toBe(1);
    expect(forgotten.turns[0]!.actual[0]!.text).not.toMatch(/캐시미어/);
  });

  it('reads a transcript stored before turns were recorded, and says it cannot be replayed (exit code 2)', async () => {
    const { session, transcript } = await stored(greetingSession);
    const old = transcript.map(({ turn: _turn, ...entry }) => entry);
    await expect(replayConversation(session, old, deps)).rejects.toThrow(ReplayError);
    await expect(replayConversation(session, old, deps)).rejects.toThrow(/stored before turns were recorded/);

    // An old conversation in the store: read as it was, refused by the command with a clear message.
    await withStore(async (store) => {
      await store.putSession({ ...session, id: 'old-conversation' });
      await store.appendTranscript('old-conversation', old.map(({ seq: _seq, ...entry }) => entry));
      expect((await store.getTranscript('old-conversation')).map((entry) => entry.text)).toEqual(transcript.map((entry) => entry.text));
    });
    const result = await cli(['old-conversation', '--store-dir', path.join(dir, 'store')]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/conversation old-conversation: its turns were stored before turns were recorded/);
  });

  it('names an unknown session and exits 2; bad options exit 2 too', async () => {
    const unknown = await cli(['s-nobody', '--store-dir', path.join(dir, 'store')]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('there is no conversation "s-nobody" in the lowdb store');
    const nowhere = path.join(dir, 'no-such-store');
    expect(await cli(['s-nobody', '--store-dir', nowhere])).toMatchObject({ code: 2, err: `daehwa replay: --store-dir: ${nowhere} is not a directory\n` });
    expect((await cli([])).code).toBe(2);
    expect((await cli(['a', 'b'])).err).toMatch(/one session at a time/);
  });
});

describe('daehwa replay of hand-offs', () => {
  let handoffDir: string;
  const sessions: Record<'open' | 'closed', string> = { open: '', closed: '' };
  let consoleTranscript: Record<string, unknown>[] = [];

  beforeAll(async () => {
    handoffDir = await mkdtemp(path.join(tmpdir(), 'daehwa-replay-handoff-'));
    const handoffConfig = testConfig({
      store: { kind: 'lowdb', dir: path.join(handoffDir, 'store') },
      commerce: { kind: 'demo', dataDir: path.join(handoffDir, 'shop') },
      surveys: { quietSeconds: 0 },
      // No idle close while the clock jumps to the evening.
      sessions: { idleTimeoutMs: 24 * 60 * 60_000 },
    });
    const clock = new ManualClock(SHOP_TODAY); // Friday 10:00 in Seoul: people are answering
    const daehwa = await assembleDaehwa(handoffConfig, { logger: createLogger({ level: 'silent' }), clock });
    const url = await daehwa.server.listen();
    const wsUrl = url.replace(/^http/, 'ws');
    try {
      const open = await shopper(wsUrl, { locale: 'ko', customerId: 'c1001' });
      for (const user of ['배송 조회해 주세요', '상담원 연결해 주세요', '빨리 부탁드려요']) {
        clock.advance(2_000);
        await say(open.socket, { user });
      }
      sessions.open = open.session.sessionId;
      const token = await login(url);
      const queue = await api(url, 'GET', '/api/agent/queue', { token });
      const item = (queue.body.items as { id: string; sessionId: string }[]).find((i) => i.sessionId === sessions.open);
      expect(item).toBeDefined();
      consoleTranscript = (await api(url, 'GET', `/api/agent/queue/${item!.id}`, { token })).body.transcript;
      open.socket.close();

      clock.advance(12 * 60 * 60_000); // 22:00: closed
      const closed = await shopper(wsUrl, { locale: 'en' });
      for (const user of ['I want to talk to a person', 'my parcel is three days late']) {
        clock.advance(2_000);
        await say(closed.socket, { user });
      }
      sessions.closed = closed.session.sessionId;
      closed.socket.close();
    } finally {
      await daehwa.close();
    }
  }, 600_000);

  afterAll(async () => {
    if (handoffDir) await rm(handoffDir, { recursive: true, force: true });
  });

  const read = async (sessionId: string) => {
    const store = await createLowdbStore({ dir: path.join(handoffDir, 'store') });
    try {
      return { session: (await store.getSession(sessionId))!, transcript: await store.getTranscript(sessionId) };
    } finally {
      await store.close();
    }
  };

  it('replays the turns before a hand-off and passes over the line for the agents; the console shows no records', async () => {
    const { session, transcript } = await read(sessions.open);
    expect(transcript.filter((entry) => entry.turn).map((entry) => entry.text)).toEqual(['배송 조회해 주세요', '상담원 연결해 주세요']);
    expect(transcript.find((entry) => entry.text === '빨리 부탁드려요')).not.toHaveProperty('turn');
    const report = await replayConversation(session, transcript, deps);
    expect(report).toMatchObject({ recordedTurns: 2, divergence: null });
    expect(consoleTranscript.map((entry) => entry.text)).toEqual(expect.arrayContaining(['배송 조회해 주세요', '상담원 연결해 주세요', '빨리 부탁드려요']));
    expect(consoleTranscript.filter((entry) => 'turn' in entry)).toEqual([]);
  });

  it('replays an after-hours hand-off with the notice in place of "connecting you", at the recorded time', async () => {
    const { session, transcript } = await read(sessions.closed);
    const report = await replayConversation(session, transcript, deps);
    expect(report).toMatchObject({ recordedTurns: 1, divergence: null });
    expect(report.turns[0]!.actual.at(-1)).toMatchObject({ flow: 'handoff', state: 'offline_message' });
    // The message left for the agents was no bot turn.
    expect(transcript.find((entry) => entry.text === 'my parcel is three days late')).not.toHaveProperty('turn');
  });
});
