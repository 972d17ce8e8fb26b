// POST /channels/kakao/skill: Kakao i Open Builder's skill server (docs/channels.md). A request is
// authenticated by the shared secret header, parsed, de-duplicated, mapped to a turn on the Kakao
// user's session and answered within Kakao's 5-second deadline; what comes later (a slow shop, an
// agent's answer) goes through the request's callback URL while it is valid, or waits for the
// shopper's next message.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ownedByPeople } from '../../conversation/session-mode.ts';
import type { Clock } from '../../server/clock.ts';
import { HttpError } from '../../server/http-errors.ts';
import type { Logger } from '../../server/logging.ts';
import type { ServerMetrics } from '../../server/metrics.ts';
import type { MessagesSpec } from '../../dialog/schema.ts';
import type { QuickReply, OrderCard } from '../../dialog/types.ts';
import type { ServerFrame } from '../../server/protocol.ts';
import { anyOf, PUBLIC } from '../../server/route-security.ts';
import type { LiveSession } from '../../server/sessions.ts';
import { describeIssues } from '../../shared/zod-issues.ts';
import type { ChannelLink } from '../link.ts';
import { toChannelMessages } from '../port.ts';
import { ReplayGuard } from '../replay.ts';
import type { ChannelRuntime } from '../runtime.ts';
import { channelTexts, type ChannelTexts } from '../texts.ts';
import { type KakaoSkillRequest, kakaoSkillRequestSchema, type KakaoSkillResponse, kakaoSkillResponseSchema } from './format.ts';
import { type Bubbles, kakaoInput, type OfferedReply, renderBubbles, type Rendered, toBubbles } from './render.ts';

export const SKILL_PATH = '/channels/kakao/skill';
export const SECRET_HEADER = 'x-daehwa-skill-secret';

/** Kakao's callback URL is valid for one minute: a held one is given up a little before. */
export const CALLBACK_HOLD_MS = 55_000;

export interface KakaoSkillOptions {
  runtime: ChannelRuntime;
  clock: Clock;
  log: Logger;
  metrics: ServerMetrics;
  secret: string | undefined;
  deadlineMs: number;
  replayWindowMs: number;
  quickReplyBlockId: string | undefined;
  /** An order's tracking page (config `desk.trackingUrl`): the button of an order card. */
  trackingUrl?: string | undefined;
  maxTextLength: number;
  /** The messages file in use (flows/messages.yaml, reloaded with the flows): what the channel says itself. */
  messages: () => MessagesSpec;
  /** POSTs a response to a callback URL; true when Kakao took it. */
  postCallback?: (url: string, body: KakaoSkillResponse) => Promise<boolean>;
}

/** What the link remembers of the last answer to this Kakao user. */
interface KakaoMemory {
  offered: OfferedReply[];
  overflow: Bubbles | null;
}

/** The link's memory of its last answer; what a store gave back that is not one reads as none. */
function memoryOf(link: ChannelLink): KakaoMemory {
  const memory = link.memory as Partial<Record<keyof KakaoMemory, unknown>> | null;
  const offered = Array.isArray(memory?.offered)
    ? memory.offered.filter((o): o is OfferedReply => typeof o?.messageText === 'string' && typeof o?.payload === 'string')
    : [];
  return { offered, overflow: isBubbles(memory?.overflow) ? memory.overflow : null };
}

function isBubbles(value: unknown): value is Bubbles {
  if (typeof value !== 'object' || value === null) return false;
  const { parts, quickReplies, earlier } = value as Record<string, unknown>;
  const isReply = (q: unknown) => typeof q === 'object' && q !== null && typeof (q as QuickReply).label === 'string' && typeof (q as QuickReply).payload === 'string';
  const isPart = (p: unknown) => typeof p === 'string' || isOrderCard((p as { card?: unknown } | null)?.card);
  return (
    Array.isArray(parts) &&
    parts.every(isPart) &&
    Array.isArray(quickReplies) &&
    quickReplies.every(isReply) &&
    (earlier === undefined || (Array.isArray(earlier) && earlier.every((o) => typeof o?.messageText === 'string' && typeof o?.payload === 'string')))
  );
}

function isOrderCard(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const card = value as Partial<OrderCard>;
  return card.kind === 'order' && typeof card.orderId === 'string' && typeof card.status === 'string' && typeof card.statusLabel === 'string' && Array.isArray(card.items);
}

function sameSecret(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

async function postJson(url: string, body: KakaoSkillResponse): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export function registerKakaoSkill(app: FastifyInstance, options: KakaoSkillOptions): void {
  const skill = new KakaoSkill(options);
  if (options.secret === undefined) {
    options.log.warn(`${SKILL_PATH} accepts requests without a secret (development); set channels.kakao.secret (DAEHWA_KAKAO_SECRET)`);
  }
  app.register(async (scoped) => {
    // The body's bytes identify a request (replays): parsed here, not by fastify.
    scoped.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scoped.post(SKILL_PATH, { schema: { security: options.secret !== undefined ? anyOf('kakaoSkillSecret') : PUBLIC } }, async (request) => {
      try {
        if (options.secret !== undefined) {
          const given = request.headers[SECRET_HEADER];
          if (typeof given !== 'string' || given === '') throw new HttpError(401, 'missing_secret', `the ${SECRET_HEADER} header is missing`);
          if (!sameSecret(options.secret, given)) throw new HttpError(401, 'bad_secret', `the ${SECRET_HEADER} header does not match channels.kakao.secret`);
        }
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        return await skill.answer(raw);
      } catch (err) {
        options.metrics.channelErrors.inc({ channel: 'kakao', code: err instanceof HttpError ? err.code : 'internal_error' });
        throw err;
      }
    });
  });
}

export class KakaoSkill {
  readonly #replays: ReplayGuard<KakaoSkillResponse>;
  readonly #post: (url: string, body: KakaoSkillResponse) => Promise<boolean>;

  constructor(private readonly options: KakaoSkillOptions) {
    this.#replays = new ReplayGuard(options.clock, options.replayWindowMs);
    this.#post = options.postCallback ?? postJson;
  }

  /** The response to one request body (already authenticated). */
  async answer(raw: Buffer): Promise<KakaoSkillResponse> {
    const request = parseRequest(raw);
    // Kakao's payload has no request id: the same bytes again (a callback URL is unique per request) are a replay.
    const key = createHash('sha256').update(raw).digest('base64url');
    const { answer } = this.#replays.run(key, () => this.#answer(request));
    const response = await answer;
    // Never an invalid response: a renderer bug is a 500 here, not a broken bubble in KakaoTalk.
    const checked = kakaoSkillResponseSchema.safeParse(response);
    if (!checked.success) throw new Error(`invalid skill response: ${describeIssues(checked.error, 'response')}`);
    return response;
  }

  async #answer(request: KakaoSkillRequest): Promise<KakaoSkillResponse> {
    const { runtime, maxTextLength } = this.options;
    // A request that says nothing is refused before a session is looked up or started.
    const unusable = kakaoInput(request, [], maxTextLength);
    if (unusable.kind === 'invalid') throw new HttpError(400, 'invalid_body', unusable.message);
    const lang = request.userRequest.lang ?? '';
    const { live, link } = await runtime.session('kakao', request.bot.id, request.userRequest.user.id, /^en/i.test(lang) ? 'en' : 'ko');
    try {
      return await this.#answerOn(request, live, link);
    } finally {
      // What the link keeps now (the quick replies offered, an emptied mailbox) is saved before the answer leaves.
      await runtime.settle(link);
    }
  }

  async #answerOn(request: KakaoSkillRequest, live: LiveSession, link: ChannelLink): Promise<KakaoSkillResponse> {
    const { runtime, deadlineMs, maxTextLength } = this.options;
    const texts = channelTexts(this.options.messages(), live.record.locale);
    const memory = memoryOf(link);
    const input = kakaoInput(request, memory.offered, maxTextLength);
    if (input.kind === 'invalid') throw new HttpError(400, 'invalid_body', input.message);

    // A newer message takes over: a callback still held for this user says nothing came yet.
    link.release()?.([]);
    const kept = link.takeMailbox();
    const callbackUrl = request.userRequest.callbackUrl;

    if (input.kind === 'more') {
      const more = memory.overflow ?? { parts: [texts.nothingMore], quickReplies: [] };
      return this.#respond(link, this.#bubbles(kept, [], texts, more), texts.nothingMore, texts);
    }
    const outcome = await runtime.turn(live, link, input.input, deadlineMs);
    if (!outcome.inTime) {
      if (callbackUrl) {
        void outcome.later.then((frames) => this.#callback(link, callbackUrl, this.#bubbles(kept, frames, texts), texts.nothingMore, texts, [...kept, ...frames]));
        return { version: '2.0', useCallback: true, data: { text: texts.checking } };
      }
      // No callback: the answer waits for the shopper's next message.
      link.keep(kept);
      void outcome.later.then((frames) => link.keep(frames));
      return this.#respond(link, { parts: [texts.checkingNoCallback], quickReplies: [] }, texts.checkingNoCallback, texts);
    }
    // A late answer of an earlier message finished while this one waited for it: it comes first.
    const before = [...kept, ...link.takeMailbox()];
    const shown = toChannelMessages(outcome.frames);
    if (shown.length === 0 && before.length === 0 && ownedByPeople(live.record.mode) && callbackUrl) {
      // The shopper wrote to the people: their answer comes through the callback while it is valid.
      this.#holdCallback(live, link, callbackUrl, texts);
      return { version: '2.0', useCallback: true, data: { text: texts.forwarded } };
    }
    const empty = ownedByPeople(live.record.mode) ? texts.agentWillAnswer : texts.nothingMore;
    return this.#respond(link, this.#bubbles(before, outcome.frames, texts), empty, texts);
  }

  /** Kept frames first (with a line saying an agent answered meanwhile), then the turn's. */
  #bubbles(kept: readonly ServerFrame[], frames: readonly ServerFrame[], texts: ChannelTexts, tail?: Bubbles): Bubbles {
    const keptMessages = toChannelMessages(kept);
    const bubbles = toBubbles([...keptMessages, ...toChannelMessages(frames)], texts);
    if (keptMessages.some((m) => m.kind === 'text' && m.from === 'agent')) bubbles.parts.unshift(texts.agentAnswersArrived);
    if (tail) {
      bubbles.parts.push(...tail.parts);
      if (tail.quickReplies.length > 0) {
        bubbles.quickReplies = tail.quickReplies;
        if (tail.earlier) bubbles.earlier = tail.earlier;
      }
    }
    return bubbles;
  }

  #respond(link: ChannelLink, bubbles: Bubbles, emptyText: string, texts: ChannelTexts): KakaoSkillResponse {
    return this.#renderFor(link, bubbles, emptyText, texts).response;
  }

  /** Renders and remembers what was offered, so that a tapped quick reply is known on the next request. */
  #renderFor(link: ChannelLink, bubbles: Bubbles, emptyText: string, texts: ChannelTexts): Rendered {
    const rendered = renderBubbles(bubbles, { texts, quickReplyBlockId: this.options.quickReplyBlockId, trackingUrl: this.options.trackingUrl }, emptyText);
    link.memory = { offered: rendered.offered, overflow: rendered.overflow } satisfies KakaoMemory;
    return rendered;
  }

  /** Sends a late answer through the callback; if Kakao does not take it, it waits for the next message. */
  async #callback(link: ChannelLink, url: string, bubbles: Bubbles, emptyText: string, texts: ChannelTexts, frames: readonly ServerFrame[]): Promise<void> {
    const rendered = this.#renderFor(link, bubbles, emptyText, texts);
    const delivered = await this.#post(url, rendered.response);
    this.options.metrics.channelCallbacks.inc({ channel: 'kakao', outcome: delivered ? 'delivered' : 'failed' });
    if (!delivered) {
      this.options.log.warn('a Kakao callback was not accepted; the answer waits for the next message');
      link.keep(frames);
    }
  }

  /** Frames for the shopper until the callback runs out go through it (once); then a line saying the answer will come. */
  #holdCallback(live: LiveSession, link: ChannelLink, url: string, texts: ChannelTexts): void {
    const timer = this.options.clock.setTimeout(() => {
      const push = link.release();
      if (!push) return;
      this.options.metrics.channelCallbacks.inc({ channel: 'kakao', outcome: 'expired' });
      push([]);
    }, CALLBACK_HOLD_MS);
    link.hold((frames) => {
      timer.cancel();
      const now = channelTexts(this.options.messages(), live.record.locale);
      void this.#callback(link, url, this.#bubbles([], frames, now), now.agentWillAnswer, now, frames);
    });
  }
}

function parseRequest(raw: Buffer): KakaoSkillRequest {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON; Open Builder sends the skill payload as a JSON object');
  }
  const parsed = kakaoSkillRequestSchema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid_body', `not a skill request: ${describeIssues(parsed.error, 'body')}`);
  return parsed.data;
}
