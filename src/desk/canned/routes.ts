// Canned replies over HTTP: every agent reads them (all, or filled for one conversation); only
// admins create, change and delete them.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HandoffDesk } from '../../server/handoff-desk.ts';
import { HttpError } from '../../server/http-errors.ts';
import { adminOf } from '../http.ts';
import type { CannedReplies } from './replies.ts';

const idParams = z.object({ id: z.string().min(1).max(100) });
const itemParams = z.object({ itemId: z.string().min(1).max(100) });

function param<T extends z.ZodType>(schema: T, params: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new HttpError(400, `invalid_${what}`, `the ${what.replaceAll('_', ' ')} is missing or too long`);
  return parsed.data;
}

/** Registers inside a scope whose onRequest hook has signed the agent in. */
export function registerCannedReplyRoutes(scoped: FastifyInstance, options: { replies: CannedReplies; desk: HandoffDesk }): void {
  const { replies, desk } = options;

  scoped.get('/api/agent/canned-replies', async () => ({ replies: await replies.list() }));

  scoped.post('/api/agent/canned-replies', async (request, reply) => {
    const admin = adminOf(request, 'saving canned replies');
    const saved = await replies.create(request.body, admin.id);
    return reply.code(201).send({ reply: saved });
  });

  scoped.put('/api/agent/canned-replies/:id', async (request) => {
    const admin = adminOf(request, 'changing canned replies');
    const { id } = param(idParams, request.params, 'canned_reply_id');
    return { reply: await replies.update(id, request.body, admin.id) };
  });

  scoped.delete('/api/agent/canned-replies/:id', async (request) => {
    adminOf(request, 'deleting canned replies');
    const { id } = param(idParams, request.params, 'canned_reply_id');
    await replies.remove(id);
    return { deleted: id };
  });

  // Filled from the conversation's snapshot, in its language.
  scoped.get('/api/agent/queue/:itemId/canned-replies', async (request) => {
    const { itemId } = param(itemParams, request.params, 'item_id');
    const { item, session } = await desk.detail(itemId);
    const locale = session?.locale ?? (item.context['locale'] === 'en' ? 'en' : 'ko');
    const team = typeof item.context['team'] === 'string' ? item.context['team'] : null;
    return { replies: await replies.forConversation(item.context, locale, team) };
  });
}
