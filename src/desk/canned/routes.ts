// Canned replies over HTTP: every agent reads them (all, or filled for one conversation); only
// admins create, change and delete them (refused before the body is read).
import type { FastifyRequest, FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HandoffDesk } from '../../server/handoff-desk.ts';
import { itemRoute } from '../../server/route-schemas.ts';
import { ADMIN_ONLY } from '../../server/route-security.ts';
import { adminOf, agentOf } from '../http.ts';
import { cannedReplyInput, type CannedReplies } from './replies.ts';

const replyId = z.object({ id: z.string().min(1).max(100) });
const replyConfig = { invalidParams: 'invalid_canned_reply_id' };

/** A route only admins may use to do `what`: refused before its body is read, and said in its OpenAPI operation. */
function adminRoute<S extends FastifySchema>(what: string, schema: S) {
  return {
    schema: { ...schema, description: ADMIN_ONLY },
    preValidation: async (request: FastifyRequest): Promise<void> => {
      adminOf(request, what);
    },
  };
}

/** Registered inside a scope whose onRequest hook has signed the agent in. */
export const cannedReplyRoutes: FastifyPluginAsyncZod<{ replies: CannedReplies; desk: HandoffDesk }> = async (app, options) => {
  const { replies, desk } = options;

  app.get('/api/agent/canned-replies', async () => ({ replies: await replies.list() }));

  app.post('/api/agent/canned-replies', adminRoute('saving canned replies', { body: cannedReplyInput }), async (request, reply) => {
    const saved = await replies.create(request.body, agentOf(request).id);
    return reply.code(201).send({ reply: saved });
  });

  app.put(
    '/api/agent/canned-replies/:id',
    { ...adminRoute('changing canned replies', { params: replyId, body: cannedReplyInput }), config: replyConfig },
    async (request) => ({ reply: await replies.update(request.params.id, request.body, agentOf(request).id) }),
  );

  app.delete('/api/agent/canned-replies/:id', { ...adminRoute('deleting canned replies', { params: replyId }), config: replyConfig }, async (request) => {
    await replies.remove(request.params.id);
    return { deleted: request.params.id };
  });

  // Filled from the conversation's snapshot, in its language.
  app.get('/api/agent/queue/:itemId/canned-replies', itemRoute, async (request) => {
    const { item, session } = await desk.detail(request.params.itemId);
    const locale = session?.locale ?? (item.context['locale'] === 'en' ? 'en' : 'ko');
    const team = typeof item.context['team'] === 'string' ? item.context['team'] : null;
    return { replies: await replies.forConversation(item.context, locale, team) };
  });
};
