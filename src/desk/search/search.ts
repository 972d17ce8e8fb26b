// Conversation search for agents: by customer (name or id), order number, or what was said. It
// reads the queue items (open and finished, newest first) and their transcripts, as agents see
// them: phone numbers, e-mails and addresses are masked before matching, so a search cannot tell
// an agent what the masking hides. Pure matching (`matchConversation`) and a bounded scan over
// the Store port (`searchConversations`).
import { maskPii } from '../../privacy/mask.ts';
import type { QueueItem, Store, TranscriptEntry } from '../../store/types.ts';
import { teamOf } from '../routing/teams.ts';

/** Queue items looked at, newest first: a search stays quick however long the history. */
export const SEARCH_SCAN_LIMIT = 500;
export const SEARCH_RESULT_LIMIT = 20;
const SNIPPET_CHARS = 80;

export type SearchMatch = { field: 'customer' | 'order' | 'text'; snippet: string };

export interface SearchResult {
  itemId: string;
  sessionId: string;
  status: QueueItem['status'];
  team: string | null;
  reason: string;
  priority: QueueItem['priority'];
  agentId: string | null;
  customerName: string | null;
  createdAt: string;
  updatedAt: string;
  match: SearchMatch;
}

const normalise = (text: string): string => text.normalize('NFC').toLowerCase();

function snippet(text: string, at: number, length: number): string {
  const start = Math.max(0, at - Math.floor((SNIPPET_CHARS - length) / 2));
  const cut = text.slice(start, start + SNIPPET_CHARS);
  return `${start > 0 ? '…' : ''}${cut}${start + SNIPPET_CHARS < text.length ? '…' : ''}`;
}

function found(text: string, query: string): number {
  return normalise(text).indexOf(query);
}

/** The order numbers a conversation names: the orders in its snapshot, the slots the bot collected, its case numbers. */
function orderNumbers(context: Record<string, unknown>): string[] {
  const numbers: string[] = [];
  const orders = Array.isArray(context['recentOrders']) ? (context['recentOrders'] as { id?: unknown }[]) : [];
  for (const order of orders) if (typeof order?.id === 'string') numbers.push(order.id);
  const slots = (context['slots'] ?? {}) as Record<string, unknown>;
  for (const key of ['order_number', 'orderNumber', 'order_id', 'orderId']) if (typeof slots[key] === 'string') numbers.push(slots[key]);
  if (Array.isArray(context['cases'])) for (const number of context['cases']) if (typeof number === 'string') numbers.push(number);
  return numbers;
}

/** How the conversation matches `query` (already trimmed), or null: customer first, then order, then words. */
export function matchConversation(item: Pick<QueueItem, 'context'>, transcript: readonly Pick<TranscriptEntry, 'from' | 'text' | 'internal'>[], query: string): SearchMatch | null {
  const q = normalise(query);
  const customer = item.context['customer'] as { id?: unknown; name?: unknown } | null | undefined;
  for (const value of [customer?.name, customer?.id]) {
    if (typeof value === 'string' && found(value, q) !== -1) return { field: 'customer', snippet: value };
  }
  const order = orderNumbers(item.context).find((number) => found(number, q) !== -1);
  if (order) return { field: 'order', snippet: order };
  for (const entry of transcript) {
    if (entry.from === 'system' || entry.internal) continue;
    const text = maskPii(entry.text);
    const at = found(text, q);
    if (at !== -1) return { field: 'text', snippet: snippet(text, at, q.length) };
  }
  return null;
}

/** The newest conversations matching `query`, at most SEARCH_RESULT_LIMIT. */
export async function searchConversations(store: Pick<Store, 'listQueue' | 'getTranscript'>, query: string): Promise<SearchResult[]> {
  const items = (await store.listQueue()).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id)).slice(0, SEARCH_SCAN_LIMIT);
  const results: SearchResult[] = [];
  const seenSessions = new Set<string>();
  for (const item of items) {
    if (results.length >= SEARCH_RESULT_LIMIT) break;
    // The snapshot's transcript first (what led to the hand-off), then the live one (what was said with the agent).
    const snapshot = Array.isArray(item.context['transcript']) ? (item.context['transcript'] as TranscriptEntry[]) : [];
    let match = matchConversation(item, snapshot, query);
    if (!match && !seenSessions.has(item.sessionId)) match = matchConversation({ context: {} }, await store.getTranscript(item.sessionId), query);
    seenSessions.add(item.sessionId);
    if (!match) continue;
    const customer = item.context['customer'] as { name?: unknown } | null | undefined;
    results.push({
      itemId: item.id,
      sessionId: item.sessionId,
      status: item.status,
      team: teamOf(item),
      reason: item.reason,
      priority: item.priority,
      agentId: item.agentId ?? null,
      customerName: typeof customer?.name === 'string' ? customer.name : null,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      match,
    });
  }
  return results;
}
