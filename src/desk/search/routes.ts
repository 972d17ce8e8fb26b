// GET /api/agent/search?q=: conversations by customer, order number or text, for any signed-in agent.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { forAgents } from '../../privacy/agent-view.ts';
import { HttpError } from '../../server/http-errors.ts';
import type { Store } from '../../store/types.ts';
import { searchConversations } from './search.ts';

const searchQuery = z.object({ q: z.string().trim().min(2).max(100) });

export function registerSearchRoutes(scoped: FastifyInstance, options: { store: Store }): void {
  scoped.get('/api/agent/search', async (request) => {
    const parsed = searchQuery.safeParse(request.query);
    if (!parsed.success) throw new HttpError(400, 'invalid_query', 'q: from 2 to 100 characters, e.g. a customer name, an order number or words the shopper wrote');
    return forAgents({ query: parsed.data.q, results: await searchConversations(options.store, parsed.data.q) });
  });
}
