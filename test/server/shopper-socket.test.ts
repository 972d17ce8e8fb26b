import { afterEach, describe, expect, it } from 'vitest';
import { shopper, startTestServer, TestSocket, type TestServer } from './helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

describe('shopper websocket', () => {
  it('starts a session and answers a message with the bot reply and its meta', async () => {
    server = await startTestServer();
    const { socket, session } = await shopper(server.wsUrl, { locale: 'ko' });
    expect(session.resumed).toBe(false);
    expect(session.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    socket.send({ type: 'message', text: '안녕하세요' });
    const bot = await socket.nextOfType('bot');
    expect(bot).toMatchObject({
      text: '#1 안녕하세요',
      quickReplies: [{ label: '배송 조회', payload: 'intent:order.status' }],
      meta: { intent: 'greeting', score: 0.9, flow: 'echo', state: 'turn_1' },
    });
    socket.close();
  });

  it('stores only the sha256 of the session token', async () => {
    server = await startTestServer();
    const { socket, session } = await shopper(server.wsUrl);
    const record = await server.store.getSession(session.sessionId);
    expect(record?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(record)).not.toContain(session.sessionToken);
    socket.close();
  });

  it('answers frames sent together strictly in order', async () => {
    server = await startTestServer({ config: { sessions: { rateLimit: { burst: 50 } } } });
    const { socket } = await shopper(server.wsUrl);
    const texts = Array.from({ length: 12 }, (_, i) => `message ${'x'.repeat(i % 5)} ${i}`);
    for (const text of texts) socket.send({ type: 'message', text });
    const replies = [];
    for (let i = 0; i < texts.length; i++) replies.push((await socket.nextOfType('bot')).text);
    expect(replies).toEqual(texts.map((text, i) => `#${i + 1} ${text}`));
    socket.close();
  });

  it('sends hello and messages in one burst without losing the first message', async () => {
    server = await startTestServer();
    const socket = await TestSocket.open(`${server.wsUrl}/ws`);
    socket.send({ type: 'hello', locale: 'en' });
    socket.send({ type: 'message', text: 'hi there' });
    await socket.nextOfType('session');
    expect((await socket.nextOfType('bot')).text).toBe('#1 hi there');
    socket.close();
  });

  it('resumes the same conversation with its history after a reconnect', async () => {
    server = await startTestServer();
    const first = await shopper(server.wsUrl);
    first.socket.send({ type: 'message', text: '배송 언제 와요' });
    await first.socket.nextOfType('bot');
    first.socket.close();
    await first.socket.closed;

    const again = await shopper(server.wsUrl, { sessionToken: first.session.sessionToken });
    expect(again.session).toMatchObject({ sessionId: first.session.sessionId, resumed: true });
    const history = await again.socket.nextOfType('history');
    expect(history.entries).toMatchObject([
      { seq: 1, from: 'shopper', text: '배송 언제 와요' },
      { seq: 2, from: 'bot', text: '#1 배송 언제 와요' },
    ]);
    again.socket.send({ type: 'message', text: '감사해요' });
    expect((await again.socket.nextOfType('bot')).text).toBe('#2 감사해요');
    again.socket.close();
  });

  it('tells every open tab of a session the bot reply', async () => {
    server = await startTestServer();
    const tab1 = await shopper(server.wsUrl);
    const tab2 = await shopper(server.wsUrl, { sessionToken: tab1.session.sessionToken });
    tab1.socket.send({ type: 'message', text: 'hello' });
    expect((await tab2.socket.nextOfType('bot')).text).toBe('#1 hello');
    tab1.socket.close();
    tab2.socket.close();
  });

  it('closes a session after the idle time, leaving a closed transcript', async () => {
    server = await startTestServer({ config: { sessions: { idleTimeoutMs: 60_000 } } });
    const { socket, session } = await shopper(server.wsUrl);
    socket.send({ type: 'message', text: 'hello' });
    await socket.nextOfType('bot');

    server.clock.advance(59_000);
    socket.send({ type: 'message', text: 'still here' });
    await socket.nextOfType('bot');
    server.clock.advance(59_000);
    expect((await server.store.getSession(session.sessionId))?.status).toBe('open');

    server.clock.advance(2_000);
    const closed = await socket.closed;
    expect(closed.code).toBe(4000);
    const record = await server.store.getSession(session.sessionId);
    expect(record).toMatchObject({ status: 'closed' });
    const transcript = await server.store.getTranscript(session.sessionId);
    expect(transcript.map((e) => e.from)).toEqual(['shopper', 'bot', 'shopper', 'bot', 'system']);
    expect(transcript.at(-1)?.text).toMatch(/closed after 1 min/);

    // The old token no longer opens it: the shopper is told and gets a fresh session.
    const back = await shopper(server.wsUrl, { sessionToken: session.sessionToken });
    expect(back.socket.frames[0]).toMatchObject({ type: 'error', code: 'session_expired' });
    expect(back.session.sessionId).not.toBe(session.sessionId);
    back.socket.close();
  });
});
