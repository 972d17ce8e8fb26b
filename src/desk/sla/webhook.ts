// The optional breach webhook (`desk.sla.webhook`): each breach is POSTed as JSON to the configured
// URL, signed like daehwa's other webhooks: `X-Daehwa-Signature: sha256=<hex HMAC-SHA256 of the
// exact body under the secret>`. It is sent in the background: a slow or failing receiver is
// logged, and never holds up the desk or a shopper's turn. No retries: the breach is in the store
// (and the analytics) either way; the body's `breach.id` lets a receiver drop a repeat.
import { createHmac } from 'node:crypto';
import type { Logger } from '../../server/logging.ts';
import type { SlaBreach } from '../../store/types.ts';

export interface BreachWebhookSettings {
  url: string;
  secret: string;
  timeoutMs: number;
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Returns the function the SLA watches call with each breach; the promise it returns is for tests. */
export function breachWebhook(settings: BreachWebhookSettings, log: Logger, now: () => Date, send: typeof fetch = fetch): (breach: SlaBreach) => Promise<void> {
  const target = new URL(settings.url);
  // Where it went, without a query string that may hold a token.
  const where = `${target.origin}${target.pathname}`;
  return async (breach) => {
    const body = JSON.stringify({ event: 'sla.breached', breach, sentAt: now().toISOString() });
    try {
      const response = await send(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-daehwa-event': 'sla.breached', 'x-daehwa-signature': signBody(body, settings.secret) },
        body,
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) log.warn({ url: where, status: response.status, breach: breach.id }, 'the SLA breach webhook answered with an error');
    } catch (err) {
      log.warn({ url: where, err: err instanceof Error ? err.message : String(err), breach: breach.id }, 'the SLA breach webhook could not be reached');
    }
  };
}
