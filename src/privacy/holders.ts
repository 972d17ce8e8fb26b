// The registry of "personal data holders": every part of daehwa that keeps records about a
// customer registers one, and export, erase and retention (privacy-desk.ts) go through all of
// them. A holder says what kinds of records it keeps ("sessions", "transcript_entries",
// "queue_items", "offline_tickets", later "surveys", "analytics_facts") and, for a customer or
// for the conversations past retention, finds, erases or purges them. Reports are counts per kind,
// never the data itself.

/** The conversations of one customer: sessions carry the customer id, everything else hangs off a session. */
export interface CustomerScope {
  customerId: string;
  /** The ids of the customer's sessions, found once before any holder runs. */
  sessionIds: readonly string[];
}

/** What retention removes: the conversations last active before `cutoff`. */
export interface RetentionScope {
  /** ISO time: records older than this go. */
  cutoff: string;
  /** Sessions last updated before the cutoff and not waiting for an agent: removed with everything that hangs off them. */
  sessionIds: readonly string[];
}

/** Counts per kind of record, e.g. { sessions: 2, transcript_entries: 14 }. */
export type RecordCounts = Record<string, number>;

export interface PersonalDataHolder {
  /** Shown in errors: which holder failed. */
  readonly name: string;
  /** Every record this holder keeps about the customer, by kind, as JSON. */
  find(scope: CustomerScope): Promise<Record<string, unknown[]>>;
  /** Removes them; how many of each kind were removed. */
  erase(scope: CustomerScope): Promise<RecordCounts>;
  /** Retention: removes (or anonymises) what is past the cutoff; how many of each kind. Absent: keeps nothing dated. */
  purge?(scope: RetentionScope): Promise<RecordCounts>;
}

export class PersonalDataRegistry {
  readonly #holders: PersonalDataHolder[] = [];

  /** Holders run in the order registered; the store's conversations holder goes last, as others may key on its sessions. */
  register(holder: PersonalDataHolder): this {
    if (this.#holders.some((known) => known.name === holder.name)) throw new Error(`a personal data holder named ${holder.name} is registered already`);
    this.#holders.push(holder);
    return this;
  }

  get holders(): readonly PersonalDataHolder[] {
    return this.#holders;
  }
}

export function addCounts(into: RecordCounts, more: RecordCounts): RecordCounts {
  for (const [kind, count] of Object.entries(more)) into[kind] = (into[kind] ?? 0) + count;
  return into;
}
