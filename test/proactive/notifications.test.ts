// Order notifications without a server: the texts file's problems at file:line:column, the
// message rendered in each language, the webhook's signature, and the demo shop moving orders on.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDemoShop } from '../../src/commerce/demo-shop.ts';
import { readOrderWebhook, signOrderEvent } from '../../src/commerce/order-events.ts';
import type { OrderEvent } from '../../src/commerce/types.ts';
import { formatProblems, loadFlowSet } from '../../src/dialog/index.ts';
import { catalogueOf, type FlowCatalogue, loadProactive, loadProactiveFromSources } from '../../src/proactive/loader.ts';
import { notificationMessage, reviewInvite } from '../../src/proactive/notifications.ts';

const catalogue: FlowCatalogue = { flows: new Map([['order_status', ['order_number']]]), intents: new Set(['order.status']) };

describe('flows/proactive/notifications.yaml', () => {
  it('names an unknown field and a payload that runs nothing at their line and column', () => {
    const text = [
      'notifications:',
      '  shipped:',
      '    message: { ko: "{product} 출고, {trackin}", en: "{product} shipped" }',
      '    quick_replies:',
      '      - label: { ko: 조회, en: Track }',
      "        payload: 'flow:order_stat?order_number={order}'",
      '',
    ].join('\n');
    const result = loadProactiveFromSources([{ file: 'flows/proactive/notifications.yaml', text }], catalogue);
    if (result.ok) throw new Error('expected problems');
    const problems = formatProblems(result.problems);
    expect(problems).toMatch(/notifications\.yaml:3:\d+: unknown field '\{trackin\}' \(did you mean 'tracking'\?\); fields: \{order\}, \{product\}/);
    expect(problems).toMatch(/notifications\.yaml:6:18: unknown flow 'order_stat' \(did you mean 'order_status'\?\)/);
  });

  it('names an event kind it does not know', () => {
    const text = ['notifications:', '  exploded:', '    message: { ko: 펑, en: boom }', ''].join('\n');
    const result = loadProactiveFromSources([{ file: 'flows/proactive/notifications.yaml', text }], catalogue);
    if (result.ok) throw new Error('expected problems');
    expect(formatProblems(result.problems)).toBe("flows/proactive/notifications.yaml:3:5: unknown key 'exploded' (at notifications)");
  });

  it('the project’s file loads with the project’s flows, and every kind is told in both languages', async () => {
    const flows = await loadFlowSet('flows');
    if (!flows.ok) throw new Error('flows do not load');
    const loaded = await loadProactive('flows', catalogueOf(flows.flowSet.flows));
    if (!loaded.ok) throw new Error(formatProblems(loaded.problems));
    const file = loaded.config.notifications;
    expect(Object.keys(file.notifications).sort()).toEqual(['delayed', 'delivered', 'refund_completed', 'shipped']);
    const shipped = notificationMessage(file, { kind: 'shipped', order: '20261118', product: 'Canvas low sneakers', carrier: 'CJ', tracking: '6512' }, 'en');
    expect(shipped).toEqual({
      text: 'Your Canvas low sneakers is on its way with CJ, tracking number 6512.',
      quickReplies: [
        { label: 'Track it', payload: 'flow:order_status?order_number=20261118' },
        { label: 'Talk to a person', payload: 'handoff' },
      ],
    });
    expect(notificationMessage(file, { kind: 'refund_completed', order: '20261105', amount: 1234567 }, 'ko')?.text).toContain('환불 1,234,567원이 완료됐어요');
    // Without the product's name the order number stands in; an unknown kind is not told.
    expect(notificationMessage(file, { kind: 'delivered', order: '20261012' }, 'ko')?.text).toContain('주문하신 20261012 상품이');
    expect(notificationMessage(file, { kind: 'returned', order: '1' }, 'ko')).toBeNull();
  });

  it('invites a review after a delivery, at most once in at_most_every_days, and never after other kinds', async () => {
    const flows = await loadFlowSet('flows');
    if (!flows.ok) throw new Error('flows do not load');
    const loaded = await loadProactive('flows', catalogueOf(flows.flowSet.flows));
    if (!loaded.ok) throw new Error(formatProblems(loaded.problems));
    const file = loaded.config.notifications;
    const now = new Date('2026-11-25T03:00:00Z');
    const delivered = { kind: 'delivered', order: '20261112', product: '린넨 셔츠' };
    const invite = reviewInvite(file, delivered, 'ko', [], now);
    expect(invite?.text).toContain('린넨 셔츠 잘 받으셨다면');
    expect(invite?.quickReplies).toEqual([{ label: '리뷰 쓰는 방법', payload: 'flow:review?order_number=20261112' }]);
    // Another delivery told 29 days ago: no invitation; 31 days ago: invited again.
    expect(reviewInvite(file, delivered, 'ko', ['2026-10-27T03:00:00Z'], now)).toBeNull();
    expect(reviewInvite(file, delivered, 'en', ['2026-10-25T03:00:00Z'], now)?.text).toMatch(/^If your 린넨 셔츠 arrived well/);
    expect(reviewInvite(file, { kind: 'shipped', order: '20261112' }, 'ko', [], now)).toBeNull();
    expect(reviewInvite({ notifications: file.notifications }, delivered, 'ko', [], now)).toBeNull();
  });

  it('checks the review invitation\'s payloads like the others', () => {
    const text = ['notifications: {}', 'review_invite:', '  message: { ko: 리뷰, en: review }', '  quick_replies:', '    - label: { ko: 리뷰, en: Review }', "      payload: 'flow:reviw?order_number={order}'", ''].join('\n');
    const result = loadProactiveFromSources([{ file: 'flows/proactive/notifications.yaml', text }], { flows: new Map([['review', ['order_number']]]), intents: new Set() });
    if (result.ok) throw new Error('expected problems');
    expect(formatProblems(result.problems)).toMatch(/notifications\.yaml:6:\d+: unknown flow 'reviw' \(did you mean 'review'\?\)/);
  });
});

describe('the order-event webhook', () => {
  const secret = 'x'.repeat(32);
  const event: OrderEvent = { id: 'e1', kind: 'shipped', orderId: '20261118', customerId: 'c1001', at: '2026-11-20T10:00:00+09:00', carrier: 'CJ', trackingNumber: '1' };
  const body = Buffer.from(JSON.stringify(event));

  it('reads a body signed with the secret', () => {
    expect(readOrderWebhook(body, signOrderEvent(body, secret), secret)).toEqual({ ok: true, event });
  });

  it('refuses a missing, wrong or stale signature before reading the body, and a body that is no event', () => {
    for (const signature of [undefined, '', 'sha256=abc', signOrderEvent(body, 'y'.repeat(32)), signOrderEvent(Buffer.from('{}'), secret)]) {
      expect(readOrderWebhook(body, signature, secret)).toMatchObject({ ok: false, status: 401, code: 'invalid_signature' });
    }
    const notJson = Buffer.from('{not json');
    expect(readOrderWebhook(notJson, signOrderEvent(notJson, secret), secret)).toMatchObject({ ok: false, status: 400 });
    const noEvent = Buffer.from(JSON.stringify({ ...event, extra: 1 }));
    expect(readOrderWebhook(noEvent, signOrderEvent(noEvent, secret), secret)).toMatchObject({ ok: false, status: 400, code: 'invalid_body' });
  });
});

describe('the demo shop moves orders on', () => {
  it('ships, delivers, delays and completes refunds, telling its listeners; refuses what a shop would', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'daehwa-shop-'));
    const now = new Date('2026-11-20T01:00:00.000Z');
    const shop = await createDemoShop({ dataDir, clock: () => now });
    try {
      const heard: OrderEvent[] = [];
      const stop = shop.onOrderEvent((e) => heard.push(e));
      const shipped = await shop.advanceOrder('20261118', 'shipped');
      expect(shipped).toMatchObject({ ok: true, value: { kind: 'shipped', customerId: 'c1001', carrier: 'CJ대한통운' } });
      expect((await shop.getOrder('20261118', 'c1001')).ok && (await shop.getOrder('20261118', 'c1001'))).toMatchObject({ value: { status: 'shipped' } });
      expect(await shop.advanceOrder('20261118', 'delivered')).toMatchObject({ ok: true });
      expect(await shop.advanceOrder('20261118', 'shipped')).toMatchObject({ ok: false, error: 'not_allowed' });
      expect(await shop.advanceOrder('20261115', 'delayed')).toMatchObject({ ok: true, value: { expectedDelivery: expect.stringMatching(/^2026-11-\d\d$/) } });
      // A seed refund completed: the refund list shows it once, completed.
      expect(await shop.advanceOrder('20261105', 'refund_completed')).toMatchObject({ ok: true, value: { amount: expect.any(Number) } });
      const refunds = await shop.listRefunds('c1003', '20261105');
      expect(refunds.ok && refunds.value.map((r) => r.status)).toEqual(['completed']);
      expect(await shop.advanceOrder('20261105', 'refund_completed')).toMatchObject({ ok: false, error: 'not_allowed' });
      expect(heard.map((e) => e.kind)).toEqual(['shipped', 'delivered', 'delayed', 'refund_completed']);
      expect(new Set(heard.map((e) => e.id)).size).toBe(4);
      stop();
      await shop.advanceOrder('20261101', 'delivered');
      expect(heard).toHaveLength(4);
    } finally {
      await shop.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
