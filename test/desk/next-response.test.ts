// Next-response SLA on a fake clock: the shopper waiting for the agent who has the conversation,
// from the claim and from their first unanswered message; the breach recorded once per wait, the
// consoles alerted, the signed webhook told; a webhook that is down or hangs blocks nothing.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { breachWebhook } from '../../src/desk/sla/webhook.ts';
import type { SlaBreach } from '../../src/store/types.ts';
import { agentSocket, login, shopper, startTestServer, type Frame, type TestServer, type TestSocket, waitFor } from '../server/helpers.ts';

let server: TestServer;
let receiver: Server | null = null;
afterEach(async () => {
  await server?.close();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  receiver = null;
});

const TARGET = 60_000;
const SECRET = 'a-webhook-secret-of-at-least-32-characters';

type Received = { headers: IncomingMessage['headers']; body: string };

/** A webhook receiver on a free port; `answer` is the status it gives, `hang` never answers. */
async function startReceiver(options: { answer?: number; hang?: boolean } = {}): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      if (!options.hang) response.writeHead(options.answer ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/sla?token=abc`, received };
}

async function claimedConversation(): Promise<{ console: TestSocket; shopperSocket: TestSocket; itemId: string }> {
  const console = (await agentSocket(server.wsUrl, await login(server.url))).socket;
  const { socket: shopperSocket } = await shopper(server.wsUrl);
  shopperSocket.send({ type: 'message', text: '상담원 연결해 주세요' });
  await shopperSocket.nextOfType('handoff');
  const [item] = await server.store.listQueue(['waiting']);
  console.send({ type: 'claim', itemId: item!.id, ref: 'claim' });
  await console.next((f) => f.type === 'ack' && f['ref'] === 'claim');
  return { console, shopperSocket, itemId: item!.id };
}

type Summary = { id: string; status: string; sla: { state: string; waitedMs: number; targetMs: number } | null };
/** The next-response SLA of the item in a queue frame, once it is assigned (undefined before). */
const slaOf = (frame: Frame, itemId: string): Summary['sla'] | undefined => {
  const item = (frame['items'] as Summary[]).find((candidate) => candidate.id === itemId);
  return item?.status === 'assigned' ? item.sla : undefined;
};

describe('next-response SLA', () => {
  it('counts from the claim, stops at the agent\'s answer, restarts at the shopper\'s next message, and records each breach once', async () => {
    const hook = await startReceiver();
    server = await startTestServer({ config: { desk: { sla: { nextResponseMs: { normal: TARGET, high: TARGET }, warnRatio: 0.5, webhook: { url: hook.url, secret: SECRET } } } } });
    const { console, shopperSocket, itemId } = await claimedConversation();
    const claimedAt = server.clock.now().toISOString();
    await console.next((f) => f.type === 'queue' && slaOf(f, itemId)?.state === 'ok', 'an assigned item with its clock running');

    server.clock.advance(TARGET / 2);
    await console.next((f) => f.type === 'queue' && slaOf(f, itemId)?.state === 'warning', 'amber');
    server.clock.advance(TARGET / 2);
    const alert = await console.nextOfType('sla_breach');
    const [item] = await server.store.listQueue(['assigned']);
    const first: SlaBreach = {
      id: `${itemId}-next_response-${Date.parse(claimedAt)}`,
      itemId,
      sessionId: item!.sessionId,
      kind: 'next_response',
      priority: 'normal',
      team: null,
      targetMs: TARGET,
      since: claimedAt,
      breachedAt: server.clock.now().toISOString(),
      agentId: 'agent',
    };
    expect(alert['breach']).toEqual(first);
    expect(await server.store.listSlaBreaches()).toEqual([first]);
    await console.next((f) => f.type === 'queue' && slaOf(f, itemId)?.state === 'breached', 'red');

    // The webhook got it, signed.
    await waitFor(async () => hook.received.length === 1);
    const [delivery] = hook.received;
    expect(JSON.parse(delivery!.body)).toEqual({ event: 'sla.breached', breach: first, sentAt: first.breachedAt });
    expect(delivery!.headers['x-daehwa-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(delivery!.body).digest('hex')}`);
    expect(delivery!.headers['x-daehwa-event']).toBe('sla.breached');
    expect(delivery!.headers['content-type']).toBe('application/json');

    // The agent answers: no clock.
    console.send({ type: 'message', itemId, text: '늦어서 죄송해요. 확인해 볼게요.' });
    await console.next((f) => f.type === 'queue' && slaOf(f, itemId) === null, 'no clock once answered');
    server.clock.advance(5 * TARGET);
    expect(await server.store.listSlaBreaches()).toHaveLength(1);

    // The shopper writes twice: the wait runs from the first.
    shopperSocket.send({ type: 'message', text: '네 기다릴게요' });
    const entry = await console.next((f) => f.type === 'entries' && (f['entries'] as { text: string }[]).some((e) => e.text === '네 기다릴게요'));
    const since = (entry['entries'] as { at: string }[])[0]!.at;
    expect(since).toBe(server.clock.now().toISOString());
    server.clock.advance(10_000);
    shopperSocket.send({ type: 'message', text: '혹시 아직인가요?' });
    await console.next((f) => f.type === 'entries' && (f['entries'] as { text: string }[]).some((e) => e.text === '혹시 아직인가요?'));
    server.clock.advance(TARGET - 10_000);
    const second = (await console.next((f) => f.type === 'sla_breach' && (f['breach'] as SlaBreach).since === since))['breach'] as SlaBreach;
    expect(second).toMatchObject({ kind: 'next_response', since, breachedAt: server.clock.now().toISOString() });
    await waitFor(async () => (await server.store.listSlaBreaches()).length === 2);

    // Resolved: nothing more.
    console.send({ type: 'resolve', itemId });
    await console.next((f) => f.type === 'ack' && (f['item'] as { status: string }).status === 'resolved');
    server.clock.advance(10 * TARGET);
    expect(await server.store.listSlaBreaches()).toHaveLength(2);
    console.close();
    shopperSocket.close();
  });

  it('picks up a conversation an agent already had after a restart', async () => {
    server = await startTestServer({ config: { desk: { sla: { nextResponseMs: { normal: TARGET, high: TARGET } } } } });
    const { console, shopperSocket, itemId } = await claimedConversation();
    console.send({ type: 'message', itemId, text: '안녕하세요' });
    await console.nextOfType('ack');
    server.clock.advance(1000);
    shopperSocket.send({ type: 'message', text: '주문이 안 왔어요' });
    await console.next((f) => f.type === 'entries' && (f['entries'] as { from: string }[]).some((e) => e.from === 'shopper'));
    const since = server.clock.now().toISOString();
    const { store, clock } = server;
    console.close();
    shopperSocket.close();
    await server.close();

    // The store remembers neither the claim's time nor the clock: both come back from the item and the transcript.
    server = await startTestServer({ store, clock, config: { desk: { sla: { nextResponseMs: { normal: TARGET, high: TARGET } } } } });
    clock.advance(TARGET - 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.listSlaBreaches()).toEqual([]);
    clock.advance(1);
    await waitFor(async () => (await store.listSlaBreaches()).length === 1);
    expect((await store.listSlaBreaches())[0]).toMatchObject({ itemId, kind: 'next_response', since });
  });

  it('records the breach and carries on when the webhook is down or hangs', async () => {
    const hanging = await startReceiver({ hang: true });
    server = await startTestServer({ config: { desk: { sla: { nextResponseMs: { normal: TARGET, high: TARGET }, webhook: { url: hanging.url, secret: SECRET, timeoutMs: 200 } } } } });
    const { console, shopperSocket, itemId } = await claimedConversation();
    server.clock.advance(TARGET);
    await console.nextOfType('sla_breach');
    await waitFor(async () => hanging.received.length === 1);
    // The desk answers while the webhook hangs.
    console.send({ type: 'message', itemId, text: '확인 중입니다' });
    expect(await shopperSocket.nextOfType('agent')).toMatchObject({ text: '확인 중입니다' });
    console.close();
    shopperSocket.close();
  });
});

describe('breach webhook', () => {
  const breach: SlaBreach = {
    id: 'q1-first_response',
    itemId: 'q1',
    sessionId: 's1',
    kind: 'first_response',
    priority: 'high',
    team: 'delivery',
    targetMs: 120_000,
    since: '2026-03-02T01:00:00.000Z',
    breachedAt: '2026-03-02T01:02:00.000Z',
  };
  const logged = (): { warn: unknown[][]; log: never } => {
    const warn: unknown[][] = [];
    return { warn, log: { warn: (...args: unknown[]) => warn.push(args) } as never };
  };

  it('logs a receiver that answers with an error, without the query string of its URL', async () => {
    const hook = await startReceiver({ answer: 500 });
    const { warn, log } = logged();
    await breachWebhook({ url: hook.url, secret: SECRET, timeoutMs: 1000 }, log, () => new Date(breach.breachedAt))(breach);
    expect(hook.received).toHaveLength(1);
    expect(warn).toEqual([[{ url: hook.url.replace('?token=abc', ''), status: 500, breach: breach.id }, 'the SLA breach webhook answered with an error']]);
  });

  it('logs a receiver that cannot be reached or does not answer in time, and never throws', async () => {
    const { warn, log } = logged();
    await breachWebhook({ url: 'http://127.0.0.1:1/nothing', secret: SECRET, timeoutMs: 1000 }, log, () => new Date())(breach);
    const hanging = await startReceiver({ hang: true });
    const started = Date.now();
    await breachWebhook({ url: hanging.url, secret: SECRET, timeoutMs: 150 }, log, () => new Date())(breach);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(warn.map(([, message]) => message)).toEqual(['the SLA breach webhook could not be reached', 'the SLA breach webhook could not be reached']);
  });
});
