// Admin endpoints for privacy (issue 18): the audit log, and a customer's data exported or erased
// on request. Role `admin` only: 401 without a valid token, 403 for other agents.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.ts';
import type { PrivacyDesk } from '../privacy/privacy-desk.ts';
import type { AgentAuth } from './agent-auth.ts';
import { authenticateAgent } from './agent-routes.ts';
import { HttpError } from './http-errors.ts';

const auditQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const customerParams = z.object({ customerId: z.string().min(1).max(100) });

function customerIdOf(request: FastifyRequest): string {
  const parsed = customerParams.safeParse(request.params);
  if (!parsed.success) throw new HttpError(400, 'invalid_customer_id', 'the customer id is missing or longer than 100 characters');
  return parsed.data.customerId;
}

export function registerPrivacyRoutes(app: FastifyInstance, options: { auth: AgentAuth; audit: AuditLog; privacy: PrivacyDesk }): void {
  const { audit, privacy } = options;
  app.register(async (scoped) => {
    scoped.addHook('onRequest', authenticateAgent(options.auth));
    scoped.addHook('preHandler', async (request) => {
      if (request.agent?.role !== 'admin') throw new HttpError(403, 'forbidden', 'the audit log and customer data requests need an admin agent');
    });
    const requester = (request: FastifyRequest) => ({ actor: request.agent?.id ?? null, address: request.ip, via: 'api' as const });

    scoped.get('/api/admin/audit', async (request) => {
      const parsed = auditQuery.safeParse(request.query);
      if (!parsed.success) {
        throw new HttpError(400, 'invalid_query', 'after must be a whole number of at least 0, limit a whole number from 1 to 1000; no other parameters');
      }
      const query = parsed.data.after !== undefined ? { after: parsed.data.after, limit: parsed.data.limit } : { limit: parsed.data.limit };
      return { events: await audit.list(query) };
    });

    scoped.get('/api/admin/privacy/customers/:customerId/export', async (request) => privacy.exportCustomer(customerIdOf(request), requester(request)));

    scoped.post('/api/admin/privacy/customers/:customerId/erase', async (request) => privacy.eraseCustomer(customerIdOf(request), requester(request)));
  });
}
