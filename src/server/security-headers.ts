// Security headers on every response, configured in one place with @fastify/helmet: a
// Content-Security-Policy allowing only the server's own scripts, styles and connections (the
// pages in public/ have no inline script or style), nosniff, and a strict referrer policy.
// Framing: only the shopper pages (the demo shop with its widget, `/`) may be framed, by the
// ancestors in `server.frameAncestors` (default 'self'); everything else — the agent console
// above all, and the JSON API — answers `frame-ancestors 'none'` and X-Frame-Options DENY.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Paths whose page may be embedded in another site (the shopper widget). */
const EMBEDDABLE_PATHS = new Set(['/', '/index.html']);

function directives(frameAncestors: readonly string[]): Record<string, string[]> {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    // blob: the photos shoppers send, fetched with a token and shown from memory (desk, issue 14).
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'"],
    // 'self' covers ws:/wss: to the same host (CSP Level 3).
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: [...frameAncestors],
  };
}

function policyText(frameAncestors: readonly string[]): string {
  return Object.entries(directives(frameAncestors))
    .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
    .join('; ');
}

export async function registerSecurityHeaders(app: FastifyInstance, frameAncestors: readonly string[]): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: directives(["'none'"]) },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    xContentTypeOptions: true,
    // The widget's page is plain same-origin; cross-origin isolation would break embedding.
    crossOriginEmbedderPolicy: false,
  });
  const embeddablePolicy = policyText(frameAncestors);
  app.addHook('onSend', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (!EMBEDDABLE_PATHS.has(path)) return;
    reply.header('content-security-policy', embeddablePolicy);
    reply.removeHeader('x-frame-options');
  });
}
