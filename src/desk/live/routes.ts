// What a console that opens a conversation asks for besides its transcript: how far the shopper has read.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { HandoffDesk } from '../../server/handoff-desk.ts';
import { itemRoute } from '../../server/route-schemas.ts';
import type { LiveSignals } from './signals.ts';

/** Registered inside a scope whose onRequest hook has signed the agent in. */
export const liveRoutes: FastifyPluginAsyncZod<{ signals: LiveSignals; desk: HandoffDesk }> = async (app, options) => {
  app.get('/api/agent/queue/:itemId/read', itemRoute, async (request) => {
    const { item } = await options.desk.detail(request.params.itemId);
    return { sessionId: item.sessionId, read: options.signals.receipt(item.sessionId) };
  });
};
