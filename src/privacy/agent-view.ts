// What agents see by default: phone numbers, e-mail addresses and street addresses are stored
// (agents may need them to help), but every view an agent gets (the queue, a conversation, live
// transcript entries, the items their actions return) shows them as [PHONE], [EMAIL], [ADDRESS].
// An agent who needs the real value asks for it with the reveal action, which the audit log
// records (docs/privacy.md).
import { maskPii, maskStringsDeep } from './mask.ts';

/** Fields that are never personal data and must reach the console exactly: ids, times, states. */
const STRUCTURAL_KEYS: ReadonlySet<string> = new Set([
  'id',
  'type',
  'itemId',
  'sessionId',
  'customerId',
  'agentId',
  'orderId',
  'productId',
  'lineId',
  'tokenHash',
  'ref',
  'status',
  'mode',
  'reason',
  'priority',
  'role',
  'locale',
  'intent',
  'flow',
  'state',
  'from',
  'at',
  'createdAt',
  'updatedAt',
  'closedAt',
  'placedAt',
  'shippedAt',
  'deliveredAt',
  'expectedDelivery',
]);

/** `value` (a frame, an API answer) with the personal data in its strings masked for an agent's screen. */
export function forAgents<T>(value: T): T {
  return maskStringsDeep(value, maskPii, STRUCTURAL_KEYS);
}
