// Timers in this process's memory, for one process (lowdb, memory store): one clock timer per
// pending timer, fired through the server's clock (so tests move time with a manual clock). A
// process that stops loses them, as it loses everything else in memory; a restart re-creates the
// ones it needs (the hand-off desk gives every conversation of an absent agent its grace period).

import { assertTimerKind, MAX_ATTEMPTS, retryDelayMs, timerKind, type DueTimer, type ScheduleOptions, type TimerClock, type TimerHandler, type TimerPayload, type Timers } from './types.ts';

export interface MemoryTimersOptions {
  clock: TimerClock;
  /** A handler failed (the timer is tried again) or gave up. */
  onError?: (error: Error, timer: DueTimer) => void;
}

interface Pending {
  dueAtMs: number;
  payload: TimerPayload;
  attempt: number;
  handle: { cancel(): void } | null;
}

export function createMemoryTimers(options: MemoryTimersOptions): Timers & { pendingKeys(): string[] } {
  return new MemoryTimers(options);
}

class MemoryTimers implements Timers {
  readonly #pending = new Map<string, Pending>();
  readonly #handlers = new Map<string, TimerHandler>();
  readonly #running = new Set<Promise<void>>();
  #started = false;
  #stopped = false;

  constructor(private readonly options: MemoryTimersOptions) {}

  async schedule(key: string, dueAtMs: number, payload: TimerPayload = {}, scheduleOptions: ScheduleOptions = {}): Promise<void> {
    timerKind(key);
    if (this.#stopped) return;
    if (scheduleOptions.ifAbsent && this.#pending.has(key)) return;
    this.#pending.get(key)?.handle?.cancel();
    const pending: Pending = { dueAtMs, payload: structuredClone(payload), attempt: 1, handle: null };
    this.#pending.set(key, pending);
    if (this.#started) this.#arm(key, pending);
  }

  async cancel(key: string): Promise<void> {
    this.#pending.get(key)?.handle?.cancel();
    this.#pending.delete(key);
  }

  handle(kind: string, handler: TimerHandler): void {
    assertTimerKind(kind);
    this.#handlers.set(kind, handler);
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    for (const [key, pending] of this.#pending) this.#arm(key, pending);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const pending of this.#pending.values()) pending.handle?.cancel();
    this.#pending.clear();
    await Promise.allSettled([...this.#running]);
  }

  /** Keys of the timers pending now (tests). */
  pendingKeys(): string[] {
    return [...this.#pending.keys()];
  }

  #arm(key: string, pending: Pending): void {
    const delay = Math.max(0, pending.dueAtMs - this.options.clock.nowMs());
    pending.handle = this.options.clock.setTimeout(() => this.#fire(key, pending), delay);
  }

  #fire(key: string, pending: Pending): void {
    if (this.#stopped || this.#pending.get(key) !== pending) return;
    const kind = timerKind(key);
    const handler = this.#handlers.get(kind);
    // Nobody handles the kind in this process: the timer stays, as it would in the database.
    if (!handler) return;
    this.#pending.delete(key);
    const timer: DueTimer = { key, kind, dueAtMs: pending.dueAtMs, payload: pending.payload, attempt: pending.attempt };
    const run = (async () => {
      try {
        await handler(timer);
      } catch (error) {
        const again = pending.attempt < MAX_ATTEMPTS && !this.#stopped;
        this.#report(error, timer, again);
        // Rescheduled meanwhile: the new timer wins.
        if (!again || this.#pending.has(key)) return;
        const retry: Pending = { ...pending, dueAtMs: this.options.clock.nowMs() + retryDelayMs(pending.attempt), attempt: pending.attempt + 1, handle: null };
        this.#pending.set(key, retry);
        this.#arm(key, retry);
      }
    })();
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }

  #report(error: unknown, timer: DueTimer, again: boolean): void {
    const message = `timer ${timer.key} failed (attempt ${timer.attempt}${again ? '; it is tried again' : '; given up'}): ${(error as Error)?.message ?? String(error)}`;
    const wrapped = new Error(message, { cause: error });
    (this.options.onError ?? ((e: Error) => process.emitWarning(e)))(wrapped, timer);
  }
}
