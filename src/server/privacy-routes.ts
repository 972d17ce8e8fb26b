// Admin endpoints for privacy (issue 18): the audit log, and a customer's data exported or erased
// on request. Role `admin` only: 401 without a valid token, 403 for other agents.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.ts';
import type { PrivacyDesk } from '../privacy/privacy-desk.ts';
import type { AgentAuth } from './agent-auth.ts';
import { agentOnly } from './agent-routes.ts';

const auditQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const customerRoute = {
  schema: { params: z.object({ customerId: z.string().min(1).max(100) }) },
  config: { invalidParams: 'invalid_customer_id' },
};

export const privacyRoutes: FastifyPluginAsyncZod<{ auth: AgentAuth; audit: AuditLog; privacy: PrivacyDesk }> = async (app, options) => {
  const { audit, privacy } = options;
  agentOnly(app, options.auth, { admin: 'the audit log and customer data requests need an admin agent' });
  const requester = (request: FastifyRequest) => ({ actor: request.agent?.id ?? null, address: request.ip, via: 'api' as const });

  app.get('/api/admin/audit', { schema: { querystring: auditQuery } }, async (request) => {
    const { after, limit } = request.query;
    return { events: await audit.list(after !== undefined ? { after, limit } : { limit }) };
  });

  app.get('/api/admin/privacy/customers/:customerId/export', customerRoute, async (request) => privacy.exportCustomer(request.params.customerId, requester(request)));

  app.post('/api/admin/privacy/customers/:customerId/erase', customerRoute, async (request) => privacy.eraseCustomer(request.params.customerId, requester(request)));
};
