// What the HTTP routes' zod schemas share (fastify-type-provider-zod): the type of a plugin's
// instance whose routes are typed by their schemas, and the paths several surfaces use.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** A fastify instance whose routes' params, body and query are typed by their zod schemas. */
export type ZodFastify = Parameters<FastifyPluginAsyncZod>[0];

/** `/api/agent/queue/:itemId/...` (the agent API and the desk's routes): a bad id is `400 invalid_item_id`. */
export const itemRoute = {
  schema: { params: z.object({ itemId: z.string().min(1).max(100) }) },
  config: { invalidParams: 'invalid_item_id' },
};

/** `/api/sessions/:sessionId/...` (the transcript, attachments): a bad id is `400 invalid_session_id`. */
export const sessionRoute = {
  schema: { params: z.object({ sessionId: z.string().min(1).max(100) }) },
  config: { invalidParams: 'invalid_session_id' },
};
