// An in-memory CommercePort for the runtime's unit tests: two shoppers, a few orders, a product
// with a size chart and one without. Records calls so tests can see what the engine asked for.

import type { CommercePort, CommerceResult, Order, Product, ShopPolicy } from '../../src/commerce/types.ts';

const address = { recipient: '김민지', phone: '010-1234-5678', line1: '서울시 마포구 월드컵로 1', postalCode: '03925' };

function order(id: string, customerId: string, status: Order['status'], extra: Partial<Order> = {}): Order {
  return {
    id,
    customerId,
    status,
    items: [
      { lineId: `${id}-1`, productId: 'p1', name: { ko: '린넨 셔츠', en: 'Linen Shirt' }, size: 'M', color: '화이트', quantity: 1, unitPrice: 30000 },
    ],
    total: 30000,
    placedAt: '2026-11-10T10:00:00+09:00',
    address,
    paymentMethod: '카카오페이',
    ...extra,
  };
}

export const PRODUCT: Product = {
  id: 'p1',
  name: { ko: '린넨 셔츠', en: 'Linen Shirt' },
  category: 'top',
  price: 30000,
  sizes: ['S', 'M', 'L'],
  colors: ['화이트', '블랙'],
  sizeChart: [
    { size: 'S', heightCm: [155, 165], weightKg: [45, 55] },
    { size: 'M', heightCm: [165, 175], weightKg: [55, 68] },
    { size: 'L', heightCm: [175, 185], weightKg: [68, 80] },
  ],
  fitNote: { ko: '작게 나와요', en: 'Runs small' },
  stock: [
    { size: 'S', color: '화이트', quantity: 3 },
    { size: 'M', color: '화이트', quantity: 0, restockDate: '2026-11-30' },
    { size: 'L', color: '블랙', quantity: 1 },
  ],
};

/** A second product, for corrections ("아니 울 코트요"). */
export const COAT: Product = {
  id: 'p2',
  name: { ko: '울 코트', en: 'Wool Coat' },
  category: 'outer',
  price: 150000,
  sizes: ['M', 'L'],
  colors: ['카멜'],
  sizeChart: [],
  stock: [{ size: 'M', color: '카멜', quantity: 2 }],
};
const PRODUCTS = [PRODUCT, COAT];
const SEARCH_TERMS: Record<string, RegExp> = { p1: /린넨|셔츠|linen|shirt/i, p2: /코트|coat/i };

const POLICY: ShopPolicy = {
  returnWindowDays: 7,
  returnShippingFee: 3000,
  exchangeShippingFee: 6000,
  shippingFee: 3000,
  freeShippingThreshold: 50000,
  remoteAreaFee: 3000,
  refundBusinessDays: 3,
};

export interface FakeCommerce extends CommercePort {
  calls: string[];
  orders: Map<string, Order>;
}

/** `down`: every call fails as an outage; `throws`: every call throws (a buggy adapter). */
export function fakeCommerce(options: { down?: boolean; throws?: boolean } = {}): FakeCommerce {
  const orders = new Map<string, Order>(
    [
      order('10000001', 'c1', 'paid'),
      order('10000002', 'c1', 'shipped', { carrier: 'CJ대한통운', trackingNumber: '123456789012', expectedDelivery: '2026-11-21' }),
      order('10000003', 'c1', 'delivered', { deliveredAt: '2026-11-18T14:00:00+09:00' }),
      order('20000001', 'c2', 'paid'),
    ].map((o) => [o.id, o]),
  );
  const calls: string[] = [];
  const answer = async <T>(name: string, result: () => CommerceResult<T>): Promise<CommerceResult<T>> => {
    calls.push(name);
    if (options.throws) throw new Error('adapter bug');
    if (options.down) return { ok: false, error: 'unavailable', message: 'down' };
    return result();
  };
  const own = (id: string, customerId: string): CommerceResult<Order> => {
    const o = orders.get(id);
    return o && o.customerId === customerId ? { ok: true, value: structuredClone(o) } : { ok: false, error: 'not_found', message: 'no such order' };
  };
  return {
    calls,
    orders,
    getCustomer: (id) => answer('getCustomer', () => ({ ok: true, value: { id, name: '김민지', email: 'a@b.c', phone: '010', locale: 'ko' } })),
    getOrder: (id, customerId) => answer('getOrder', () => own(id, customerId)),
    listOrders: (customerId) => answer('listOrders', () => ({ ok: true, value: [...orders.values()].filter((o) => o.customerId === customerId) })),
    cancelOrder: (id, customerId) =>
      answer('cancelOrder', () => {
        const found = own(id, customerId);
        if (!found.ok) return found;
        if (!['paid', 'preparing'].includes(found.value.status)) return { ok: false, error: 'not_allowed', message: 'shipped' };
        const cancelled = { ...found.value, status: 'cancelled' as const };
        orders.set(id, cancelled);
        return { ok: true, value: cancelled };
      }),
    changeAddress: (id, customerId) => answer('changeAddress', () => own(id, customerId)),
    createReturn: (input) =>
      answer('createReturn', () => ({
        ok: true,
        value: { id: 'RT1', orderId: input.orderId, customerId: input.customerId, lineIds: input.lineIds ?? [], reason: input.reason, status: 'requested', createdAt: input.now.toISOString() },
      })),
    createExchange: (input) =>
      answer('createExchange', () => ({
        ok: true,
        value: { id: 'EX1', orderId: input.orderId, customerId: input.customerId, lineId: input.lineId, status: 'requested', createdAt: input.now.toISOString() },
      })),
    listRefunds: () => answer('listRefunds', () => ({ ok: true, value: [] })),
    getProduct: (id) =>
      answer('getProduct', () => {
        const product = PRODUCTS.find((p) => p.id === id);
        return product ? { ok: true, value: structuredClone(product) } : { ok: false, error: 'not_found', message: 'no product' };
      }),
    findProducts: (query) => answer('findProducts', () => ({ ok: true, value: PRODUCTS.filter((p) => SEARCH_TERMS[p.id]?.test(query)).map((p) => structuredClone(p)) })),
    getPolicy: () => answer('getPolicy', () => ({ ok: true, value: POLICY })),
  };
}
