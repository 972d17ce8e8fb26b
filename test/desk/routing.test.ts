// Teams and routing as pure functions: the config's checks by key, where a hand-off goes, who may
// claim it, and whose turn it is under auto-assignment.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { configSchema, DEFAULT_AGENT, type ConfigInput } from '../../src/config/schema.ts';
import { type Candidate, pickAgent } from '../../src/desk/routing/assign.ts';
import { TeamDirectory, topicOf, type RoutingInput } from '../../src/desk/routing/teams.ts';
import type { QueueItem } from '../../src/store/types.ts';

const agent = (id: string, role: 'agent' | 'admin' = 'agent') => ({ id, name: id, passwordHash: DEFAULT_AGENT.passwordHash, role });
const AGENTS = [agent('lead', 'admin'), agent('mina'), agent('joon'), agent('tom')];

const DESK: ConfigInput['desk'] = {
  teams: [
    { id: 'delivery', name: '배송', languages: ['ko'], members: ['mina', 'joon'], autoAssign: true },
    { id: 'returns', name: '교환/반품', languages: ['ko', 'en'], members: ['joon', { id: 'tom', languages: ['en'], maxConcurrent: 1 }] },
    { id: 'payment', name: '결제', members: ['lead'] },
  ],
  routing: {
    rules: [
      { team: 'returns', intents: ['return.request', 'exchange.request'] },
      { team: 'returns', flows: ['defect'] },
      { team: 'payment', intents: ['payment.issue', 'coupon.issue'], priorities: ['high', 'normal'] },
      { team: 'delivery', intents: ['order.status', 'order.cancel', 'order.change_address', 'shipping.fee'] },
      { team: 'returns', locales: ['en'] },
    ],
    defaultTeam: 'delivery',
  },
};

function directory(desk: ConfigInput['desk'] = DESK): TeamDirectory {
  const config = configSchema.parse({ agents: AGENTS, desk });
  return new TeamDirectory(config.desk.teams, config.desk.routing);
}

const input = (overrides: Partial<RoutingInput> = {}): RoutingInput => ({
  reason: 'user_request',
  priority: 'normal',
  flow: null,
  locale: 'ko',
  intents: [],
  ...overrides,
});

function problems(desk: unknown, agents: unknown = AGENTS): string[] {
  const parsed = configSchema.safeParse({ agents, desk });
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('routing config', () => {
  it('defaults to no teams and no rules: one shared queue', () => {
    const config = configSchema.parse({});
    expect(config.desk.teams).toEqual([]);
    expect(config.desk.routing).toEqual({ rules: [], defaultTeam: null });
    expect(new TeamDirectory(config.desk.teams, config.desk.routing).route(input({ intents: [{ intent: 'order.status' }] }))).toBeNull();
  });

  it('fills each team with its defaults', () => {
    const [, , payment] = configSchema.parse({ agents: AGENTS, desk: DESK }).desk.teams;
    expect(payment).toEqual({ id: 'payment', name: '결제', languages: ['ko', 'en'], members: ['lead'], maxConcurrent: 3, autoAssign: false });
  });

  it('names the key of every reference that does not hold', () => {
    expect(
      problems({
        teams: [
          { id: 'delivery', name: '배송', languages: ['ko'], members: ['mina', 'nobody', 'mina', { id: 'joon', languages: ['en'] }] },
          { id: 'delivery', name: '배송 2' },
          { id: 'empty', name: '빈 팀', autoAssign: true },
        ],
        routing: { rules: [{ team: 'delivry' }, { team: 'delivery', locales: ['en'] }], defaultTeam: 'nope' },
      }),
    ).toEqual([
      'desk.teams.0.members.1: no agent "nobody" in agents (they are lead, mina, joon, tom)',
      'desk.teams.0.members.2: agent "mina" is listed twice in team "delivery"',
      'desk.teams.0.members.3.languages: team "delivery" answers ko only, not en',
      'desk.teams.1.id: team "delivery" is defined twice',
      'desk.teams.2.autoAssign: team "empty" has no members to assign to; add members or set autoAssign to false',
      'desk.routing.rules.0.team: no team "delivry"; the teams are delivery, empty',
      'desk.routing.rules.1.locales: team "delivery" answers ko only; en conversations cannot go to it',
      'desk.routing.defaultTeam: no team "nope"; the teams are delivery, empty',
    ]);
  });

  it('refuses an unknown intent, reason or language in a rule, by key', () => {
    const found = problems({ teams: [{ id: 'delivery', name: '배송' }], routing: { rules: [{ team: 'delivery', intents: ['order.statuss'], reasons: ['bored'], locales: ['ja'] }] } });
    expect(found).toEqual([
      expect.stringMatching(/^desk\.routing\.rules\.0\.intents\.0: Invalid option: expected one of "greeting"\|/),
      expect.stringMatching(/^desk\.routing\.rules\.0\.locales\.0: Invalid option: expected one of "ko"\|"en"/),
      expect.stringMatching(/^desk\.routing\.rules\.0\.reasons\.0: Invalid option: expected one of "low_confidence"\|/),
    ]);
  });

  it('reports the bad team key with the config file it came from', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'daehwa-teams-'));
    await writeFile(path.join(dir, 'daehwa.config.json'), JSON.stringify({ desk: { teams: [{ id: 'Delivery', name: '배송' }], routing: { defaultTeam: 'x' } } }));
    const result = await loadConfig({ cwd: dir, env: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.stringMatching(/^config desk\.teams\.0\.id \(in daehwa\.config\.json\): lower-case letters/),
      'config desk.routing.defaultTeam (in daehwa.config.json): no team "x"; the teams are Delivery',
    ]);
  });
});

describe('routing a hand-off', () => {
  const teams = directory();

  it('reads the topic past small talk and the request for a person', () => {
    expect(topicOf([{ intent: 'return.request' }, { intent: 'None' }, { intent: 'agent.request' }])).toBe('return.request');
    expect(topicOf([{ intent: 'greeting' }, { intent: 'agent.request' }])).toBeNull();
    expect(topicOf([])).toBeNull();
  });

  it('sends it by intent, flow and language, first rule first', () => {
    expect(teams.route(input({ intents: [{ intent: 'return.request' }, { intent: 'agent.request' }] }))).toBe('returns');
    expect(teams.route(input({ flow: 'defect', priority: 'high', reason: 'flow_request' }))).toBe('returns');
    expect(teams.route(input({ intents: [{ intent: 'coupon.issue' }] }))).toBe('payment');
    expect(teams.route(input({ intents: [{ intent: 'order.status' }] }))).toBe('delivery');
    // The delivery team answers Korean only: an English question about an order goes to the English-speaking rule.
    expect(teams.route(input({ locale: 'en', intents: [{ intent: 'order.status' }] }))).toBe('returns');
    // Nothing matched: the default team, which speaks Korean.
    expect(teams.route(input({ intents: [{ intent: 'size.help' }] }))).toBe('delivery');
  });

  it('keeps what no team can answer in the shared queue', () => {
    const koreanOnly = directory({ teams: [{ id: 'delivery', name: '배송', languages: ['ko'] }], routing: { rules: [{ team: 'delivery' }], defaultTeam: 'delivery' } });
    expect(koreanOnly.route(input({ locale: 'en' }))).toBeNull();
    expect(koreanOnly.route(input({ locale: 'ko' }))).toBe('delivery');
  });

  it('matches priority and reason', () => {
    const urgent = directory({
      teams: [{ id: 'vip', name: 'VIP' }, { id: 'tickets', name: '부재중' }],
      routing: { rules: [{ team: 'tickets', reasons: ['offline_message'] }, { team: 'vip', priorities: ['high'] }] },
    });
    expect(urgent.route(input({ priority: 'high' }))).toBe('vip');
    expect(urgent.route(input({ reason: 'offline_message', priority: 'high' }))).toBe('tickets');
    expect(urgent.route(input())).toBeNull();
  });
});

describe('team membership', () => {
  const teams = directory();
  const item = (team: string | null): QueueItem => ({
    id: 'q1',
    sessionId: 's1',
    reason: 'user_request',
    priority: 'normal',
    status: 'waiting',
    createdAt: '2026-03-02T01:00:00.000Z',
    updatedAt: '2026-03-02T01:00:00.000Z',
    context: team ? { team } : {},
    notes: [],
  });

  it('lets members and admins claim a team\'s conversations, everyone those of the shared queue', () => {
    expect(teams.claimRefusal({ id: 'mina', name: '미나', role: 'agent' }, item('delivery'))).toBeNull();
    expect(teams.claimRefusal({ id: 'lead', name: '팀장', role: 'admin' }, item('delivery'))).toBeNull();
    expect(teams.claimRefusal({ id: 'tom', name: 'Tom', role: 'agent' }, item('delivery'))).toBe('queue item q1 is for team 배송 (delivery); tom is not in it');
    expect(teams.claimRefusal({ id: 'tom', name: 'Tom', role: 'agent' }, item(null))).toBeNull();
  });

  it('gives each member the team\'s languages and ceiling unless they have their own', () => {
    expect(teams.member('returns', 'joon')).toEqual({ agentId: 'joon', languages: ['ko', 'en'], maxConcurrent: 3 });
    expect(teams.member('returns', 'tom')).toEqual({ agentId: 'tom', languages: ['en'], maxConcurrent: 1 });
    expect(teams.member('delivery', 'tom')).toBeNull();
    expect(teams.teamsOf('joon')).toEqual(['delivery', 'returns']);
    expect(teams.capacityOf('tom')).toBe(1);
    expect(teams.capacityOf('nobody')).toBeNull();
  });
});

describe('round robin', () => {
  const candidate = (agentId: string, overrides: Partial<Candidate> = {}): Candidate => ({ agentId, languages: ['ko', 'en'], maxConcurrent: 2, status: 'online', open: 0, ...overrides });

  it('takes turns, starting after whoever got the last one', () => {
    const team = [candidate('a'), candidate('b'), candidate('c')];
    expect(pickAgent(team, 'ko', null)).toBe('a');
    expect(pickAgent(team, 'ko', 'a')).toBe('b');
    expect(pickAgent(team, 'ko', 'c')).toBe('a');
    expect(pickAgent(team, 'ko', 'gone')).toBe('a');
  });

  it('passes over agents who are away or offline, full, or do not speak the language', () => {
    const team = [candidate('a', { status: 'away' }), candidate('b', { open: 2 }), candidate('c', { languages: ['en'] }), candidate('d', { status: 'offline' }), candidate('e')];
    expect(pickAgent(team, 'ko', null)).toBe('e');
    expect(pickAgent(team, 'en', null)).toBe('c');
    expect(pickAgent(team.slice(0, 4), 'ko', null)).toBeNull();
    expect(pickAgent([], 'ko', null)).toBeNull();
  });
});
