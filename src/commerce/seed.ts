// Loading the demo shop's committed seed: one JSON file per collection, each validated with zod,
// then checked across files (an order's customer and products exist, a return's lines belong to
// its order ...), so a typo in the seed fails at start-up with the file and field, not mid-chat.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ShopDataError, parseJsonFile } from './json-file.ts';
import {
  customerSchema,
  exchangeRequestSchema,
  orderSchema,
  productSchema,
  refundSchema,
  returnRequestSchema,
  shopPolicySchema,
} from './schemas.ts';
import type { Customer, ExchangeRequest, Order, Product, Refund, ReturnRequest, ShopPolicy } from './types.ts';

export interface ShopSeed {
  products: Product[];
  customers: Customer[];
  orders: Order[];
  returns: ReturnRequest[];
  exchanges: ExchangeRequest[];
  refunds: Refund[];
  policy: ShopPolicy;
}

const SEED_FILES = {
  products: { file: 'products.json', schema: z.array(productSchema) },
  customers: { file: 'customers.json', schema: z.array(customerSchema) },
  orders: { file: 'orders.json', schema: z.array(orderSchema) },
  returns: { file: 'returns.json', schema: z.array(returnRequestSchema) },
  exchanges: { file: 'exchanges.json', schema: z.array(exchangeRequestSchema) },
  refunds: { file: 'refunds.json', schema: z.array(refundSchema) },
  policy: { file: 'policy.json', schema: shopPolicySchema },
} as const;

async function loadFile<T>(seedDir: string, file: string, schema: z.ZodType<T>): Promise<T> {
  const fullPath = path.join(seedDir, file);
  let text: string;
  try {
    text = await readFile(fullPath, 'utf8');
  } catch (error) {
    throw new ShopDataError(fullPath, `cannot read seed file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseJsonFile(fullPath, text, schema);
}

export async function loadSeed(seedDir: string): Promise<ShopSeed> {
  const f = SEED_FILES;
  const [products, customers, orders, returns, exchanges, refunds, policy] = await Promise.all([
    loadFile(seedDir, f.products.file, f.products.schema),
    loadFile(seedDir, f.customers.file, f.customers.schema),
    loadFile(seedDir, f.orders.file, f.orders.schema),
    loadFile(seedDir, f.returns.file, f.returns.schema),
    loadFile(seedDir, f.exchanges.file, f.exchanges.schema),
    loadFile(seedDir, f.refunds.file, f.refunds.schema),
    loadFile(seedDir, f.policy.file, f.policy.schema),
  ]);
  const seed: ShopSeed = { products, customers, orders, returns, exchanges, refunds, policy };
  checkReferences(seedDir, seed);
  return seed;
}

function checkUniqueIds(file: string, rows: ReadonlyArray<{ id: string }>): void {
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (seen.has(row.id)) throw new ShopDataError(file, `[${i}].id: duplicate id '${row.id}'`);
    seen.add(row.id);
  });
}

function checkReferences(seedDir: string, seed: ShopSeed): void {
  const fileOf = (name: keyof typeof SEED_FILES) => path.join(seedDir, SEED_FILES[name].file);
  checkUniqueIds(fileOf('products'), seed.products);
  checkUniqueIds(fileOf('customers'), seed.customers);
  checkUniqueIds(fileOf('orders'), seed.orders);
  checkUniqueIds(fileOf('returns'), seed.returns);
  checkUniqueIds(fileOf('exchanges'), seed.exchanges);
  checkUniqueIds(fileOf('refunds'), seed.refunds);

  const products = new Map(seed.products.map((p) => [p.id, p]));
  const customerIds = new Set(seed.customers.map((c) => c.id));
  const orders = new Map(seed.orders.map((o) => [o.id, o]));

  seed.products.forEach((product, i) => {
    const fail = (field: string, detail: string) => {
      throw new ShopDataError(fileOf('products'), `[${i}].${field}: ${detail} (product ${product.id})`);
    };
    product.sizeChart.forEach((row, j) => {
      if (!product.sizes.includes(row.size)) fail(`sizeChart[${j}].size`, `'${row.size}' is not in sizes`);
    });
    product.stock.forEach((level, j) => {
      if (!product.sizes.includes(level.size)) fail(`stock[${j}].size`, `'${level.size}' is not in sizes`);
      if (!product.colors.includes(level.color)) fail(`stock[${j}].color`, `'${level.color}' is not in colors`);
    });
  });

  seed.orders.forEach((order, i) => {
    const fail = (field: string, detail: string) => {
      throw new ShopDataError(fileOf('orders'), `[${i}].${field}: ${detail} (order ${order.id})`);
    };
    if (!customerIds.has(order.customerId)) fail('customerId', `unknown customer '${order.customerId}'`);
    const lineIds = new Set<string>();
    order.items.forEach((item, j) => {
      if (lineIds.has(item.lineId)) fail(`items[${j}].lineId`, `duplicate line '${item.lineId}'`);
      lineIds.add(item.lineId);
      const product = products.get(item.productId);
      if (!product) return fail(`items[${j}].productId`, `unknown product '${item.productId}'`);
      if (!product.sizes.includes(item.size)) fail(`items[${j}].size`, `'${item.size}' is not a size of ${product.id}`);
      if (!product.colors.includes(item.color)) fail(`items[${j}].color`, `'${item.color}' is not a colour of ${product.id}`);
    });
    const hasLeftWarehouse = order.status === 'shipped' || order.status === 'delivered' || order.status === 'return_requested';
    if (hasLeftWarehouse && !(order.carrier && order.trackingNumber && order.shippedAt)) {
      fail('carrier', `a ${order.status} order needs carrier, trackingNumber and shippedAt`);
    }
    if ((order.status === 'delivered' || order.status === 'return_requested') && !order.deliveredAt) {
      fail('deliveredAt', `a ${order.status} order needs deliveredAt`);
    }
  });

  const checkOrderRef = <R extends { orderId: string; customerId: string }>(
    name: 'returns' | 'exchanges' | 'refunds',
    rows: readonly R[],
    lineIdsOf: (row: R) => string[],
  ) => {
    rows.forEach((row, i) => {
      const order = orders.get(row.orderId);
      if (!order) throw new ShopDataError(fileOf(name), `[${i}].orderId: unknown order '${row.orderId}'`);
      if (order.customerId !== row.customerId) {
        throw new ShopDataError(fileOf(name), `[${i}].customerId: order ${order.id} belongs to ${order.customerId}`);
      }
      for (const lineId of lineIdsOf(row)) {
        if (!order.items.some((item) => item.lineId === lineId)) {
          throw new ShopDataError(fileOf(name), `[${i}]: line '${lineId}' is not in order ${order.id}`);
        }
      }
    });
  };
  checkOrderRef('returns', seed.returns, (row) => row.lineIds);
  checkOrderRef('exchanges', seed.exchanges, (row) => [row.lineId]);
  checkOrderRef('refunds', seed.refunds, () => []);
}
