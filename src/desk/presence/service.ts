// Presence at work: consoles connecting, closing and choosing online / away / offline change the
// board; every change goes to all consoles as a `roster` frame (colleagues, their teams and
// ceilings), to the other processes by the bus, and to the desk: an agent who goes offline (last
// console closed, or chose offline) has their conversations returned to the queue after the grace
// period unless they come back, and one who comes online gets auto-assigned conversations.
import type { AgentIdentity, AgentServerFrame } from '../../server/agent-protocol.ts';
import type { Clock, TimerHandle } from '../../server/clock.ts';
import type { Logger } from '../../server/logging.ts';
import type { Bus, BusNote } from '../../store/coordination.ts';
import type { TeamDirectory } from '../routing/teams.ts';
import { PresenceBoard, type PresenceStatus } from './board.ts';

/** How often a process repeats its agents' presence to the others; a report holds three times as long. */
export const PRESENCE_HEARTBEAT_MS = 20_000;

export interface RosterEntry {
  id: string;
  name: string;
  status: PresenceStatus;
  since: string;
  teams: string[];
  /** Their ceiling of open conversations for auto-assignment; null outside teams. */
  maxConcurrent: number | null;
}

export interface RosterFrame {
  type: 'roster';
  agents: RosterEntry[];
  teams: { id: string; name: string; languages: string[]; autoAssign: boolean }[];
}

export interface DeskPresenceOptions {
  clock: Clock;
  agents: readonly AgentIdentity[];
  teams: TeamDirectory;
  log: Logger;
  toAgents(frame: AgentServerFrame): void;
  /** The agent is unavailable here (last console closed, or chose offline): start the grace period of their conversations. */
  wentOffline(agentId: string): void;
  /** The agent is available again: the grace period of their conversations stops. */
  cameBack(agentId: string): void;
  /** The agent is online: conversations may be assigned to them. */
  cameOnline(agentId: string): void;
  /** Shared with other processes: this process's name on it. */
  bus?: { bus: Bus; origin: string };
  heartbeatMs?: number;
}

export class DeskPresence {
  readonly #board: PresenceBoard;
  readonly #heartbeatMs: number;
  readonly #unsubscribe: (() => void)[] = [];
  #heartbeat: TimerHandle | null = null;
  #stopped = false;

  constructor(private readonly options: DeskPresenceOptions) {
    this.#heartbeatMs = options.heartbeatMs ?? PRESENCE_HEARTBEAT_MS;
    this.#board = new PresenceBoard(3 * this.#heartbeatMs);
  }

  start(): void {
    const shared = this.options.bus;
    if (!shared) return;
    this.#unsubscribe.push(
      shared.bus.subscribe((note) => this.#onNote(note)),
      shared.bus.onResubscribed(() => this.#announceAll()),
    );
    this.#beat();
  }

  stop(): void {
    this.#stopped = true;
    this.#heartbeat?.cancel();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  /** A console signed in; `chosen` is the status it remembered (a reload keeps "away"). */
  attached(agent: AgentIdentity, chosen?: PresenceStatus): void {
    this.#board.connect(agent.id, chosen);
    this.#publish(agent.id, this.#chosenHere(agent.id), false);
    this.#settle(agent.id, true);
  }

  detached(agent: AgentIdentity): void {
    this.#board.disconnect(agent.id);
    this.#publish(agent.id, this.#chosenHere(agent.id), false);
    this.#settle(agent.id, true);
  }

  /** The agent picked a status in a console connected here. */
  choose(agent: AgentIdentity, status: PresenceStatus): void {
    if (!this.#board.choose(agent.id, status)) return;
    this.#publish(agent.id, status, true);
    this.#settle(agent.id, true);
  }

  statusOf(agentId: string): PresenceStatus {
    return this.#board.statusOf(agentId, this.options.clock.now()).status;
  }

  /** Whether the agent still answers their conversations (online or away, here or on another process). */
  isAvailable(agentId: string): boolean {
    return this.statusOf(agentId) !== 'offline';
  }

  roster(): RosterFrame {
    const now = this.options.clock.now();
    const { teams } = this.options;
    return {
      type: 'roster',
      agents: this.options.agents.map((agent) => {
        const presence = this.#board.statusOf(agent.id, now);
        return { id: agent.id, name: agent.name, status: presence.status, since: presence.since, teams: teams.teamsOf(agent.id), maxConcurrent: teams.capacityOf(agent.id) };
      }),
      teams: teams.list().map((team) => ({ id: team.id, name: team.name, languages: team.languages, autoAssign: team.autoAssign })),
    };
  }

  #chosenHere(agentId: string): PresenceStatus | null {
    return this.#board.local().find((entry) => entry.agentId === agentId)?.status ?? null;
  }

  /** After a change: the consoles get the roster; here-made changes move the desk too. */
  #settle(agentId: string, here: boolean): void {
    const change = this.#board.settle(agentId, this.options.clock.now());
    if (here) {
      // Also without a change of the overall status: this console's agent may be away here and online elsewhere.
      if (this.#chosenHere(agentId) === 'offline' || !this.#board.isConnectedHere(agentId)) {
        if (!this.isAvailable(agentId)) this.options.wentOffline(agentId);
      } else this.options.cameBack(agentId);
    }
    if (!change) return;
    this.options.log.info({ agentId, from: change.before, to: change.after }, 'agent presence changed');
    this.options.toAgents(this.roster());
    if (change.after === 'online') this.options.cameOnline(agentId);
  }

  #publish(agentId: string, status: PresenceStatus | null, chose: boolean): void {
    const shared = this.options.bus;
    if (!shared) return;
    const note: BusNote = { kind: 'presence', origin: shared.origin, agentId, status, ...(chose ? { chose } : {}) };
    shared.bus.publish(note).catch((err: unknown) => this.options.log.error({ err, agentId }, 'presence could not be told to the other processes'));
  }

  #announceAll(): void {
    for (const { agentId, status } of this.#board.local()) this.#publish(agentId, status, false);
  }

  #onNote(note: BusNote): void {
    if (this.#stopped || note.kind !== 'presence') return;
    this.#board.heard(note, this.options.clock.nowMs());
    // Another console of this agent chose: this process's consoles follow.
    this.#settle(note.agentId, note.chose === true && this.#board.isConnectedHere(note.agentId));
  }

  /** Repeats this process's agents to the others, and lets the others' reports that were not repeated lapse. */
  #beat(): void {
    if (this.#stopped) return;
    this.#announceAll();
    for (const agentId of new Set(this.#board.expire(this.options.clock.nowMs()))) this.#settle(agentId, false);
    this.#heartbeat = this.options.clock.setTimeout(() => this.#beat(), this.#heartbeatMs);
  }
}
