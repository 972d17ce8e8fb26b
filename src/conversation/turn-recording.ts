// replay (issue 10): what a bot turn keeps in the transcript so that it can be run again. It rides
// on the entries the turn writes anyway (no write of its own): the first one (the shopper's line,
// or an event turn's first reply) carries the input, the language before the turn, how many
// replies follow and the calls the turn made (src/conversation/turn-ports.ts). An event's turn
// that wrote nothing (a page view) waits in memory and goes with the next turn that writes.

import type { DialogInput } from '../dialog/types.ts';
import type { StoredCall, StoredLocale, StoredSilentTurn, StoredTurnInput, StoredTurnRecord, TranscriptEntry } from '../store/types.ts';

export function storedInput(input: DialogInput): StoredTurnInput {
  if (input.kind === 'text') return { kind: 'text' };
  if (input.kind === 'quick_reply') return { kind: 'quick_reply', payload: input.payload };
  return { kind: 'event', name: input.name, ...(input.data ? { data: JSON.parse(JSON.stringify(input.data)) as Record<string, unknown> } : {}) };
}

/** Event turns without a line of their own, per conversation (keyed by its live session object), until the next turn that writes. */
export class SilentTurns {
  readonly #waiting = new WeakMap<object, StoredSilentTurn[]>();

  add(conversation: object, at: string, input: Extract<DialogInput, { kind: 'event' }>, calls: StoredCall[]): void {
    const turn: StoredSilentTurn = { at, input: storedInput(input) as StoredSilentTurn['input'], calls };
    const waiting = this.#waiting.get(conversation);
    if (waiting) waiting.push(turn);
    else this.#waiting.set(conversation, [turn]);
  }

  /** The turn record for the turn that writes now, with the silent turns before it (which it takes). */
  record(conversation: object, turn: { input: DialogInput; locale: StoredLocale; replies: number; calls: StoredCall[]; failed?: boolean }): StoredTurnRecord {
    const silent = this.#waiting.get(conversation);
    if (silent) this.#waiting.delete(conversation);
    return {
      input: storedInput(turn.input),
      locale: turn.locale,
      replies: turn.replies,
      calls: turn.calls,
      ...(turn.failed ? { failed: true } : {}),
      ...(silent ? { silent } : {}),
    };
  }
}

/** The entry without its turn record: what the agent console shows (the record is for replays). */
export function withoutTurnRecord(entry: TranscriptEntry): TranscriptEntry {
  if (entry.turn === undefined) return entry;
  const { turn: _turn, ...spoken } = entry;
  return spoken;
}
