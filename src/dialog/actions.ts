// The actions a flow can `call`: commerce port calls plus small computations over their results.
// Each declares its arguments and the outcomes a flow may branch on (`on:`), so the validator
// can check flows against this table.

import type { CommerceErrorCode, CommercePort, CommerceResult, Order, Product } from '../commerce/types.ts';
import type { CasesPort } from './types.ts';
import { matchColor, matchSize } from '../commerce/matching.ts';
import { extractEntities } from '../nlu/index.ts';
import { recommendForBody, recommendForFoot } from './sizing.ts';
import type { Json } from './template.ts';
import { toJson } from './json.ts';

export interface ActionContext {
  commerce: CommercePort;
  cases?: CasesPort;
  customerId: string | null;
  now: Date;
  /** The shop's calendar date (YYYY-MM-DD) at `now`. */
  today: string;
}

export type ActionOutcome = { outcome: string; value?: Json };

interface ActionDef {
  /** Argument names; `true` marks the required ones. */
  args: Record<string, boolean>;
  /** The outcomes besides `ok` (every commerce-backed action may also be `unavailable`). */
  outcomes: readonly string[];
  run(args: ArgReader, ctx: ActionContext): Promise<ActionOutcome>;
}

const COMMERCE = ['unavailable'] as const;

export const ACTIONS = {
  get_order: {
    args: { order_number: true },
    outcomes: ['not_found', ...COMMERCE],
    run: (a, ctx) => withCustomer(ctx, (c) => ctx.commerce.getOrder(a.str('order_number'), c)),
  },
  list_orders: {
    args: { limit: false },
    outcomes: ['empty', ...COMMERCE],
    run: async (a, ctx) => {
      const result = await withCustomer(ctx, (c) => ctx.commerce.listOrders(c, { limit: a.optNum('limit') ?? 5 }));
      return Array.isArray(result.value) && result.value.length === 0 ? { outcome: 'empty', value: [] } : result;
    },
  },
  get_order_item: {
    args: { order: true, line_id: true },
    outcomes: ['not_found'],
    run: async (a) => {
      const lineId = a.str('line_id');
      const item = a.order('order').items.find((i) => i.lineId === lineId);
      return item ? { outcome: 'ok', value: toJson(item) } : { outcome: 'not_found' };
    },
  },
  cancel_order: {
    args: { order_number: true },
    outcomes: ['not_found', 'not_allowed', ...COMMERCE],
    run: (a, ctx) => withCustomer(ctx, (c) => ctx.commerce.cancelOrder(a.str('order_number'), c)),
  },
  change_address: {
    args: { order_number: true, line1: true, line2: false, postal_code: false, recipient: false, phone: false },
    outcomes: ['not_found', 'not_allowed', 'invalid', ...COMMERCE],
    run: (a, ctx) =>
      withCustomer(ctx, (c) => {
        const address: Record<string, string> = { line1: a.str('line1') };
        for (const [arg, field] of [['line2', 'line2'], ['postal_code', 'postalCode'], ['recipient', 'recipient'], ['phone', 'phone']] as const) {
          const v = a.optStr(arg);
          if (v) address[field] = v;
        }
        return ctx.commerce.changeAddress(a.str('order_number'), c, address);
      }),
  },
  check_return_window: {
    args: { order: true },
    outcomes: ['not_delivered', 'past_window', ...COMMERCE],
    run: async (a, ctx) => {
      const order = a.order('order');
      const policy = await safely(() => ctx.commerce.getPolicy());
      if (!policy.ok) return { outcome: policy.error === 'unavailable' ? 'unavailable' : 'not_delivered' };
      const windowDays = policy.value.returnWindowDays;
      if (order.status !== 'delivered' || !order.deliveredAt) return { outcome: 'not_delivered', value: { window_days: windowDays } };
      // Calendar days in the shop's time zone: delivered on the 13th with 7 days, the 20th is the last day.
      const deadline = addDays(order.deliveredAt.slice(0, 10), windowDays);
      const daysLeft = daysBetween(ctx.today, deadline);
      const value = { window_days: windowDays, deadline, days_left: Math.max(daysLeft, 0) };
      return { outcome: daysLeft < 0 ? 'past_window' : 'ok', value };
    },
  },
  create_return: {
    args: { order_number: true, reason: true, line_ids: false },
    outcomes: ['not_found', 'not_allowed', 'past_window', 'invalid', ...COMMERCE],
    run: (a, ctx) =>
      withCustomer(ctx, (c) => {
        const lineIds = a.optStrList('line_ids');
        return ctx.commerce.createReturn({
          orderId: a.str('order_number'),
          customerId: c,
          reason: a.str('reason'),
          now: ctx.now,
          ...(lineIds ? { lineIds } : {}),
        });
      }),
  },
  create_exchange: {
    args: { order_number: true, line_id: true, to_size: false, to_color: false },
    outcomes: ['not_found', 'not_allowed', 'past_window', 'out_of_stock', 'invalid', ...COMMERCE],
    run: (a, ctx) =>
      withCustomer(ctx, (c) => {
        const toSize = a.optStr('to_size');
        const toColor = a.optStr('to_color');
        return ctx.commerce.createExchange({
          orderId: a.str('order_number'),
          customerId: c,
          lineId: a.str('line_id'),
          now: ctx.now,
          ...(toSize ? { toSize } : {}),
          ...(toColor ? { toColor } : {}),
        });
      }),
  },
  list_refunds: {
    args: { order_number: false },
    outcomes: ['empty', ...COMMERCE],
    run: async (a, ctx): Promise<ActionOutcome> => {
      const result = await withCustomer(ctx, (c) => ctx.commerce.listRefunds(c, a.optStr('order_number')));
      if (result.outcome !== 'ok' || !Array.isArray(result.value)) return result;
      const items = [...result.value].sort((x, y) => String(asRecord(y).requestedAt).localeCompare(String(asRecord(x).requestedAt)));
      const latest = items[0];
      return latest === undefined ? { outcome: 'empty', value: { items: [] } } : { outcome: 'ok', value: { items, latest } };
    },
  },
  get_product: {
    args: { product_id: true },
    outcomes: ['not_found', ...COMMERCE],
    run: async (a, ctx) => fromResult(await safely(() => ctx.commerce.getProduct(a.str('product_id')))),
  },
  match_option: {
    args: { product: true, size: false, color: false },
    outcomes: ['not_offered'],
    run: async (a) => {
      const product = a.product('product');
      const option = productOption(product, a.optStr('size'), a.optStr('color'));
      return option ? { outcome: 'ok', value: option } : { outcome: 'not_offered', value: toJson({ sizes: product.sizes, colors: product.colors }) };
    },
  },
  check_stock: {
    args: { product: true, size: false, color: false },
    outcomes: ['not_offered', 'out_of_stock'],
    run: async (a) => checkStock(a.product('product'), a.optStr('size'), a.optStr('color')),
  },
  recommend_size: {
    args: { product: true, height: true, weight: true },
    outcomes: ['no_chart'],
    run: async (a) => {
      const rec = recommendForBody(a.product('product'), a.num('height'), a.num('weight'));
      if (!rec) return { outcome: 'no_chart' };
      return {
        outcome: 'ok',
        value: toJson({
          size: rec.size,
          chart_size: rec.chartSize,
          height_size: rec.heightSize,
          weight_size: rec.weightSize,
          match: rec.match,
          fit_shift: rec.fitShift,
          row: rec.row,
        }),
      };
    },
  },
  recommend_shoe_size: {
    args: { product: true, usual_size: true },
    outcomes: ['no_chart'],
    run: async (a) => {
      const rec = recommendForFoot(a.product('product'), a.num('usual_size'));
      return rec ? { outcome: 'ok', value: toJson(rec) } : { outcome: 'no_chart' };
    },
  },
  get_policy: {
    args: {},
    outcomes: [...COMMERCE],
    run: async (_a, ctx) => fromResult(await safely(() => ctx.commerce.getPolicy())),
  },
  /** A complaint case for the shopper, numbered C-<day>-<NNNN> (`kind`: defect or complaint). */
  open_case: {
    args: { kind: true, order_number: false, summary: false },
    outcomes: ['unavailable'],
    run: async (a, ctx) => {
      if (!ctx.cases) return { outcome: 'unavailable' };
      const opened = await ctx.cases.open({ kind: a.str('kind'), orderId: a.optStr('order_number') ?? null, summary: a.optStr('summary') ?? null, day: ctx.today, now: ctx.now });
      return { outcome: 'ok', value: toJson(opened) };
    },
  },
  /** The shopper's cases, newest first: `items`, `latest`, `count`. */
  list_cases: {
    args: {},
    outcomes: ['empty', 'unavailable'],
    run: async (_a, ctx) => {
      if (!ctx.cases) return { outcome: 'unavailable' };
      const items = await ctx.cases.list();
      const latest = items[0];
      if (!latest) return { outcome: 'empty', value: { items: [], count: 0 } };
      return { outcome: 'ok', value: toJson({ items, latest, count: items.length }) };
    },
  },
} satisfies Record<string, ActionDef>;

export type ActionName = keyof typeof ACTIONS;

export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(ACTIONS, name);
}

export function actionDef(name: ActionName): ActionDef {
  return ACTIONS[name];
}

/** Runs an action; a thrown error or a bad argument never escapes as an exception. */
export async function runAction(name: ActionName, args: Record<string, Json | undefined>, ctx: ActionContext): Promise<ActionOutcome> {
  try {
    return await ACTIONS[name].run(new ArgReader(args), ctx);
  } catch (err) {
    if (err instanceof BadArgument) return { outcome: 'invalid' };
    return { outcome: 'unavailable' };
  }
}

/**
 * The product's own spelling of the size and colour the shopper named ("black" is "블랙",
 * "250mm" is "250"); null when the product is not made in it.
 */
function productOption(product: Product, wantedSize: string | undefined, wantedColor: string | undefined): { size: string | null; color: string | null } | null {
  const size = wantedSize === undefined ? null : (matchSize(product, wantedSize) ?? undefined);
  const color = wantedColor === undefined ? null : (matchColor(product, wantedColor) ?? sameColorFamily(product, wantedColor));
  return size === undefined || color === undefined ? null : { size, color };
}

/** The NLU names colours by family ("차콜" is gray): a product colour of the same family is meant. */
function sameColorFamily(product: Product, wanted: string): string | undefined {
  const family = (text: string) => extractEntities(text, 'ko', EPOCH).find((e) => e.type === 'color')?.value;
  const target = family(wanted) ?? wanted;
  return product.colors.find((c) => family(c) === target);
}
const EPOCH = new Date(0);

function checkStock(product: Product, wantedSize: string | undefined, wantedColor: string | undefined): ActionOutcome {
  const option = productOption(product, wantedSize, wantedColor);
  if (!option) return { outcome: 'not_offered', value: toJson({ sizes: product.sizes, colors: product.colors }) };
  const size = option.size ?? undefined;
  const color = option.color ?? undefined;
  const levels = product.stock.filter((s) => (!size || s.size === size) && (!color || s.color === color));
  const available = levels.filter((s) => s.quantity > 0);
  const restock = levels.map((s) => s.restockDate).filter((d): d is string => Boolean(d)).sort()[0] ?? null;
  const value = {
    size: size ?? null,
    color: color ?? null,
    quantity: available.reduce((n, s) => n + s.quantity, 0),
    colors_in_stock: unique(available.map((s) => s.color)),
    sizes_in_stock: product.sizes.filter((sz) => product.stock.some((s) => s.size === sz && s.quantity > 0 && (!color || s.color === color))),
    restock_date: restock,
  };
  return { outcome: available.length > 0 ? 'ok' : 'out_of_stock', value: toJson(value) };
}

async function withCustomer<T>(ctx: ActionContext, call: (customerId: string) => Promise<CommerceResult<T>>): Promise<ActionOutcome> {
  // Without a signed-in shopper no order can be shown: same answer as an unknown order.
  if (!ctx.customerId) return { outcome: 'not_found' };
  const customerId = ctx.customerId;
  return fromResult(await safely(() => call(customerId)));
}

async function safely<T>(call: () => Promise<CommerceResult<T>>): Promise<CommerceResult<T>> {
  try {
    return await call();
  } catch (err) {
    return { ok: false, error: 'unavailable', message: err instanceof Error ? err.message : String(err) };
  }
}

function fromResult<T>(result: CommerceResult<T>): ActionOutcome {
  return result.ok ? { outcome: 'ok', value: toJson(result.value) } : { outcome: result.error satisfies CommerceErrorCode };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

const DAY_MS = 86_400_000;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

class BadArgument extends Error {}

/** Typed access to rendered arguments; a wrong type means the flow passed the wrong variable. */
class ArgReader {
  constructor(private readonly args: Record<string, Json | undefined>) {}

  str(name: string): string {
    const v = this.optStr(name);
    if (v === undefined) throw new BadArgument(name);
    return v;
  }
  optStr(name: string): string | undefined {
    const v = this.args[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw new BadArgument(name);
  }
  num(name: string): number {
    const v = this.optNum(name);
    if (v === undefined) throw new BadArgument(name);
    return v;
  }
  optNum(name: string): number | undefined {
    const v = this.args[name];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new BadArgument(name);
    return n;
  }
  optStrList(name: string): string[] | undefined {
    const v = this.args[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    throw new BadArgument(name);
  }
  order(name: string): Order {
    const v = asRecord(this.args[name]);
    if (typeof v.id !== 'string' || typeof v.status !== 'string' || !Array.isArray(v.items)) throw new BadArgument(name);
    return v as unknown as Order;
  }
  product(name: string): Product {
    const v = asRecord(this.args[name]);
    if (typeof v.id !== 'string' || !Array.isArray(v.sizes) || !Array.isArray(v.sizeChart) || !Array.isArray(v.stock)) throw new BadArgument(name);
    return v as unknown as Product;
  }
}
