// The shopper's wait estimate over the real sockets, on a fake clock: from the pace at which the
// agents took conversations lately, told with the position and again when it moves, and not at all
// when there is no pace yet or nobody online to answer.
import { afterEach, describe, expect, it } from 'vitest';
import { agentSocket, login, shopper, startTestServer, type TestServer, type TestSocket } from '../server/helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

const MIN = 60_000;
const config = { desk: { waitEstimate: { minSamples: 2 } } };

async function queued(text = '상담원 연결해 주세요'): Promise<{ socket: TestSocket; handoff: Record<string, unknown> }> {
  const { socket } = await shopper(server.wsUrl);
  socket.send({ type: 'message', text });
  return { socket, handoff: await socket.nextOfType('handoff') };
}

async function claimOldest(console: TestSocket): Promise<void> {
  const [oldest] = await server.server.desk.summaries();
  console.send({ type: 'claim', itemId: oldest!.id, ref: `claim-${oldest!.id}` });
  await console.next((f) => f.type === 'ack' && f['ref'] === `claim-${oldest!.id}`);
}

describe('wait estimate', () => {
  it('tells the shopper how long the queue has lately taken per place, and tells again when that moves', async () => {
    server = await startTestServer({ config });
    const console = (await agentSocket(server.wsUrl, await login(server.url))).socket;
    // No pace yet: the position only.
    const a = await queued();
    expect(a.handoff).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    server.clock.advance(2 * MIN);
    await claimOldest(console);
    const b = await queued();
    expect(b.handoff).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    server.clock.advance(2 * MIN);
    await claimOldest(console);

    // Two claims, the first three minutes ago: a place every minute and a half, told in whole minutes.
    server.clock.advance(MIN);
    const c = await queued();
    expect(c.handoff).toEqual({ type: 'handoff', status: 'queued', position: 1, estimatedWaitMs: 2 * MIN });
    server.clock.advance(1);
    const d = await queued();
    expect(d.handoff).toEqual({ type: 'handoff', status: 'queued', position: 2, estimatedWaitMs: 3 * MIN });

    // A minute on without a claim: the queue is slower than it was; the shopper whose estimate moved hears it.
    server.clock.advance(MIN);
    expect(await d.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'queued', position: 2, estimatedWaitMs: 4 * MIN });
    expect(c.socket.frames.filter((f) => f.type === 'handoff')).toHaveLength(1);

    // Nobody online: no number.
    console.close();
    await console.closed;
    server.clock.advance(MIN);
    expect(await c.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    expect(await d.socket.nextOfType('handoff')).toEqual({ type: 'handoff', status: 'queued', position: 2 });
    for (const shopperSocket of [a, b, c, d]) shopperSocket.socket.close();

    // After a restart the pace comes back from the recorded claims.
    const { store, clock } = server;
    await server.close();
    server = await startTestServer({ store, clock, config });
    const again = (await agentSocket(server.wsUrl, await login(server.url))).socket;
    const e = await queued();
    // Two claims, the first five minutes ago: a place every two and a half minutes. Fifth in line:
    // c and d still wait, and a and b went back to the queue when their agent stayed away.
    expect(e.handoff).toEqual({ type: 'handoff', status: 'queued', position: 5, estimatedWaitMs: 13 * MIN });
    again.close();
    e.socket.close();
  });

  it('is off when the config says so', async () => {
    server = await startTestServer({ config: { desk: { waitEstimate: { enabled: false, minSamples: 1 } } } });
    const console = (await agentSocket(server.wsUrl, await login(server.url))).socket;
    await queued();
    server.clock.advance(MIN);
    await claimOldest(console);
    const next = await queued();
    expect(next.handoff).toEqual({ type: 'handoff', status: 'queued', position: 1 });
    console.close();
    next.socket.close();
  });
});
