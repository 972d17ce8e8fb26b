// What a console that opens a conversation asks for besides its transcript: how far the shopper has read.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HandoffDesk } from '../../server/handoff-desk.ts';
import { HttpError } from '../../server/http-errors.ts';
import type { LiveSignals } from './signals.ts';

const itemParams = z.object({ itemId: z.string().min(1).max(100) });

export function registerLiveRoutes(scoped: FastifyInstance, options: { signals: LiveSignals; desk: HandoffDesk }): void {
  scoped.get('/api/agent/queue/:itemId/read', async (request) => {
    const parsed = itemParams.safeParse(request.params);
    if (!parsed.success) throw new HttpError(400, 'invalid_item_id', 'the queue item id is missing or too long');
    const { item } = await options.desk.detail(parsed.data.itemId);
    return { sessionId: item.sessionId, read: options.signals.receipt(item.sessionId) };
  });
}
