// The embedded demo shop: the committed seed under data/shop/seed/ plus the shoppers' changes in
// <dataDir>/shop-state.json. It enforces the rules a real shop would, so flows and conversation
// tests meet the same refusals they will meet in production.
//
// Answers are the shop's own objects, deeply frozen (the seed once, the state after each change),
// instead of a deep copy per answer: a caller can read them but cannot change the shop through
// them. Copy a value before changing it.

import path from 'node:path';
import { packagePath } from '../shared/package-paths.ts';
import { matchColor, matchSize, searchProducts } from './matching.ts';
import { addressSchema, formatZodIssues } from './schemas.ts';
import { loadSeed, type ShopSeed } from './seed.ts';
import { type ShopCalendar, shopCalendar } from './shop-calendar.ts';
import { openShopState, type ShopState, type ShopStateFile } from './shop-state.ts';
import { OrderEventHub } from './order-events.ts';
import type {
  Address,
  CommerceErrorCode,
  CommercePort,
  CommerceResult,
  Customer,
  ExchangeRequest,
  Order,
  OrderEvent,
  OrderEventKind,
  OrderEventListener,
  OrderStatus,
  Product,
  Refund,
  ReturnRequest,
  ShopPolicy,
} from './types.ts';

export const DEFAULT_SEED_DIR = packagePath('data', 'shop', 'seed');
export const STATE_FILE_NAME = 'shop-state.json';

export interface DemoShopOptions {
  /** Where the writable state file lives; created when missing. */
  dataDir: string;
  /** Defaults to the committed demo seed. */
  seedDir?: string;
  /**
   * Time for changes the port's signature gives no `now` for (the refund a cancellation starts).
   * Tests pass their fixed clock here.
   */
  clock?: () => Date;
  /** The shop's time zone (config `handoff.businessHours.timeZone`): return windows and refund dates count its days. */
  timeZone?: string;
}

export type DemoShop = CommercePort & {
  /**
   * Moves an order on as the shop's warehouse or payment provider would (shipped, delivered,
   * delayed by two days, its refund completed) and reports the event to `onOrderEvent` listeners:
   * the demo's stand-in for a shop's webhook (`POST /api/admin/shop/orders/:orderId/events`).
   */
  advanceOrder(orderId: string, kind: OrderEventKind): Promise<CommerceResult<OrderEvent>>;
  onOrderEvent(listener: OrderEventListener): () => void;
  close(): Promise<void>;
};

/** Orders can still be changed or cancelled only while they are in the warehouse. */
const BEFORE_SHIPPING: readonly OrderStatus[] = ['paid', 'preparing'];

/** `value` is frozen, or new and made of frozen parts: nothing in it is the shop's to change. */
function ok<T>(value: T): CommerceResult<T> {
  return { ok: true, value };
}

function fail<T>(error: CommerceErrorCode, message: string): CommerceResult<T> {
  return { ok: false, error, message };
}

/** The next id in a series such as RT1001, RT1002 ... */
function nextId(prefix: string, existing: ReadonlyArray<{ id: string }>): string {
  const numbers = existing.filter((r) => r.id.startsWith(prefix)).map((r) => Number(r.id.slice(prefix.length)));
  const highest = Math.max(1000, ...numbers.filter(Number.isFinite));
  return `${prefix}${highest + 1}`;
}

/** Freezes a value and everything it holds. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export async function createDemoShop(options: DemoShopOptions): Promise<DemoShop> {
  const seed = deepFreeze(await loadSeed(options.seedDir ?? DEFAULT_SEED_DIR));
  const state = await openShopState(path.join(options.dataDir, STATE_FILE_NAME));
  deepFreeze(state.read()); // updates change a copy (shop-state.ts), never the data read
  return new EmbeddedShop(seed, state, options.clock ?? (() => new Date()), shopCalendar(options.timeZone));
}

class EmbeddedShop implements DemoShop {
  #closed = false;
  readonly #events = new OrderEventHub();
  #eventSeq = 0;
  readonly #seedOrders: ReadonlyMap<string, Order>;
  readonly #products: ReadonlyMap<string, Product>;
  readonly #customers: ReadonlyMap<string, Customer>;

  constructor(
    private readonly seed: ShopSeed,
    private readonly state: ShopStateFile,
    private readonly clock: () => Date,
    private readonly calendar: ShopCalendar,
  ) {
    this.#seedOrders = new Map(seed.orders.map((o) => [o.id, o]));
    this.#products = new Map(seed.products.map((p) => [p.id, p]));
    this.#customers = new Map(seed.customers.map((c) => [c.id, c]));
  }

  // ---- views: the seed with the state's changes applied ----

  #order(orderId: string): Order | undefined {
    return this.state.read().orders[orderId] ?? this.#seedOrders.get(orderId);
  }

  /** The order only if it is this customer's: someone else's order looks exactly like a missing one. */
  #ownOrder(orderId: string, customerId: string): Order | undefined {
    const order = this.#order(orderId);
    return order?.customerId === customerId ? order : undefined;
  }

  #allOrders(): Order[] {
    const changed = this.state.read().orders;
    const extra = Object.values(changed).filter((o) => !this.#seedOrders.has(o.id));
    return [...this.seed.orders.map((o) => changed[o.id] ?? o), ...extra];
  }

  #returns(): ReturnRequest[] {
    return [...this.seed.returns, ...this.state.read().returns];
  }

  #exchanges(): ExchangeRequest[] {
    return [...this.seed.exchanges, ...this.state.read().exchanges];
  }

  #refunds(): Refund[] {
    // A seed refund completed since (advanceOrder) has its changed copy in the state: that one counts.
    const changed = this.state.read().refunds;
    const ids = new Set(changed.map((r) => r.id));
    return [...this.seed.refunds.filter((r) => !ids.has(r.id)), ...changed];
  }

  /** Units held for exchanges made since the seed (the seed's stock already accounts for its own). */
  #reservedUnits(): Map<string, number> {
    const reserved = new Map<string, number>();
    for (const exchange of this.state.read().exchanges) {
      const item = this.#order(exchange.orderId)?.items.find((i) => i.lineId === exchange.lineId);
      if (!item) continue;
      const key = variantKey(item.productId, exchange.toSize ?? item.size, exchange.toColor ?? item.color);
      reserved.set(key, (reserved.get(key) ?? 0) + 1);
    }
    return reserved;
  }

  #productView(product: Product, reserved: Map<string, number>): Product {
    return {
      ...product,
      stock: product.stock.map((level) => ({
        ...level,
        quantity: Math.max(0, level.quantity - (reserved.get(variantKey(product.id, level.size, level.color)) ?? 0)),
      })),
    };
  }

  async #save<T>(change: (draft: ShopState) => void, result: () => T): Promise<CommerceResult<T>> {
    try {
      // Frozen before it becomes the state that reads answer from (the write is still in flight then).
      await this.state.update((draft) => {
        change(draft);
        deepFreeze(draft);
      });
    } catch (error) {
      return fail('unavailable', `could not save the shop state to ${this.state.file}: ${String(error)}`);
    }
    return ok(result());
  }

  #closedResult<T>(): CommerceResult<T> | undefined {
    return this.#closed ? fail('unavailable', 'the demo shop has been closed') : undefined;
  }

  /** Returns and exchanges share the rule: delivered, and asked within the policy's window. */
  #checkReturnable<T>(order: Order, now: Date, what: string): CommerceResult<T> | undefined {
    if (order.status !== 'delivered' || !order.deliveredAt) {
      return fail('not_allowed', `order ${order.id} is ${order.status}: only delivered orders can have a ${what}`);
    }
    const days = this.calendar.daysBetween(new Date(order.deliveredAt), now);
    const window = this.seed.policy.returnWindowDays;
    if (days > window) {
      return fail('past_window', `order ${order.id} was delivered ${days} days ago; the ${what} window is ${window} days`);
    }
    return undefined;
  }

  // ---- the port ----

  async getCustomer(customerId: string): Promise<CommerceResult<Customer>> {
    const closed = this.#closedResult<Customer>();
    if (closed) return closed;
    const customer = this.#customers.get(customerId);
    return customer ? ok(customer) : fail('not_found', `no customer ${customerId}`);
  }

  async getOrder(orderId: string, customerId: string): Promise<CommerceResult<Order>> {
    const closed = this.#closedResult<Order>();
    if (closed) return closed;
    const order = this.#ownOrder(orderId, customerId);
    return order ? ok(order) : fail('not_found', `no order ${orderId} for customer ${customerId}`);
  }

  async listOrders(customerId: string, options?: { limit?: number }): Promise<CommerceResult<Order[]>> {
    const closed = this.#closedResult<Order[]>();
    if (closed) return closed;
    const orders = this.#allOrders()
      .filter((o) => o.customerId === customerId)
      .sort((a, b) => b.placedAt.localeCompare(a.placedAt));
    return ok(options?.limit === undefined ? orders : orders.slice(0, Math.max(0, options.limit)));
  }

  async cancelOrder(orderId: string, customerId: string): Promise<CommerceResult<Order>> {
    const closed = this.#closedResult<Order>();
    if (closed) return closed;
    const order = this.#ownOrder(orderId, customerId);
    if (!order) return fail('not_found', `no order ${orderId} for customer ${customerId}`);
    if (!BEFORE_SHIPPING.includes(order.status)) {
      return fail('not_allowed', `order ${orderId} is ${order.status}: only paid or preparing orders can be cancelled`);
    }
    const now = this.clock();
    const cancelled: Order = { ...order, status: 'cancelled' };
    const refund: Refund = {
      id: nextId('RF', this.#refunds()),
      orderId,
      customerId,
      amount: order.total,
      method: order.paymentMethod,
      status: 'pending',
      requestedAt: now.toISOString(),
      expectedBy: this.calendar.addBusinessDays(now, this.seed.policy.refundBusinessDays),
    };
    return this.#save(
      (draft) => {
        draft.orders[orderId] = cancelled;
        draft.refunds.push(refund);
      },
      () => cancelled,
    );
  }

  async changeAddress(orderId: string, customerId: string, address: Partial<Address>): Promise<CommerceResult<Order>> {
    const closed = this.#closedResult<Order>();
    if (closed) return closed;
    const order = this.#ownOrder(orderId, customerId);
    if (!order) return fail('not_found', `no order ${orderId} for customer ${customerId}`);
    if (!BEFORE_SHIPPING.includes(order.status)) {
      return fail('not_allowed', `order ${orderId} is ${order.status}: the address can only change before shipping`);
    }
    const given = Object.fromEntries(Object.entries(address).filter(([, value]) => value !== undefined));
    const merged = addressSchema.safeParse({ ...order.address, ...given });
    if (!merged.success) return fail('invalid', `address not changed: ${formatZodIssues(merged.error)}`);
    const changed: Order = { ...order, address: merged.data };
    return this.#save(
      (draft) => {
        draft.orders[orderId] = changed;
      },
      () => changed,
    );
  }

  async createReturn(input: Parameters<CommercePort['createReturn']>[0]): Promise<CommerceResult<ReturnRequest>> {
    const closed = this.#closedResult<ReturnRequest>();
    if (closed) return closed;
    const order = this.#ownOrder(input.orderId, input.customerId);
    if (!order) return fail('not_found', `no order ${input.orderId} for customer ${input.customerId}`);
    const refused = this.#checkReturnable<ReturnRequest>(order, input.now, 'return');
    if (refused) return refused;
    const lineIds = input.lineIds ?? order.items.map((i) => i.lineId);
    const unknown = lineIds.filter((id) => !order.items.some((i) => i.lineId === id));
    if (lineIds.length === 0 || unknown.length > 0) {
      return fail('invalid', `order ${order.id} has no line(s) ${unknown.join(', ') || '(none given)'}`);
    }
    if (input.reason.trim() === '') return fail('invalid', 'a return needs a reason');
    const request: ReturnRequest = {
      id: nextId('RT', this.#returns()),
      orderId: order.id,
      customerId: order.customerId,
      lineIds: [...new Set(lineIds)],
      reason: input.reason.trim(),
      status: 'requested',
      createdAt: input.now.toISOString(),
    };
    return this.#save(
      (draft) => {
        draft.orders[order.id] = { ...order, status: 'return_requested' };
        draft.returns.push(request);
      },
      () => request,
    );
  }

  async createExchange(input: Parameters<CommercePort['createExchange']>[0]): Promise<CommerceResult<ExchangeRequest>> {
    const closed = this.#closedResult<ExchangeRequest>();
    if (closed) return closed;
    const order = this.#ownOrder(input.orderId, input.customerId);
    if (!order) return fail('not_found', `no order ${input.orderId} for customer ${input.customerId}`);
    const refused = this.#checkReturnable<ExchangeRequest>(order, input.now, 'exchange');
    if (refused) return refused;
    const item = order.items.find((i) => i.lineId === input.lineId);
    if (!item) return fail('invalid', `order ${order.id} has no line ${input.lineId}`);
    const product = this.#products.get(item.productId);
    if (!product) return fail('invalid', `product ${item.productId} is no longer sold`);
    if (input.toSize === undefined && input.toColor === undefined) {
      return fail('invalid', 'an exchange needs a new size or a new colour');
    }
    const size = input.toSize === undefined ? item.size : matchSize(product, input.toSize);
    if (!size) return fail('invalid', `${product.id} does not come in size '${input.toSize}' (sizes: ${product.sizes.join(', ')})`);
    const color = input.toColor === undefined ? item.color : matchColor(product, input.toColor);
    if (!color) return fail('invalid', `${product.id} does not come in '${input.toColor}' (colours: ${product.colors.join(', ')})`);
    if (size === item.size && color === item.color) {
      return fail('invalid', `line ${item.lineId} already is ${size} / ${color}`);
    }
    const open = this.#exchanges().find((x) => x.orderId === order.id && x.lineId === item.lineId && x.status !== 'completed');
    if (open) return fail('not_allowed', `line ${item.lineId} already has exchange ${open.id} in progress`);

    const level = this.#productView(product, this.#reservedUnits()).stock.find((s) => s.size === size && s.color === color);
    if (!level || level.quantity < 1) {
      const restock = level?.restockDate ? `, restock expected ${level.restockDate}` : '';
      return fail('out_of_stock', `${product.id} ${size} / ${color} is out of stock${restock}`);
    }
    const request: ExchangeRequest = {
      id: nextId('EX', this.#exchanges()),
      orderId: order.id,
      customerId: order.customerId,
      lineId: item.lineId,
      ...(size !== item.size ? { toSize: size } : {}),
      ...(color !== item.color ? { toColor: color } : {}),
      status: 'requested',
      createdAt: input.now.toISOString(),
    };
    // Storing the exchange is what reserves the unit: stock views subtract state exchanges.
    return this.#save(
      (draft) => {
        draft.exchanges.push(request);
      },
      () => request,
    );
  }

  async listRefunds(customerId: string, orderId?: string): Promise<CommerceResult<Refund[]>> {
    const closed = this.#closedResult<Refund[]>();
    if (closed) return closed;
    if (orderId !== undefined && !this.#ownOrder(orderId, customerId)) {
      return fail('not_found', `no order ${orderId} for customer ${customerId}`);
    }
    const refunds = this.#refunds()
      .filter((r) => r.customerId === customerId && (orderId === undefined || r.orderId === orderId))
      .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
    return ok(refunds);
  }

  async getProduct(productId: string): Promise<CommerceResult<Product>> {
    const closed = this.#closedResult<Product>();
    if (closed) return closed;
    const product = this.#products.get(productId);
    return product ? ok(this.#productView(product, this.#reservedUnits())) : fail('not_found', `no product ${productId}`);
  }

  async findProducts(query: string): Promise<CommerceResult<Product[]>> {
    const closed = this.#closedResult<Product[]>();
    if (closed) return closed;
    const reserved = this.#reservedUnits();
    return ok(searchProducts(this.seed.products, query).map((p) => this.#productView(p, reserved)));
  }

  async getPolicy(): Promise<CommerceResult<ShopPolicy>> {
    const closed = this.#closedResult<ShopPolicy>();
    if (closed) return closed;
    return ok(this.seed.policy);
  }

  onOrderEvent(listener: OrderEventListener): () => void {
    return this.#events.on(listener);
  }

  async advanceOrder(orderId: string, kind: OrderEventKind): Promise<CommerceResult<OrderEvent>> {
    const closed = this.#closedResult<OrderEvent>();
    if (closed) return closed;
    const order = this.#order(orderId);
    if (!order) return fail('not_found', `no order ${orderId}`);
    const now = this.clock();
    const at = now.toISOString();
    const event: OrderEvent = { id: `ev-${orderId}-${kind}-${now.getTime()}-${++this.#eventSeq}`, kind, orderId, customerId: order.customerId, at };
    let change: (draft: ShopState) => void;
    switch (kind) {
      case 'shipped': {
        if (!BEFORE_SHIPPING.includes(order.status)) return fail('not_allowed', `order ${orderId} is ${order.status}: only paid or preparing orders ship`);
        const shipped: Order = { ...order, status: 'shipped', shippedAt: at, carrier: order.carrier ?? 'CJ대한통운', trackingNumber: order.trackingNumber ?? `6512${orderId}` };
        Object.assign(event, { carrier: shipped.carrier, trackingNumber: shipped.trackingNumber });
        change = (draft) => void (draft.orders[orderId] = shipped);
        break;
      }
      case 'delivered': {
        if (order.status !== 'shipped') return fail('not_allowed', `order ${orderId} is ${order.status}: only a shipped order is delivered`);
        const delivered: Order = { ...order, status: 'delivered', deliveredAt: at };
        change = (draft) => void (draft.orders[orderId] = delivered);
        break;
      }
      case 'delayed': {
        if (!['paid', 'preparing', 'shipped'].includes(order.status)) return fail('not_allowed', `order ${orderId} is ${order.status}: it is not on its way`);
        const from = order.expectedDelivery ?? this.calendar.dateOf(now);
        const later = new Date(Date.parse(`${from}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
        const delayed: Order = { ...order, expectedDelivery: later };
        event.expectedDelivery = later;
        change = (draft) => void (draft.orders[orderId] = delayed);
        break;
      }
      case 'refund_completed': {
        const refund = this.#refunds()
          .filter((r) => r.orderId === orderId && r.status !== 'completed')
          .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt))[0];
        if (!refund) return fail('not_allowed', `order ${orderId} has no refund under way`);
        event.amount = refund.amount;
        change = (draft) => {
          const completed = { ...refund, status: 'completed' as const, completedAt: at };
          const index = draft.refunds.findIndex((r) => r.id === refund.id);
          // A seed refund is completed by a copy in the state, which the view then reads instead.
          if (index >= 0) draft.refunds[index] = completed;
          else draft.refunds.push(completed);
        };
        break;
      }
    }
    const saved = await this.#save(change, () => event);
    if (saved.ok) this.#events.emit(event);
    return saved;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.state.flush();
  }
}

function variantKey(productId: string, size: string, color: string): string {
  return `${productId}\u0000${size}\u0000${color}`;
}
