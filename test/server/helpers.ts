// Shared test fixtures for the server: a manual clock, a scripted classifier and dialog engine
// (so server behaviour is tested without training a model), a websocket client that awaits
// frames, and an in-process server on port 0.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { configSchema, type ConfigInput, type DaehwaConfig } from '../../src/config/schema.ts';
import type { CommercePort } from '../../src/commerce/types.ts';
import type { DialogEngine, DialogEvent, DialogState, BotReply } from '../../src/dialog/types.ts';
import type { Classifier, IntentId, NluResult } from '../../src/nlu/types.ts';
import { buildServer, type DaehwaServer, type ServerDeps } from '../../src/server/app.ts';
import { assembleDaehwa } from '../../src/server/assemble.ts';
import type { Clock, TimerHandle } from '../../src/server/clock.ts';
import { createLogger } from '../../src/server/logging.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { Store } from '../../src/store/types.ts';
import { createMemoryTimers } from '../../src/timers/index.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';

/** A clock that only moves when the test says so; timers fire in order during `advance`. */
export class ManualClock implements Clock {
  #nowMs: number;
  #timers: { at: number; seq: number; callback: () => void; cancelled: boolean }[] = [];
  #seq = 0;

  constructor(start: string) {
    this.#nowMs = Date.parse(start);
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  nowMs(): number {
    return this.#nowMs;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { at: this.#nowMs + ms, seq: this.#seq++, callback, cancelled: false };
    this.#timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** How far off each pending timer is: lets a test wait until the server has set one. */
  pendingDelays(): number[] {
    return this.#timers.filter((t) => !t.cancelled).map((t) => t.at - this.#nowMs);
  }

  advance(ms: number): void {
    const target = this.#nowMs + ms;
    for (;;) {
      const due = this.#timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#nowMs = Math.max(this.#nowMs, due.at);
      due.callback();
    }
    this.#nowMs = target;
  }
}

/** Tuesday 10:00 in Seoul: inside the default business hours. */
export const OPEN_HOURS = '2025-03-04T01:00:00.000Z';
/** Tuesday 22:00 in Seoul: after closing. */
export const CLOSED_HOURS = '2025-03-04T13:00:00.000Z';

const KEYWORDS: [RegExp, IntentId][] = [
  [/사람|상담원|person|agent/i, 'agent.request'],
  [/안녕|hello|hi\b/i, 'greeting'],
  [/배송|order status|where/i, 'order.status'],
];

/** Classifies by keyword; yields a few times first so that concurrent turns could interleave if unguarded. */
export function scriptedClassifier(): Classifier {
  return {
    async classify(text) {
      for (let i = 0; i < (text.length % 5) + 1; i++) await Promise.resolve();
      const intent = KEYWORDS.find(([pattern]) => pattern.test(text))?.[1] ?? 'None';
      const result: NluResult = {
        text,
        locale: /[가-힣]/.test(text) ? 'ko' : 'en',
        intent,
        score: intent === 'None' ? 0.2 : 0.9,
        entities: [],
        alternatives: [],
      };
      return result;
    },
  };
}

/**
 * A dialog engine that echoes with a turn counter (to check order), offers quick replies on a
 * greeting, and asks for a person on `agent.request`.
 */
export function scriptedDialog(): DialogEngine {
  return {
    initialState: (locale) => ({ version: 1, locale, turns: 0 }),
    async turn(state, input, nlu) {
      const turns = (state['turns'] as number) + 1;
      const next: DialogState = { ...state, turns };
      const said = input.kind === 'text' ? input.text : input.kind === 'quick_reply' ? input.payload : `event:${input.name}`;
      const meta = { intent: nlu?.intent ?? null, score: nlu?.score ?? null, flow: 'echo', state: `turn_${turns}` };
      const replies: BotReply[] = [{ text: `#${turns} ${said}`, meta }];
      const events: DialogEvent[] = [];
      if (nlu?.intent === 'greeting') replies[0]!.quickReplies = [{ label: '배송 조회', payload: 'intent:order.status' }];
      if (nlu?.intent === 'None') events.push({ type: 'fallback', text: said, suggestions: [], consecutive: 1 });
      if (nlu?.intent === 'agent.request') {
        events.push({ type: 'handoff_requested', reason: 'user_request', priority: 'normal', flow: null, slots: {} });
      }
      return { state: next, replies, events };
    },
  };
}

/** Commerce stand-in: every call fails as unavailable, which the desk must tolerate. */
export const offlineCommerce = new Proxy({} as CommercePort, {
  get: () => async () => ({ ok: false, error: 'unavailable', message: 'shop API down in tests' }),
});

export function testConfig(overrides: ConfigInput = {}): DaehwaConfig {
  return configSchema.parse({
    env: 'test',
    // No refusals for a loop blocked by a test's own work (training a model in the same worker):
    // test/server/admission.test.ts tests the refusal on its own.
    server: { port: 0, host: '127.0.0.1', maxLoopDelayMs: 0 },
    log: { level: 'silent' },
    store: { kind: 'memory' },
    reload: { watch: false },
    ...overrides,
  });
}

export interface TestServer {
  server: DaehwaServer;
  url: string;
  wsUrl: string;
  clock: ManualClock;
  store: Store;
  close(): Promise<void>;
}

export async function startTestServer(
  options: { config?: ConfigInput; clock?: ManualClock; store?: Store; deps?: Partial<ServerDeps> } = {},
): Promise<TestServer> {
  const clock = options.clock ?? new ManualClock(OPEN_HOURS);
  const store = options.store ?? createMemoryStore();
  const server = await buildServer(testConfig(options.config), {
    store,
    commerce: offlineCommerce,
    classifier: scriptedClassifier(),
    dialog: scriptedDialog(),
    messages: SHOP_MESSAGES,
    clock,
    logger: createLogger({ level: 'silent' }),
    processMetrics: false,
    ...options.deps,
  });
  const url = await server.listen();
  return {
    server,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    clock,
    store,
    close: () => server.close(),
  };
}

export type Frame = { type: string; [key: string]: unknown };

/** A websocket client whose incoming frames can be awaited one by one. */
export class TestSocket {
  readonly frames: Frame[] = [];
  #waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void; reject: (e: Error) => void }[] = [];
  readonly #taken = new Set<number>();
  #closedWith: { code: number; reason: string } | null = null;
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.#closedWith = { code, reason: reason.toString() };
        // No frame can come any more: whoever still waits fails now, naming what it waited for.
        for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#gone());
        resolve(this.#closedWith);
      }),
    );
  }

  #gone(what = 'a frame'): Error {
    return new Error(`socket closed (${JSON.stringify(this.#closedWith)}) while waiting for ${what}; got ${JSON.stringify(this.frames)}`);
  }

  static async open(url: string): Promise<TestSocket> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new TestSocket(ws);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /**
   * The oldest frame matching `match` not yet taken by an earlier call; waits for one if needed,
   * for as long as the socket is open: no deadline of its own, since a loaded machine may take
   * seconds to answer. The test's timeout bounds a frame that never comes.
   */
  async next(match: (f: Frame) => boolean = () => true, what = 'a frame'): Promise<Frame> {
    const index = this.frames.findIndex((frame, i) => !this.#taken.has(i) && match(frame));
    if (index !== -1) {
      this.#taken.add(index);
      return this.frames[index]!;
    }
    if (this.#closedWith) throw this.#gone(what);
    const frame = await new Promise<Frame>((resolve, reject) => {
      this.#waiters.push({ match, resolve, reject: () => reject(this.#gone(what)) });
    });
    this.#taken.add(this.frames.lastIndexOf(frame));
    return frame;
  }

  nextOfType(type: string): Promise<Frame> {
    return this.next((f) => f.type === type, `a "${type}" frame`);
  }

  close(): void {
    this.ws.close();
  }
}

/** Opens a socket and starts (or resumes) a session; returns the socket and the session frame. */
export async function shopper(
  wsUrl: string,
  hello: Record<string, unknown> = {},
): Promise<{ socket: TestSocket; session: { sessionId: string; sessionToken: string; resumed: boolean } }> {
  const socket = await TestSocket.open(`${wsUrl}/ws`);
  socket.send({ type: 'hello', ...hello });
  const session = (await socket.nextOfType('session')) as unknown as { sessionId: string; sessionToken: string; resumed: boolean };
  return { socket, session };
}

export async function login(url: string, agentId = 'agent', password = 'daehwa-demo'): Promise<string> {
  const response = await fetch(`${url}/api/agent/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** An agent websocket, signed in, with its first queue frame taken. */
export async function agentSocket(wsUrl: string, token: string): Promise<{ socket: TestSocket; queue: Frame }> {
  const socket = await TestSocket.open(`${wsUrl}/agent/ws`);
  socket.send({ type: 'auth', token });
  await socket.nextOfType('ready');
  return { socket, queue: await socket.nextOfType('queue') };
}

export async function api(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * Waits for a condition that an asynchronous event (a socket frame, a store write on the thread
 * pool) makes true. It counts neither turns nor milliseconds, which a loaded machine stretches:
 * the test's timeout bounds a condition that never comes true, and the polling stops with it.
 */
export async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const test = expect.getState().currentTestName;
  while (!(await condition())) {
    if (expect.getState().currentTestName !== test) throw new Error(`the test "${test}" ended before the condition became true`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Friday 2026-11-20 10:00 KST: the demo shop's "today", inside business hours. */
export const SHOP_TODAY = '2026-11-20T01:00:00.000Z';

/**
 * The product as `daehwa serve` assembles it (trained model, the project's flows, demo shop,
 * lowdb store), in a temporary directory so nothing of the working tree is read or written
 * besides the flows and the corpus. The model is trained there (about a second).
 */
export async function startAssembled(
  clock = new ManualClock(SHOP_TODAY),
  overrides: { webhookSecret?: string; config?: ConfigInput } = {},
): Promise<TestServer & { dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'daehwa-e2e-'));
  const config = testConfig({
    ...overrides.config,
    store: { kind: 'lowdb', dir: path.join(dir, 'store') },
    commerce: { kind: 'demo', dataDir: path.join(dir, 'shop'), ...(overrides.webhookSecret ? { webhookSecret: overrides.webhookSecret } : {}) },
    modelsDir: path.join(dir, 'models'),
  });
  const daehwa = await assembleDaehwa(config, { logger: createLogger({ level: 'silent' }), clock });
  const url = await daehwa.server.listen();
  return {
    server: daehwa.server,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    clock,
    store: daehwa.store,
    dir,
    async close() {
      await daehwa.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Memory timers on `clock` whose schedule() calls for keys starting with `prefix` are recorded in `scheduled`. */
export function recordedTimers(clock: ManualClock, prefix: string): { timers: ReturnType<typeof createMemoryTimers>; scheduled: { key: string; dueAtMs: number }[] } {
  const timers = createMemoryTimers({ clock });
  const scheduled: { key: string; dueAtMs: number }[] = [];
  const schedule = timers.schedule.bind(timers);
  timers.schedule = (key, dueAtMs, payload, options) => {
    if (key.startsWith(prefix)) scheduled.push({ key, dueAtMs });
    return schedule(key, dueAtMs, payload, options);
  };
  return { timers, scheduled };
}
