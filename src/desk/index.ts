// The agent desk's capabilities beyond the queue (issue 14), wired into the server in one call:
// canned replies (canned/), typing and receipts (live/), conversation search (search/).
import type { FastifyInstance } from 'fastify';
import type { DeskConfig } from '../config/schema.ts';
import type { AgentAuth } from '../server/agent-auth.ts';
import { authenticateAgent } from '../server/agent-routes.ts';
import type { Clock } from '../server/clock.ts';
import type { HandoffDesk } from '../server/handoff-desk.ts';
import type { Store } from '../store/types.ts';
import { CannedReplies } from './canned/replies.ts';
import { registerCannedReplyRoutes } from './canned/routes.ts';
import type { LiveSignals } from './live/signals.ts';
import { registerLiveRoutes } from './live/routes.ts';
import { registerSearchRoutes } from './search/routes.ts';

export interface DeskDeps {
  config: DeskConfig;
  store: Store;
  auth: AgentAuth;
  desk: HandoffDesk;
  clock: Clock;
  signals: LiveSignals;
}

export interface DeskFeatures {
  replies: CannedReplies;
}

export function registerDesk(app: FastifyInstance, deps: DeskDeps): DeskFeatures {
  const replies = new CannedReplies({ store: deps.store, now: () => deps.clock.now(), trackingUrl: deps.config.trackingUrl });
  app.register(async (scoped) => {
    scoped.addHook('onRequest', authenticateAgent(deps.auth));
    registerCannedReplyRoutes(scoped, { replies, desk: deps.desk });
    registerLiveRoutes(scoped, { signals: deps.signals, desk: deps.desk });
    registerSearchRoutes(scoped, { store: deps.store });
  });
  return { replies };
}
