// Teams and routing in the config file (`desk.teams`, `desk.routing`), validated by key: a team
// named in a rule must exist, a member must be a configured agent, a team is only sent the
// languages it answers. With neither (the default) there is one shared queue, as before teams.
import { z } from 'zod';
import { HANDOFF_REASONS } from '../../dialog/types.ts';
import { INTENTS, LOCALES } from '../../nlu/types.ts';

const teamId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lower-case letters, digits, _ or -, at most 32, e.g. "delivery"');
const agentId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'an agent id: letters, digits, dot, dash or underscore');
const locales = z.array(z.enum(LOCALES)).min(1, 'name at least one language (ko, en)');
const targetMs = z.number().int().min(1000, 'at least 1000 (one second)');
/** Per-priority targets a team may set for itself; what it leaves out is `desk.sla`'s. */
const priorityTargets = z.strictObject({ normal: targetMs.optional(), high: targetMs.optional() });

const memberSchema = z.union([
  agentId,
  z.strictObject({
    id: agentId,
    /** The languages this agent answers in this team (default: the team's). */
    languages: locales.optional(),
    /** This agent's own ceiling of open conversations (default: the team's `maxConcurrent`). */
    maxConcurrent: z.number().int().min(1).max(100).optional(),
  }),
]);

export const teamSchema = z.strictObject({
  id: teamId,
  /** Shown in the console, e.g. 배송, 교환/반품, 결제. */
  name: z.string().min(1).max(50),
  /** The conversation languages the team answers: routing never sends it another. */
  languages: locales.default(['ko', 'en']),
  /** Agent ids (from `agents`), or `{ id, languages?, maxConcurrent? }`. An agent may be in several teams. */
  members: z.array(memberSchema).default([]),
  /** Open conversations an agent of this team has at most before auto-assignment passes them over. */
  maxConcurrent: z.number().int().min(1).max(100).default(3),
  /** Give each new conversation of this team to the next online agent with room (round robin). */
  autoAssign: z.boolean().default(false),
  /** The team's own SLA targets by priority, in ms (default: `desk.sla`'s). */
  sla: z.strictObject({ firstResponseMs: priorityTargets.optional(), nextResponseMs: priorityTargets.optional() }).optional(),
});
export type TeamConfig = z.infer<typeof teamSchema>;

const ruleSchema = z.strictObject({
  /** Where a conversation that matches goes. */
  team: teamId,
  /** The conversation's topic: its latest recognised intent that is not small talk or "a person, please". */
  intents: z.array(z.enum(INTENTS)).min(1).optional(),
  /** The flow that asked for a person (e.g. defect, return_request). */
  flows: z.array(z.string().regex(/^[a-z0-9_]{1,64}$/, 'a flow id, e.g. "return_request"')).min(1).optional(),
  locales: locales.optional(),
  priorities: z.array(z.enum(['normal', 'high'])).min(1).optional(),
  /** Why it was handed off (user_request, flow_request, offline_message, ...). */
  reasons: z.array(z.enum([...HANDOFF_REASONS, 'offline_message'])).min(1).optional(),
});
export type RoutingRule = z.infer<typeof ruleSchema>;

export const routingSchema = z
  .strictObject({
    /** Tried in order; the first that matches (and whose team speaks the conversation's language) wins. */
    rules: z.array(ruleSchema).default([]),
    /** Where the rest go, when it speaks their language; null: the shared queue every agent sees. */
    defaultTeam: teamId.nullable().default(null),
  })
  .prefault({});
export type RoutingConfig = z.infer<typeof routingSchema>;

type Issue = { path: (string | number)[]; message: string };

/**
 * What the schema of one key cannot see: references between keys. `agentIds` are the configured
 * agents'. Paths are the config's own (desk.teams.0.members.1), so the message names the key.
 */
export function teamProblems(desk: { teams: TeamConfig[]; routing: RoutingConfig }, agentIds: string[]): Issue[] {
  const issues: Issue[] = [];
  const known = new Map<string, TeamConfig>();
  const list = (): string => (known.size > 0 ? `the teams are ${[...known.keys()].join(', ')}` : 'no team is configured (desk.teams)');
  desk.teams.forEach((team, index) => {
    if (known.has(team.id)) issues.push({ path: ['desk', 'teams', index, 'id'], message: `team "${team.id}" is defined twice` });
    else known.set(team.id, team);
    const seen = new Set<string>();
    team.members.forEach((member, m) => {
      const id = typeof member === 'string' ? member : member.id;
      const at = ['desk', 'teams', index, 'members', m];
      if (!agentIds.includes(id)) issues.push({ path: at, message: `no agent "${id}" in agents (they are ${agentIds.join(', ')})` });
      if (seen.has(id)) issues.push({ path: at, message: `agent "${id}" is listed twice in team "${team.id}"` });
      seen.add(id);
      if (typeof member !== 'string' && member.languages) {
        const foreign = member.languages.filter((locale) => !team.languages.includes(locale));
        if (foreign.length > 0) issues.push({ path: [...at, 'languages'], message: `team "${team.id}" answers ${team.languages.join(', ')} only, not ${foreign.join(', ')}` });
      }
    });
    if (team.autoAssign && team.members.length === 0) {
      issues.push({ path: ['desk', 'teams', index, 'autoAssign'], message: `team "${team.id}" has no members to assign to; add members or set autoAssign to false` });
    }
  });
  desk.routing.rules.forEach((rule, index) => {
    const team = known.get(rule.team);
    if (!team) {
      issues.push({ path: ['desk', 'routing', 'rules', index, 'team'], message: `no team "${rule.team}"; ${list()}` });
      return;
    }
    const unspoken = (rule.locales ?? []).filter((locale) => !team.languages.includes(locale));
    if (unspoken.length > 0) {
      issues.push({ path: ['desk', 'routing', 'rules', index, 'locales'], message: `team "${team.id}" answers ${team.languages.join(', ')} only; ${unspoken.join(', ')} conversations cannot go to it` });
    }
  });
  const fallback = desk.routing.defaultTeam;
  if (fallback !== null && !known.has(fallback)) issues.push({ path: ['desk', 'routing', 'defaultTeam'], message: `no team "${fallback}"; ${list()}` });
  return issues;
}
