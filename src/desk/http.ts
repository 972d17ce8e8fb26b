// Shared by the desk's routes: agent sign-in and role checks. The desk's refusals (DeskError) reach
// the server's error hook as they are (src/server/http-errors.ts).
import type { FastifyRequest } from 'fastify';
import type { AgentIdentity } from '../server/agent-protocol.ts';
import { HttpError } from '../server/http-errors.ts';

/** The signed-in agent (the scope's agentOnly hook has signed them in). */
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
