// The agent desk's capabilities beyond the queue (issue 14), wired into the server as one plugin:
// canned replies (canned/), typing and receipts (live/), conversation search (search/).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DeskConfig } from '../config/schema.ts';
import type { AgentAuth } from '../server/agent-auth.ts';
import { agentOnly } from '../server/agent-routes.ts';
import type { Clock } from '../server/clock.ts';
import type { HandoffDesk } from '../server/handoff-desk.ts';
import type { Store } from '../store/types.ts';
import { CannedReplies } from './canned/replies.ts';
import { cannedReplyRoutes } from './canned/routes.ts';
import type { LiveSignals } from './live/signals.ts';
import { liveRoutes } from './live/routes.ts';
import { searchRoutes } from './search/routes.ts';

export interface DeskDeps {
  config: DeskConfig;
  store: Store;
  auth: AgentAuth;
  desk: HandoffDesk;
  clock: Clock;
  signals: LiveSignals;
}

/** The desk's agent routes, all behind the agent sign-in. */
export const deskRoutes: FastifyPluginAsyncZod<DeskDeps> = async (app, deps) => {
  const replies = new CannedReplies({ store: deps.store, now: () => deps.clock.now(), trackingUrl: deps.config.trackingUrl });
  agentOnly(app, deps.auth);
  await app.register(cannedReplyRoutes, { replies, desk: deps.desk });
  await app.register(liveRoutes, { signals: deps.signals, desk: deps.desk });
  await app.register(searchRoutes, { store: deps.store });
};
