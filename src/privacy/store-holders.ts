// The personal data the Store port holds: conversations (session records with their transcripts)
// and queue items (hand-offs, and the tickets of messages left outside business hours); and,
// keyed on the customer's sessions or on the customer (issue 12), satisfaction survey answers,
// complaint cases, order notifications and analytics facts (whose erasure drops the day
// aggregates that counted them: the store does, see Store.deleteFacts); and the times proactive
// messages were shown to the customer or in their sessions (the caps, issue 13).
import { customerShopper, sessionShopper } from '../proactive/shopper.ts';
import type { AnalyticsFact, CaseRecord, NotificationRecord, QueueItem, Store, SurveyRecord } from '../store/types.ts';
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

/** Records found by the customer and by each of their sessions, once each (by id). */
async function byCustomerAndSessions<T extends { id: string }>(scope: CustomerScope, ofCustomer: () => Promise<T[]>, ofSession: (id: string) => Promise<T[]>): Promise<T[]> {
  const found = new Map<string, T>();
  for (const record of await ofCustomer()) found.set(record.id, record);
  for (const id of scope.sessionIds) for (const record of await ofSession(id)) found.set(record.id, record);
  return [...found.values()];
}

/** Survey answers (CSAT, NPS, their comments): by the customer or in their sessions; retention by the time of the answer. */
export function surveysHolder(store: Store): PersonalDataHolder {
  return {
    name: 'surveys',
    find: async (scope) => ({
      surveys: await byCustomerAndSessions<SurveyRecord>(scope, () => store.listSurveys({ customerId: scope.customerId }), (sessionId) => store.listSurveys({ sessionId })),
    }),
    erase: async (scope) => ({ surveys: await store.deleteSurveys({ customerId: scope.customerId, sessionIds: scope.sessionIds }) }),
    purge: async (scope) => ({ surveys: (await store.deleteSurveys({ sessionIds: scope.sessionIds })) + (await store.deleteSurveys({ before: scope.cutoff })) }),
  };
}

/** Complaint cases (what the shopper reported, the order): by the customer or in their sessions; retention by their last change. */
export function casesHolder(store: Store): PersonalDataHolder {
  return {
    name: 'cases',
    find: async (scope) => ({
      cases: await byCustomerAndSessions<CaseRecord>(scope, () => store.listCases({ customerId: scope.customerId }), (sessionId) => store.listCases({ sessionId })),
    }),
    erase: async (scope) => ({ cases: await store.deleteCases({ customerId: scope.customerId, sessionIds: scope.sessionIds }) }),
    purge: async (scope) => ({ cases: (await store.deleteCases({ sessionIds: scope.sessionIds })) + (await store.deleteCases({ before: scope.cutoff })) }),
  };
}

/** Order notifications (orders, tracking numbers, amounts): the customer's; retention by when the shop reported them. */
export function notificationsHolder(store: Store): PersonalDataHolder {
  return {
    name: 'notifications',
    find: async (scope): Promise<{ notifications: NotificationRecord[] }> => ({ notifications: await store.listNotifications({ customerId: scope.customerId }) }),
    erase: async (scope) => ({ notifications: await store.deleteNotifications({ customerId: scope.customerId, sessionIds: scope.sessionIds }) }),
    purge: async (scope) => ({
      notifications: (await store.deleteNotifications({ sessionIds: scope.sessionIds })) + (await store.deleteNotifications({ before: scope.cutoff })),
    }),
  };
}

/** Earlier than any show. */
const EPOCH = '1970-01-01T00:00:00.000Z';

/** The caps' keys of the customer and of each of their sessions (a guest's shows are the session's). */
function shoppersOf(scope: CustomerScope): string[] {
  return [customerShopper(scope.customerId), ...scope.sessionIds.map(sessionShopper)];
}

/** When proactive messages were shown (the caps count them for a day): the customer's and their sessions'; retention takes those of purged sessions. */
export function proactiveShownHolder(store: Store): PersonalDataHolder {
  return {
    name: 'proactive_shown',
    async find(scope): Promise<{ proactive_shown: { shopper: string; at: string }[] }> {
      const shown: { shopper: string; at: string }[] = [];
      for (const shopper of shoppersOf(scope)) for (const at of await store.listProactiveShown(shopper, EPOCH)) shown.push({ shopper, at });
      return { proactive_shown: shown };
    },
    erase: async (scope) => ({ proactive_shown: await store.deleteProactiveShown({ shoppers: shoppersOf(scope) }) }),
    purge: async (scope) => ({ proactive_shown: await store.deleteProactiveShown({ shoppers: scope.sessionIds.map(sessionShopper) }) }),
  };
}

/** Later than any fact: a customer's facts are read from the start of their first session on. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** When the first of the sessions began: none of their facts is older. Null when none is stored. */
async function firstStart(store: Store, sessionIds: readonly string[]): Promise<string | null> {
  let first: string | null = null;
  for (const id of sessionIds) {
    const session = await store.getSession(id);
    if (session && (first === null || session.createdAt < first)) first = session.createdAt;
  }
  return first;
}

/**
 * Analytics facts (intents, flows, the masked lines): of the customer's sessions. Retention goes
 * by the time of the fact alone: every fact goes once it is older than the cutoff, those of
 * purged sessions included (an agent's event after the session's last turn goes when it is due).
 */
export function analyticsFactsHolder(store: Store): PersonalDataHolder {
  return {
    name: 'analytics_facts',
    async find(scope): Promise<{ analytics_facts: AnalyticsFact[] }> {
      const from = await firstStart(store, scope.sessionIds);
      if (from === null) return { analytics_facts: [] };
      return { analytics_facts: await store.listFacts({ from, to: END_OF_TIME, sessionIds: scope.sessionIds }) };
    },
    async erase(scope) {
      if (scope.sessionIds.length === 0) return { analytics_facts: 0 };
      const since = await firstStart(store, scope.sessionIds);
      return { analytics_facts: await store.deleteFacts(since === null ? { sessionIds: scope.sessionIds } : { sessionIds: scope.sessionIds, since }) };
    },
    purge: async (scope) => ({ analytics_facts: await store.deleteFacts({ before: scope.cutoff }) }),
  };
}

/**
 * The registry daehwa runs with: the records keyed on the customer's sessions or on the customer
 * (surveys, cases, notifications, analytics facts, proactive shows), then `extra` holders, then the queue, then the
 * conversations themselves (last, as the others find their records through the sessions).
 */
export function createPersonalDataRegistry(store: Store, extra: readonly PersonalDataHolder[] = []): PersonalDataRegistry {
  const registry = new PersonalDataRegistry();
  for (const holder of [surveysHolder(store), casesHolder(store), notificationsHolder(store), analyticsFactsHolder(store), proactiveShownHolder(store)]) registry.register(holder);
  for (const holder of extra) registry.register(holder);
  return registry.register(queueHolder(store)).register(conversationsHolder(store));
}
