// Who is on: each agent online, away or offline. Pure bookkeeping with the time passed in.
//
// An agent connected to this process is what they chose (online unless they said away or
// offline); one who is not is offline, unless another process on the same store says otherwise
// (its reports come by the bus and hold for `ttlMs` unless repeated, so a process that dies does
// not leave its agents online forever). Several reports for one agent: the most available wins.

export const PRESENCE_STATUSES = ['online', 'away', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

export interface Presence {
  status: PresenceStatus;
  /** Since when (ISO), as far as this process saw the change. */
  since: string;
}

/** What another process reported about one of its agents. */
export interface PresenceReport {
  origin: string;
  agentId: string;
  /** What the agent chose there; null: their last console there closed. */
  status: PresenceStatus | null;
  /** The agent has just chosen it (not a periodic repeat): their consoles here take it on too. */
  chose?: boolean;
}

const RANK: Record<PresenceStatus, number> = { online: 2, away: 1, offline: 0 };

export class PresenceBoard {
  readonly #local = new Map<string, { links: number; chosen: PresenceStatus }>();
  /** Per `<origin>\n<agentId>`: the report and until when it holds. */
  readonly #remote = new Map<string, { agentId: string; status: PresenceStatus; untilMs: number }>();
  /** Each agent's status when last settled, and since when (kept for offline agents too). */
  readonly #settled = new Map<string, { status: PresenceStatus; since: string }>();

  constructor(private readonly ttlMs: number) {}

  /** A console of the agent connected; `chosen` is what it asked for (online by default). */
  connect(agentId: string, chosen: PresenceStatus | undefined): void {
    const local = this.#local.get(agentId);
    if (!local) this.#local.set(agentId, { links: 1, chosen: chosen ?? 'online' });
    else {
      local.links += 1;
      if (chosen) local.chosen = chosen;
    }
  }

  /** One of the agent's consoles went; with the last, they are offline here. */
  disconnect(agentId: string): void {
    const local = this.#local.get(agentId);
    if (!local) return;
    local.links -= 1;
    if (local.links <= 0) this.#local.delete(agentId);
  }

  /** The agent chose a status; false when they have no console here. */
  choose(agentId: string, status: PresenceStatus): boolean {
    const local = this.#local.get(agentId);
    if (!local) return false;
    local.chosen = status;
    return true;
  }

  heard(report: PresenceReport, nowMs: number): void {
    const key = `${report.origin}\n${report.agentId}`;
    if (report.status === null) {
      this.#remote.delete(key);
      return;
    }
    this.#remote.set(key, { agentId: report.agentId, status: report.status, untilMs: nowMs + this.ttlMs });
    const local = this.#local.get(report.agentId);
    if (report.chose && local) local.chosen = report.status;
  }

  isConnectedHere(agentId: string): boolean {
    return this.#local.has(agentId);
  }

  /** The agents connected here, with what they chose: what this process tells the others. */
  local(): { agentId: string; status: PresenceStatus }[] {
    return [...this.#local].map(([agentId, { chosen }]) => ({ agentId, status: chosen }));
  }

  statusOf(agentId: string, now: Date): Presence {
    const status = this.#effective(agentId, now.getTime());
    const settled = this.#settled.get(agentId);
    return { status, since: settled?.status === status ? settled.since : now.toISOString() };
  }

  /**
   * Records the agent's status as of now; a change since the last call for them is returned: the
   * caller tells the consoles, and starts or stops the grace period of their conversations.
   */
  settle(agentId: string, now: Date): { before: PresenceStatus; after: PresenceStatus } | null {
    const before = this.#settled.get(agentId)?.status ?? 'offline';
    const after = this.#effective(agentId, now.getTime());
    if (this.#settled.has(agentId) && after === before) return null;
    this.#settled.set(agentId, { status: after, since: now.toISOString() });
    return after === before ? null : { before, after };
  }

  #effective(agentId: string, nowMs: number): PresenceStatus {
    let best: PresenceStatus = this.#local.get(agentId)?.chosen ?? 'offline';
    for (const report of this.#remote.values()) {
      if (report.agentId === agentId && report.untilMs > nowMs && RANK[report.status] > RANK[best]) best = report.status;
    }
    return best;
  }

  /** Drops reports that no longer hold; the agents they were about may have changed. */
  expire(nowMs: number): string[] {
    const touched: string[] = [];
    for (const [key, report] of this.#remote) {
      if (report.untilMs <= nowMs) {
        this.#remote.delete(key);
        touched.push(report.agentId);
      }
    }
    return touched;
  }
}
