// Auto-assignment for the teams that switch it on: each waiting conversation of such a team goes
// to the next of its members, in turn (round robin), who is online, answers the conversation's
// language and has room under their ceiling of open conversations. Manual claims still work; a
// conversation no one can take waits in the team's queue until someone comes online or finishes
// one. `pickAgent` is the decision, pure; `AutoAssigner` runs it after every change that could
// open a place (a new or returned conversation, one finished, an agent coming online).
import type { HandoffQueue } from '../../handoff/queue.ts';
import type { AgentIdentity } from '../../server/agent-protocol.ts';
import type { Logger } from '../../server/logging.ts';
import type { QueueItem, StoredLocale } from '../../store/types.ts';
import type { PresenceStatus } from '../presence/board.ts';
import { localeOf, type Member, type TeamDirectory, teamOf } from './teams.ts';

export interface Candidate extends Member {
  status: PresenceStatus;
  /** Conversations the agent has open now. */
  open: number;
}

/**
 * The member who gets the conversation, or null when none can: the first eligible one after
 * `lastAgentId` in the team's order (wrapping around), so that turns go round.
 */
export function pickAgent(candidates: readonly Candidate[], locale: StoredLocale, lastAgentId: string | null): string | null {
  const eligible = (c: Candidate): boolean => c.status === 'online' && c.languages.includes(locale) && c.open < c.maxConcurrent;
  const start = lastAgentId === null ? 0 : candidates.findIndex((c) => c.agentId === lastAgentId) + 1;
  for (let step = 0; step < candidates.length; step++) {
    const candidate = candidates[(start + step) % candidates.length]!;
    if (eligible(candidate)) return candidate.agentId;
  }
  return null;
}

export interface AutoAssignerOptions {
  teams: TeamDirectory;
  queue: HandoffQueue;
  /** The configured agents, for the name the shopper's transcript shows. */
  agents: readonly AgentIdentity[];
  statusOf(agentId: string): PresenceStatus;
  /** Claims on the agent's behalf, as their own claim would (the desk's claim). */
  claim(agent: AgentIdentity, itemId: string): Promise<QueueItem>;
  log: Logger;
}

export class AutoAssigner {
  /** Per team, whose turn it was last. */
  readonly #last = new Map<string, string>();
  #running: Promise<void> = Promise.resolve();
  #pending = false;
  #stopped = false;
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly options: AutoAssignerOptions) {}

  /** Whether any team assigns by itself; without, nothing here runs. */
  get active(): boolean {
    return this.options.teams.list().some((team) => team.autoAssign);
  }

  start(): void {
    if (!this.active) return;
    // A claim is itself a change: the sweep it causes finds nothing more to do, or the next item.
    this.#unsubscribe = this.options.queue.onChange((change) => {
      if (change.kind !== 'note_added') this.sweep();
    });
    this.sweep();
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
  }

  /** Looks for conversations to hand out, soon; calls while one look is pending share it. */
  sweep(): void {
    if (!this.active || this.#stopped || this.#pending) return;
    this.#pending = true;
    this.#running = this.#running.then(async () => {
      this.#pending = false;
      if (this.#stopped) return;
      try {
        await this.#assignWaiting();
      } catch (err) {
        this.options.log.error({ err }, 'auto-assignment failed; the conversations wait for a manual claim');
      }
    });
  }

  /** Resolves once the sweeps asked for so far have run (tests). */
  idle(): Promise<void> {
    return this.#running;
  }

  async #assignWaiting(): Promise<void> {
    const { queue, teams } = this.options;
    const [waiting, assigned] = await Promise.all([queue.waitingInOrder(), queue.list(['assigned'])]);
    const open = new Map<string, number>();
    for (const item of assigned) if (item.agentId) open.set(item.agentId, (open.get(item.agentId) ?? 0) + 1);
    for (const item of waiting) {
      const teamId = teamOf(item);
      if (teamId === null || !teams.get(teamId)?.autoAssign) continue;
      const candidates = teams.members(teamId).map((member) => ({ ...member, status: this.options.statusOf(member.agentId), open: open.get(member.agentId) ?? 0 }));
      const agentId = pickAgent(candidates, localeOf(item), this.#last.get(teamId) ?? null);
      if (agentId === null) continue;
      const agent = this.options.agents.find((a) => a.id === agentId) ?? { id: agentId, name: agentId, role: 'agent' as const };
      try {
        await this.options.claim(agent, item.id);
        this.#last.set(teamId, agentId);
        open.set(agentId, (open.get(agentId) ?? 0) + 1);
        this.options.log.info({ itemId: item.id, team: teamId, agentId }, 'conversation assigned automatically');
      } catch (err) {
        // Taken meanwhile by a manual claim (or on another process): nothing to do.
        this.options.log.debug({ err, itemId: item.id }, 'auto-assignment skipped an item');
      }
    }
  }
}
