// The request/response channels on the server: the Kakao i Open Builder skill and the signed
// webhook (docs/channels.md). The shopper websocket (src/server/shopper-socket.ts) is the third
// channel; it pushes frames to its socket instead of answering requests.
import type { FastifyInstance } from 'fastify';
import type { DaehwaConfig } from '../config/schema.ts';
import type { MessagesSpec } from '../dialog/schema.ts';
import type { KakaoSkillResponse } from './kakao/format.ts';
import { registerKakaoSkill } from './kakao/skill.ts';
import { ChannelRuntime, type ChannelRuntimeOptions } from './runtime.ts';
import { registerWebhookChannel } from './webhook/route.ts';

/** The runtime's collaborators (its key secret and link lifetime come from the config), and what the channels add. */
export interface ChannelDeps extends Omit<ChannelRuntimeOptions, 'keySecret' | 'linkTtlMs'> {
  config: DaehwaConfig;
  maxTextLength: number;
  /** The messages file in use (reloaded with the flows): what the channels say themselves. */
  messages: () => MessagesSpec;
  /** Tests: how callbacks are POSTed (default: fetch). */
  postCallback?: (url: string, body: KakaoSkillResponse) => Promise<boolean>;
}

export function registerChannels(app: FastifyInstance, deps: ChannelDeps): void {
  const { config } = deps;
  const { kakao, webhook } = config.channels;
  if (config.env === 'production' && kakao.enabled && kakao.secret === undefined) {
    // loadConfig refuses this already; a server built from a hand-made config must too.
    throw new Error('channels.kakao.secret is required when NODE_ENV=production and the Kakao channel is enabled');
  }
  if (!kakao.enabled && webhook.secret === undefined) return;
  const runtime = new ChannelRuntime({ ...deps, keySecret: config.secret, linkTtlMs: config.channels.linkTtlMs });
  if (kakao.enabled) {
    registerKakaoSkill(app, {
      runtime,
      clock: deps.clock,
      log: deps.log,
      metrics: deps.metrics,
      secret: kakao.secret,
      deadlineMs: kakao.deadlineMs,
      replayWindowMs: kakao.replayWindowMs,
      quickReplyBlockId: kakao.quickReplyBlockId,
      trackingUrl: config.desk.trackingUrl,
      maxTextLength: deps.maxTextLength,
      messages: deps.messages,
      ...(deps.postCallback ? { postCallback: deps.postCallback } : {}),
    });
  }
  if (webhook.secret !== undefined) {
    registerWebhookChannel(app, { runtime, clock: deps.clock, metrics: deps.metrics, secret: webhook.secret, deadlineMs: webhook.deadlineMs, replayWindowMs: webhook.replayWindowMs });
  }
}
