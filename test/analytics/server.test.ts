// Facts recorded by the real turn pipeline and hand-off desk, read back over the admin API:
// one fact per turn, the desk's events timed by the clock, a resumed session still one
// conversation, and the analytics routes closed to shoppers and to agents who are not admins.
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/config/passwords.ts';
import { api, login, shopper, startTestServer, waitFor, type TestServer } from '../server/helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

const DAY = '2025-03-04'; // OPEN_HOURS is 10:00 in Seoul on this day
const range = `from=${DAY}&to=${DAY}`;

describe('analytics facts from the turn pipeline', () => {
  it('records one fact per turn and the desk events, and the report counts them', async () => {
    server = await startTestServer();
    const alice = await shopper(server.wsUrl);
    alice.socket.send({ type: 'message', text: '배송 언제 와요 010-1234-5678' });
    await alice.socket.nextOfType('bot');
    alice.socket.send({ type: 'message', text: 'blorp' });
    await alice.socket.nextOfType('bot');
    alice.socket.send({ type: 'message', text: '상담원 연결' });
    await alice.socket.nextOfType('handoff');

    const facts = await server.store.listFacts({ from: '2025-03-04T00:00:00.000Z', to: '2025-03-05T00:00:00.000Z' });
    expect(facts.filter((f) => f.kind === 'turn')).toHaveLength(3);
    const [first, second] = facts;
    expect(first).toMatchObject({ kind: 'turn', sessionId: alice.session.sessionId, intent: 'order.status', input: 'text', fallback: false, flow: 'echo', step: 'turn_1' });
    // The phone number is masked in the fact.
    expect(first?.kind === 'turn' && first.text).toBe('배송 언제 와요 [PHONE]');
    expect(second).toMatchObject({ intent: 'None', fallback: true });
    expect(facts.filter((f) => f.kind === 'desk').map((f) => f.kind === 'desk' && [f.event, f.reason])).toEqual([['queued', 'user_request']]);

    const token = await login(server.url);
    const item = (await api(server.url, 'GET', '/api/agent/queue', { token })).body.items[0];
    server.clock.advance(30_000);
    await api(server.url, 'POST', `/api/agent/queue/${item.id}/claim`, { token });
    server.clock.advance(10_000);
    await api(server.url, 'POST', `/api/agent/queue/${item.id}/messages`, { token, body: { text: '안녕하세요' } });
    server.clock.advance(60_000);
    await api(server.url, 'POST', `/api/agent/queue/${item.id}/hand-back`, { token });

    // Resumed: the same session, the same conversation.
    alice.socket.close();
    server.clock.advance(60_000);
    const again = await shopper(server.wsUrl, { sessionToken: alice.session.sessionToken });
    expect(again.session.resumed).toBe(true);
    again.socket.send({ type: 'message', text: 'hello' });
    await again.socket.nextOfType('bot');
    again.socket.close();

    server.clock.advance(3 * 3600_000); // past the idle timeout: the conversation is over
    const report = await api(server.url, 'GET', `/api/admin/analytics/report?${range}`, { token });
    expect(report.status).toBe(200);
    expect(report.body.conversations.total).toBe(1);
    expect(report.body.conversations.outcomes.handed_to_person).toBe(1);
    expect(report.body.turns.text).toBe(4);
    expect(report.body.turns.fallback).toEqual({ count: 1, of: 4, rate: 0.25 });
    expect(report.body.handoffs.byReason).toEqual({ user_request: { count: 1, of: 1, rate: 1 } });
    expect(report.body.agents).toMatchObject({
      items: 1,
      handedBack: 1,
      queueWait: { count: 1, medianSeconds: 30 },
      firstResponse: { count: 1, medianSeconds: 40 },
      resolution: { count: 1, medianSeconds: 100 },
    });
    // The store's survey records are read: none were answered in this conversation.
    expect(report.body.satisfaction).toMatchObject({ csat: { asked: 0, answered: 0 }, nps: { asked: 0 } });

    const drill = await api(server.url, 'GET', `/api/admin/analytics/conversations?${range}&by=outcome&value=handed_to_person`, { token });
    expect(drill.body.rows.map((r: { sessionId: string }) => r.sessionId)).toEqual([alice.session.sessionId]);
    const transcript = await api(server.url, 'GET', `/api/admin/analytics/transcript/${alice.session.sessionId}`, { token });
    expect(JSON.stringify(transcript.body)).not.toContain('010-1234-5678');
    expect(transcript.body.transcript[0]).toMatchObject({ from: 'shopper', text: '배송 언제 와요 [PHONE]' });

    const csv = await fetch(`${server.url}/api/admin/analytics/conversations.csv?${range}`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const body = await csv.text();
    expect(body.split('\r\n')[0]).toBe('sessionId,startedDay,startedHour,locale,channel,outcome,handoffReason,intents,themes,firstLine');
    expect(body).toContain('[PHONE]');
    expect(body).not.toMatch(/010-?1234-?5678/);
  });

  it('refuses the analytics API without a sign-in (401) and to agents who are not admins (403)', async () => {
    server = await startTestServer({
      config: { agents: [{ id: 'agent', name: 'Admin', role: 'admin', passwordHash: await hashPassword('daehwa-demo') }, { id: 'mina', name: 'Mina', role: 'agent', passwordHash: await hashPassword('mina-password') }] },
    });
    const paths = [`/api/admin/analytics/report?${range}`, `/api/admin/analytics/conversations?${range}`, `/api/admin/analytics/conversations.csv?${range}`, `/api/admin/analytics/inbox?${range}`, '/api/admin/analytics/transcript/s1'];
    const agent = await login(server.url, 'mina', 'mina-password');
    const admin = await login(server.url);
    for (const path of paths) {
      expect([path, (await fetch(`${server.url}${path}`)).status]).toEqual([path, 401]);
      expect([path, (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${agent}` } })).status]).toEqual([path, 403]);
    }
    expect((await api(server.url, 'GET', `/api/admin/analytics/report?${range}`, { token: admin })).status).toBe(200);
    const bad = await api(server.url, 'GET', `/api/admin/analytics/report?from=2025-03-05&to=${DAY}`, { token: admin });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_query' } } });
    expect(bad.body.error.message).toContain("'from' must not be after 'to'");
  });
});
