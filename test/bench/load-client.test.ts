// The load client's bounds and bookkeeping, against small in-process websocket servers on
// loopback. Nothing here asserts a speed: only counts, which do not depend on timing.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { nextInterval, runLoad, type LoadOptions } from '../../scripts/bench/load-client.ts';
import { seededRandom } from '../../src/nlu/model/scorer.ts';

type Answer = (socket: WebSocket, frame: { type: string; text?: string }) => void;

const servers: WebSocketServer[] = [];

/** A server that says `session` to hello and lets `answer` handle each message frame. */
async function server(answer: Answer): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; text?: string };
      if (frame.type === 'hello') socket.send(JSON.stringify({ type: 'session', sessionId: 's', sessionToken: 't', resumed: false }));
      else answer(socket, frame);
    });
  });
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((wss) => new Promise((resolve) => wss.close(resolve))));
});

const bot: Answer = (socket, frame) => socket.send(JSON.stringify({ type: 'bot', text: `re: ${frame.text}`, meta: {} }));
const profiles = [{ customerId: 'C001', orderNumber: '20240101' }];

function options(url: string, overrides: Partial<LoadOptions>): LoadOptions {
  return { url, shoppers: 4, mode: 'closed', durationMs: 60_000, maxTurns: 40, profiles, random: seededRandom(1), ...overrides };
}

describe('runLoad', () => {
  it('sends exactly maxTurns messages in a closed loop and times each answer', async () => {
    const result = await runLoad(options(await server(bot), { shoppers: 5, maxTurns: 37 }));
    expect(result.connected).toBe(5);
    expect(result.turnsSent).toBe(37);
    expect(result.turnsAnswered).toBe(37);
    expect(result.latency.count).toBe(37);
    expect(result.errors + result.timeouts + result.extraFrames + result.unsolicitedFrames).toBe(0);
  });

  it('spreads connections round robin over several servers when given urls', async () => {
    const hits = [0, 0, 0];
    const urls = await Promise.all(hits.map((_, i) => server((socket, frame) => {
      hits[i]! += 1;
      bot(socket, frame);
    })));
    const result = await runLoad(options(urls[0]!, { urls, shoppers: 6, maxTurns: 60 }));
    expect(result.connected).toBe(6);
    expect(result.turnsAnswered).toBe(60);
    expect(hits.every((count) => count > 0)).toBe(true);
    expect(hits.reduce((a, b) => a + b, 0)).toBe(60);
  });

    it('stops sending at the time bound, read from the injected clock', async () => {
    let now = 0;
    // Every reading moves the clock 1 ms: at most one message per reading fits in 50 ms.
    const clock = { now: () => (now += 1) };
    const result = await runLoad(options(await server(bot), { durationMs: 50, maxTurns: 1_000_000, clock }));
    expect(result.turnsSent).toBeGreaterThan(0);
    expect(result.turnsSent).toBeLessThanOrEqual(50);
    expect(result.turnsAnswered).toBe(result.turnsSent);
  });

  it('sends on each shopper’s own schedule in an open loop, within the message bound', async () => {
    const result = await runLoad(options(await server(bot), { mode: 'open', meanIntervalMs: 2, maxTurns: 30 }));
    expect(result.turnsSent).toBe(30);
    expect(result.turnsAnswered).toBe(30);
    // Each message that fell due was timed against the schedule, sent or still held at the end.
    expect(result.sendLag?.count).toBeGreaterThanOrEqual(30);
  });

  it('holds a message that falls due while the last turn is unanswered, in an open loop', async () => {
    let overlaps = 0;
    const unanswered = new WeakMap<WebSocket, boolean>();
    const slow: Answer = (socket, frame) => {
      if (unanswered.get(socket)) overlaps += 1;
      unanswered.set(socket, true);
      setTimeout(() => {
        unanswered.set(socket, false);
        bot(socket, frame);
      }, 5);
    };
    // Messages fall due every 1 ms on average, answers take 5 ms: most must wait.
    const result = await runLoad(options(await server(slow), { mode: 'open', shoppers: 2, meanIntervalMs: 1, maxTurns: 20 }));
    expect(overlaps).toBe(0);
    expect(result.turnsAnswered).toBe(20);
    // Every message that fell due is on the client's schedule, sent or still held at the end.
    expect(result.sendLag?.count).toBeGreaterThanOrEqual(20);
  });

  it('counts the frames after the first of one turn as extra, not as answers to later turns', async () => {
    const twoFrames: Answer = (socket, frame) => {
      bot(socket, frame);
      socket.send(JSON.stringify({ type: 'bot', text: 'anything else?', meta: {} }));
    };
    const result = await runLoad(options(await server(twoFrames), { shoppers: 3, maxTurns: 21 }));
    expect(result.turnsAnswered).toBe(21);
    expect(result.extraFrames).toBe(21);
    expect(result.latency.count).toBe(21);
  });

  it('recognises a late frame of the last answer by its NLU meta, sent after the next message went', async () => {
    let turn = 0;
    let overlaps = 0;
    // Like the real server, turns of one connection are answered in order: each answer takes 1 ms,
    // and its late frame leaves 2 ms after its first. A client that took the late frame for the
    // next answer would send again before that answer: the server would see an overlap.
    // Those milliseconds are on a clock the server moves and the client reads: on real time, a
    // loaded machine could deliver the late frame past the client's same-turn window.
    let now = 0;
    const clock = { now: () => now };
    const chains = new WeakMap<WebSocket, Promise<void>>();
    const waiting = new WeakMap<WebSocket, number>();
    const split: Answer = (socket) => {
      if ((waiting.get(socket) ?? 0) > 0) overlaps += 1;
      waiting.set(socket, (waiting.get(socket) ?? 0) + 1);
      const meta = { intent: 'thanks', score: 0.9 + (turn++ % 50) / 1000, flow: null, state: null };
      const previous = chains.get(socket) ?? Promise.resolve();
      chains.set(
        socket,
        previous.then(async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          now += 1;
          waiting.set(socket, waiting.get(socket)! - 1);
          socket.send(JSON.stringify({ type: 'bot', text: 'you are welcome', meta }));
          await new Promise((resolve) => setTimeout(resolve, 2));
          now += 2;
          socket.send(JSON.stringify({ type: 'bot', text: 'back to your order', meta: { ...meta, flow: 'order_status' } }));
        }),
      );
    };
    const result = await runLoad(options(await server(split), { shoppers: 2, maxTurns: 30, conversationsPerSession: Number.POSITIVE_INFINITY, clock }));
    expect(overlaps).toBe(0);
    expect(result.turnsAnswered).toBe(30);
    expect(result.unsolicitedFrames).toBe(0);
    // The run ends on the last first frame: each shopper's very last late frame may not be read.
    expect(result.extraFrames).toBeGreaterThanOrEqual(28);
  });

  it('opens a new session after each conversation when asked to, and not once the bounds are reached', async () => {
    let hellos = 0;
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(wss);
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (socket) =>
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; text?: string };
        if (frame.type !== 'hello') return bot(socket, frame);
        hellos += 1;
        socket.send(JSON.stringify({ type: 'session', sessionId: `s${hellos}`, sessionToken: 't', resumed: false }));
      }),
    );
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
    const scripts = [{ id: 'two-turns', locale: 'ko' as const, turns: ['안녕하세요', '감사합니다'] }];
    const result = await runLoad(options(url, { shoppers: 1, maxTurns: 6, scripts, conversationsPerSession: 1 }));
    expect(result.turnsAnswered).toBe(6);
    expect(hellos).toBe(3);
    expect(result.sessionsOpened).toBe(3);
  });

  it('counts handoff frames but never takes them for an answer', async () => {
    const queued: Answer = (socket, frame) => {
      socket.send(JSON.stringify({ type: 'handoff', status: 'queued', position: 1 }));
      setImmediate(() => bot(socket, frame));
    };
    const result = await runLoad(options(await server(queued), { shoppers: 2, maxTurns: 10 }));
    expect(result.turnsAnswered).toBe(10);
    expect(result.handoffFrames).toBe(10);
  });

  it('counts error frames as errors and keeps going', async () => {
    const limited: Answer = (socket) => socket.send(JSON.stringify({ type: 'error', code: 'rate_limited', message: 'slow down' }));
    const result = await runLoad(options(await server(limited), { maxTurns: 12 }));
    expect(result.turnsSent).toBe(12);
    expect(result.errors).toBe(12);
    expect(result.turnsAnswered).toBe(0);
    expect(result.errorSamples).toContain('error frame: rate_limited: slow down');
  });

  it('counts unanswered turns as timeouts and moves on', async () => {
    const result = await runLoad(options(await server(() => {}), { shoppers: 2, maxTurns: 4, turnTimeoutMs: 20 }));
    expect(result.turnsSent).toBe(4);
    expect(result.timeouts).toBe(4);
    expect(result.turnsAnswered).toBe(0);
  });

  it('counts turns lost to a connection the server closes as errors', async () => {
    const result = await runLoad(options(await server((socket) => socket.close()), { shoppers: 3, maxTurns: 10 }));
    expect(result.turnsSent).toBe(3);
    expect(result.errors).toBe(3);
    expect(result.errorSamples).toContain('connection closed by the server during the load');
  });

  it('reports connect failures instead of throwing when nobody listens', async () => {
    const url = await server(bot);
    await Promise.all(servers.splice(0).map((wss) => new Promise((resolve) => wss.close(resolve))));
    const result = await runLoad(options(url, { shoppers: 3 }));
    expect(result.connectFailures).toBe(3);
    expect(result.turnsSent).toBe(0);
    expect(result.errorSamples.length).toBeGreaterThan(0);
  });

  it('says hello with the shopper’s customer id and alternates the languages', async () => {
    const hellos: unknown[] = [];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(wss);
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (socket) =>
      socket.once('message', (data) => {
        hellos.push(JSON.parse(data.toString()));
        socket.send(JSON.stringify({ type: 'session', sessionId: 's', sessionToken: 't', resumed: false }));
      }),
    );
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
    await runLoad(options(url, { shoppers: 2, maxTurns: 1, turnTimeoutMs: 10 }));
    expect(hellos).toEqual(
      expect.arrayContaining([
        { type: 'hello', locale: 'ko', customerId: 'C001' },
        { type: 'hello', locale: 'en', customerId: 'C001' },
      ]),
    );
  });

  it('refuses options that would make an unbounded or empty run', async () => {
    const url = 'ws://127.0.0.1:9/ws';
    await expect(runLoad(options(url, { maxTurns: 0 }))).rejects.toThrow(/maxTurns/);
    await expect(runLoad(options(url, { durationMs: Number.NaN }))).rejects.toThrow(/durationMs/);
    await expect(runLoad(options(url, { profiles: [] }))).rejects.toThrow(/profile/);
  });
});

describe('nextInterval', () => {
  it('draws exponential gaps by inversion and uniform gaps on [0, 2·mean]', () => {
    expect(nextInterval('exponential', 2000, () => 0.5)).toBeCloseTo(2000 * Math.LN2, 6);
    expect(nextInterval('uniform', 2000, () => 0.25)).toBe(1000);
    expect(nextInterval('uniform', 2000, () => 0.999)).toBeLessThan(4000);
  });

  it('averages the requested mean over many draws', () => {
    for (const distribution of ['exponential', 'uniform'] as const) {
      const random = seededRandom(3);
      let sum = 0;
      for (let i = 0; i < 50_000; i++) sum += nextInterval(distribution, 2000, random);
      expect(sum / 50_000).toBeGreaterThan(1960);
      expect(sum / 50_000).toBeLessThan(2040);
    }
  });
});
