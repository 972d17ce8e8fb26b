// Proactive nudges and the contextual FAQ over a real websocket: page_view brings the page's
// suggestions, dwell brings a nudge, the caps hold, a dismissal silences the visit, nothing is
// sent while people own the conversation, and bad event payloads change nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoShop } from '../../src/commerce/index.ts';
import type { CommercePort } from '../../src/commerce/types.ts';
import { createMemoryStore } from '../../src/store/memory.ts';
import type { TurnFact } from '../../src/store/types.ts';
import { RulesFileSchema, SuggestionsFileSchema } from '../../src/proactive/schema.ts';
import type { ProactiveConfig } from '../../src/proactive/loader.ts';
import { type Frame, OPEN_HOURS, shopper, startTestServer, type TestServer, type TestSocket } from './helpers.ts';

const proactive: ProactiveConfig = {
  notifications: { notifications: {} },
  rules: RulesFileSchema.parse({
    caps: { min_minutes_between: 10, max_per_day: 3, typing_quiet_seconds: 10 },
    rules: [
      {
        id: 'size_on_dwell',
        when: { trigger: 'dwell', seconds: 20 },
        if: { page: 'product' },
        do: { message: { ko: '사이즈 고민 중이신가요?', en: 'Not sure about the size?' }, quick_replies: [{ label: { ko: '사이즈 추천', en: 'Size advice' }, payload: 'intent:size.help' }] },
        once_per_visit: false,
      },
      { id: 'payment_declined', when: { trigger: 'checkout_error', code: 'payment_declined' }, do: { flow: 'payment_issue', slots: { problem: 'failed' } } },
    ],
  }),
  suggestions: SuggestionsFileSchema.parse({
    pages: {
      home: [{ label: { ko: '배송 조회', en: 'Where is my order?' }, payload: 'intent:order.status' }],
      product: [
        { label: { ko: '사이즈 추천', en: 'Size advice' }, payload: 'intent:size.help' },
        { label: { ko: '재고 확인', en: 'Stock' }, payload: 'intent:product.stock' },
        { label: { ko: '배송비', en: 'Shipping' }, payload: 'intent:shipping.fee' },
      ],
    },
  }),
};

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<TestServer> {
  server = await startTestServer({ deps: { proactive } });
  return server;
}

const productView = (productId = 'p101') => ({ type: 'event', name: 'page_view', data: { page: 'product', productId, category: 'top' } });
const dwell = (seconds = 20) => ({ type: 'event', name: 'dwell', data: { seconds } });

/** Sends a message and waits for its echo: every frame sent before it has been handled by then. */
async function settle(socket: TestSocket, text: string): Promise<void> {
  socket.send({ type: 'message', text });
  await socket.next((f) => f.type === 'bot' && String(f.text).endsWith(text), `the echo of "${text}"`);
}

const nudges = (socket: TestSocket): Frame[] => socket.frames.filter((f) => f.type === 'nudge');

describe('contextual FAQ', () => {
  it('sends the home page chips after hello and the product chips after a product page_view', async () => {
    const { wsUrl } = await start();
    const { socket } = await shopper(wsUrl);
    expect(await socket.nextOfType('suggestions')).toEqual({ type: 'suggestions', page: 'home', items: [{ label: '배송 조회', payload: 'intent:order.status' }] });
    socket.send(productView());
    const chips = await socket.nextOfType('suggestions');
    expect(chips.page).toBe('product');
    expect((chips.items as { label: string }[]).map((i) => i.label)).toEqual(['사이즈 추천', '재고 확인', '배송비']);
    socket.close();
  });

  it('counts a tapped chip by its payload, and not a payload that was never offered; the transcript keeps its label', async () => {
    const { wsUrl, url, store } = await start();
    const { socket, session } = await shopper(wsUrl);
    await socket.nextOfType('suggestions');
    socket.send({ type: 'quick_reply', payload: 'intent:order.status' });
    socket.send({ type: 'quick_reply', payload: 'intent:refund.status' });
    await settle(socket, 'done');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('daehwa_suggestion_taps_total{payload="intent:order.status"} 1');
    expect(metrics).not.toContain('payload="intent:refund.status"');
    const said = (await store.getTranscript(session.sessionId)).filter((e) => e.from === 'shopper').map((e) => e.text);
    expect(said).toEqual(['배송 조회', 'intent:refund.status', 'done']);
    socket.close();
  });
});

describe('proactive nudges', () => {
  it('dwell on a product page brings a nudge, kept in the transcript', async () => {
    const { wsUrl, store } = await start();
    const { socket, session } = await shopper(wsUrl);
    socket.send(productView());
    socket.send(dwell(20));
    const nudge = await socket.nextOfType('nudge');
    expect(nudge).toMatchObject({ rule: 'size_on_dwell', text: '사이즈 고민 중이신가요?', quickReplies: [{ label: '사이즈 추천', payload: 'intent:size.help' }] });
    const transcript = await store.getTranscript(session.sessionId);
    expect(transcript.at(-1)).toMatchObject({ from: 'bot', text: '사이즈 고민 중이신가요?', flow: 'proactive', state: 'size_on_dwell' });
    socket.close();
  });

  it('a short dwell brings nothing', async () => {
    const { wsUrl } = await start();
    const { socket } = await shopper(wsUrl);
    socket.send(productView());
    socket.send(dwell(5));
    await settle(socket, 'after');
    expect(nudges(socket)).toEqual([]);
    socket.close();
  });

  it('at most one nudge per 10 minutes', async () => {
    const { wsUrl, clock } = await start();
    const { socket } = await shopper(wsUrl);
    socket.send(productView());
    socket.send(dwell(20));
    await socket.nextOfType('nudge');
    clock.advance(9 * 60_000);
    socket.send(productView('p104'));
    socket.send(dwell(20));
    await settle(socket, 'nine minutes later');
    expect(nudges(socket)).toHaveLength(1);
    clock.advance(2 * 60_000);
    socket.send(dwell(30));
    await socket.nextOfType('nudge');
    expect(nudges(socket)).toHaveLength(2);
    socket.close();
  });

  it('a dismissal silences the rest of the visit, in every tab of the session', async () => {
    const { wsUrl, clock } = await start();
    const { socket, session } = await shopper(wsUrl);
    socket.send(productView());
    socket.send(dwell(20));
    await socket.nextOfType('nudge');
    socket.send({ type: 'dismiss', rule: 'size_on_dwell' });
    await settle(socket, 'dismissed');
    // Past the 10-minute cap, inside the 30-minute idle timeout: the same visit.
    clock.advance(20 * 60_000);
    const other = await shopper(wsUrl, { sessionToken: session.sessionToken });
    other.socket.send(productView('p104'));
    other.socket.send(dwell(60));
    await settle(other.socket, 'twenty minutes later');
    expect(nudges(socket)).toHaveLength(1);
    expect(nudges(other.socket)).toEqual([]);
    socket.close();
    other.socket.close();
  });

  it('nothing while the shopper types', async () => {
    const { wsUrl, clock } = await start();
    const { socket } = await shopper(wsUrl);
    socket.send(productView());
    socket.send({ type: 'typing' });
    socket.send(dwell(20));
    await settle(socket, 'typed');
    expect(nudges(socket)).toEqual([]);
    clock.advance(11_000);
    socket.send(dwell(30));
    await socket.nextOfType('nudge');
    socket.close();
  });

  it('no nudge while the conversation waits for an agent', async () => {
    const { wsUrl } = await start();
    const { socket } = await shopper(wsUrl);
    socket.send({ type: 'message', text: '상담원 연결해 주세요' });
    await socket.next((f) => f.type === 'handoff' && f.status === 'queued', 'queued');
    socket.send(productView());
    socket.send(dwell(60));
    socket.send({ type: 'event', name: 'checkout_error', data: { code: 'payment_declined' } });
    socket.send({ type: 'typing', active: false });
    // While queued the bot is silent: no reply to wait for, so give the frames time to be handled.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(nudges(socket)).toEqual([]);
    expect(socket.frames.filter((f) => f.type === 'bot')).toHaveLength(1);
    socket.close();
  });

  it('a declined payment starts the rule flow in the dialog; its replies arrive as nudges', async () => {
    const { wsUrl } = await start();
    const { socket } = await shopper(wsUrl);
    socket.send({ type: 'event', name: 'page_view', data: { page: 'checkout', cartValue: 52000 } });
    socket.send({ type: 'event', name: 'checkout_error', data: { code: 'payment_declined', orderNumber: '20261118' } });
    const nudge = await socket.nextOfType('nudge');
    // The scripted dialog echoes the input it got: the server's own start event.
    expect(nudge).toMatchObject({ rule: 'payment_declined', text: expect.stringContaining('event:daehwa.start_flow') });
    socket.close();
  });
});

describe('bad event frames', () => {
  it('a bad page event payload gets an error frame and changes nothing', async () => {
    const { wsUrl, store, url } = await start();
    const { socket, session } = await shopper(wsUrl);
    await socket.nextOfType('suggestions');
    const before = await store.getTranscript(session.sessionId);
    const metricsBefore = await (await fetch(`${url}/metrics`)).text();
    socket.send({ type: 'event', name: 'page_view', data: { page: 'landing' } });
    expect(await socket.nextOfType('error')).toMatchObject({ code: 'invalid_frame', message: expect.stringContaining('invalid "page_view" event: page:') });
    socket.send({ type: 'event', name: 'dwell', data: { seconds: 'long' } });
    expect(await socket.nextOfType('error')).toMatchObject({ code: 'invalid_frame', message: expect.stringContaining('seconds') });
    socket.send({ type: 'event', name: 'checkout_error', data: { code: 'card_melted' } });
    expect(await socket.nextOfType('error')).toMatchObject({ code: 'invalid_frame', message: expect.stringContaining('code') });
    socket.send({ type: 'event', name: 'daehwa.start_flow', data: { flow: 'cancel_order' } });
    expect(await socket.nextOfType('error')).toMatchObject({ code: 'invalid_frame', message: expect.stringContaining('server') });
    socket.send({ type: 'typing', active: 'yes' });
    expect(await socket.nextOfType('error')).toMatchObject({ code: 'invalid_frame', message: expect.stringContaining('active') });
    socket.send({ type: 'dismiss', why: 1 });
    expect(await socket.nextOfType('error')).toMatchObject({ code: 'invalid_frame' });
    expect(await store.getTranscript(session.sessionId)).toEqual(before);
    const metricsAfter = await (await fetch(`${url}/metrics`)).text();
    const turns = (text: string) => text.split('\n').filter((line) => line.startsWith('daehwa_turns_total'));
    expect(turns(metricsAfter)).toEqual(turns(metricsBefore));
    expect(socket.frames.filter((f) => f.type === 'suggestions')).toHaveLength(1);
    socket.close();
  });
});

describe('customer conditions', () => {
  it("a VIP's cart brings the VIP nudge, another grade's does not; the shop is asked once per visit", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'daehwa-tier-'));
    const shop = await createDemoShop({ dataDir: dir });
    const asked: string[] = [];
    // The demo shop, counting who it is asked about (its methods stay bound to it).
    const commerce = new Proxy(shop, {
      get(target, key) {
        if (key === 'getCustomer') return (id: string) => (asked.push(id), target.getCustomer(id));
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as CommercePort;
    const tiers: ProactiveConfig = {
      ...proactive,
      rules: RulesFileSchema.parse({
        caps: { min_minutes_between: 0, max_per_day: 10 },
        rules: [{ id: 'vip_cart', when: { trigger: 'page_view' }, if: { page: 'cart', customer_tier: 'VIP' }, do: { offer_person: { ko: 'VIP 고객님, 전담 상담원이 도와드릴까요?', en: 'VIP desk?' } }, once_per_visit: false }],
      }),
    };
    try {
      server = await startTestServer({ deps: { proactive: tiers, commerce } });
      const cart = { type: 'event', name: 'page_view', data: { page: 'cart' } };
      const vip = await shopper(server.wsUrl, { customerId: 'c1001' }); // VIP in the demo seed
      vip.socket.send(cart);
      expect(await vip.socket.nextOfType('nudge')).toMatchObject({ rule: 'vip_cart', text: 'VIP 고객님, 전담 상담원이 도와드릴까요?' });
      vip.socket.send(cart);
      await vip.socket.next((f) => f.type === 'nudge' && vip.socket.frames.filter((g) => g.type === 'nudge').length === 2, 'the second nudge');
      const silver = await shopper(server.wsUrl, { customerId: 'c1003' }); // SILVER
      silver.socket.send(cart);
      await settle(silver.socket, 'done');
      expect(nudges(silver.socket)).toEqual([]);
      expect(asked).toEqual(['c1001', 'c1003']);
      vip.socket.close();
      silver.socket.close();
    } finally {
      await shop.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the order of the suggested questions', () => {
  const askedOnProduct = (intent: string, minutesAgo: number): TurnFact => {
    const at = new Date(Date.parse(OPEN_HOURS) - minutesAgo * 60_000).toISOString();
    return {
      kind: 'turn', at, sessionId: `s-${minutesAgo}`, startedAt: at, locale: 'ko', channel: 'web', input: 'text', intent, score: 0.9,
      alternatives: [], fallback: false, suggestions: [], flow: null, step: null, flows: [], entities: [], slots: [], handoff: null, page: 'product',
    };
  };
  const labels = (frame: Frame) => (frame.items as { label: string }[]).map((item) => item.label);

  it('puts what shoppers on the page asked first, from the stored turns; a turn on a page records the page', async () => {
    const store = createMemoryStore();
    // 30 turns on product pages in the last days: shipping asked most, then stock; size never.
    await store.appendFacts([...Array.from({ length: 20 }, (_, i) => askedOnProduct('shipping.fee', 60 + i)), ...Array.from({ length: 10 }, (_, i) => askedOnProduct('product.stock', 2000 + i))]);
    server = await startTestServer({ store, deps: { proactive } });
    const { socket } = await shopper(server.wsUrl);
    await socket.nextOfType('suggestions');
    socket.send(productView());
    expect(labels(await socket.nextOfType('suggestions'))).toEqual(['배송비', '재고 확인', '사이즈 추천']);

    await settle(socket, '배송 언제 와요');
    const facts = await store.listFacts({ from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' });
    expect(facts.filter((fact) => fact.kind === 'turn' && fact.intent === 'order.status').map((fact) => (fact as TurnFact).page)).toEqual(['product']);
    socket.close();
  });

  it('keeps the file order while a page has fewer counted turns than min_asks', async () => {
    const store = createMemoryStore();
    await store.appendFacts(Array.from({ length: 29 }, (_, i) => askedOnProduct('shipping.fee', 60 + i)));
    server = await startTestServer({ store, deps: { proactive } });
    const { socket } = await shopper(server.wsUrl);
    await socket.nextOfType('suggestions');
    socket.send(productView());
    expect(labels(await socket.nextOfType('suggestions'))).toEqual(['사이즈 추천', '재고 확인', '배송비']);
    socket.close();
  });
});
