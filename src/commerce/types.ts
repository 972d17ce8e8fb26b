// The commerce port: the one interface through which the engine reads and changes shop data.
// The embedded demo shop and the HTTP adapter both implement it.

export type LocalizedText = { ko: string; en: string };

export const ORDER_STATUSES = [
  'paid', // 결제 완료
  'preparing', // 배송 준비 중
  'shipped', // 배송 중
  'delivered', // 배송 완료
  'cancelled', // 취소
  'return_requested', // 반품 접수
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface Address {
  recipient: string;
  phone: string;
  line1: string;
  line2?: string;
  postalCode: string;
}

export interface Customer {
  id: string;
  name: string;
  email: string;
  phone: string;
  locale: 'ko' | 'en';
  /** The shop's membership grade (e.g. VIP, GOLD), as the shop names it; absent when it has none. */
  tier?: string;
}

export interface OrderItem {
  /** Unique within the order. */
  lineId: string;
  productId: string;
  name: LocalizedText;
  size: string;
  color: string;
  quantity: number;
  unitPrice: number;
}

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  items: OrderItem[];
  /** KRW */
  total: number;
  placedAt: string; // ISO datetime
  shippedAt?: string;
  deliveredAt?: string;
  carrier?: string;
  trackingNumber?: string;
  expectedDelivery?: string; // ISO date
  address: Address;
  paymentMethod: string;
}

export interface SizeChartRow {
  size: string;
  /** Body measurements the size fits, in cm / kg; absent where not meaningful (shoes use footLength). */
  heightCm?: [number, number];
  weightKg?: [number, number];
  chestCm?: number;
  waistCm?: number;
  lengthCm?: number;
  footLengthMm?: number;
}

export interface StockLevel {
  size: string;
  color: string;
  quantity: number;
  restockDate?: string; // ISO date, when out of stock and a restock is scheduled
}

/** How a product fits against its size chart: size advice moves one size up for `small`, down for `large`. */
export const PRODUCT_FITS = ['small', 'true', 'large'] as const;
export type ProductFit = (typeof PRODUCT_FITS)[number];

export interface Product {
  id: string;
  name: LocalizedText;
  category: 'top' | 'bottom' | 'outer' | 'dress' | 'shoes' | 'accessory';
  price: number;
  sizes: string[];
  colors: string[];
  sizeChart: SizeChartRow[];
  /** e.g. { ko: '작게 나와요. 한 치수 크게 추천해요', en: 'Runs small: size up' } */
  fitNote?: LocalizedText;
  /** The fit note as data (runs small, true to size, runs large), for the size recommendation. */
  fit?: ProductFit;
  stock: StockLevel[];
  /** Other words shoppers use for this product (청바지, jeans ...), matched by findProducts. */
  keywords?: string[];
}

export type ReturnStatus = 'requested' | 'picked_up' | 'inspecting' | 'completed' | 'rejected';
export interface ReturnRequest {
  id: string;
  orderId: string;
  customerId: string;
  lineIds: string[];
  reason: string;
  status: ReturnStatus;
  createdAt: string;
}

export interface ExchangeRequest {
  id: string;
  orderId: string;
  customerId: string;
  lineId: string;
  toSize?: string;
  toColor?: string;
  status: 'requested' | 'shipped' | 'completed';
  createdAt: string;
}

export type RefundStatus = 'pending' | 'processing' | 'completed';
export interface Refund {
  id: string;
  orderId: string;
  customerId: string;
  amount: number;
  method: string;
  status: RefundStatus;
  requestedAt: string;
  expectedBy?: string; // ISO date
  completedAt?: string;
}

export interface ShopPolicy {
  returnWindowDays: number;
  /** KRW the shopper pays for a change-of-mind return (free for defects). */
  returnShippingFee: number;
  exchangeShippingFee: number;
  shippingFee: number;
  freeShippingThreshold: number;
  /** Extra for Jeju and islands. */
  remoteAreaFee: number;
  refundBusinessDays: number;
}

/** Why a commerce call could not do what was asked. `unavailable` covers timeouts and outages. */
export type CommerceErrorCode =
  | 'not_found' // also used when the order belongs to someone else: never reveal it exists
  | 'not_allowed' // state forbids it: shipped order cannot be cancelled, etc.
  | 'past_window'
  | 'out_of_stock'
  | 'invalid'
  | 'unavailable';

export type CommerceResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: CommerceErrorCode; message: string };

/** What the shop tells the chat about an order, unasked (docs/proactive.md#order-notifications). */
export const ORDER_EVENT_KINDS = ['shipped', 'delivered', 'delayed', 'refund_completed'] as const;
export type OrderEventKind = (typeof ORDER_EVENT_KINDS)[number];

export interface OrderEvent {
  /** The shop's id for this event: the same event reported twice is told once. */
  id: string;
  kind: OrderEventKind;
  orderId: string;
  customerId: string;
  at: string; // ISO datetime
  carrier?: string;
  trackingNumber?: string;
  /** `delayed`: the new expected delivery date (ISO date). */
  expectedDelivery?: string;
  /** `refund_completed`: KRW refunded. */
  amount?: number;
}

export type OrderEventListener = (event: OrderEvent) => void;

export interface CommercePort {
  /**
   * Order events as they happen (the demo shop's own; a shop API's arrive through the webhook,
   * docs/commerce-http.md#order-events). Returns a function that stops listening.
   */
  onOrderEvent?(listener: OrderEventListener): () => void;
  getCustomer(customerId: string): Promise<CommerceResult<Customer>>;
  /** Only returns the order when it belongs to `customerId`; otherwise `not_found`. */
  getOrder(orderId: string, customerId: string): Promise<CommerceResult<Order>>;
  listOrders(customerId: string, options?: { limit?: number }): Promise<CommerceResult<Order[]>>;
  cancelOrder(orderId: string, customerId: string): Promise<CommerceResult<Order>>;
  changeAddress(orderId: string, customerId: string, address: Partial<Address>): Promise<CommerceResult<Order>>;
  createReturn(input: {
    orderId: string;
    customerId: string;
    lineIds?: string[];
    reason: string;
    now: Date;
  }): Promise<CommerceResult<ReturnRequest>>;
  createExchange(input: {
    orderId: string;
    customerId: string;
    lineId: string;
    toSize?: string;
    toColor?: string;
    now: Date;
  }): Promise<CommerceResult<ExchangeRequest>>;
  listRefunds(customerId: string, orderId?: string): Promise<CommerceResult<Refund[]>>;
  getProduct(productId: string): Promise<CommerceResult<Product>>;
  /** Free-text search over product names in both languages. */
  findProducts(query: string): Promise<CommerceResult<Product[]>>;
  getPolicy(): Promise<CommerceResult<ShopPolicy>>;
}
