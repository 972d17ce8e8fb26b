// Facts recorded by the real turn pipeline and hand-off desk, read back over the admin API:
// one fact per turn, the desk's events timed by the clock, a resumed session still one
// conversation, and the analytics routes closed to shoppers and to agents who are not admins.
import { afterEach, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../src/channels/webhook/route.ts';
import { hashPassword } from '../../src/config/passwords.ts';
import { postSkill, skillRequest } from '../channels/kakao-helpers.ts';
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

  it('records the channel each conversation is held on, and splits and filters the figures by it', async () => {
    const secret = 'webhook-secret-0123456789abcdef-xyz';
    server = await startTestServer({ config: { channels: { webhook: { secret } } } });
    const alice = await shopper(server.wsUrl);
    alice.socket.send({ type: 'message', text: '배송 언제 와요' });
    await alice.socket.nextOfType('bot');
    expect((await postSkill(server.url, skillRequest({ utterance: '상담원 연결', userId: 'kakao-user-1' }))).status).toBe(200);
    const raw = JSON.stringify({ id: 'm1', user: 'line:U1', text: '주문 조회' });
    const hook = await fetch(`${server.url}/channels/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-daehwa-signature': signWebhookBody(secret, raw) }, body: raw });
    expect(hook.status).toBe(200);
    await server.server.desk.summaries(); // the kakao hand-off is queued

    const facts = await server.store.listFacts({ from: '2025-03-04T00:00:00.000Z', to: '2025-03-05T00:00:00.000Z' });
    const channelOf = new Map(facts.map((f) => [f.sessionId, f.channel]));
    expect([...channelOf.values()].sort()).toEqual(['kakao', 'web', 'webhook']);
    expect(channelOf.get(alice.session.sessionId)).toBe('web');
    // The desk's facts name the channel too.
    expect(facts.filter((f) => f.kind === 'desk').map((f) => f.channel)).toEqual(['kakao']);

    const token = await login(server.url);
    const all = await api(server.url, 'GET', `/api/admin/analytics/report?${range}`, { token });
    expect(all.body.conversations.byChannel).toEqual({ kakao: 1, web: 1, webhook: 1 });
    expect(Object.keys(all.body.channels).sort()).toEqual(['kakao', 'web', 'webhook']);
    expect(all.body.channels.kakao).toMatchObject({ conversations: 1, turns: 1, handoffs: { count: 1, of: 1 } });
    const kakao = await api(server.url, 'GET', `/api/admin/analytics/report?${range}&channel=kakao`, { token });
    expect(kakao.body.conversations.total).toBe(1);
    expect(kakao.body.handoffs.total.count).toBe(1);
    const rows = await api(server.url, 'GET', `/api/admin/analytics/conversations?${range}&channel=webhook`, { token });
    expect(rows.body.rows.map((r: { channel: string }) => r.channel)).toEqual(['webhook']);
  });

  it('records nothing with analytics.recordFacts off', async () => {
    server = await startTestServer({ config: { analytics: { recordFacts: false } } });
    const alice = await shopper(server.wsUrl);
    alice.socket.send({ type: 'message', text: '상담원 연결' });
    await alice.socket.nextOfType('handoff');
    expect(await server.store.listFacts({ from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' })).toEqual([]);
  });

  it('serves the /dashboard page to signed-in admins only: the console signs in, a cookie opens the page and its data', async () => {
    server = await startTestServer({
      config: { agents: [{ id: 'agent', name: 'Admin', role: 'admin', passwordHash: await hashPassword('daehwa-demo') }, { id: 'mina', name: 'Mina', role: 'agent', passwordHash: await hashPassword('mina-password') }] },
    });
    const page = (cookie?: string) => fetch(`${server.url}/dashboard`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    const anonymous = await page();
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/console?next=%2Fdashboard');
    expect(await anonymous.text()).not.toContain('chart-day');
    expect((await page('daehwa_dashboard=forged.token')).status).toBe(303);
    const file = await fetch(`${server.url}/dashboard.html`, { redirect: 'manual' });
    expect([file.status, file.headers.get('location')]).toEqual([301, '/dashboard']);

    // An agent who is not an admin gets no cookie, and their token in one opens nothing.
    const agent = await login(server.url, 'mina', 'mina-password');
    expect((await fetch(`${server.url}/api/admin/analytics/session`, { method: 'POST', headers: { authorization: `Bearer ${agent}` } })).status).toBe(403);
    const notAdmin = await page(`daehwa_dashboard=${agent}`);
    expect(notAdmin.status).toBe(403);
    expect(await notAdmin.text()).toContain('Only admins');
    expect((await fetch(`${server.url}/api/admin/analytics/report?${range}`, { headers: { cookie: `daehwa_dashboard=${agent}` } })).status).toBe(403);

    const admin = await login(server.url);
    const session = await fetch(`${server.url}/api/admin/analytics/session`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    expect(session.status).toBe(204);
    const setCookie = session.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^daehwa_dashboard=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=4320\d$/);
    const cookie = setCookie.split(';')[0] as string;
    const served = await page(cookie);
    expect(served.status).toBe(200);
    expect(served.headers.get('cache-control')).toBe('no-store');
    expect(await served.text()).toContain('chart-day');
    // The data API takes the cookie as it takes a Bearer token.
    expect((await fetch(`${server.url}/api/admin/analytics/report?${range}`, { headers: { cookie } })).status).toBe(200);

    // Sign-out: the cookie is cleared and the token revoked, here and for the console.
    const out = await fetch(`${server.url}/api/admin/analytics/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await page(cookie)).status).toBe(303);
    expect((await api(server.url, 'GET', '/api/agent/me', { token: admin })).status).toBe(401);
    expect((await server.store.listAudit()).map((e) => e.action)).toContain('sign_out');
  });
});

