// GET /api/agent/search?q=: conversations by customer, order number or text, for any signed-in agent.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { forAgents } from '../../privacy/agent-view.ts';
import type { Store } from '../../store/types.ts';
import { searchConversations } from './search.ts';

const SEARCH_HINT = 'from 2 to 100 characters, e.g. a customer name, an order number or words the shopper wrote';
const searchQuery = z.object({ q: z.string({ error: SEARCH_HINT }).trim().min(2, SEARCH_HINT).max(100, SEARCH_HINT) });

/** Registered inside a scope whose onRequest hook has signed the agent in. */
export const searchRoutes: FastifyPluginAsyncZod<{ store: Store }> = async (app, options) => {
  app.get('/api/agent/search', { schema: { querystring: searchQuery } }, async (request) =>
    forAgents({ query: request.query.q, results: await searchConversations(options.store, request.query.q) }),
  );
};
