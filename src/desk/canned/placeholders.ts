// Placeholders in canned replies: `{{customer.name}}`, `{{order.number}}`, `{{order.tracking_url}}`.
// A reply is checked when an admin saves it (an unknown name is refused), and filled per
// conversation from the hand-off's snapshot (customer, recent orders, the slots the bot collected).

export const PLACEHOLDERS = ['customer.name', 'order.number', 'order.tracking_url'] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const isKnown = (name: string): name is PlaceholderName => (PLACEHOLDERS as readonly string[]).includes(name);

/** The placeholder names in `text` that do not exist, in order of first appearance. */
export function unknownPlaceholders(text: string): string[] {
  const unknown: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!isKnown(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/** A `{{` that never closes is a typo the admin should see, not text the shopper gets. */
export function hasUnclosedPlaceholder(text: string): boolean {
  return text.replace(PLACEHOLDER, '').includes('{{');
}

export type PlaceholderValues = Partial<Record<PlaceholderName, string>>;

/**
 * `text` with every placeholder that has a value filled; the ones without (a guest has no name,
 * no order was mentioned) stay as written and are listed in `missing`, so the agent sees what to
 * type in before sending.
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): { text: string; missing: PlaceholderName[] } {
  const missing: PlaceholderName[] = [];
  const filled = text.replace(PLACEHOLDER, (whole, rawName: string) => {
    const name = rawName.trim();
    if (!isKnown(name)) return whole;
    const value = values[name];
    if (value === undefined || value === '') {
      if (!missing.includes(name)) missing.push(name);
      return whole;
    }
    return value;
  });
  return { text: filled, missing };
}

interface OrderLike {
  id?: unknown;
  carrier?: unknown;
  trackingNumber?: unknown;
}

/**
 * The values of one conversation, from its hand-off snapshot: the customer's name; the order the
 * shopper named (slot `order_number`) or else their latest order; its tracking page from
 * `trackingUrl` (`{carrier}` and `{trackingNumber}` filled, URL-encoded) when it has shipped.
 */
export function valuesFromContext(context: Record<string, unknown>, trackingUrl: string): PlaceholderValues {
  const values: PlaceholderValues = {};
  const customer = context['customer'] as { name?: unknown } | null | undefined;
  if (typeof customer?.name === 'string') values['customer.name'] = customer.name;
  const slots = (context['slots'] ?? {}) as Record<string, unknown>;
  const orders = Array.isArray(context['recentOrders']) ? (context['recentOrders'] as OrderLike[]) : [];
  const named = typeof slots['order_number'] === 'string' ? slots['order_number'] : undefined;
  const order = named !== undefined ? orders.find((o) => o.id === named) : orders[0];
  const number = named ?? (typeof order?.id === 'string' ? order.id : undefined);
  if (number !== undefined) values['order.number'] = number;
  if (order && typeof order.carrier === 'string' && typeof order.trackingNumber === 'string') {
    values['order.tracking_url'] = trackingUrl
      .replaceAll('{carrier}', encodeURIComponent(order.carrier))
      .replaceAll('{trackingNumber}', encodeURIComponent(order.trackingNumber));
  }
  return values;
}
