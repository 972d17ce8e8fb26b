// The desk's teams, presence, auto-assignment, wait estimates, next-response SLA and auto-close, made from the
// config and wired to the hand-off desk through its hooks (HandoffDesk's `desk` option). Created
// after the queue and before the hand-off desk (whose methods it reaches through `desk()`).
import type { DaehwaConfig } from '../config/schema.ts';
import type { MessagesSpec } from '../dialog/schema.ts';
import type { HandoffQueue } from '../handoff/queue.ts';
import type { AgentIdentity } from '../server/agent-protocol.ts';
import type { Clock } from '../server/clock.ts';
import type { DeskHooks, HandoffDesk } from '../server/handoff-desk.ts';
import type { Logger } from '../server/logging.ts';
import type { Bus } from '../store/coordination.ts';
import type { SlaBreach, Store } from '../store/types.ts';
import type { Timers } from '../timers/index.ts';
import { IdleCloser } from './autoclose/idle.ts';
import { DeskPresence } from './presence/service.ts';
import { AutoAssigner } from './routing/assign.ts';
import { TeamDirectory } from './routing/teams.ts';
import { NextResponseWatch } from './sla/next-response.ts';
import { breachWebhook } from './sla/webhook.ts';
import { WaitEstimates } from './wait/estimates.ts';

export interface DeskRuntimeDeps {
  config: Pick<DaehwaConfig, 'desk' | 'agents'>;
  queue: HandoffQueue;
  store: Store;
  clock: Clock;
  log: Logger;
  /** issue 13: the durable timers (the next-response SLA, auto-close). */
  timers: Timers;
  /** The messages file in use (reloaded with the flows): auto-close's check-in. */
  messages: () => MessagesSpec;
  /** Other processes on the same store. */
  shared?: { bus: Bus; origin: string };
  desk(): HandoffDesk;
}

export class DeskRuntime {
  readonly teams: TeamDirectory;
  readonly presence: DeskPresence;
  readonly assigner: AutoAssigner;
  readonly estimates: WaitEstimates;
  readonly nextResponse: NextResponseWatch;
  readonly idle: IdleCloser;
  /** Each SLA breach, after it is recorded: the webhook, when configured. */
  readonly onBreach: ((breach: SlaBreach) => void) | undefined;
  readonly hooks: DeskHooks;

  constructor(deps: DeskRuntimeDeps) {
    const { config, queue, store, clock, log } = deps;
    const agents: AgentIdentity[] = config.agents.map((agent) => ({ id: agent.id, name: agent.name, role: agent.role }));
    this.teams = new TeamDirectory(config.desk.teams, config.desk.routing);
    this.presence = new DeskPresence({
      clock,
      agents,
      teams: this.teams,
      log,
      toAgents: (frame) => deps.desk().toAgents(frame),
      wentOffline: (agentId) => void deps.desk().agentOffline(agentId).catch((err: unknown) => log.error({ err, agentId }, 'the grace period could not start')),
      cameBack: (agentId) => deps.desk().agentBack(agentId),
      cameOnline: () => this.assigner.sweep(),
      ...(deps.shared ? { bus: deps.shared } : {}),
    });
    this.assigner = new AutoAssigner({
      teams: this.teams,
      queue,
      agents,
      statusOf: (agentId) => this.presence.statusOf(agentId),
      claim: (agent, itemId) => deps.desk().claim(agent, itemId),
      log,
    });
    this.estimates = new WaitEstimates({
      settings: config.desk.waitEstimate,
      queue,
      store,
      clock,
      teams: this.teams,
      agentIds: agents.map((agent) => agent.id),
      statusOf: (agentId) => this.presence.statusOf(agentId),
      retell: () => deps.desk().retellWaiting(),
      shared: deps.shared !== undefined,
      log,
    });
    const webhook = config.desk.sla.webhook;
    const send = webhook ? breachWebhook(webhook, log, () => clock.now()) : null;
    this.onBreach = send ? (breach) => void send(breach) : undefined;
    this.nextResponse = new NextResponseWatch({
      queue,
      store,
      clock,
      targets: config.desk.sla,
      teams: this.teams,
      timers: deps.timers,
      log,
      announceBreach: (breach) => deps.desk().announceBreach(breach),
      refreshQueue: () => deps.desk().refreshQueue(),
      refreshQueueEverywhere: () => deps.desk().refreshQueueEverywhere(),
      ...(this.onBreach ? { onBreach: this.onBreach } : {}),
    });
    this.idle = new IdleCloser({
      settings: config.desk.autoClose,
      queue,
      store,
      clock,
      timers: deps.timers,
      agents,
      messages: deps.messages,
      log,
      message: (agent, itemId, text, automatic) => deps.desk().message(agent, itemId, text, automatic),
      resolve: (agent, itemId) => deps.desk().resolve(agent, itemId),
    });
    this.hooks = {
      route: (input) => this.teams.route(input),
      claimRefusal: (agent, item) => this.teams.claimRefusal(agent, item),
      isAvailable: (agentId) => this.presence.isAvailable(agentId),
      waitEstimate: (sessionId, position) => this.estimates.estimate(sessionId, position),
      // issue 13: auto-close reads the transcript when its timer fires; it needs no entries.
      onEntries: (sessionId, entries) => this.nextResponse.onEntries(sessionId, entries),
    };
  }

  /** After the hand-off desk has started. */
  async start(): Promise<void> {
    this.presence.start();
    await this.estimates.start();
    await this.nextResponse.start();
    await this.idle.start();
    this.assigner.start();
  }

  stop(): void {
    this.assigner.stop();
    this.idle.stop();
    this.nextResponse.stop();
    this.estimates.stop();
    this.presence.stop();
  }
}
