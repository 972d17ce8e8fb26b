// Auto-close on a fake clock: a conversation with an agent that has gone quiet gets a check-in in
// the agent's name, then is resolved if the shopper does not answer; anything either side writes
// starts the idle time again. Off by default.
import { afterEach, describe, expect, it } from 'vitest';
import { checkInText, idleState } from '../../src/desk/autoclose/idle.ts';
import { SHOP_MESSAGES } from '../shop-messages.ts';
import { agentSocket, login, shopper, startTestServer, type TestServer, type TestSocket } from '../server/helpers.ts';

let server: TestServer;
afterEach(async () => {
  await server?.close();
});

const MIN = 60_000;

async function claimed(): Promise<{ console: TestSocket; shopperSocket: TestSocket; itemId: string }> {
  const console = (await agentSocket(server.wsUrl, await login(server.url))).socket;
  const { socket: shopperSocket } = await shopper(server.wsUrl);
  shopperSocket.send({ type: 'message', text: '상담원 연결해 주세요' });
  await shopperSocket.nextOfType('handoff');
  const [item] = await server.store.listQueue(['waiting']);
  console.send({ type: 'claim', itemId: item!.id, ref: 'claim' });
  await console.next((f) => f.type === 'ack' && f['ref'] === 'claim');
  await shopperSocket.next((f) => f.type === 'handoff' && f['status'] === 'assigned');
  return { console, shopperSocket, itemId: item!.id };
}

describe('auto-close', () => {
  it('checks in on a quiet conversation, starts over when the shopper answers, and resolves it when they do not', async () => {
    server = await startTestServer({ config: { desk: { autoClose: { checkInMs: 5 * MIN, closeMs: 2 * MIN } } } });
    const { console, shopperSocket, itemId } = await claimed();
    const checkIn = checkInText(SHOP_MESSAGES, 'ko', 2 * MIN);
    expect(checkIn).toBe('아직 상담이 필요하신가요? 2분 동안 말씀이 없으시면 상담을 종료할게요. 언제든 다시 문의해 주세요.');

    // The agent writes at 3 minutes: the idle time starts again from there.
    server.clock.advance(3 * MIN);
    console.send({ type: 'message', itemId, text: '확인해 볼게요', ref: 'm1' });
    await console.next((f) => f.type === 'ack' && f['ref'] === 'm1');
    await shopperSocket.next((f) => f.type === 'agent' && f['text'] === '확인해 볼게요');
    server.clock.advance(3 * MIN);
    await new Promise((resolve) => setImmediate(resolve));
    expect(shopperSocket.frames.filter((f) => f.type === 'agent').map((f) => f['text'])).toEqual(['확인해 볼게요']);
    server.clock.advance(2 * MIN);
    expect(await shopperSocket.next((f) => f.type === 'agent' && f['text'] === checkIn)).toBeTruthy();

    // The shopper answers: no closing, and a new check-in five minutes later.
    shopperSocket.send({ type: 'message', text: '네 아직 있어요' });
    await console.next((f) => f.type === 'entries' && (f['entries'] as { text: string }[]).some((e) => e.text === '네 아직 있어요'));
    server.clock.advance(4 * MIN);
    expect((await server.store.getQueueItem(itemId))?.status).toBe('assigned');
    server.clock.advance(MIN);
    await shopperSocket.next((f) => f.type === 'agent' && f['text'] === checkIn);

    // No answer this time: resolved as the agent would, and the shopper is told.
    server.clock.advance(2 * MIN);
    expect(await shopperSocket.next((f) => f.type === 'handoff' && f['status'] === 'ended')).toEqual({ type: 'handoff', status: 'ended' });
    expect((await server.store.getQueueItem(itemId))?.status).toBe('resolved');
    console.close();
    shopperSocket.close();
  });

  it('is off unless configured', async () => {
    server = await startTestServer();
    const { console, shopperSocket, itemId } = await claimed();
    server.clock.advance(24 * 60 * MIN);
    await new Promise((resolve) => setImmediate(resolve));
    expect(shopperSocket.frames.filter((f) => f.type === 'agent')).toEqual([]);
    expect((await server.store.getQueueItem(itemId))?.status).toBe('assigned');
    console.close();
    shopperSocket.close();
  });

  it('reads where a conversation stands from its transcript after a restart', () => {
    const checkIn = checkInText(SHOP_MESSAGES, 'en', 10 * MIN);
    const at = (minute: number): string => new Date(Date.parse('2026-03-02T01:00:00.000Z') + minute * MIN).toISOString();
    const since = Date.parse(at(1));
    expect(idleState([{ at: at(0), from: 'shopper', text: 'hi' }, { at: at(1), from: 'system', text: 'joined' }], since, checkIn)).toEqual({ quietSinceMs: since, checkedIn: false });
    expect(idleState([{ at: at(2), from: 'agent', text: 'Hello' }, { at: at(4), from: 'shopper', text: 'ok' }], since, checkIn)).toEqual({ quietSinceMs: Date.parse(at(4)), checkedIn: false });
    // Stored before check-ins were marked: the sentence as the file has it now.
    expect(idleState([{ at: at(2), from: 'agent', text: 'Hello' }, { at: at(9), from: 'agent', text: checkIn }], since, checkIn)).toEqual({ quietSinceMs: Date.parse(at(9)), checkedIn: true });
  });

  it('knows the check-in by its mark, not its wording', () => {
    const at = (minute: number): string => new Date(Date.parse('2026-03-02T01:00:00.000Z') + minute * MIN).toISOString();
    const since = Date.parse(at(0));
    const now = checkInText(SHOP_MESSAGES, 'en', 2 * MIN);
    // Sent before a designer reworded the sentence (and before closeMs changed): still the check-in.
    const earlier = { at: at(5), from: 'agent' as const, text: 'Still with us? We will close this chat in 5 min.', automatic: 'check_in' };
    expect(idleState([earlier], since, now)).toEqual({ quietSinceMs: Date.parse(at(5)), checkedIn: true });
    // An agent who types the very words is not the check-in once entries are marked.
    expect(idleState([{ at: at(5), from: 'agent', text: now, automatic: 'canned' }], since, now).checkedIn).toBe(false);
    // The shopper answered after it: not checked in any more.
    expect(idleState([earlier, { at: at(6), from: 'shopper', text: 'yes' }], since, now)).toEqual({ quietSinceMs: Date.parse(at(6)), checkedIn: false });
  });
});
