// A websocket load client for the shopper protocol, bounded in time AND in message count.
// N simulated shoppers each open a session (hello with a demo customer id), hold scripted
// conversations, and open a new session every few conversations, as new visits would. Either
// - closed loop: the next message goes as soon as the last one is answered (capacity: turns per
//   second), or
// - open loop: each shopper's messages fall due on its own schedule, every `meanIntervalMs` on
//   average with exponential or uniform jitter, whatever the server does (latency at a given
//   arrival rate). A shopper never has two messages in flight: one that falls due before the last
//   answer waits, and its latency counts from when it fell due.
// Latency runs from the send to the first frame that answers the message (a `bot` frame, an
// `error`, or the echo). A turn may be answered by several frames, and they may reach the client in
// separate reads: a frame belongs to the turn already answered when it arrives in the same
// event-loop turn as that answer, or when it carries the same NLU meta (intent and score) shortly
// after it. Status frames (`handoff`, `agent`, `history`) are counted, never timed.

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { ConversationCursor, CONVERSATIONS, type ConversationScript, type ShopperProfile } from './conversations.ts';
import { LatencyHistogram, type LatencySummary } from './histogram.ts';

export type LoadMode = 'closed' | 'open';
export type IntervalDistribution = 'exponential' | 'uniform';

/** Milliseconds on a monotonic scale; injectable so the bounds can be tested without real time. */
export interface Clock {
  now(): number;
}

export interface LoadOptions {
  /** ws://host:port/ws */
  url: string;
  /** Several servers behind one imaginary balancer: each connection (a new session too) goes to the next, round robin. */
  urls?: readonly string[];
  shoppers: number;
  mode: LoadMode;
  /** No message is sent after this long (measured from the first message). */
  durationMs: number;
  /** No more than this many messages are sent in total. */
  maxTurns: number;
  profiles: readonly ShopperProfile[];
  scripts?: readonly ConversationScript[];
  /** Open loop: average time between one shopper's messages. */
  meanIntervalMs?: number;
  interval?: IntervalDistribution;
  /**
   * After this many conversations a shopper closes its connection and opens a new session, as a
   * new visit would: sessions (and their stored transcripts) stay as long as real ones.
   */
  conversationsPerSession?: number;
  /** A turn not answered within this is counted as a timeout and forgotten. */
  turnTimeoutMs?: number;
  /** At most this many connections are being opened at once (staggers thousands of connects). */
  connectConcurrency?: number;
  connectTimeoutMs?: number;
  clock?: Clock;
  /** Uniform [0, 1): seeds the jitter and the shoppers' starting scripts. */
  random?: () => number;
  /** Runs once every shopper has said hello, before the first message: for idle-session figures. */
  onAllConnected?: (connected: number) => Promise<void>;
  /** Runs once the time bound is over and every turn answered or expired, before the shoppers disconnect. */
  onDriven?: () => Promise<void>;
}

export interface LoadResult {
  mode: LoadMode;
  shoppers: number;
  connected: number;
  /** Connections or hellos that failed, at the start or when a shopper opened a new session. */
  connectFailures: number;
  /** Sessions opened, the first ones included. */
  sessionsOpened: number;
  turnsSent: number;
  turnsAnswered: number;
  timeouts: number;
  /** Answers of type `error`, and turns lost to a connection that closed. */
  errors: number;
  /** Frames beyond the first of a turn, and frames that answered nothing in flight. */
  extraFrames: number;
  unsolicitedFrames: number;
  /** Hand-offs seen (`handoff` frames, or bot frames of the hand-off flow): a queued session's bot is silent. */
  handoffFrames: number;
  /** From the first message to the last answer. */
  elapsedMs: number;
  turnsPerSecond: number;
  latency: LatencySummary;
  /** Open loop only: how late the client's timers fired against the schedule (client saturation). */
  sendLag: LatencySummary | null;
  /** The client's own event-loop delay during the load: high values mean the client, not the server, limits. */
  clientLoopDelayP99Ms: number;
  /** CPU the client process used during the load, in percent of one core. */
  clientCpuPercent: number;
  /** A few distinct error messages, for diagnosis. */
  errorSamples: string[];
}

const LOOP_DELAY_RESOLUTION_MS = 5;
const MONOTONIC: Clock = { now: () => performance.now() };

/** Time to the next message: exponential (a Poisson process) or uniform on [0, 2·mean]. */
export function nextInterval(distribution: IntervalDistribution, meanMs: number, random: () => number): number {
  if (distribution === 'uniform') return random() * 2 * meanMs;
  return -Math.log(1 - random()) * meanMs;
}

/** Shared counters and bounds of one run; the shoppers report into it. */
class LoadRun {
  readonly latency = new LatencyHistogram();
  readonly sendLag = new LatencyHistogram();
  readonly errorSamples = new Set<string>();
  turnsSent = 0;
  turnsAnswered = 0;
  timeouts = 0;
  errors = 0;
  extraFrames = 0;
  unsolicitedFrames = 0;
  handoffFrames = 0;
  sessionsOpened = 0;
  reconnectFailures = 0;
  inFlight = 0;
  liveShoppers = 0;
  startedAt = 0;
  lastAnswerAt = 0;
  deadline = Number.POSITIVE_INFINITY;
  clientLoopDelayP99Ms = 0;
  clientCpuPercent = 0;
  private onSettled: (() => void) | null = null;
  private connections = 0;

  constructor(
    readonly options: Required<Omit<LoadOptions, 'onAllConnected' | 'onDriven'>> & Pick<LoadOptions, 'onAllConnected' | 'onDriven'>,
  ) {}

  /** Where the next connection goes. */
  nextUrl(): string {
    const { urls, url } = this.options;
    return urls.length === 0 ? url : urls[this.connections++ % urls.length]!;
  }

  /** Both bounds: time and message count. */
  mayStartTurn(): boolean {
    return this.turnsSent < this.options.maxTurns && this.options.clock.now() < this.deadline;
  }

  /** Nothing left to wait for: no turn in flight, and none may start (or nobody is left to start one). */
  private isOver(): boolean {
    return this.inFlight === 0 && (this.liveShoppers === 0 || !this.mayStartTurn());
  }

  noteError(message: string): void {
    if (this.errorSamples.size < 5) this.errorSamples.add(message);
  }

  /** Resolves once no turn may start any more and none is in flight. */
  settled(): Promise<void> {
    return new Promise((resolve) => {
      this.onSettled = resolve;
      this.checkSettled();
    });
  }

  checkSettled(): void {
    if (this.onSettled && this.isOver()) {
      const resolve = this.onSettled;
      this.onSettled = null;
      resolve();
    }
  }
}

interface ServerFrame {
  type?: unknown;
  code?: unknown;
  message?: unknown;
  meta?: { intent?: unknown; score?: unknown; flow?: unknown };
}

/** Frames that report on the conversation rather than answer a message. */
const STATUS_FRAMES = new Set(['session', 'history', 'handoff', 'agent']);

/** How long after an answer a frame with the same NLU meta still counts as part of that answer. */
const SAME_TURN_WINDOW_MS = 100;

function parseFrame(data: WebSocket.RawData): ServerFrame | null {
  try {
    const value: unknown = JSON.parse(data.toString());
    return typeof value === 'object' && value !== null ? (value as ServerFrame) : null;
  } catch {
    return null;
  }
}

/** What the frames of one turn share: the NLU's reading of the message (null when none). */
function turnKey(frame: ServerFrame | null): string | null {
  const meta = frame?.meta;
  if (!meta || typeof meta.score !== 'number') return null;
  return `${String(meta.intent)}|${meta.score}`;
}

class Shopper {
  private socket: WebSocket | null = null;
  /** When the turn awaiting its first answering frame started (null when none is). */
  private pendingSince: number | null = null;
  /** Open loop: intended send times of messages that fell due while a turn was unanswered. */
  private readonly backlog: number[] = [];
  /** True from an answering frame to the end of its event-loop turn. */
  private inAnswerBurst = false;
  /** The NLU meta and arrival time of the last answering frame. */
  private lastAnswerKey: string | null = null;
  private lastAnswerAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private closedByUs = false;
  /** Whether the turn in flight is the last of its conversation. */
  private turnEndsConversation = false;
  private conversationsInSession = 0;
  private renewing = false;

  constructor(
    private readonly run: LoadRun,
    private readonly cursor: ConversationCursor,
    private readonly customerId: string | null,
  ) {}

  /** Opens the socket and says hello; resolves on the server's first frame (the `session`). */
  connect(): Promise<void> {
    const { connectTimeoutMs } = this.run.options;
    const url = this.run.nextUrl();
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: connectTimeoutMs });
      this.socket = socket;
      const timeout = setTimeout(() => fail(new Error(`no session frame within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timeout);
        socket.removeAllListeners();
        socket.on('error', () => {});
        socket.terminate();
        reject(error);
      };
      socket.once('error', fail);
      socket.once('close', (code) => fail(new Error(`closed during hello (code ${code})`)));
      socket.once('open', () => {
        const hello: Record<string, string> = { type: 'hello', locale: this.cursor.locale };
        if (this.customerId) hello.customerId = this.customerId;
        socket.send(JSON.stringify(hello));
      });
      socket.once('message', (data) => {
        const frame = parseFrame(data);
        if (!frame || frame.type === 'error') {
          fail(new Error(`hello refused: ${data.toString().slice(0, 200)}`));
          return;
        }
        clearTimeout(timeout);
        socket.removeAllListeners();
        socket.on('message', (d) => this.onFrame(d));
        socket.on('error', (e) => this.run.noteError(`socket error: ${e.message}`));
        socket.on('close', () => this.onClose());
        this.run.sessionsOpened += 1;
        resolve();
      });
    });
  }

  start(): void {
    if (this.run.options.mode === 'closed') this.sendTurn(this.run.options.clock.now());
    else this.schedule(this.run.options.clock.now());
  }

  /** Open loop: the schedule runs on regardless of answers (intended times, not send times). */
  private schedule(previousDue: number): void {
    const { interval, meanIntervalMs, random, clock } = this.run.options;
    const due = previousDue + nextInterval(interval, meanIntervalMs, random);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.run.mayStartTurn()) {
        this.run.checkSettled();
        return;
      }
      this.run.sendLag.recordMillis(Math.max(0, clock.now() - due));
      if (this.isIdle()) this.sendTurn(due);
      else this.backlog.push(due);
      this.schedule(due);
    }, Math.max(0, due - clock.now()));
  }

  /**
   * Sends the next message. `since` is when the turn began for the shopper: the send itself in a
   * closed loop, the intended time in an open loop, so waiting behind an unanswered turn counts.
   */
  private sendTurn(since: number): void {
    const run = this.run;
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !run.mayStartTurn()) {
      this.backlog.length = 0;
      run.checkSettled();
      return;
    }
    // Timers may fire a little before their due time: a turn never starts after its send.
    const start = Math.min(since, run.options.clock.now());
    run.turnsSent += 1;
    run.inFlight += 1;
    this.pendingSince = start;
    socket.send(JSON.stringify({ type: 'message', text: this.cursor.next() }));
    this.turnEndsConversation = this.cursor.atConversationStart;
  }

  private onFrame(data: WebSocket.RawData): void {
    const run = this.run;
    const frame = parseFrame(data);
    if (typeof frame?.type === 'string' && STATUS_FRAMES.has(frame.type)) {
      if (frame.type === 'handoff') run.handoffFrames += 1;
      return;
    }
    // Outside business hours a hand-off is a bot frame inviting a message for the agents.
    if (frame?.meta?.flow === 'handoff') run.handoffFrames += 1;
    const now = run.options.clock.now();
    const key = turnKey(frame);
    const lateFrameOfLastAnswer = key !== null && key === this.lastAnswerKey && now - this.lastAnswerAt <= SAME_TURN_WINDOW_MS;
    if (this.inAnswerBurst || lateFrameOfLastAnswer) {
      run.extraFrames += 1;
      return;
    }
    const since = this.pendingSince;
    if (since === null) {
      run.unsolicitedFrames += 1;
      return;
    }
    this.pendingSince = null;
    this.lastAnswerKey = key;
    this.lastAnswerAt = now;
    run.inFlight -= 1;
    if (frame === null) {
      run.errors += 1;
      run.noteError(`unparseable frame: ${data.toString().slice(0, 100)}`);
    } else if (frame.type === 'error') {
      run.errors += 1;
      run.noteError(`error frame: ${String(frame.code)}: ${String(frame.message)}`);
    } else {
      run.turnsAnswered += 1;
      run.lastAnswerAt = now;
      run.latency.recordMillis(now - since);
    }
    this.inAnswerBurst = true;
    setImmediate(() => {
      this.inAnswerBurst = false;
      this.afterTurn();
    });
  }

  /** One turn at a time: a message never goes while the last turn's answer may still be arriving. */
  private isIdle(): boolean {
    return this.pendingSince === null && !this.inAnswerBurst && !this.renewing;
  }

  /** The turn is over (answered or timed out): the next one goes if one is due. */
  private afterTurn(): void {
    if (!this.isIdle()) return;
    if (this.turnEndsConversation) {
      this.turnEndsConversation = false;
      this.conversationsInSession += 1;
      if (this.conversationsInSession >= this.run.options.conversationsPerSession && this.run.mayStartTurn()) {
        this.renewSession();
        return;
      }
    }
    if (this.run.options.mode === 'closed') this.sendTurn(this.run.options.clock.now());
    else if (this.backlog.length > 0) this.sendTurn(this.backlog.shift()!);
    else this.run.checkSettled();
  }

  /** A new visit: the old connection closes, a new one says hello. Messages falling due meanwhile wait. */
  private renewSession(): void {
    this.renewing = true;
    this.conversationsInSession = 0;
    const old = this.socket;
    if (old) {
      old.removeAllListeners();
      old.on('error', () => {});
      old.close(1000, 'conversation over');
    }
    this.connect().then(
      () => {
        this.renewing = false;
        if (this.closedByUs) this.socket?.terminate();
        else this.afterTurn();
      },
      (error: unknown) => {
        this.renewing = false;
        if (this.closedByUs) return;
        this.run.noteError(`reconnect: ${error instanceof Error ? error.message : String(error)}`);
        this.run.reconnectFailures += 1;
        this.leave();
      },
    );
  }

  /** Forgets a turn older than the timeout and moves on. */
  expireTurn(now: number): void {
    if (this.pendingSince === null || now - this.pendingSince <= this.run.options.turnTimeoutMs) return;
    this.pendingSince = null;
    this.run.timeouts += 1;
    this.run.inFlight -= 1;
    this.afterTurn();
  }

  private onClose(): void {
    if (this.closedByUs) return;
    if (this.pendingSince !== null) {
      this.pendingSince = null;
      this.run.errors += 1;
      this.run.inFlight -= 1;
    }
    this.run.noteError('connection closed by the server during the load');
    this.leave();
  }

  /** The shopper can go on no more: its schedule stops and the run stops waiting for it. */
  private leave(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.backlog.length = 0;
    this.run.liveShoppers -= 1;
    this.run.checkSettled();
  }

  /** Closes gracefully; resolves when closed or after `graceMs`, terminating then. */
  close(graceMs: number): Promise<void> {
    this.closedByUs = true;
    if (this.timer) clearTimeout(this.timer);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    // Still connecting: there is no conversation to end politely, and the connect path owns its
    // listeners (it removes them on failure), so waiting for 'close' would only wait out the grace.
    if (socket.readyState === WebSocket.CONNECTING) {
      socket.terminate();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        socket.terminate();
        resolve();
      }, graceMs);
      socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      socket.close(1000, 'bench done');
    });
  }
}

/** Runs `tasks` with at most `limit` in flight; settles every one. */
async function inPool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await tasks[i]!() };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

function validate(options: LoadOptions): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`load client: ${name} must be a positive integer, got ${v}`);
  };
  positiveInt('shoppers', options.shoppers);
  positiveInt('maxTurns', options.maxTurns);
  if (!(options.durationMs > 0)) throw new RangeError(`load client: durationMs must be positive, got ${options.durationMs}`);
  if (options.profiles.length === 0) throw new RangeError('load client: at least one shopper profile is needed');
  const perSession = options.conversationsPerSession;
  if (perSession !== undefined && perSession !== Number.POSITIVE_INFINITY) positiveInt('conversationsPerSession', perSession);
  if (options.meanIntervalMs !== undefined && !(options.meanIntervalMs > 0)) {
    throw new RangeError(`load client: meanIntervalMs must be positive, got ${options.meanIntervalMs}`);
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  validate(options);
  const run = new LoadRun({
    scripts: CONVERSATIONS,
    urls: [],
    meanIntervalMs: 2000,
    interval: 'exponential',
    conversationsPerSession: 2,
    turnTimeoutMs: 10_000,
    connectConcurrency: 50,
    connectTimeoutMs: 10_000,
    clock: MONOTONIC,
    random: Math.random,
    ...options,
  });
  const { random, scripts, profiles } = run.options;
  const shoppers = Array.from({ length: options.shoppers }, (_, i) => {
    const locale = i % 2 === 0 ? 'ko' : 'en';
    const profile = profiles[i % profiles.length]!;
    return new Shopper(run, new ConversationCursor(scripts, locale, profile, Math.floor(random() * scripts.length)), profile.customerId);
  });

  const connects = await inPool(
    shoppers.map((s) => () => s.connect()),
    run.options.connectConcurrency,
  );
  const live: Shopper[] = [];
  connects.forEach((result, i) => {
    if (result.status === 'fulfilled') live.push(shoppers[i]!);
    else run.noteError(`connect: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
  });
  const connectFailures = shoppers.length - live.length;
  try {
    if (live.length > 0) {
      await options.onAllConnected?.(live.length);
      await drive(run, live);
      await options.onDriven?.();
    }
  } finally {
    await Promise.all(shoppers.map((s) => s.close(2000)));
  }
  return summarise(run, options, live.length, connectFailures);
}

async function drive(run: LoadRun, live: Shopper[]): Promise<void> {
  const { clock, durationMs, turnTimeoutMs } = run.options;
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  run.liveShoppers = live.length;
  const cpuAtStart = process.cpuUsage();
  const wallAtStart = performance.now();
  run.startedAt = clock.now();
  run.deadline = run.startedAt + durationMs;
  // Re-checks the time bound when no frame arrives, and expires unanswered turns.
  const sweep = setInterval(() => {
    const now = clock.now();
    for (const shopper of live) shopper.expireTurn(now);
    run.checkSettled();
  }, Math.min(250, turnTimeoutMs));
  try {
    const settled = run.settled();
    for (const shopper of live) shopper.start();
    await settled;
  } finally {
    clearInterval(sweep);
    loopDelay.disable();
  }
  const cpu = process.cpuUsage(cpuAtStart);
  run.clientCpuPercent = Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, performance.now() - wallAtStart)) * 100);
  // The histogram counts the sampling interval itself: what is above it is the delay.
  run.clientLoopDelayP99Ms = Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_DELAY_RESOLUTION_MS);
}

function summarise(run: LoadRun, options: LoadOptions, connected: number, connectFailures: number): LoadResult {
  const elapsedMs = Math.max(0, run.lastAnswerAt - run.startedAt);
  return {
    mode: options.mode,
    shoppers: options.shoppers,
    connected,
    connectFailures: connectFailures + run.reconnectFailures,
    sessionsOpened: run.sessionsOpened,
    turnsSent: run.turnsSent,
    turnsAnswered: run.turnsAnswered,
    timeouts: run.timeouts,
    errors: run.errors,
    extraFrames: run.extraFrames,
    unsolicitedFrames: run.unsolicitedFrames,
    handoffFrames: run.handoffFrames,
    elapsedMs: Math.round(elapsedMs),
    turnsPerSecond: elapsedMs > 0 ? Math.round((run.turnsAnswered / elapsedMs) * 1000) : 0,
    latency: run.latency.summary(),
    sendLag: options.mode === 'open' ? run.sendLag.summary() : null,
    clientLoopDelayP99Ms: Math.round(run.clientLoopDelayP99Ms * 100) / 100,
    clientCpuPercent: run.clientCpuPercent,
    errorSamples: [...run.errorSamples],
  };
}
