// A customer's data on request, and retention (docs/privacy.md): export everything daehwa keeps
// about a customer, erase it, and purge conversations older than the configured number of days.
// Runs every registered personal data holder (holders.ts); the CLI (`daehwa privacy`) and the
// admin endpoints (/api/admin/privacy/...) are thin adapters over this. Erasures and purges are
// recorded in the audit log with their counts, never with the data.
import type { AuditSink } from '../audit/audit-log.ts';
import type { Store } from '../store/types.ts';
import { addCounts, type CustomerScope, type PersonalDataRegistry, type RecordCounts } from './holders.ts';

export interface PrivacyDeskOptions {
  store: Store;
  registry: PersonalDataRegistry;
  audit: AuditSink;
  now: () => Date;
  /** Called with each session about to be erased: the server closes its sockets and forgets it. */
  onSessionErased?: (sessionId: string) => void;
}

export interface CustomerExport {
  customerId: string;
  exportedAt: string;
  /** How many records of each kind were found. */
  found: RecordCounts;
  records: Record<string, unknown[]>;
}

export interface ErasureReport {
  customerId: string;
  erasedAt: string;
  found: RecordCounts;
  removed: RecordCounts;
}

export interface RetentionReport {
  cutoff: string;
  removed: RecordCounts;
}

/** Who asked: an agent id (admin endpoint) or a description of the operator (CLI). */
export interface Requester {
  actor: string | null;
  address?: string;
  via: 'api' | 'cli';
}

const DAY_MS = 24 * 60 * 60_000;

export class PrivacyDesk {
  constructor(private readonly options: PrivacyDeskOptions) {}

  async exportCustomer(customerId: string, by: Requester): Promise<CustomerExport> {
    const scope = await this.#scope(customerId);
    const records: Record<string, unknown[]> = {};
    for (const holder of this.options.registry.holders) Object.assign(records, await holder.find(scope));
    const found = countsOf(records);
    await this.options.audit.record({ ...this.#who(by), action: 'export', target: { kind: 'customer', id: customerId }, detail: { ...found, via: by.via } });
    return { customerId, exportedAt: this.options.now().toISOString(), found, records };
  }

  async eraseCustomer(customerId: string, by: Requester): Promise<ErasureReport> {
    const scope = await this.#scope(customerId);
    const found: RecordCounts = {};
    for (const holder of this.options.registry.holders) addCounts(found, countsOf(await holder.find(scope)));
    for (const id of scope.sessionIds) this.options.onSessionErased?.(id);
    const removed: RecordCounts = {};
    for (const holder of this.options.registry.holders) addCounts(removed, await holder.erase(scope));
    await this.options.store.flush();
    await this.options.audit.record({ ...this.#who(by), action: 'erase', target: { kind: 'customer', id: customerId }, detail: { ...removed, via: by.via } });
    return { customerId, erasedAt: this.options.now().toISOString(), found, removed };
  }

  /**
   * Removes the conversations last updated more than `retentionDays` ago (with their transcripts
   * and queue items, and whatever other holders keep past the cutoff). Conversations waiting for
   * or talking with an agent are kept until they are done.
   */
  async purgeExpired(retentionDays: number): Promise<RetentionReport> {
    const cutoff = new Date(this.options.now().getTime() - retentionDays * DAY_MS).toISOString();
    const active = new Set((await this.options.store.listQueue(['waiting', 'assigned'])).map((item) => item.sessionId));
    const sessionIds = (await this.options.store.listSessions())
      .filter((session) => session.updatedAt < cutoff && !active.has(session.id))
      .map((session) => session.id);
    for (const id of sessionIds) this.options.onSessionErased?.(id);
    const removed: RecordCounts = {};
    for (const holder of this.options.registry.holders) if (holder.purge) addCounts(removed, await holder.purge({ cutoff, sessionIds }));
    await this.options.store.flush();
    if (Object.values(removed).some((count) => count > 0)) {
      await this.options.audit.record({ action: 'retention_purge', actor: null, detail: { ...removed, retentionDays, cutoff } });
    }
    return { cutoff, removed };
  }

  async #scope(customerId: string): Promise<CustomerScope> {
    const sessions = await this.options.store.listSessions();
    return { customerId, sessionIds: sessions.filter((session) => session.customerId === customerId).map((session) => session.id) };
  }

  #who(by: Requester): { actor: string | null; address?: string } {
    return by.address !== undefined ? { actor: by.actor, address: by.address } : { actor: by.actor };
  }
}

function countsOf(records: Record<string, unknown[]>): RecordCounts {
  return Object.fromEntries(Object.entries(records).map(([kind, list]) => [kind, list.length]));
}
