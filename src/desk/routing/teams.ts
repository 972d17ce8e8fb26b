// Teams as the desk uses them: which team a hand-off goes to (by intent, flow, locale, priority
// and reason), who may take a team's conversations, and what each member answers and carries.
// Pure: the config in, answers out.
import type { AgentIdentity } from '../../server/agent-protocol.ts';
import type { QueueItem, StoredLocale } from '../../store/types.ts';
import type { RoutingConfig, RoutingRule, TeamConfig } from './config.ts';

/** What routing reads of a hand-off. */
export interface RoutingInput {
  reason: string;
  priority: 'normal' | 'high';
  /** The flow that asked for a person; null for a plain request or an offline message. */
  flow: string | null;
  locale: StoredLocale;
  /** The NLU's recent readings of the conversation, oldest first (the hand-off context's `intents`). */
  intents: readonly { intent: string }[];
}

/** Intents that say nothing about what the conversation is about. */
const NOT_A_TOPIC = new Set(['None', 'agent.request', 'greeting', 'thanks', 'goodbye']);

/**
 * What the conversation is about: its latest reading that is a topic. "상담원 연결해 주세요" after a
 * question about a return is still about the return.
 */
export function topicOf(intents: readonly { intent: string }[]): string | null {
  for (let i = intents.length - 1; i >= 0; i--) {
    const intent = intents[i]!.intent;
    if (!NOT_A_TOPIC.has(intent)) return intent;
  }
  return null;
}

function matches(rule: RoutingRule, input: RoutingInput, topic: string | null): boolean {
  if (rule.intents && (topic === null || !(rule.intents as readonly string[]).includes(topic))) return false;
  if (rule.flows && (input.flow === null || !rule.flows.includes(input.flow))) return false;
  if (rule.locales && !rule.locales.includes(input.locale)) return false;
  if (rule.priorities && !rule.priorities.includes(input.priority)) return false;
  if (rule.reasons && !(rule.reasons as readonly string[]).includes(input.reason)) return false;
  return true;
}

export interface Member {
  agentId: string;
  languages: StoredLocale[];
  maxConcurrent: number;
}

export class TeamDirectory {
  readonly #teams: Map<string, TeamConfig>;

  constructor(
    teams: readonly TeamConfig[],
    private readonly routing: RoutingConfig,
  ) {
    this.#teams = new Map(teams.map((team) => [team.id, team]));
  }

  /** Whether any team is configured; without, there is one shared queue. */
  get configured(): boolean {
    return this.#teams.size > 0;
  }

  get(teamId: string): TeamConfig | null {
    return this.#teams.get(teamId) ?? null;
  }

  list(): TeamConfig[] {
    return [...this.#teams.values()];
  }

  /** The team a hand-off goes to, or null for the shared queue. */
  route(input: RoutingInput): string | null {
    const topic = topicOf(input.intents);
    const speaks = (teamId: string | null): boolean => teamId !== null && (this.#teams.get(teamId)?.languages.includes(input.locale) ?? false);
    const rule = this.routing.rules.find((candidate) => speaks(candidate.team) && matches(candidate, input, topic));
    if (rule) return rule.team;
    return speaks(this.routing.defaultTeam) ? this.routing.defaultTeam : null;
  }

  /** The agent's membership of the team, with the languages and ceiling that apply to them there. */
  member(teamId: string, agentId: string): Member | null {
    const team = this.#teams.get(teamId);
    const entry = team?.members.find((m) => (typeof m === 'string' ? m : m.id) === agentId);
    if (!team || entry === undefined) return null;
    if (typeof entry === 'string') return { agentId, languages: team.languages, maxConcurrent: team.maxConcurrent };
    return { agentId, languages: entry.languages ?? team.languages, maxConcurrent: entry.maxConcurrent ?? team.maxConcurrent };
  }

  members(teamId: string): Member[] {
    const team = this.#teams.get(teamId);
    if (!team) return [];
    return team.members.map((m) => this.member(teamId, typeof m === 'string' ? m : m.id)!);
  }

  /** The ids of the teams the agent is in, in config order. */
  teamsOf(agentId: string): string[] {
    return this.list()
      .filter((team) => this.member(team.id, agentId) !== null)
      .map((team) => team.id);
  }

  /** The most open conversations the agent takes on by auto-assignment: the highest of their teams' ceilings. */
  capacityOf(agentId: string): number | null {
    const ceilings = this.teamsOf(agentId).map((teamId) => this.member(teamId, agentId)!.maxConcurrent);
    return ceilings.length > 0 ? Math.max(...ceilings) : null;
  }

  /**
   * Why the agent may not take the item, or null when they may: a team's conversation is for its
   * members and for admins (leads); one in the shared queue is for everyone.
   */
  claimRefusal(agent: AgentIdentity, item: QueueItem): string | null {
    const teamId = teamOf(item);
    if (teamId === null || agent.role === 'admin' || this.member(teamId, agent.id) !== null) return null;
    const team = this.#teams.get(teamId);
    return `queue item ${item.id} is for team ${team ? `${team.name} (${team.id})` : teamId}; ${agent.id} is not in it`;
  }
}

/** The team an item was routed to (kept in its context), or null for the shared queue. */
export function teamOf(item: Pick<QueueItem, 'context'>): string | null {
  const team = item.context['team'];
  return typeof team === 'string' ? team : null;
}

/** The conversation's language as the hand-off snapshot has it. */
export function localeOf(item: Pick<QueueItem, 'context'>): StoredLocale {
  return item.context['locale'] === 'en' ? 'en' : 'ko';
}
