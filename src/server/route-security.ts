// Who may call a route, as the OpenAPI document says it (docs/server.md#the-openapi-document).
// A route's `schema.security` names the credentials that open it (components.securitySchemes,
// src/server/openapi.ts), one alternative each; `PUBLIC` is none. A scope whose onRequest hook
// authenticates declares it with declareSecurity, next to the hook, so that the document follows
// the hooks and no list of URLs has to be kept beside them.
import type { FastifySchema } from 'fastify';
import type { SecuritySchemeName } from './openapi.ts';
import type { ZodFastify } from './route-schemas.ts';

/** A route's security requirements as @fastify/swagger takes them. */
export type Security = NonNullable<FastifySchema['security']>;

/** A route that needs no credential. */
export const PUBLIC: Security = [];

/** A route that any one of these credentials opens. */
export function anyOf(...schemes: [SecuritySchemeName, ...SecuritySchemeName[]]): Security {
  return schemes.map((name) => ({ [name]: [] }));
}

/** What an admin-only operation's description says: OpenAPI has no roles. */
export const ADMIN_ONLY = 'Admin agents only (role `admin`): other agents get 403 forbidden.';

/** `description` with the admin-only note after it. */
export function adminOnly(description: string | undefined): string {
  return description ? `${description} ${ADMIN_ONLY}` : ADMIN_ONLY;
}

/**
 * Every route added to `scope` from now on, its child plugins' included, says `security` in the
 * document (a route's own `schema.security` wins), and with `admin` the admin-only note.
 * @fastify/swagger keeps the route options it saw in its own onRoute hook, which runs first (the
 * root's); this hook replaces their `schema` before fastify compiles it, so the document sees it.
 * The schema is copied, not changed: route option objects are shared between routes.
 */
export function declareSecurity(scope: ZodFastify, security: Security, options: { admin?: boolean } = {}): void {
  scope.addHook('onRoute', (route) => {
    const schema = route.schema ?? {};
    route.schema = {
      ...schema,
      security: schema.security ?? security,
      ...(options.admin ? { description: adminOnly(schema.description) } : {}),
    };
  });
}
