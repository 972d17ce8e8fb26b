// Teams over the real sockets: routing to a team's queue by language and topic (with places
// counted per team), claim rights, auto-assignment in turn within capacity, presence shown to
// colleagues, and an agent going offline giving their conversations back after the grace period.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_AGENT, type ConfigInput } from '../../src/config/schema.ts';
import { agentSocket, api, login, shopper, startTestServer, type Frame, type TestServer, TestSocket, waitFor } from '../server/helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

const account = (id: string, name: string, role: 'agent' | 'admin' = 'agent') => ({ id, name, passwordHash: DEFAULT_AGENT.passwordHash, role });
const AGENTS = [account('lead', '팀장', 'admin'), account('mina', '미나'), account('joon', '준'), account('tom', 'Tom')];

type Item = { id: string; sessionId: string; status: string; position: number | null; team: string | null; agentId?: string };
const itemsOf = (frame: Frame): Item[] => frame['items'] as Item[];

async function signIn(agentId: string, presence?: string): Promise<TestSocket> {
  const token = await login(server.url, agentId);
  if (presence === undefined) return (await agentSocket(server.wsUrl, token)).socket;
  const socket = await TestSocket.open(`${server.wsUrl}/agent/ws`);
  socket.send({ type: 'auth', token, presence });
  await socket.nextOfType('queue');
  return socket;
}

/** A shopper who asked for a person; `locale` as the widget says, `before` what they said first. */
async function handedOff(text: string, locale: 'ko' | 'en' = 'ko', before?: string): Promise<{ socket: TestSocket; sessionId: string; handoff: Frame }> {
  const { socket, session } = await shopper(server.wsUrl, { locale });
  if (before) {
    socket.send({ type: 'message', text: before });
    await socket.nextOfType('bot');
  }
  socket.send({ type: 'message', text });
  const handoff = await socket.nextOfType('handoff');
  return { socket, sessionId: session.sessionId, handoff };
}

async function itemOf(sessionId: string): Promise<Item> {
  let found: Item | undefined;
  await waitFor(async () => {
    const all = (await server.store.listQueue()).filter((item) => item.sessionId === sessionId);
    const item = all.at(-1);
    found = item ? { id: item.id, sessionId, status: item.status, position: null, team: (item.context['team'] as string | undefined) ?? null, ...(item.agentId ? { agentId: item.agentId } : {}) } : undefined;
    return found !== undefined;
  });
  return found!;
}

const TEAMS: ConfigInput['desk'] = {
  teams: [
    { id: 'delivery', name: '배송', languages: ['ko'], members: ['mina', 'joon'] },
    { id: 'global', name: 'Global', languages: ['en'], members: ['tom'] },
  ],
  routing: { rules: [{ team: 'global', locales: ['en'] }, { team: 'delivery', intents: ['order.status'] }], defaultTeam: 'delivery' },
};

describe('routing to teams', () => {
  it('puts each hand-off in its team\'s queue, counts places per team, and keeps other teams\' conversations from agents outside them', async () => {
    server = await startTestServer({ config: { agents: AGENTS, desk: TEAMS } });
    const lead = await signIn('lead');
    const first = await handedOff('상담원 연결해 주세요', 'ko', '배송 언제 와요?');
    expect(first.handoff).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    server.clock.advance(1000); // distinct times: the queue lists oldest first, and equal times have no order
    const english = await handedOff('I want to talk to an agent', 'en');
    // First in the English team's queue, though second in the building.
    expect(english.handoff).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    server.clock.advance(1000);
    const second = await handedOff('상담원이요');
    expect(second.handoff).toEqual({ type: 'handoff', status: 'queued', position: 2 });

    const queue = await lead.next((f) => f.type === 'queue' && itemsOf(f).length === 3, 'queue of three');
    expect(itemsOf(queue).map((item) => [item.sessionId, item.team, item.position])).toEqual([
      [first.sessionId, 'delivery', 1],
      [english.sessionId, 'global', 1],
      [second.sessionId, 'delivery', 2],
    ]);

    // Tom answers English only: a Korean delivery conversation is not his to take, over the socket or REST.
    const tom = await signIn('tom');
    const delivery = await itemOf(first.sessionId);
    tom.send({ type: 'claim', itemId: delivery.id, ref: 'c1' });
    expect(await tom.next((f) => f.type === 'error' && f['ref'] === 'c1')).toMatchObject({ code: 'other_team', message: `queue item ${delivery.id} is for team 배송 (delivery); tom is not in it` });
    const refused = await api(server.url, 'POST', `/api/agent/queue/${delivery.id}/claim`, { token: await login(server.url, 'tom') });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'other_team' } } });

    // A member takes it: the next Korean shopper moves up; the English one's place does not change.
    const mina = await signIn('mina');
    mina.send({ type: 'claim', itemId: delivery.id, ref: 'c2' });
    expect(await mina.next((f) => f.type === 'ack' && f['ref'] === 'c2')).toMatchObject({ item: { status: 'assigned', agentId: 'mina' } });
    // (A retold wait estimate may come first: the frame that matters is the new place.)
    expect(await second.socket.next((f) => f.type === 'handoff' && f['position'] === 1, 'the new place')).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    // An admin (a lead) may take any team's conversation.
    const englishItem = await itemOf(english.sessionId);
    lead.send({ type: 'claim', itemId: englishItem.id, ref: 'c3' });
    expect(await lead.next((f) => f.type === 'ack' && f['ref'] === 'c3')).toMatchObject({ item: { agentId: 'lead' } });
    // The English shopper's place never moved (a retold wait estimate repeats the same place).
    expect(english.socket.frames.filter((f) => f.type === 'handoff' && f['status'] === 'queued').map((f) => f['position'])).toSatisfy((places: unknown[]) => places.length >= 1 && places.every((p) => p === 1));
    for (const socket of [lead, tom, mina, first.socket, english.socket, second.socket]) socket.close();
  });
});

describe('auto-assignment', () => {
  const desk: ConfigInput['desk'] = {
    teams: [{ id: 'delivery', name: '배송', members: ['mina', 'joon'], maxConcurrent: 1, autoAssign: true }],
    routing: { defaultTeam: 'delivery' },
  };

  it('gives conversations to online members in turn, within their ceiling, and the next one when a place opens', async () => {
    server = await startTestServer({ config: { agents: AGENTS, desk } });
    const mina = await signIn('mina');
    const joon = await signIn('joon');

    const one = await handedOff('상담원 연결해 주세요');
    expect(await one.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'assigned' });
    expect((await itemOf(one.sessionId)).agentId).toBe('mina');
    const two = await handedOff('상담원이요');
    expect(await two.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'assigned' });
    expect((await itemOf(two.sessionId)).agentId).toBe('joon');
    // Both are at their ceiling of one: the third waits.
    const three = await handedOff('상담원 부탁해요');
    expect(three.handoff).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    await server.server.desk.summaries();
    expect((await itemOf(three.sessionId)).status).toBe('waiting');
    // The system line names the agent, as a claim by hand does.
    const transcript = await server.store.getTranscript(one.sessionId);
    expect(transcript.some((entry) => entry.from === 'system' && entry.text === '미나 (mina) joined the conversation')).toBe(true);

    // Mina finishes one: the waiting conversation is hers (her turn after Joon's).
    mina.send({ type: 'resolve', itemId: (await itemOf(one.sessionId)).id });
    expect(await three.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'assigned' });
    expect((await itemOf(three.sessionId)).agentId).toBe('mina');

    // Joon steps away, then finishes his: nobody is free, the next one waits until he is back.
    joon.send({ type: 'presence', status: 'away' });
    joon.send({ type: 'resolve', itemId: (await itemOf(two.sessionId)).id });
    await joon.nextOfType('ack');
    const four = await handedOff('상담원 연결');
    expect(four.handoff).toMatchObject({ status: 'queued', position: 1 });
    expect((await itemOf(four.sessionId)).status).toBe('waiting');
    joon.send({ type: 'presence', status: 'online' });
    expect(await four.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'assigned' });
    expect((await itemOf(four.sessionId)).agentId).toBe('joon');
    for (const socket of [mina, joon, one.socket, two.socket, three.socket, four.socket]) socket.close();
  });

  it('assigns a conversation that waited to the first member who signs in', async () => {
    server = await startTestServer({ config: { agents: AGENTS, desk } });
    const waiting = await handedOff('상담원 연결해 주세요');
    expect(waiting.handoff).toMatchObject({ status: 'queued' });
    const joon = await signIn('joon');
    expect(await waiting.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'assigned' });
    expect((await itemOf(waiting.sessionId)).agentId).toBe('joon');
    // A console that remembered "away" signs in away: nothing is assigned to it.
    const later = await handedOff('상담원이요');
    await signIn('mina', 'away');
    await server.server.desk.summaries();
    expect((await itemOf(later.sessionId)).status).toBe('waiting');
    joon.close();
    waiting.socket.close();
    later.socket.close();
  });
});

describe('presence', () => {
  type Roster = { agents: { id: string; status: string; teams: string[]; maxConcurrent: number | null }[]; teams: { id: string; name: string }[] };
  const statusIn = (frame: Frame, id: string): string | undefined => (frame as unknown as Roster).agents.find((agent) => agent.id === id)?.status;

  it('shows colleagues who is online, away or offline', async () => {
    server = await startTestServer({ config: { agents: AGENTS, desk: TEAMS } });
    const lead = await signIn('lead');
    const roster = (await lead.nextOfType('roster')) as unknown as Roster;
    expect(roster.teams).toEqual([
      { id: 'delivery', name: '배송', languages: ['ko'], autoAssign: false },
      { id: 'global', name: 'Global', languages: ['en'], autoAssign: false },
    ]);
    expect(roster.agents.map((agent) => [agent.id, agent.status, agent.teams, agent.maxConcurrent])).toEqual([
      ['lead', 'online', [], null],
      ['mina', 'offline', ['delivery'], 3],
      ['joon', 'offline', ['delivery'], 3],
      ['tom', 'offline', ['global'], 3],
    ]);
    const mina = await signIn('mina');
    await lead.next((f) => f.type === 'roster' && statusIn(f, 'mina') === 'online', 'mina online');
    mina.send({ type: 'presence', status: 'away' });
    await lead.next((f) => f.type === 'roster' && statusIn(f, 'mina') === 'away', 'mina away');
    mina.close();
    await lead.next((f) => f.type === 'roster' && statusIn(f, 'mina') === 'offline', 'mina offline');
    lead.close();
  });

  it('gives an agent who goes offline\'s conversations back to the queue after the grace period, unless they come back in time', async () => {
    server = await startTestServer({ config: { agents: AGENTS, desk: TEAMS, handoff: { agentGraceMs: 30_000 } } });
    const mina = await signIn('mina');
    const shopperOne = await handedOff('상담원 연결해 주세요');
    const item = await itemOf(shopperOne.sessionId);
    mina.send({ type: 'claim', itemId: item.id, ref: 'c' });
    await mina.next((f) => f.type === 'ack');
    await shopperOne.socket.next((f) => f.type === 'handoff' && f['status'] === 'assigned');

    // Offline, and back within the grace period: still hers.
    mina.send({ type: 'presence', status: 'offline' });
    await waitFor(async () => server.clock.pendingDelays().includes(30_000));
    server.clock.advance(20_000);
    mina.send({ type: 'presence', status: 'online' });
    // The grace timer (10 seconds left) is gone once the server has taken her back.
    await waitFor(async () => !server.clock.pendingDelays().includes(10_000));
    server.clock.advance(20_000);
    expect((await itemOf(shopperOne.sessionId)).status).toBe('assigned');

    // Offline past it: the conversation waits again, with its place.
    mina.send({ type: 'presence', status: 'offline' });
    await waitFor(async () => server.clock.pendingDelays().includes(30_000));
    server.clock.advance(30_000);
    expect(await shopperOne.socket.next((f) => f.type === 'handoff' && f['status'] === 'queued')).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    expect((await itemOf(shopperOne.sessionId)).status).toBe('waiting');
    mina.close();
    shopperOne.socket.close();
  });
});
