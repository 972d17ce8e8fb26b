// The audit log of what agents (and the retention job) did: sign-ins, claims, reveals of personal
// data, notes, resolutions, exports and erasures. Written through the Store port, which only ever
// appends (Store.appendAudit), and read by admins (GET /api/admin/audit). An event never carries
// the personal data itself: who, when, from where, what was acted on, and counts.
import type { AuditEvent, Store } from '../store/types.ts';

export const AUDIT_ACTIONS = [
  'sign_in',
  'sign_in_failed',
  'sign_in_locked',
  'sign_out',
  'claim',
  'reveal',
  'note',
  'resolve',
  'hand_back',
  'release',
  'export',
  'erase',
  'retention_purge',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  action: AuditAction;
  /** Agent id; null for the system. */
  actor: string | null;
  address?: string;
  target?: { kind: 'queue_item' | 'session' | 'customer' | 'agent'; id: string };
  detail?: Record<string, string | number | boolean | null>;
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}

export class AuditLog implements AuditSink {
  constructor(
    private readonly options: {
      store: Pick<Store, 'appendAudit' | 'listAudit'>;
      now: () => Date;
      /** An event could not be written: the action it records has happened, so it is reported, not undone. */
      onError: (error: unknown, entry: AuditEntry) => void;
    },
  ) {}

  /** Appends the event; a store failure is reported to `onError`, never thrown at the action. */
  async record(entry: AuditEntry): Promise<void> {
    const event: Omit<AuditEvent, 'seq'> = { at: this.options.now().toISOString(), action: entry.action, actor: entry.actor };
    if (entry.address !== undefined) event.address = entry.address;
    if (entry.target !== undefined) event.target = entry.target;
    if (entry.detail !== undefined) event.detail = entry.detail;
    try {
      await this.options.store.appendAudit(event);
    } catch (error) {
      this.options.onError(error, entry);
    }
  }

  list(query: { after?: number; limit?: number }): Promise<AuditEvent[]> {
    return this.options.store.listAudit(query);
  }
}
