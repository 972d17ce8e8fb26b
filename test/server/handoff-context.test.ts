// What an agent gets when a shopper asks for a person in the middle of a flow: the real model,
// flows, demo shop and server (as `daehwa serve` assembles them), the conversation driven over the
// shopper socket, and the queue item's context read back as an agent reads it. It must carry what
// the flow collected, so that nobody asks the shopper again, and pass the context's schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffContextSchema } from '../../src/handoff/context.ts';
import { api, login, shopper, startAssembled, type Frame, type TestServer } from './helpers.ts';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startAssembled();
  token = await login(server.url);
});
afterAll(async () => {
  await server?.close();
});

type Step = { say: string; expect: { flow: string | null; state?: string | null } } | { tap: string; expect: { flow: string | null; state?: string | null } };

/** Runs the steps (each answered by the bot where expected), then asks for a person; returns the agent's view of the item. */
async function handOffAfter(customerId: string, steps: Step[]): Promise<{ context: Record<string, unknown>; reason: string; priority: string }> {
  const { socket, session } = await shopper(server.wsUrl, { locale: 'ko', customerId });
  for (const step of steps) {
    socket.send('say' in step ? { type: 'message', text: step.say } : { type: 'quick_reply', payload: step.tap });
    // A turn may say several things (an apology, then the question): its last reply stands where the flow is.
    const { flow, state } = step.expect;
    await socket.next((f) => f.type === 'bot' && isMeta(f.meta, flow, state), `the bot at ${flow}/${String(state)}`);
  }
  socket.send({ type: 'message', text: '상담원 연결해 주세요' });
  await socket.nextOfType('handoff');
  const said = socket.frames.filter((f) => f.type === 'bot').at(-1);
  expect(said?.meta).toMatchObject({ intent: 'agent.request' });
  expect(socket.frames.filter((f) => f.type === 'handoff')).toEqual([expect.objectContaining({ status: 'queued' })]);
  socket.close();
  const { body } = await api(server.url, 'GET', '/api/agent/queue', { token });
  const item = (body.items as Frame[]).find((i) => i['sessionId'] === session.sessionId);
  expect(item).toBeDefined();
  const detail = await api(server.url, 'GET', `/api/agent/queue/${String(item?.['id'])}`, { token });
  expect(detail.status).toBe(200);
  const context = detail.body.item.context as Record<string, unknown>;
  // What the queue keeps passes the context's schema (agents are served it with e-mail addresses and phone numbers masked).
  const stored = await server.store.getQueueItem(String(item?.['id']));
  const parsed = handoffContextSchema.safeParse(stored?.context);
  expect(parsed.success, parsed.error?.message).toBe(true);
  expect(parsed.data?.slots).toEqual(context['slots']);
  return { context, reason: detail.body.item.reason, priority: detail.body.item.priority };
}

function isMeta(meta: unknown, flow: string | null, state: string | null | undefined): boolean {
  const m = meta as { flow?: unknown; state?: unknown } | undefined;
  return m?.flow === flow && (state === undefined || m.state === state);
}

describe('the hand-off context of a real flow', () => {
  it('defect: the order number, when the shopper asks for a person instead of describing the problem', async () => {
    const { context, reason } = await handOffAfter('c1009', [
      { say: '받은 상품에 문제가 있어요', expect: { flow: 'defect', state: 'ask_order' } },
      { say: '20261102', expect: { flow: 'defect', state: 'ask_problem' } },
    ]);
    expect(reason).toBe('user_request');
    expect(context).toMatchObject({ locale: 'ko', slots: { order_number: '20261102' }, order: { id: '20261102', customerId: 'c1009' }, customer: { id: 'c1009' } });
    const intents = context['intents'] as { intent: string; score: number }[];
    expect(intents.map((r) => r.intent)).toEqual(['product.defect', 'None', 'agent.request']);
    for (const reading of intents) expect(reading.score).toBeGreaterThan(0);
  });

  it('return_request: the order and the reason, asked for a person at the confirmation', async () => {
    const { context } = await handOffAfter('c1001', [
      { say: '20261012 반품하고 싶어요', expect: { flow: 'return_request', state: 'ask_reason' } },
      { tap: 'size', expect: { flow: 'return_request', state: 'ask_confirm' } },
    ]);
    expect(context).toMatchObject({ slots: { order_number: '20261012', line_id: '20261012-1', reason: 'size' }, order: { id: '20261012', status: 'delivered' } });
  });

  it('exchange: the order and the size wanted, from the first sentence', async () => {
    const { context } = await handOffAfter('c1002', [{ say: '20261107 운동화 270으로 교환하고 싶어요', expect: { flow: 'exchange', state: 'ask_confirm' } }]);
    expect(context).toMatchObject({ slots: { order_number: '20261107', to_shoe_size: 270 }, order: { id: '20261107' } });
  });

  it('order_status: the order looked up, remembered after the flow ended', async () => {
    const { context } = await handOffAfter('c1001', [
      { say: '배송 조회해 주세요', expect: { flow: 'order_status', state: 'ask_order' } },
      { say: '20261012', expect: { flow: 'order_status' } },
    ]);
    expect(context).toMatchObject({ slots: { order_number: '20261012' }, order: { id: '20261012' } });
  });
});
