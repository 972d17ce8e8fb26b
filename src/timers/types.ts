// Durable timers (issue 13): "do this at that time" as a row with a due time, fired by whichever
// server process is alive then, so that a process that stops or dies with a timer pending loses
// nothing. One process (lowdb, memory) keeps them in memory (src/timers/memory.ts); processes
// sharing PostgreSQL keep them in daehwa_timers and claim the due ones with
// `FOR UPDATE SKIP LOCKED` (src/timers/postgres.ts).
//
// A timer is fired at least once: a process that dies while a handler runs leaves the timer to be
// fired again by another once its claim runs out. Handlers therefore check the state they act on
// (the hand-off desk's grace handler re-reads the queue item in the session's lane) rather than
// assume the timer is still wanted; a cancel that comes while the handler runs does not stop it.

import { z } from 'zod';

/** JSON the handler is given back: ids, never the data itself (which is read when the timer fires). */
export type TimerPayload = Record<string, unknown>;

export interface DueTimer {
  /** `<kind>:<id>`, as scheduled. */
  key: string;
  kind: string;
  /** When it was due, ms since the epoch (it may fire later: a poll interval, a process start). */
  dueAtMs: number;
  payload: TimerPayload;
  /** 1 the first time; more when a handler failed and the timer is tried again. */
  attempt: number;
}

/** Fires one timer. A rejection is logged and the timer is tried again later (with backoff, a few times). */
export type TimerHandler = (timer: DueTimer) => Promise<void>;

export interface ScheduleOptions {
  /** Keep a timer of the same key as it is (its due time and payload) instead of replacing it. */
  ifAbsent?: boolean;
}

export interface Timers {
  /**
   * Sets timer `key` (`<kind>:<id>`) to fire at `dueAtMs` with `payload`, on whichever process
   * handles `<kind>`. A timer of the same key is replaced (moved), unless `ifAbsent`. Resolves once
   * the timer is recorded (on PostgreSQL: committed).
   */
  schedule(key: string, dueAtMs: number, payload?: TimerPayload, options?: ScheduleOptions): Promise<void>;
  /** Removes timer `key` if it is pending. One already firing still runs to its end. */
  cancel(key: string): Promise<void>;
  /**
   * The handler of the timers whose key is `<kind>:…`. Register before start(); a due timer whose
   * kind no process handles waits (on PostgreSQL, for a process that does).
   */
  handle(kind: string, handler: TimerHandler): void;
  /** Starts firing due timers. */
  start(): void;
  /**
   * Stops firing and waits for the handlers running now. On PostgreSQL the pending timers stay in
   * the database for the other processes (or this one's next start); in memory they are dropped.
   */
  stop(): Promise<void>;
}

/** What the timers need of the server's clock (src/server/clock.ts's Clock has it). */
export interface TimerClock {
  nowMs(): number;
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

const TIMER_KEY = /^([a-z][a-z0-9_-]{0,31}):(.{1,200})$/s;

/** The kind of a timer key, or a TypeError saying what a key looks like. */
export function timerKind(key: string): string {
  const match = TIMER_KEY.exec(key);
  if (!match) throw new TypeError(`timer key ${JSON.stringify(key)} is not "<kind>:<id>" (kind: a-z, 0-9, "_", "-", starting with a letter; id: 1-200 characters)`);
  return match[1] as string;
}

/** A timer kind as handle() accepts it. */
export function assertTimerKind(kind: string): void {
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(kind)) throw new TypeError(`timer kind ${JSON.stringify(kind)} is not a-z, 0-9, "_", "-" starting with a letter`);
}

/** Payloads are stored as JSON: plain objects only. */
export const timerPayloadSchema = z.record(z.string(), z.unknown());

/** How long a failed handler waits before its next try: 1 s, 2 s, 4 s … up to 5 min. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5 * 60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/** Tries of one timer before it is dropped (with an error naming it). */
export const MAX_ATTEMPTS = 8;
