// What request/response channels share: a session per channel user (found by a keyed hash of the
// user id, so no personal data is stored), the link that collects a turn's frames, and a turn
// with a deadline: the answer when it is ready in time, or a promise of it when it is not.
import { createHmac } from 'node:crypto';
import type { DialogInput } from '../dialog/types.ts';
import type { Locale } from '../nlu/types.ts';
import type { Clock } from '../server/clock.ts';
import type { Conversations } from '../server/conversation.ts';
import type { SerialLanes } from '../server/lanes.ts';
import type { Logger } from '../server/logging.ts';
import type { ServerFrame } from '../server/protocol.ts';
import type { LiveSession, SessionDirectory } from '../server/sessions.ts';
import { hashSessionToken } from '../server/tokens.ts';
import type { Store } from '../store/types.ts';
import { ChannelLink } from './link.ts';
import type { ChannelName } from './port.ts';
import { channelTexts } from './texts.ts';

export interface ChannelRuntimeOptions {
  sessions: SessionDirectory;
  conversations: Conversations;
  lanes: SerialLanes;
  store: Store;
  clock: Clock;
  log: Logger;
  /** The server's signing secret: keys the hash that turns a channel's user id into a session key. */
  keySecret: string;
}

export type TurnOutcome = { inTime: true; frames: ServerFrame[] } | { inTime: false; later: Promise<ServerFrame[]> };

const CHANNEL_LABELS: Record<ChannelName, string> = { kakao: 'KakaoTalk', webhook: 'the webhook channel' };

export class ChannelRuntime {
  readonly #links = new Map<string, ChannelLink>();

  constructor(private readonly options: ChannelRuntimeOptions) {}

  /** The session key of a channel user: stable per (channel, scope, user), useless without the server's secret. */
  sessionKey(channel: ChannelName, scope: string, userId: string): string {
    return createHmac('sha256', this.options.keySecret).update(`daehwa-channel\n${channel}\n${scope}\n${userId}`).digest('base64url');
  }

  /** The user's session (started when they have none, or theirs has ended) and its channel link. */
  async session(channel: ChannelName, scope: string, userId: string, locale: Locale): Promise<{ live: LiveSession; link: ChannelLink; created: boolean }> {
    const { sessions, lanes, store, clock } = this.options;
    const key = this.sessionKey(channel, scope, userId);
    // Two first messages of one user at once must not start two conversations.
    const { live, created } = await lanes.run(`channel:${hashSessionToken(key)}`, () => sessions.openWithKey(key, locale, channel));
    if (created) {
      await store.appendTranscript(live.record.id, [{ at: clock.now().toISOString(), from: 'system', text: channelTexts(locale).startedOn(CHANNEL_LABELS[channel]) }]);
    }
    let link = this.#links.get(live.record.id);
    if (!link) this.#links.set(live.record.id, (link = new ChannelLink()));
    sessions.standWith(live, link);
    return { live, link, created };
  }

  /**
   * Runs one input through the conversation and collects what it says. With a deadline, a turn
   * not done in time is reported late, with a promise of its frames.
   */
  async turn(live: LiveSession, link: ChannelLink, input: DialogInput, deadlineMs?: number): Promise<TurnOutcome> {
    const collector = link.startCollecting();
    const finished = this.options.conversations
      .handle(live, input)
      .catch((err: unknown) => {
        live.log.error({ err }, 'channel turn failed');
        collector.push({ type: 'error', code: 'internal_error', message: 'the message could not be answered' });
      })
      // Frames sent right after the turn (a place in the queue) belong to its answer.
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => link.stopCollecting(collector));
    if (deadlineMs === undefined) return { inTime: true, frames: await finished };
    let timer: { cancel(): void } | undefined;
    const late = new Promise<null>((resolve) => {
      timer = this.options.clock.setTimeout(() => resolve(null), deadlineMs);
    });
    const frames = await Promise.race([finished, late]);
    timer?.cancel();
    return frames ? { inTime: true, frames } : { inTime: false, later: finished };
  }
}
