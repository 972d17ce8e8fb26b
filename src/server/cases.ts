// The case desk: complaint cases in the store behind the dialog's `open_case` and `list_cases`
// actions (src/dialog/actions.ts). A case opened in a turn that hands the conversation to a person
// is linked to that queue item, and follows it: waiting is `open`, with an agent `with_agent`,
// resolved `resolved` (back with the bot unresolved: `open` again).
import type { CaseInfo, CasesPort } from '../dialog/types.ts';
import type { CaseRecord, CaseStatus, QueueItem, Store } from '../store/types.ts';
import type { Logger } from './logging.ts';
import type { LiveSession } from './sessions.ts';

const STATUS_OF_ITEM: Record<QueueItem['status'], CaseStatus> = {
  waiting: 'open',
  assigned: 'with_agent',
  resolved: 'resolved',
  returned_to_bot: 'open',
};

export class CaseDesk {
  /** One port per session, made on first use. */
  readonly #ports = new WeakMap<LiveSession, CasesPort>();
  /** Cases opened by the session's current turn, until the turn hands off (or ends). */
  readonly #opened = new WeakMap<LiveSession, CaseRecord[]>();

  constructor(private readonly options: { store: Store; log: Logger }) {}

  port(live: LiveSession): CasesPort {
    let port = this.#ports.get(live);
    if (port) return port;
    const { store } = this.options;
    port = {
      open: async (input) => {
        const record = await store.createCase({
          day: input.day,
          sessionId: live.record.id,
          customerId: live.record.customerId,
          kind: input.kind,
          orderId: input.orderId,
          summary: input.summary,
          locale: live.record.locale,
          createdAt: input.now.toISOString(),
        });
        const opened = this.#opened.get(live) ?? [];
        opened.push(record);
        this.#opened.set(live, opened);
        live.log.info({ case: record.number, kind: record.kind }, 'case opened');
        return info(record);
      },
      list: async () => {
        const customerId = live.record.customerId;
        const records = await store.listCases(customerId !== null ? { customerId } : { sessionId: live.record.id });
        return records.reverse().map(info);
      },
    };
    this.#ports.set(live, port);
    return port;
  }

  /** The cases this session's turn opened (and forgets them): a hand-off that follows carries them. */
  takeOpened(live: LiveSession): CaseRecord[] {
    const opened = this.#opened.get(live);
    if (!opened) return [];
    this.#opened.delete(live);
    return opened;
  }

  /** The hand-off the cases were opened for: they follow its queue item from now on. */
  async link(cases: readonly CaseRecord[], item: QueueItem, at: string): Promise<void> {
    for (const record of cases) {
      await this.options.store.putCase({ ...record, queueItemId: item.id, status: STATUS_OF_ITEM[item.status], updatedAt: at });
    }
  }

  /** A queue item changed (claimed, released, resolved, handed back): its cases follow. */
  async follow(item: QueueItem): Promise<void> {
    const status = STATUS_OF_ITEM[item.status];
    for (const record of await this.options.store.listCases({ queueItemId: item.id })) {
      if (record.status !== status) await this.options.store.putCase({ ...record, status, updatedAt: item.updatedAt });
    }
  }
}

function info(record: CaseRecord): CaseInfo {
  return { number: record.number, status: record.status, kind: record.kind, orderId: record.orderId, summary: record.summary, createdAt: record.createdAt };
}
