// What several server processes on one database share besides the store (issue 13): a per-session
// turn lock, a bus of small notifications, and an outbox of frames for shopper sockets held by
// another process. One process on lowdb or memory needs none of it: it runs without a
// Coordination, and its in-process lanes (src/server/lanes.ts) are the lock.
//
// Notes carry ids only (a session id, seqs; a breach alert is the one exception); whoever receives one reads the data from the tables,
// so a note that is lost costs a delay, never a message: a receiver that was disconnected reads
// everything after the last seq it delivered once it is subscribed again.

import { z } from 'zod';
import { slaBreachSchema } from './schemas.ts';

/**
 * Runs tasks for one key one at a time. The in-process implementation is SerialLanes
 * (src/server/lanes.ts); PostgreSQL's holds a transaction-level advisory lock on the key across
 * every process on the database while the task runs.
 */
export interface SessionLocks {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export const busNoteSchema = z.discriminatedUnion('kind', [
  /** Frames for the shopper sockets of a session were appended to the outbox, up to `seq`. */
  z.strictObject({ kind: z.literal('frames'), sessionId: z.string().min(1), seq: z.number().int().positive() }),
  /** Transcript entries fromSeq..toSeq of a session were written (agents' consoles show them live). */
  z.strictObject({
    kind: z.literal('entries'),
    sessionId: z.string().min(1),
    fromSeq: z.number().int().positive(),
    toSeq: z.number().int().positive(),
  }),
  /** issue 13: a session was closed for inactivity (by whichever process fired its idle timer): its sockets close. */
  z.strictObject({ kind: z.literal('closed'), sessionId: z.string().min(1) }),
  /** The agent queue changed: consoles read it again. */
  z.strictObject({ kind: z.literal('queue') }),
  /**
   * issue 13: an SLA breach was recorded by the process whose timer fired; the consoles of every
   * other process are alerted. The breach itself travels (a few hundred bytes, no shopper text): the
   * store has no look-up by id, and an alert whose note is lost is not repeated (the breach stays
   * in the store and in the analytics).
   */
  z.strictObject({ kind: z.literal('sla_breach'), breach: slaBreachSchema }),
  /**
   * desk (issue 14): an agent's presence on the sending process (`origin`), repeated while they
   * are connected there; a null status: their last console there closed. `chose`: just chosen.
   */
  z.strictObject({
    kind: z.literal('presence'),
    origin: z.string().min(1),
    agentId: z.string().min(1).max(64),
    status: z.enum(['online', 'away', 'offline']).nullable(),
    chose: z.boolean().optional(),
  }),
  /** An agent signed out: sockets signed in with this token close (src/store/postgres/auth-state.ts). */
  z.strictObject({ kind: z.literal('revoked'), tokenId: z.string().min(1), expiresAtMs: z.number() }),
]);
export type BusNote = z.infer<typeof busNoteSchema>;

/** A note as it travels: who sent it, so that a process skips its own. */
export const busMessageSchema = z.strictObject({ origin: z.string().min(1), note: busNoteSchema });
export type BusMessage = z.infer<typeof busMessageSchema>;

export interface Bus {
  /** Tells the other processes; resolves once the database took it (failures are the caller's to log). */
  publish(note: BusNote): Promise<void>;
  /** Notes from other processes (never this process's own). Returns the unsubscribe function. */
  subscribe(handler: (note: BusNote) => void): () => void;
  /**
   * The listening connection came back after a drop: notes sent meanwhile were missed, so each
   * subscriber reads what it may have missed. Returns the unsubscribe function.
   */
  onResubscribed(handler: () => void): () => void;
}

/** A frame for a shopper's socket, as the outbox keeps it: JSON with a `type`. */
export type OutboxFrame = { type: string } & Record<string, unknown>;

export interface OutboxEntry {
  /** 1-based, strictly increasing within a session, in the order the frames were appended. */
  seq: number;
  /** The process that appended it (and delivered it to its own sockets already). */
  origin: string;
  frame: OutboxFrame;
}

export interface FrameOutbox {
  /** Appends the frames after the session's last, tells the other processes, and returns the last seq. */
  append(sessionId: string, frames: OutboxFrame[]): Promise<number>;
  /** Frames after `seq`, in order. */
  after(sessionId: string, seq: number): Promise<OutboxEntry[]>;
  /** The seq of the session's last frame; 0 when it has none. */
  lastSeq(sessionId: string): Promise<number>;
}

export interface Coordination {
  /** This process's name on the bus and in the outbox. */
  readonly origin: string;
  readonly locks: SessionLocks;
  readonly bus: Bus;
  readonly outbox: FrameOutbox;
  close(): Promise<void>;
}
