// A running server (test/server/helpers.ts) fed random frames over real websockets: every bad
// frame is answered with its documented error frame, valid ones with a reply, the connection stays
// open, nothing is an internal_error, and the server keeps serving other shoppers afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSocket, login, shopper, startTestServer, type Frame, type TestServer, type TestSocket } from '../server/helpers.ts';
import { badFrame, type LabelledFrame, tooLargeFrame } from './shopper-arbitraries.ts';

let server: TestServer;

beforeAll(async () => {
  // A fuzzer sends faster than any shopper: the rate limit (tested in test/server) stays out of the way.
  server = await startTestServer({ config: { sessions: { rateLimit: { framesPerSecond: 1_000_000, burst: 1_000_000 } } } });
});

afterAll(async () => {
  await server.close();
});

/** The scripted dialog hands off on these words; a conversation with a person gives no bot reply. */
const HANDOFF_WORDS = /사람|상담원|person|agent|handoff|^intent:/i;

/** Frames the scripted dialog answers with a bot reply, and a second hello (already_started). */
const answered: fc.Arbitrary<LabelledFrame> = fc.oneof(
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 300 })
    .filter((t) => t.trim().length > 0 && !HANDOFF_WORDS.test(t))
    .map((text) => ({ data: Buffer.from(JSON.stringify({ type: 'message', text })), isBinary: false, expected: null })),
  fc
    .string({ minLength: 1, maxLength: 200 })
    .filter((p) => !HANDOFF_WORDS.test(p))
    .map((payload) => ({ data: Buffer.from(JSON.stringify({ type: 'quick_reply', payload })), isBinary: false, expected: null })),
  fc.constant<LabelledFrame>({ data: Buffer.from('{"type":"hello"}'), isBinary: false, expected: 'already_started' }),
);

const sent = fc.array(fc.oneof({ weight: 40, arbitrary: badFrame }, { weight: 20, arbitrary: answered }, { weight: 1, arbitrary: tooLargeFrame }), { minLength: 1, maxLength: 8 });

/** The next frame that answers what was just sent (skipping none: one answer per frame). */
async function answerTo(socket: TestSocket, frame: LabelledFrame): Promise<Frame> {
  socket.ws.send(frame.data, { binary: frame.isBinary });
  return socket.next((f) => f.type === 'error' || f.type === 'bot', 'an error or a bot frame');
}

describe('a running server, fuzzed over the websocket', () => {
  it('answers every bad shopper frame with its documented error and every valid one with a reply; it keeps serving', { timeout: 120_000 }, async () => {
    const { socket } = await shopper(server.wsUrl, { locale: 'en' });
    let frames = 0;
    await fc.assert(
      fc.asyncProperty(sent, async (batch) => {
        for (const frame of batch) {
          const answer = await answerTo(socket, frame);
          frames++;
          if (frame.expected === null) expect(answer.type).toBe('bot');
          else expect(answer).toMatchObject({ type: 'error', code: frame.expected });
        }
      }),
      { numRuns: 400 },
    );
    expect(frames).toBeGreaterThan(1000);
    expect(socket.frames.filter((f) => f.type === 'error' && f.code === 'internal_error')).toEqual([]);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);

    // The same connection and a new shopper are both still served.
    socket.send({ type: 'message', text: 'still there?' });
    expect((await socket.nextOfType('bot')).text).toMatch(/still there\?$/);
    const fresh = await shopper(server.wsUrl);
    fresh.socket.send({ type: 'message', text: 'a new shopper' });
    expect((await fresh.socket.nextOfType('bot')).text).toMatch(/a new shopper$/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    socket.close();
    fresh.socket.close();
  });

  it('answers random agent frames with invalid_json or invalid_frame and keeps the agent signed in', { timeout: 60_000 }, async () => {
    const token = await login(server.url);
    const { socket } = await agentSocket(server.wsUrl, token);
    const bad = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => ({ data: Buffer.from(b), isBinary: true, code: 'invalid_json' })),
      fc
        .string({ maxLength: 100 })
        .filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        })
        .map((s) => ({ data: Buffer.from(s), isBinary: false, code: 'invalid_json' })),
      fc
        .jsonValue({ maxDepth: 3 })
        .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('type' in v))
        .map((v) => ({ data: Buffer.from(JSON.stringify(v)), isBinary: false, code: 'invalid_frame' })),
      fc
        .record({ type: fc.constantFrom('claim', 'message', 'note', 'resolve'), itemId: fc.oneof(fc.constant(''), fc.integer(), fc.string({ minLength: 101, maxLength: 120 })) })
        .map((v) => ({ data: Buffer.from(JSON.stringify(v)), isBinary: false, code: 'invalid_frame' })),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (frame) => {
        // The agent bucket (20 a second) refills on the server's clock.
        server.clock.advance(100);
        socket.ws.send(frame.data, { binary: frame.isBinary });
        expect(await socket.nextOfType('error')).toMatchObject({ code: frame.code });
      }),
      { numRuns: 400 },
    );
    // Still signed in: an action on an unknown item is refused by the desk, not by the parser.
    server.clock.advance(100);
    socket.send({ type: 'claim', itemId: 'no-such-item', ref: 'r1' });
    const refused = await socket.nextOfType('error');
    expect(refused.code).not.toMatch(/invalid_json|invalid_frame|missing_credentials/);
    expect(refused.ref).toBe('r1');
    socket.close();
  });
});
