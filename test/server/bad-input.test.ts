// Every kind of bad shopper input gets a named error frame; the connection, the server and
// other sessions keep working.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shopper, startTestServer, TestSocket, type TestServer } from './helpers.ts';

let server: TestServer;
let victim: TestSocket;
let other: Awaited<ReturnType<typeof shopper>>;

beforeEach(async () => {
  server = await startTestServer();
  victim = (await shopper(server.wsUrl)).socket;
  other = await shopper(server.wsUrl);
});

afterEach(async () => {
  victim.close();
  other.socket.close();
  await server.close();
});

/** After the bad input: the same connection still answers, and so does another session. */
async function stillServing(socket: TestSocket): Promise<void> {
  socket.send({ type: 'message', text: 'are you there' });
  expect((await socket.nextOfType('bot')).text).toMatch(/are you there$/);
  other.socket.send({ type: 'message', text: 'other shopper' });
  expect((await other.socket.nextOfType('bot')).text).toMatch(/other shopper$/);
}

describe('bad shopper frames', () => {
  it('non-JSON text', async () => {
    victim.send('this is not json {');
    expect(await victim.nextOfType('error')).toMatchObject({ code: 'invalid_json' });
    await stillServing(victim);
  });

  it('JSON that is not an object', async () => {
    victim.send('[1,2,3]');
    expect(await victim.nextOfType('error')).toMatchObject({ code: 'invalid_frame' });
    await stillServing(victim);
  });

  it('unknown frame type', async () => {
    victim.send({ type: 'teleport', to: 'mars' });
    const error = await victim.nextOfType('error');
    expect(error).toMatchObject({ code: 'unknown_type' });
    expect(error.message).toContain('teleport');
    await stillServing(victim);
  });

  it('missing fields', async () => {
    victim.send({ type: 'message' });
    const error = await victim.nextOfType('error');
    expect(error).toMatchObject({ code: 'invalid_frame' });
    expect(error.message).toContain('text');
    victim.send({ type: 'quick_reply' });
    expect((await victim.nextOfType('error')).message).toContain('payload');
    await stillServing(victim);
  });

  it('text over 2,000 characters', async () => {
    victim.send({ type: 'message', text: '가'.repeat(2001) });
    const error = await victim.nextOfType('error');
    expect(error).toMatchObject({ code: 'text_too_long' });
    expect(error.message).toContain('2000');
    // Exactly at the limit is fine.
    victim.send({ type: 'message', text: 'a'.repeat(2000) });
    expect((await victim.nextOfType('bot')).text).toHaveLength('#1 '.length + 2000);
    await stillServing(victim);
  });

  it('a pasted text far over the limit, in a frame larger than 64 KB', async () => {
    victim.send({ type: 'message', text: '반품 문의드려요. '.repeat(20_000) });
    const error = await victim.nextOfType('error');
    expect(error).toMatchObject({ code: 'text_too_long', message: 'text is 200000 characters; the limit is 2000' });
    await stillServing(victim);
  });

  it('a large frame that is not an over-long text', async () => {
    victim.send({ type: 'event', name: 'page_view', data: { html: 'x'.repeat(100_000) } });
    expect(await victim.nextOfType('error')).toMatchObject({ code: 'frame_too_large' });
    await stillServing(victim);
  });

  it('a frame over 1 MiB closes that connection only (ws close 1009)', async () => {
    victim.send({ type: 'message', text: 'x'.repeat(1024 * 1024) });
    expect((await victim.closed).code).toBe(1009);
    other.socket.send({ type: 'message', text: 'other shopper' });
    expect((await other.socket.nextOfType('bot')).text).toMatch(/other shopper$/);
  });

  it('binary frames', async () => {
    victim.ws.send(Buffer.from([0x00, 0x01, 0x02]), { binary: true });
    expect(await victim.nextOfType('error')).toMatchObject({ code: 'binary_not_supported' });
    await stillServing(victim);
  });

  it('invalid UTF-8 in a text frame', async () => {
    victim.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    expect(await victim.nextOfType('error')).toMatchObject({ code: 'invalid_utf8' });
    await stillServing(victim);
  });

  it('a burst of 100 frames in a second is rate-limited with an error frame', async () => {
    for (let i = 0; i < 100; i++) victim.send({ type: 'message', text: `spam ${i}` });
    expect(await victim.nextOfType('error')).toMatchObject({ code: 'rate_limited' });
    // The default burst of 20 frames (hello included) went through, in order; the rest were dropped.
    const bots = [];
    for (let i = 0; i < 19; i++) bots.push((await victim.nextOfType('bot')).text);
    expect(bots[18]).toBe('#19 spam 18');
    // A second later the bucket has refilled.
    server.clock.advance(1_000);
    await stillServing(victim);
    expect(victim.frames.filter((f) => f.type === 'bot').map((f) => f.text)).toContain('#20 are you there');
    expect(victim.frames.filter((f) => f.type === 'error')).toHaveLength(1);
  });

  it('messages before hello', async () => {
    const fresh = await TestSocket.open(`${server.wsUrl}/ws`);
    fresh.send({ type: 'message', text: 'hi' });
    expect(await fresh.nextOfType('error')).toMatchObject({ code: 'hello_required' });
    fresh.send({ type: 'hello' });
    await fresh.nextOfType('session');
    await stillServing(fresh);
    fresh.close();
  });

  it('an invalid session token', async () => {
    const { socket, session } = await shopper(server.wsUrl, { sessionToken: 'forged-token-that-was-never-issued' });
    expect(socket.frames[0]).toMatchObject({ type: 'error', code: 'invalid_session_token' });
    expect(session.resumed).toBe(false);
    await stillServing(socket);
    socket.close();
  });

  it('a second hello on the same connection', async () => {
    victim.send({ type: 'hello' });
    expect(await victim.nextOfType('error')).toMatchObject({ code: 'already_started' });
    await stillServing(victim);
  });
});
