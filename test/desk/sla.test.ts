// First-response SLA on a fake clock: amber near the target, red and a recorded breach past it,
// nothing for a conversation an agent took in time.
import { afterEach, describe, expect, it } from 'vitest';
import { agentSocket, login, shopper, startTestServer, type Frame, type TestServer, type TestSocket, waitFor } from '../server/helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

const TARGET = 60_000;

async function queued(text = '상담원 연결해 주세요'): Promise<TestSocket> {
  const { socket } = await shopper(server.wsUrl);
  socket.send({ type: 'message', text });
  await socket.nextOfType('handoff');
  return socket;
}

const slaStates = (frame: Frame): unknown[] => (frame['items'] as { sla: { state: string } | null }[]).map((item) => item.sla?.state ?? null);

describe('first-response SLA', () => {
  it('turns a waiting conversation amber, then red, records the breach once and alerts the consoles', async () => {
    server = await startTestServer({ config: { desk: { sla: { firstResponseMs: { normal: TARGET, high: 30_000 }, warnRatio: 0.75 } } } });
    const token = await login(server.url);
    const console = (await agentSocket(server.wsUrl, token)).socket;
    const shopperSocket = await queued();
    const first = await console.next((f) => f.type === 'queue' && (f['items'] as unknown[]).length === 1);
    expect(first['items']).toEqual([expect.objectContaining({ sla: { state: 'ok', waitedMs: 0, targetMs: TARGET, dueAt: new Date(server.clock.nowMs() + TARGET).toISOString() } })]);

    server.clock.advance(TARGET * 0.75);
    expect(slaStates(await console.next((f) => f.type === 'queue' && slaStates(f)[0] === 'warning'))).toEqual(['warning']);
    expect(await server.store.listSlaBreaches()).toEqual([]);

    server.clock.advance(TARGET * 0.25);
    const alert = await console.nextOfType('sla_breach');
    const [item] = await server.store.listQueue(['waiting']);
    expect(alert['breach']).toEqual({
      id: `${item!.id}-first_response`,
      itemId: item!.id,
      sessionId: item!.sessionId,
      kind: 'first_response',
      priority: 'normal',
      team: null,
      targetMs: TARGET,
      since: item!.createdAt,
      breachedAt: server.clock.now().toISOString(),
    });
    await console.next((f) => f.type === 'queue' && slaStates(f)[0] === 'breached');
    expect(await server.store.listSlaBreaches()).toEqual([alert['breach']]);
    server.clock.advance(10 * TARGET);
    expect(await server.store.listSlaBreaches()).toHaveLength(1);
    console.close();
    shopperSocket.close();
  });

  it('records nothing for a conversation taken before its target, and counts from the start after a restart', async () => {
    server = await startTestServer({ config: { desk: { sla: { firstResponseMs: { normal: TARGET, high: TARGET } } } } });
    const token = await login(server.url);
    const shopperSocket = await queued();
    const [item] = await server.store.listQueue(['waiting']);
    server.clock.advance(TARGET - 1);
    const console = (await agentSocket(server.wsUrl, token)).socket;
    console.send({ type: 'claim', itemId: item!.id });
    await console.nextOfType('ack');
    server.clock.advance(TARGET);
    expect(await server.store.listSlaBreaches()).toEqual([]);
    console.close();
    shopperSocket.close();

    // A server started on a store with a conversation already waiting: its wait began at enqueue.
    const { store, clock } = server;
    await server.close();
    const { agentId: _taken, ...unclaimed } = item!;
    await store.putQueueItem({ ...unclaimed, id: 'q-old', status: 'waiting', createdAt: new Date(clock.nowMs() - TARGET / 2).toISOString() });
    server = await startTestServer({ store, clock, config: { desk: { sla: { firstResponseMs: { normal: TARGET, high: TARGET } } } } });
    clock.advance(TARGET / 2 - 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.listSlaBreaches()).toEqual([]);
    clock.advance(1);
    await waitFor(async () => (await store.listSlaBreaches()).length > 0);
    expect((await store.listSlaBreaches()).map((b) => b.itemId)).toEqual(['q-old']);
  });
});
