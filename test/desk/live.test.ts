// Typing indicators both ways (throttled, fake clock) and read receipts for agents' messages.
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/config/passwords.ts';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { TYPING_THROTTLE_MS } from '../../src/desk/live/signals.ts';
import { agentSocket, api, login, shopper, startTestServer, type Frame, type TestServer, type TestSocket } from '../server/helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

const MINJI = { id: 'minji', name: '김민지', passwordHash: await hashPassword('minji-pass-2025'), role: 'agent' as const };

async function queuedShopper(): Promise<{ socket: TestSocket; sessionId: string; sessionToken: string; itemId: string; token: string }> {
  const { socket, session } = await shopper(server.wsUrl);
  socket.send({ type: 'message', text: '상담원 연결해 주세요' });
  await socket.nextOfType('handoff');
  const token = await login(server.url);
  const { body } = await api(server.url, 'GET', '/api/agent/queue', { token });
  return { socket, sessionId: session.sessionId, sessionToken: session.sessionToken, itemId: body.items[0].id, token };
}

const typingFrames = (socket: TestSocket): Frame[] => socket.frames.filter((f) => f.type === 'typing');

describe('typing indicators', () => {
  it('shows the queued shopper typing to the agents, at most once per throttle period, and when they stop', async () => {
    server = await startTestServer();
    const { socket: bot } = await shopper(server.wsUrl);
    bot.send({ type: 'typing' }); // talking to the bot: no agent needs to know
    const { socket, sessionId, itemId, token } = await queuedShopper();
    const agent = (await agentSocket(server.wsUrl, token)).socket;

    socket.send({ type: 'typing' });
    expect(await agent.nextOfType('typing')).toEqual({ type: 'typing', sessionId, itemId, from: 'shopper', active: true });
    socket.send({ type: 'typing' }); // within the throttle period: dropped
    socket.send({ type: 'typing', active: false });
    expect(await agent.nextOfType('typing')).toMatchObject({ sessionId, active: false });
    socket.send({ type: 'typing', active: false }); // already stopped: dropped
    server.clock.advance(TYPING_THROTTLE_MS - 1);
    socket.send({ type: 'typing' }); // a change of state passes at once
    expect(await agent.nextOfType('typing')).toMatchObject({ active: true });
    socket.send({ type: 'typing' });
    server.clock.advance(TYPING_THROTTLE_MS);
    socket.send({ type: 'typing' });
    expect(await agent.nextOfType('typing')).toMatchObject({ active: true });
    // A message after the frames above: everything before it has been handled.
    socket.send({ type: 'message', text: '아직인가요' });
    await agent.next((f) => f.type === 'entries' && JSON.stringify(f).includes('아직인가요'));
    expect(typingFrames(agent).map((f) => f['active'])).toEqual([true, false, true, true]);
    expect(typingFrames(agent).every((f) => f['sessionId'] === sessionId)).toBe(true);
    for (const s of [socket, bot, agent]) s.close();
  });

  it('shows the owning agent typing to the shopper, and refuses anyone else', async () => {
    server = await startTestServer({ config: { agents: [DEFAULT_AGENT, MINJI] } });
    const { socket, itemId, token } = await queuedShopper();
    const agent = (await agentSocket(server.wsUrl, token)).socket;
    const other = (await agentSocket(server.wsUrl, await login(server.url, 'minji', 'minji-pass-2025'))).socket;

    agent.send({ type: 'typing', itemId, ref: 'early' });
    expect(await agent.next((f) => f['ref'] === 'early')).toMatchObject({ type: 'error', code: 'not_owner' });
    agent.send({ type: 'claim', itemId });
    await agent.nextOfType('ack');
    agent.send({ type: 'typing', itemId });
    expect(await socket.nextOfType('typing')).toEqual({ type: 'typing', from: 'agent', active: true });
    other.send({ type: 'typing', itemId, ref: 'meddle' });
    expect(await other.next((f) => f['ref'] === 'meddle')).toMatchObject({ type: 'error', code: 'not_owner' });
    agent.send({ type: 'typing', itemId, active: false });
    expect(await socket.nextOfType('typing')).toEqual({ type: 'typing', from: 'agent', active: false });
    other.send({ type: 'typing', itemId: 'nope', ref: 'missing' });
    expect(await other.next((f) => f['ref'] === 'missing')).toMatchObject({ type: 'error', code: 'not_found' });
    for (const s of [socket, agent, other]) s.close();
  });
});

describe('read receipts', () => {
  it('tells the agents how far the shopper has read their messages', async () => {
    server = await startTestServer({ config: { agents: [DEFAULT_AGENT, MINJI] } });
    const { socket, sessionId, sessionToken, itemId, token } = await queuedShopper();
    const agent = (await agentSocket(server.wsUrl, token)).socket;
    await api(server.url, 'POST', `/api/agent/queue/${itemId}/claim`, { token });
    await api(server.url, 'POST', `/api/agent/queue/${itemId}/messages`, { token, body: { text: '안녕하세요, 상담원입니다.' } });
    const said = await socket.nextOfType('agent');
    const seq = said['seq'] as number;
    const stored = (await server.store.getTranscript(sessionId)).find((entry) => entry.from === 'agent');
    expect(seq).toBe(stored?.seq);

    expect((await api(server.url, 'GET', `/api/agent/queue/${itemId}/read`, { token })).body).toEqual({ sessionId, read: null });
    server.clock.advance(1500);
    socket.send({ type: 'read', seq });
    expect(await agent.nextOfType('read')).toEqual({ type: 'read', sessionId, itemId, seq, at: server.clock.now().toISOString() });
    socket.send({ type: 'read', seq }); // nothing new
    socket.send({ type: 'read', seq: 0 });
    expect(await socket.nextOfType('error')).toMatchObject({ code: 'invalid_frame' });
    expect(agent.frames.filter((f) => f.type === 'read')).toHaveLength(1);
    const minji = await login(server.url, 'minji', 'minji-pass-2025');
    expect((await api(server.url, 'GET', `/api/agent/queue/${itemId}/read`, { token: minji })).body.read).toEqual({ seq, at: server.clock.now().toISOString() });

    // Signed-in agents only.
    const path = `/api/agent/queue/${itemId}/read`;
    expect((await api(server.url, 'GET', path)).status).toBe(401);
    expect((await api(server.url, 'GET', path, { token: 'wrong' })).body.error.code).toBe('invalid_token');
    expect((await api(server.url, 'GET', path, { token: sessionToken })).body.error.code).toBe('invalid_token');
    socket.close();
    agent.close();
  });
});
