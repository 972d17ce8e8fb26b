// Attachments over HTTP. Shoppers upload with their session token (like the transcript
// endpoint); the file is read back with either that token or an agent's.
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bearerToken, type AgentAuth } from '../server/agent-auth.ts';
import { HttpError } from '../server/http-errors.ts';
import { sessionRoute, type ZodFastify } from '../server/route-schemas.ts';
import { anyOf } from '../server/route-security.ts';
import { hashSessionToken } from '../server/tokens.ts';
import type { Store } from '../store/types.ts';
import { type Attachments, type Requester, tooLarge } from './attachments.ts';

const attachmentRoute = {
  schema: { params: z.object({ id: z.string().min(1).max(140) }), security: anyOf('sessionToken', 'agentToken') },
  config: { invalidParams: 'invalid_attachment_id' },
};

export const attachmentRoutes: FastifyPluginAsyncZod<{ attachments: Attachments; store: Store; auth: AgentAuth }> = async (app, options) => {
  const { attachments, store, auth } = options;

  /** Whoever the bearer token names: a shopper's session, or a signed-in agent. */
  async function requester(request: FastifyRequest): Promise<Requester> {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new HttpError(401, 'missing_credentials', 'send "Authorization: Bearer <sessionToken>" (or an agent token)');
    const own = await store.findSessionByTokenHash(hashSessionToken(token));
    if (own) return { kind: 'shopper', sessionId: own.id };
    const agent = await auth.check(token);
    if (agent.ok) return { kind: 'agent', agent: agent.agent };
    throw new HttpError(401, 'invalid_token', 'the token is neither a valid session token nor a valid agent token');
  }

  await app.register(async (scoped: ZodFastify) => {
    await scoped.register(multipart, { limits: { files: 1, fields: 0, fileSize: attachments.maxBytes, parts: 2 } });

    // The file is read from the multipart stream below, not checked by a body schema.
    scoped.post('/api/sessions/:sessionId/attachments', { ...sessionRoute, schema: { ...sessionRoute.schema, security: anyOf('sessionToken') } }, async (request, reply) => {
      const token = bearerToken(request.headers.authorization);
      if (!token) throw new HttpError(401, 'missing_credentials', 'send "Authorization: Bearer <sessionToken>"');
      const own = await store.findSessionByTokenHash(hashSessionToken(token));
      if (!own) throw new HttpError(401, 'invalid_session_token', 'the session token is not valid');
      if (own.id !== request.params.sessionId) throw new HttpError(403, 'forbidden', 'a session token only sends files to its own conversation');
      if (!request.isMultipart()) throw new HttpError(415, 'not_multipart', 'send the photo as multipart/form-data in a field named "file"');
      const file = await request.file();
      if (!file) throw new HttpError(400, 'missing_file', 'the form has no file; send it in a field named "file"');
      let bytes: Buffer;
      try {
        bytes = await file.toBuffer();
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new HttpError(413, 'file_too_large', tooLarge(attachments.maxBytes).message);
        throw err;
      }
      const { attachment, entry } = await attachments.upload(own.id, bytes);
      return reply.code(201).send({ attachment, entry });
    });

    scoped.get('/api/attachments/:id', attachmentRoute, async (request, reply) => {
      const who = await requester(request);
      const { record, bytes } = await attachments.read(request.params.id, who);
      return reply
        .header('content-type', record.mime)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `inline; filename="${record.id}"`)
        .send(bytes);
    });
  });
};
