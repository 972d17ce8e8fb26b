// zod schemas for the commerce contract: the demo shop validates its seed and state files with
// them, the HTTP adapter validates every response body. Each is typed against the interface in
// types.ts, so the schema and the contract cannot drift apart silently.

import { z } from 'zod';
import {
  ORDER_STATUSES,
  PRODUCT_FITS,
  type Address,
  type Customer,
  type ExchangeRequest,
  type LocalizedText,
  type Order,
  type OrderItem,
  type Product,
  type Refund,
  type ReturnRequest,
  type ShopPolicy,
  type SizeChartRow,
  type StockLevel,
} from './types.ts';

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const krw = z.number().int().nonnegative();
const nonEmpty = z.string().trim().min(1);
const range = z.tuple([z.number().positive(), z.number().positive()]).refine(([lo, hi]) => lo <= hi, {
  message: 'range must be [min, max] with min <= max',
});

export const localizedTextSchema: z.ZodType<LocalizedText> = z.object({ ko: nonEmpty, en: nonEmpty });

export const addressSchema: z.ZodType<Address> = z.object({
  recipient: nonEmpty,
  phone: z.string().regex(/^0\d{1,2}-\d{3,4}-\d{4}$/, 'phone must look like 010-1234-5678'),
  line1: nonEmpty,
  line2: z.string().optional(),
  postalCode: z.string().regex(/^\d{5}$/, 'postal code must be 5 digits'),
});

export const customerSchema: z.ZodType<Customer> = z.object({
  id: nonEmpty,
  name: nonEmpty,
  email: z.email(),
  phone: nonEmpty,
  locale: z.enum(['ko', 'en']),
  tier: nonEmpty.optional(),
});

export const orderItemSchema: z.ZodType<OrderItem> = z.object({
  lineId: nonEmpty,
  productId: nonEmpty,
  name: localizedTextSchema,
  size: nonEmpty,
  color: nonEmpty,
  quantity: z.number().int().positive(),
  unitPrice: krw,
});

export const orderSchema: z.ZodType<Order> = z.object({
  id: nonEmpty,
  customerId: nonEmpty,
  status: z.enum(ORDER_STATUSES),
  items: z.array(orderItemSchema).min(1),
  total: krw,
  placedAt: isoDateTime,
  shippedAt: isoDateTime.optional(),
  deliveredAt: isoDateTime.optional(),
  carrier: nonEmpty.optional(),
  trackingNumber: nonEmpty.optional(),
  expectedDelivery: isoDate.optional(),
  address: addressSchema,
  paymentMethod: nonEmpty,
});

export const sizeChartRowSchema: z.ZodType<SizeChartRow> = z.object({
  size: nonEmpty,
  heightCm: range.optional(),
  weightKg: range.optional(),
  chestCm: z.number().positive().optional(),
  waistCm: z.number().positive().optional(),
  lengthCm: z.number().positive().optional(),
  footLengthMm: z.number().positive().optional(),
});

export const stockLevelSchema: z.ZodType<StockLevel> = z.object({
  size: nonEmpty,
  color: nonEmpty,
  quantity: z.number().int().nonnegative(),
  restockDate: isoDate.optional(),
});

export const productSchema: z.ZodType<Product> = z.object({
  id: nonEmpty,
  name: localizedTextSchema,
  category: z.enum(['top', 'bottom', 'outer', 'dress', 'shoes', 'accessory']),
  price: krw,
  sizes: z.array(nonEmpty).min(1),
  colors: z.array(nonEmpty).min(1),
  sizeChart: z.array(sizeChartRowSchema),
  fitNote: localizedTextSchema.optional(),
  fit: z.enum(PRODUCT_FITS).optional(),
  stock: z.array(stockLevelSchema),
  keywords: z.array(nonEmpty).optional(),
});

export const returnRequestSchema: z.ZodType<ReturnRequest> = z.object({
  id: nonEmpty,
  orderId: nonEmpty,
  customerId: nonEmpty,
  lineIds: z.array(nonEmpty).min(1),
  reason: nonEmpty,
  status: z.enum(['requested', 'picked_up', 'inspecting', 'completed', 'rejected']),
  createdAt: isoDateTime,
});

export const exchangeRequestSchema: z.ZodType<ExchangeRequest> = z.object({
  id: nonEmpty,
  orderId: nonEmpty,
  customerId: nonEmpty,
  lineId: nonEmpty,
  toSize: nonEmpty.optional(),
  toColor: nonEmpty.optional(),
  status: z.enum(['requested', 'shipped', 'completed']),
  createdAt: isoDateTime,
});

export const refundSchema: z.ZodType<Refund> = z.object({
  id: nonEmpty,
  orderId: nonEmpty,
  customerId: nonEmpty,
  amount: krw,
  method: nonEmpty,
  status: z.enum(['pending', 'processing', 'completed']),
  requestedAt: isoDateTime,
  expectedBy: isoDate.optional(),
  completedAt: isoDateTime.optional(),
});

export const shopPolicySchema: z.ZodType<ShopPolicy> = z.object({
  returnWindowDays: z.number().int().positive(),
  returnShippingFee: krw,
  exchangeShippingFee: krw,
  shippingFee: krw,
  freeShippingThreshold: krw,
  remoteAreaFee: krw,
  refundBusinessDays: z.number().int().positive(),
});

/** `[3].items[0].size`: the path of a zod issue, written the way a reader finds it in the file. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

export function formatZodIssues(error: z.ZodError, maxIssues = 5): string {
  const lines = error.issues.slice(0, maxIssues).map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
  const more = error.issues.length - maxIssues;
  if (more > 0) lines.push(`... and ${more} more`);
  return lines.join('; ');
}
