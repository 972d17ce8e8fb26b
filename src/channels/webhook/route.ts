// POST /channels/webhook: a signed JSON in / JSON out channel for any other messenger (LINE,
// Instagram, an in-app chat), documented in docs/channels.md#webhook. The body is signed with
// HMAC-SHA256 under channels.webhook.secret; a bad or missing signature is refused before
// anything is read or stored. Messages that arrive between requests (an agent's answer) come
// with the user's next request.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DialogInput } from '../../dialog/types.ts';
import { LOCALES } from '../../nlu/types.ts';
import type { Clock } from '../../server/clock.ts';
import { HttpError } from '../../server/http-errors.ts';
import type { ServerMetrics } from '../../server/metrics.ts';
import { anyOf } from '../../server/route-security.ts';
import { describeIssues } from '../../shared/zod-issues.ts';
import { type ChannelMessage, toChannelMessages } from '../port.ts';
import { ReplayGuard } from '../replay.ts';
import type { ChannelRuntime } from '../runtime.ts';

export const WEBHOOK_PATH = '/channels/webhook';
export const SIGNATURE_HEADER = 'x-daehwa-signature';

export const webhookRequestSchema = z
  .strictObject({
    /** The messenger's id of this message: a request with an id seen before is a replay. */
    id: z.string().min(1).max(200),
    /** The messenger's id of the user; only its keyed hash is kept. */
    user: z.string().min(1).max(200),
    locale: z.enum(LOCALES).optional(),
    text: z.string().max(2000).refine((t) => t.trim().length > 0, 'must not be empty').optional(),
    quickReply: z.string().min(1).max(200).optional(),
    event: z
      .strictObject({
        name: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'expected a lowercase event name such as page_view').refine((n) => !n.startsWith('daehwa.'), "names starting 'daehwa.' are the server's own"),
        data: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
  })
  .refine((body) => [body.text, body.quickReply, body.event].filter((x) => x !== undefined).length === 1, {
    message: 'exactly one of text, quickReply or event',
  });
export type WebhookRequest = z.infer<typeof webhookRequestSchema>;

export interface WebhookResponse {
  conversation: string;
  messages: ChannelMessage[];
  /** The answer was not ready in time: it comes with the user's next request. */
  pending: boolean;
}

export interface WebhookOptions {
  runtime: ChannelRuntime;
  clock: Clock;
  metrics: ServerMetrics;
  secret: string;
  deadlineMs: number;
  replayWindowMs: number;
}

/** `sha256=<hex>` of the raw body under the secret. */
export function signWebhookBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function toInput(body: WebhookRequest): DialogInput {
  if (body.text !== undefined) return { kind: 'text', text: body.text };
  if (body.quickReply !== undefined) return { kind: 'quick_reply', payload: body.quickReply };
  const event = body.event!;
  return { kind: 'event', name: event.name, ...(event.data ? { data: event.data } : {}) };
}

export function registerWebhookChannel(app: FastifyInstance, options: WebhookOptions): void {
  const replays = new ReplayGuard<WebhookResponse>(options.clock, options.replayWindowMs);
  app.register(async (scoped) => {
    scoped.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scoped.post(WEBHOOK_PATH, { schema: { security: anyOf('webhookSignature') } }, async (request) => {
      try {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const given = request.headers[SIGNATURE_HEADER];
        if (typeof given !== 'string' || given === '') throw new HttpError(401, 'missing_signature', `the ${SIGNATURE_HEADER} header is missing`);
        const expected = Buffer.from(signWebhookBody(options.secret, raw));
        const actual = Buffer.from(given);
        if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
          throw new HttpError(401, 'bad_signature', `the ${SIGNATURE_HEADER} header is not sha256=<hex HMAC-SHA256 of the body under channels.webhook.secret>`);
        }
        let value: unknown;
        try {
          value = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
        }
        const parsed = webhookRequestSchema.safeParse(value);
        if (!parsed.success) throw new HttpError(400, 'invalid_body', describeIssues(parsed.error, 'body'));
        const body = parsed.data;
        return await replays.run(`${body.user}\n${body.id}`, () => answer(options, body)).answer;
      } catch (err) {
        options.metrics.channelErrors.inc({ channel: 'webhook', code: err instanceof HttpError ? err.code : 'internal_error' });
        throw err;
      }
    });
  });
}

async function answer(options: WebhookOptions, body: WebhookRequest): Promise<WebhookResponse> {
  const { live, link } = await options.runtime.session('webhook', 'webhook', body.user, body.locale ?? 'ko');
  const kept = link.takeMailbox();
  const outcome = await options.runtime.turn(live, link, toInput(body), options.deadlineMs);
  if (!outcome.inTime) void outcome.later.then((frames) => link.keep(frames));
  const frames = outcome.inTime ? [...kept, ...link.takeMailbox(), ...outcome.frames] : kept;
  // What the link keeps now (an emptied mailbox) is saved before the answer leaves.
  await options.runtime.settle(link);
  return { conversation: live.record.id, messages: toChannelMessages(frames), pending: !outcome.inTime };
}
