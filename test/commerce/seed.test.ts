import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SEED_DIR } from '../../src/commerce/index.ts';
import { loadSeed } from '../../src/commerce/seed.ts';
import { ORDER_STATUSES } from '../../src/commerce/types.ts';

let seedDir: string;

beforeEach(async () => {
  seedDir = await mkdtemp(path.join(tmpdir(), 'daehwa-seed-'));
  await cp(DEFAULT_SEED_DIR, seedDir, { recursive: true });
});

afterEach(async () => {
  await rm(seedDir, { recursive: true, force: true });
});

/** Rewrites one seed file through `change`, as a designer editing it by hand would. */
async function editSeed(file: string, change: (rows: Array<Record<string, unknown>>) => void): Promise<void> {
  const full = path.join(seedDir, file);
  const rows = JSON.parse(await readFile(full, 'utf8')) as Array<Record<string, unknown>>;
  change(rows);
  await writeFile(full, JSON.stringify(rows, null, 2));
}

describe('the committed demo seed', () => {
  it('loads and covers every order status', async () => {
    const seed = await loadSeed(DEFAULT_SEED_DIR);
    expect(seed.products.length).toBeGreaterThanOrEqual(20);
    expect(seed.customers.length).toBeGreaterThanOrEqual(10);
    expect(seed.orders.length).toBeGreaterThanOrEqual(30);
    expect(new Set(seed.orders.map((o) => o.status))).toEqual(new Set(ORDER_STATUSES));
    expect(new Set(seed.orders.map((o) => o.id)).size).toBe(seed.orders.length);
    expect(seed.orders.every((o) => /^\d{8}$/.test(o.id))).toBe(true);
  });
});

describe('a broken seed', () => {
  it('names the file, the row and the field of a schema error', async () => {
    await editSeed('orders.json', (rows) => {
      const items = rows[3]?.items as Array<Record<string, unknown>>;
      if (items[0]) items[0].quantity = 'two';
    });
    await expect(loadSeed(seedDir)).rejects.toThrow(`${path.join(seedDir, 'orders.json')}: [3].items[0].quantity:`);
  });

  it('gives line and column of a JSON syntax error', async () => {
    await writeFile(path.join(seedDir, 'policy.json'), '{\n  "returnWindowDays": 7,\n  "shippingFee": 3000,,\n}');
    await expect(loadSeed(seedDir)).rejects.toThrow(/policy\.json: 3:\d+: invalid JSON/);
  });

  it('catches an order for a customer who does not exist', async () => {
    await editSeed('orders.json', (rows) => {
      if (rows[0]) rows[0].customerId = 'c9999';
    });
    await expect(loadSeed(seedDir)).rejects.toThrow(/orders\.json: \[0\]\.customerId: unknown customer 'c9999'/);
  });

  it('catches a stock row for a size the product does not offer', async () => {
    await editSeed('products.json', (rows) => {
      const stock = rows[0]?.stock as Array<Record<string, unknown>>;
      if (stock[0]) stock[0].size = 'XXL';
    });
    await expect(loadSeed(seedDir)).rejects.toThrow(/products\.json: \[0\]\.stock\[0\]\.size: 'XXL' is not in sizes/);
  });

  it('catches a refund filed under the wrong customer', async () => {
    await editSeed('refunds.json', (rows) => {
      if (rows[0]) rows[0].customerId = 'c1001';
    });
    await expect(loadSeed(seedDir)).rejects.toThrow(/refunds\.json: \[0\]\.customerId: order \d+ belongs to c\d+/);
  });

  it('names a missing file', async () => {
    await rm(path.join(seedDir, 'exchanges.json'));
    await expect(loadSeed(seedDir)).rejects.toThrow(/exchanges\.json: cannot read seed file \(ENOENT\)/);
  });
});
