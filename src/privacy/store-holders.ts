// The personal data the Store port holds: conversations (session records with their transcripts)
// and queue items (hand-offs, and the tickets of messages left outside business hours).
import type { QueueItem, Store } from '../store/types.ts';
import { type CustomerScope, type PersonalDataHolder, PersonalDataRegistry, type RecordCounts, type RetentionScope } from './holders.ts';

/** Queue items of the given sessions, split into hand-offs and offline-message tickets. */
async function itemsOf(store: Store, sessionIds: readonly string[]): Promise<{ queue_items: QueueItem[]; offline_tickets: QueueItem[] }> {
  const wanted = new Set(sessionIds);
  const items = wanted.size === 0 ? [] : (await store.listQueue()).filter((item) => wanted.has(item.sessionId));
  return {
    queue_items: items.filter((item) => item.reason !== 'offline_message'),
    offline_tickets: items.filter((item) => item.reason === 'offline_message'),
  };
}

export function queueHolder(store: Store): PersonalDataHolder {
  const remove = async (sessionIds: readonly string[]): Promise<RecordCounts> => {
    const found = await itemsOf(store, sessionIds);
    const counts: RecordCounts = { queue_items: 0, offline_tickets: 0 };
    for (const [kind, items] of Object.entries(found)) {
      for (const item of items) if (await store.deleteQueueItem(item.id)) counts[kind] = (counts[kind] ?? 0) + 1;
    }
    return counts;
  };
  return {
    name: 'queue',
    find: (scope: CustomerScope) => itemsOf(store, scope.sessionIds),
    erase: (scope: CustomerScope) => remove(scope.sessionIds),
    purge: (scope: RetentionScope) => remove(scope.sessionIds),
  };
}

export function conversationsHolder(store: Store): PersonalDataHolder {
  const remove = async (sessionIds: readonly string[]): Promise<RecordCounts> => {
    const counts: RecordCounts = { sessions: 0, transcript_entries: 0 };
    for (const id of sessionIds) {
      const entries = (await store.getTranscript(id)).length;
      if (await store.deleteSession(id)) {
        counts['sessions'] = (counts['sessions'] ?? 0) + 1;
        counts['transcript_entries'] = (counts['transcript_entries'] ?? 0) + entries;
      }
    }
    return counts;
  };
  return {
    name: 'conversations',
    async find(scope) {
      const sessions: unknown[] = [];
      const transcripts: unknown[] = [];
      for (const id of scope.sessionIds) {
        const session = await store.getSession(id);
        if (!session) continue;
        // The token hash is the shopper's credential, no data about them.
        const { tokenHash: _tokenHash, ...record } = session;
        sessions.push(record);
        for (const entry of await store.getTranscript(id)) transcripts.push({ sessionId: id, ...entry });
      }
      return { sessions, transcript_entries: transcripts };
    },
    erase: (scope) => remove(scope.sessionIds),
    purge: (scope) => remove(scope.sessionIds),
  };
}

/**
 * The registry daehwa runs with: `extra` holders first (surveys, analytics facts: anything keyed
 * on the customer's sessions), then the queue, then the conversations themselves.
 */
export function createPersonalDataRegistry(store: Store, extra: readonly PersonalDataHolder[] = []): PersonalDataRegistry {
  const registry = new PersonalDataRegistry();
  for (const holder of extra) registry.register(holder);
  return registry.register(queueHolder(store)).register(conversationsHolder(store));
}
