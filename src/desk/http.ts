// Shared by the desk's routes: agent sign-in and role checks, DeskError to the HTTP error shape.
import type { FastifyRequest } from 'fastify';
import type { AgentIdentity } from '../server/agent-protocol.ts';
import { HttpError } from '../server/http-errors.ts';
import { DeskError } from './errors.ts';

/** The signed-in agent (the scope's authenticateAgent hook has run). */
export function agentOf(request: FastifyRequest): AgentIdentity {
  if (!request.agent) throw new HttpError(401, 'missing_credentials', 'sign in first');
  return request.agent;
}

/** The signed-in agent, who must be an admin. */
export function adminOf(request: FastifyRequest, what: string): AgentIdentity {
  const agent = agentOf(request);
  if (agent.role !== 'admin') throw new HttpError(403, 'forbidden', `${what} needs an admin agent; ${agent.id} is an agent`);
  return agent;
}

/** Runs a desk call; its refusal becomes the matching HTTP error. */
export async function answering<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof DeskError) throw new HttpError(err.status, err.code, err.message);
    throw err;
  }
}
