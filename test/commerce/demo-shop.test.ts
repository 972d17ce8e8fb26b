import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDemoShop, DEFAULT_SEED_DIR, STATE_FILE_NAME, type DemoShop } from '../../src/commerce/index.ts';
import type { CommerceResult } from '../../src/commerce/types.ts';

// The conversation tests' clock: Friday 2026-11-20, 10:00 in Seoul.
const NOW = new Date('2026-11-20T10:00:00+09:00');

function value<T>(result: CommerceResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error}: ${result.message}`);
  return result.value;
}

function errorOf<T>(result: CommerceResult<T>): string {
  if (result.ok) throw new Error('expected a refusal, got ok');
  return result.error;
}

let dataDir: string;
let shop: DemoShop;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'daehwa-shop-'));
  shop = await createDemoShop({ dataDir, clock: () => NOW });
});

afterEach(async () => {
  await shop.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('reading orders', () => {
  it('returns the customer’s own order with carrier and tracking', async () => {
    const order = value(await shop.getOrder('20261101', 'c1001'));
    expect(order.status).toBe('shipped');
    expect(order.carrier).toBe('CJ대한통운');
    expect(order.trackingNumber).toMatch(/^\d{12}$/);
    expect(order.expectedDelivery).toBe('2026-11-21');
  });

  it('answers another customer’s order exactly like a missing one', async () => {
    const foreign = await shop.getOrder('20261101', 'c1002');
    const missing = await shop.getOrder('20231105', 'c1002');
    expect(errorOf(foreign)).toBe('not_found');
    expect(errorOf(missing)).toBe('not_found');
    if (!foreign.ok && !missing.ok) {
      expect(foreign.message.replace('20261101', 'X')).toBe(missing.message.replace('20231105', 'X'));
    }
  });

  it('lists a customer’s orders newest first, with a limit', async () => {
    const all = value(await shop.listOrders('c1001'));
    expect(all.map((o) => o.id)).toEqual(['20261118', '20261101', '20261012', '20260921']);
    expect(value(await shop.listOrders('c1001', { limit: 2 })).map((o) => o.id)).toEqual(['20261118', '20261101']);
    expect(value(await shop.listOrders('c1010'))).toEqual([]);
  });

  it('does not let callers change its data through returned objects', async () => {
    const order = value(await shop.getOrder('20261118', 'c1001'));
    const item = order.items[0];
    if (!item) throw new Error('order 20261118 has no items');
    expect(() => (order.status = 'cancelled')).toThrow(TypeError);
    expect(() => (item.quantity = 99)).toThrow(TypeError);
    expect(() => order.items.pop()).toThrow(TypeError);
    const product = value(await shop.getProduct(item.productId));
    expect(() => product.sizes.push('XXXL')).toThrow(TypeError);
    const policy = value(await shop.getPolicy());
    expect(() => Object.assign(policy, { returnWindowDays: 365 })).toThrow(TypeError);
    // A list is the caller's own: changing it changes nothing in the shop.
    const orders = value(await shop.listOrders('c1001'));
    orders.length = 0;

    const again = value(await shop.getOrder('20261118', 'c1001'));
    expect(again.status).toBe('paid');
    expect(again.items).toEqual(order.items);
    expect(value(await shop.getProduct(item.productId)).sizes).not.toContain('XXXL');
    expect(value(await shop.listOrders('c1001'))).toHaveLength(4);
  });

  it('does not let callers change what a write stored through its answer', async () => {
    const cancelled = value(await shop.cancelOrder('20261118', 'c1001'));
    expect(() => (cancelled.status = 'paid')).toThrow(TypeError);
    const stored = value(await shop.getOrder('20261118', 'c1001'));
    expect(() => (stored.address.line1 = '다른 주소')).toThrow(TypeError);
    expect(value(await shop.getOrder('20261118', 'c1001'))).toMatchObject({ status: 'cancelled', address: cancelled.address });
  });

  it('finds customers and refuses unknown ones', async () => {
    expect(value(await shop.getCustomer('c1006')).locale).toBe('en');
    expect(errorOf(await shop.getCustomer('c9999'))).toBe('not_found');
  });
});

describe('cancelOrder', () => {
  it('cancels a paid order and starts a refund due in the policy’s business days', async () => {
    const cancelled = value(await shop.cancelOrder('20261118', 'c1001'));
    expect(cancelled.status).toBe('cancelled');
    const refunds = value(await shop.listRefunds('c1001', '20261118'));
    expect(refunds).toHaveLength(1);
    // Friday 20th + 3 business days = Wednesday 25th.
    expect(refunds[0]).toMatchObject({ amount: cancelled.total, status: 'pending', expectedBy: '2026-11-25' });
  });

  it('cancels a preparing order', async () => {
    expect(value(await shop.cancelOrder('20261115', 'c1002')).status).toBe('cancelled');
  });

  it.each([
    ['shipped', '20261101', 'c1001'],
    ['delivered', '20261012', 'c1001'],
    ['cancelled', '20261103', 'c1002'],
    ['return_requested', '20261105', 'c1003'],
  ])('refuses a %s order and leaves it as it was', async (status, orderId, customerId) => {
    expect(errorOf(await shop.cancelOrder(orderId, customerId))).toBe('not_allowed');
    expect(value(await shop.getOrder(orderId, customerId)).status).toBe(status);
  });

  it('cannot cancel someone else’s order', async () => {
    expect(errorOf(await shop.cancelOrder('20261118', 'c1002'))).toBe('not_found');
    expect(value(await shop.getOrder('20261118', 'c1001')).status).toBe('paid');
  });
});

describe('changeAddress', () => {
  it('changes only the given fields before shipping', async () => {
    const before = value(await shop.getOrder('20261115', 'c1002'));
    const changed = value(
      await shop.changeAddress('20261115', 'c1002', { line1: '서울특별시 강남구 테헤란로 152', line2: '12층', postalCode: '06236' }),
    );
    expect(changed.address).toEqual({ ...before.address, line1: '서울특별시 강남구 테헤란로 152', line2: '12층', postalCode: '06236' });
  });

  it('refuses once the order has shipped', async () => {
    expect(errorOf(await shop.changeAddress('20261101', 'c1001', { recipient: '김민수' }))).toBe('not_allowed');
  });

  it('refuses a malformed postal code and names the field', async () => {
    const result = await shop.changeAddress('20261118', 'c1001', { postalCode: '123' });
    expect(errorOf(result)).toBe('invalid');
    if (!result.ok) expect(result.message).toMatch(/postalCode/);
    expect(value(await shop.getOrder('20261118', 'c1001')).address.postalCode).toBe('03925');
  });
});

describe('createReturn', () => {
  it('opens a return within the window and marks the order', async () => {
    const request = value(await shop.createReturn({ orderId: '20261012', customerId: 'c1001', reason: '사이즈가 작아요', now: NOW }));
    expect(request).toMatchObject({ orderId: '20261012', lineIds: ['20261012-1'], status: 'requested', createdAt: NOW.toISOString() });
    expect(request.id).toMatch(/^RT\d+$/);
    expect(value(await shop.getOrder('20261012', 'c1001')).status).toBe('return_requested');
  });

  it('counts the window in Korean calendar days: day 7 is the last day', async () => {
    // 20261102 was delivered 2026-11-13 14:05 KST.
    const lastDay = new Date('2026-11-20T23:59:00+09:00');
    const dayAfter = new Date('2026-11-21T00:01:00+09:00');
    expect(errorOf(await shop.createReturn({ orderId: '20261102', customerId: 'c1009', reason: '단순 변심', now: dayAfter }))).toBe(
      'past_window',
    );
    expect(value(await shop.createReturn({ orderId: '20261102', customerId: 'c1009', reason: '단순 변심', now: lastDay })).status).toBe(
      'requested',
    );
  });

  it('refuses an order delivered long ago', async () => {
    expect(errorOf(await shop.createReturn({ orderId: '20260921', customerId: 'c1001', reason: '단순 변심', now: NOW }))).toBe(
      'past_window',
    );
  });

  it('refuses orders that are not delivered', async () => {
    expect(errorOf(await shop.createReturn({ orderId: '20261101', customerId: 'c1001', reason: '단순 변심', now: NOW }))).toBe(
      'not_allowed',
    );
  });

  it('refuses a line that is not in the order', async () => {
    const result = await shop.createReturn({ orderId: '20261102', customerId: 'c1009', lineIds: ['nope'], reason: '불량', now: NOW });
    expect(errorOf(result)).toBe('invalid');
    expect(value(await shop.getOrder('20261102', 'c1009')).status).toBe('delivered');
  });
});

describe('createExchange', () => {
  const base = { orderId: '20261107', customerId: 'c1002', lineId: '20261107-1', now: NOW };

  it('reserves one unit of the new size', async () => {
    const stockOf = async () =>
      value(await shop.getProduct('p501')).stock.find((s) => s.size === '270' && s.color === '화이트')?.quantity ?? -1;
    const before = await stockOf();
    const request = value(await shop.createExchange({ ...base, toSize: '270' }));
    expect(request).toMatchObject({ toSize: '270', status: 'requested' });
    expect(request.toColor).toBeUndefined();
    expect(await stockOf()).toBe(before - 1);
  });

  it('accepts sizes and colours as shoppers write them', async () => {
    const request = value(await shop.createExchange({ ...base, toSize: '270mm', toColor: 'Black' }));
    expect(request).toMatchObject({ toSize: '270', toColor: '블랙' });
  });

  it('refuses a size or colour the product does not come in', async () => {
    expect(errorOf(await shop.createExchange({ ...base, toSize: '300' }))).toBe('invalid');
    expect(errorOf(await shop.createExchange({ ...base, toColor: '핑크' }))).toBe('invalid');
    expect(errorOf(await shop.createExchange({ ...base }))).toBe('invalid');
    expect(errorOf(await shop.createExchange({ ...base, toSize: '265' }))).toBe('invalid');
  });

  it('refuses a variant that is out of stock and says when it is back', async () => {
    expect(errorOf(await shop.createExchange({ ...base, toSize: '250' }))).toBe('out_of_stock');
    const restocking = await shop.createExchange({ ...base, toSize: '260' });
    expect(errorOf(restocking)).toBe('out_of_stock');
    if (!restocking.ok) expect(restocking.message).toContain('2026-11-30');
  });

  it('runs out once reservations take the last unit', async () => {
    // p501 265/블랙 has exactly one unit; 20261107 is 265/화이트, so a colour exchange takes it.
    value(await shop.createExchange({ ...base, toColor: '블랙' }));
    const stock = value(await shop.getProduct('p501')).stock.find((s) => s.size === '265' && s.color === '블랙');
    expect(stock?.quantity).toBe(0);
  });

  it('refuses a second exchange for a line with one in progress', async () => {
    expect(errorOf(await shop.createExchange({ orderId: '20261106', customerId: 'c1008', lineId: '20261106-1', toSize: 'M', now: NOW }))).toBe(
      'not_allowed',
    );
  });

  it('applies the return window and the delivered rule', async () => {
    expect(errorOf(await shop.createExchange({ orderId: '20261015', customerId: 'c1007', lineId: '20261015-1', toSize: 'L', now: NOW }))).toBe(
      'past_window',
    );
    expect(errorOf(await shop.createExchange({ orderId: '20261101', customerId: 'c1001', lineId: '20261101-1', toSize: 'L', now: NOW }))).toBe(
      'not_allowed',
    );
    expect(errorOf(await shop.createExchange({ ...base, customerId: 'c1001', toSize: '270' }))).toBe('not_found');
  });
});

describe('refunds, products and policy', () => {
  it('lists a customer’s refunds and hides other customers’ orders', async () => {
    const refunds = value(await shop.listRefunds('c1005'));
    expect(refunds.map((r) => r.status).sort()).toEqual(['completed', 'processing']);
    expect(errorOf(await shop.listRefunds('c1001', '20261110'))).toBe('not_found');
  });

  it('finds products by Korean and English names, spacing-insensitive', async () => {
    for (const query of ['청바지', '데님 팬츠', '데님팬츠', 'jeans', 'Wide-leg denim', '청바지는 재고 있나요']) {
      const ids = value(await shop.findProducts(query)).map((p) => p.id);
      expect(ids[0], query).toBe('p201');
    }
    expect(value(await shop.findProducts('우산'))).toEqual([]);
    expect(value(await shop.findProducts(' '))).toEqual([]);
  });

  it('ranks the product matching more of the words first', async () => {
    const ids = value(await shop.findProducts('캔버스 스니커즈')).map((p) => p.id);
    expect(ids[0]).toBe('p502');
    expect(ids).toContain('p501');
  });

  it('returns the policy and unknown products as not_found', async () => {
    expect(value(await shop.getPolicy()).returnWindowDays).toBe(7);
    expect(errorOf(await shop.getProduct('p999'))).toBe('not_found');
  });
});

describe('persistence', () => {
  it('keeps writes across a restart and never touches the seed', async () => {
    const seedBefore = await readSeedFiles();
    value(await shop.cancelOrder('20261118', 'c1001'));
    value(await shop.createExchange({ orderId: '20261107', customerId: 'c1002', lineId: '20261107-1', toSize: '270', now: NOW }));
    await shop.close();

    shop = await createDemoShop({ dataDir, clock: () => NOW });
    expect(value(await shop.getOrder('20261118', 'c1001')).status).toBe('cancelled');
    expect(value(await shop.listRefunds('c1001', '20261118'))).toHaveLength(1);
    // The reservation survives too: the same exchange is refused as already in progress.
    expect(errorOf(await shop.createExchange({ orderId: '20261107', customerId: 'c1002', lineId: '20261107-1', toSize: '275', now: NOW }))).toBe(
      'not_allowed',
    );
    expect(await readSeedFiles()).toEqual(seedBefore);
  });

  it('refuses a corrupt state file by name and leaves it as it was', async () => {
    await shop.close();
    const stateFile = path.join(dataDir, STATE_FILE_NAME);
    const corrupt = '{ "version": 1, "orders": {}, "returns": [\n  oops\n] }';
    await writeFile(stateFile, corrupt);
    await expect(createDemoShop({ dataDir })).rejects.toThrow(`${stateFile}: 2:3: invalid JSON`);
    expect(await readFile(stateFile, 'utf8')).toBe(corrupt);
  });

  it('refuses a state file that breaks the schema and names the field', async () => {
    await shop.close();
    const stateFile = path.join(dataDir, STATE_FILE_NAME);
    await writeFile(stateFile, JSON.stringify({ version: 1, orders: {}, returns: [{ id: 'RT2000' }], exchanges: [], refunds: [] }));
    await expect(createDemoShop({ dataDir })).rejects.toThrow(/shop-state\.json: returns\[0\]\.orderId/);
  });

  it('answers unavailable after close instead of throwing', async () => {
    await shop.close();
    expect(errorOf(await shop.getPolicy())).toBe('unavailable');
  });
});

async function readSeedFiles(): Promise<Record<string, string>> {
  const files = await readdir(DEFAULT_SEED_DIR);
  const entries = await Promise.all(files.map(async (f) => [f, await readFile(path.join(DEFAULT_SEED_DIR, f), 'utf8')] as const));
  return Object.fromEntries(entries);
}
