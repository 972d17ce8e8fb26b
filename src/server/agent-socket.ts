// The agent websocket (`/agent/ws`): the first frame must be `{"type":"auth","token"}` (browsers
// cannot set headers on websockets, and a token in the URL would end up in access logs). Then the
// agent gets the queue and live transcript entries, and can act on items like the REST API.
// privacy (issue 18): every frame sent has phone numbers, e-mails and addresses masked
// (src/privacy/agent-view.ts; the REST reveal action shows them), the agent's actions go to the
// audit log, and the socket is closed when its token is revoked (sign-out) or expires.
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { AuditAction, AuditSink } from '../audit/audit-log.ts';
import { forAgents } from '../privacy/agent-view.ts';
import type { AgentAuth } from './agent-auth.ts';
import { checkAgentToken } from './agent-routes.ts';
import { type AgentClientFrame, type AgentServerFrame, parseAgentFrame } from './agent-protocol.ts';
import type { Clock, TimerHandle } from './clock.ts';
import type { AgentLink, HandoffDesk } from './handoff-desk.ts';
import { HttpError } from './http-errors.ts';
import type { Logger } from './logging.ts';
import { TokenBucket } from './rate-limit.ts';
import type { LiveSignals } from '../desk/live/signals.ts';
import { DomainError } from '../shared/domain-error.ts';
import type { DeskPresence } from '../desk/presence/service.ts';

/** Close code for an agent socket that did not authenticate. */
export const CLOSE_UNAUTHENTICATED = 4401;
const AUTH_TIMEOUT_MS = 10_000;
const AGENT_FRAMES_PER_SECOND = 20;
const AGENT_BURST = 40;
const MAX_TIMER_MS = 2_000_000_000;

export interface AgentSocketOptions {
  auth: AgentAuth;
  desk: HandoffDesk;
  clock: Clock;
  log: Logger;
  audit: AuditSink;
  /** desk (issue 14): typing indicators. */
  signals?: LiveSignals;
  /** desk (issue 14): online / away / offline, and the roster every console gets. */
  presence?: DeskPresence;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export function registerAgentSocket(app: FastifyInstance, options: AgentSocketOptions): void {
  app.get('/agent/ws', { websocket: true, helmet: false }, (socket, request) => {
    new AgentConnection(socket, options, request.ip);
  });
}

class AgentConnection {
  #link: AgentLink | null = null;
  #chain: Promise<void> = Promise.resolve();
  readonly #bucket: TokenBucket;
  /** Closing the socket when its sign-in ends: the revocation subscription and the expiry timer. */
  readonly #endOfSignIn: (() => void)[] = [];

  constructor(
    private readonly socket: WebSocket,
    private readonly options: AgentSocketOptions,
    private readonly address: string,
  ) {
    this.#bucket = new TokenBucket(AGENT_FRAMES_PER_SECOND, AGENT_BURST, options.clock);
    const authTimer = options.clock.setTimeout(() => {
      if (!this.#link) socket.close(CLOSE_UNAUTHENTICATED, 'authenticate within 10 seconds');
    }, AUTH_TIMEOUT_MS);
    socket.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
    socket.on('close', () => {
      authTimer.cancel();
      for (const stop of this.#endOfSignIn) stop();
      if (this.#link) {
        const link = this.#link;
        void options.desk.detachAgent(link).catch((err: unknown) => options.log.error({ err }, 'agent detach failed'));
        options.presence?.detached(link.agent); // desk (issue 14)
      }
    });
    socket.on('error', (err) => options.log.debug({ err }, 'agent socket error'));
  }

  #send(frame: AgentServerFrame): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(forAgents(frame)));
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    if (!this.#bucket.take()) {
      this.#send({ type: 'error', code: 'rate_limited', message: 'too many frames; slow down' });
      return;
    }
    const parsed = parseAgentFrame(toBuffer(data), isBinary);
    if (!parsed.ok) {
      this.#send({ type: 'error', code: parsed.code, message: parsed.message });
      return;
    }
    this.#chain = this.#chain.then(() => this.#dispatch(parsed.frame));
  }

  async #dispatch(frame: AgentClientFrame): Promise<void> {
    const ref = frame.ref !== undefined ? { ref: frame.ref } : {};
    try {
      if (frame.type === 'auth') {
        await this.#authenticate(frame.token, frame.presence);
        return;
      }
      const agent = this.#link?.agent;
      if (!agent) {
        this.#send({ type: 'error', code: 'missing_credentials', message: 'send {"type":"auth","token"} first', ...ref });
        return;
      }
      const { desk } = this.options;
      // desk (issue 14): typing is a signal, not an action: no ack.
      if (frame.type === 'typing') {
        await this.options.signals?.agentTyping(agent, frame.itemId, frame.active);
        return;
      }
      if (frame.type === 'presence') {
        this.options.presence?.choose(agent, frame.status);
        return;
      }
      const item = await (() => {
        switch (frame.type) {
          case 'claim':
            return desk.claim(agent, frame.itemId);
          case 'message':
            return desk.message(agent, frame.itemId, frame.text);
          case 'note':
            return desk.note(agent, frame.itemId, frame.text);
          case 'resolve':
            return desk.resolve(agent, frame.itemId);
          case 'hand_back':
            return desk.handBack(agent, frame.itemId);
          case 'release':
            return desk.release(agent, frame.itemId);
        }
      })();
      const audited: Partial<Record<AgentClientFrame['type'], AuditAction>> = {
        claim: 'claim',
        note: 'note',
        resolve: 'resolve',
        hand_back: 'hand_back',
        release: 'release',
      };
      const action = audited[frame.type];
      if (action) await this.options.audit.record({ action, actor: agent.id, address: this.address, target: { kind: 'queue_item', id: item.id } });
      this.#send({ type: 'ack', item, ...ref });
    } catch (err) {
      if (err instanceof HttpError || err instanceof DomainError) {
        this.#send({ type: 'error', code: err.code, message: err.message, ...ref });
        return;
      }
      this.options.log.error({ err, frame: frame.type }, 'agent frame failed');
      this.#send({ type: 'error', code: 'internal_error', message: 'the action failed on the server', ...ref });
    }
  }

  async #authenticate(token: string, presence?: 'online' | 'away' | 'offline'): Promise<void> {
    const check = await checkAgentToken(this.options.auth, token);
    // Closed while the sign-in was checked: attaching now would leave an agent nobody detaches.
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (!check.ok) {
      this.#send({ type: 'error', code: check.code, message: check.message });
      this.socket.close(CLOSE_UNAUTHENTICATED, check.code);
      return;
    }
    if (this.#link) {
      this.#send({ type: 'error', code: 'already_authenticated', message: 'this connection is already signed in' });
      return;
    }
    const { tokenId } = check;
    const endSignIn = (code: string): void => {
      this.#send({ type: 'error', code, message: code === 'token_revoked' ? 'signed out; sign in again' : 'the sign-in has expired; sign in again' });
      this.socket.close(CLOSE_UNAUTHENTICATED, code);
    };
    if (tokenId !== null) {
      this.#endOfSignIn.push(this.options.auth.onRevoked((revoked) => revoked === tokenId && endSignIn('token_revoked')));
    }
    // Timers cannot wait longer than about 24 days: a longer sign-in is re-armed on the way.
    let expiry: TimerHandle;
    const armExpiry = (): void => {
      const left = check.expiresAtMs - this.options.clock.nowMs();
      expiry = this.options.clock.setTimeout(() => (left > MAX_TIMER_MS ? armExpiry() : endSignIn('token_expired')), Math.max(0, Math.min(left, MAX_TIMER_MS)));
    };
    armExpiry();
    this.#endOfSignIn.push(() => expiry.cancel());
    this.#link = { agent: check.agent, send: (frame) => this.#send(frame) };
    this.options.desk.attachAgent(this.#link);
    this.#send({ type: 'ready', agent: check.agent });
    this.options.presence?.attached(check.agent, presence); // desk (issue 14): the others see this agent come on
    this.#send({ type: 'queue', items: await this.options.desk.summaries() });
    if (this.options.presence) this.#send(this.options.presence.roster());
  }
}
