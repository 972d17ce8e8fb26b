// The core refuses in its own terms (DomainError: a refusal, a code, a sentence); the server's one
// error hook gives each refusal its HTTP status and the usual error body.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { HandoffError } from '../../src/handoff/queue.ts';
import { installErrorHandler, REFUSAL_STATUS } from '../../src/server/http-errors.ts';
import { DomainError, REFUSALS } from '../../src/shared/domain-error.ts';

async function answerTo(error: Error): Promise<{ status: number; body: unknown }> {
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  app.get('/refuse', async () => {
    throw error;
  });
  const response = await app.inject({ method: 'GET', url: '/refuse' });
  await app.close();
  return { status: response.statusCode, body: response.json() };
}

describe('domain errors through the HTTP error hook', () => {
  it('answers every refusal with its status and the code and sentence the core gave', async () => {
    const expected = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, too_large: 413, unsupported: 415 };
    expect(REFUSAL_STATUS).toEqual(expected);
    for (const refusal of REFUSALS) {
      const answer = await answerTo(new DomainError(refusal, `some_${refusal}`, `refused: ${refusal}`));
      expect(answer).toEqual({ status: expected[refusal], body: { error: { code: `some_${refusal}`, message: `refused: ${refusal}` } } });
    }
  });

  it('maps the queue’s own refusals: taken by someone else is a conflict, another agent’s item is forbidden', async () => {
    expect((await answerTo(new HandoffError('already_claimed', 'q1', 'queue item q1 is taken'))).status).toBe(409);
    expect((await answerTo(new HandoffError('not_owner', 'q1', 'queue item q1 belongs to joon'))).status).toBe(403);
    expect((await answerTo(new HandoffError('not_found', 'q9', 'there is no queue item q9'))).body).toEqual({ error: { code: 'not_found', message: 'there is no queue item q9' } });
  });

  it('keeps an unknown error a 500 that tells nothing of the inside', async () => {
    expect(await answerTo(new Error('connection string postgres://secret'))).toEqual({
      status: 500,
      body: { error: { code: 'internal_error', message: 'something went wrong on the server' } },
    });
  });
});
