// replay (issue 10): a stored conversation run again, turn by turn, through the server's turn
// (src/conversation/bot-turn.ts) with today's flows and model, each turn at the time it was
// recorded and its shop, case and survey look-ups answered from its recording
// (src/conversation/turn-ports.ts). The replies are compared as they were stored (masked), and the
// replay stops at the first turn that differs. Lines the bot did not answer (those for the agents,
// the agents' own, system lines) are passed over: they never reached the dialog.

import type { DialogInput, DialogState } from '../dialog/types.ts';
import type { StoredSurveyState, StoredTurnInput, TranscriptEntry, SessionRecord, StoredCall } from '../store/types.ts';
import { runBotTurn, type BotTurn, type TurnEngines } from './bot-turn.ts';
import { TurnReplayer, type CallProblem } from './turn-ports.ts';

/** How the store masks what it keeps (src/server/masked-store.ts): a replayed turn is compared as it would have been stored. */
export interface StoreMasking {
  text(text: string): string;
  value(value: unknown): unknown;
}

export interface ReplayDeps {
  engines: TurnEngines;
  masking: StoreMasking;
  newId(): string;
}

/** A bot reply as the transcript keeps it. */
export interface ReplayedReply {
  text: string;
  flow: string | null;
  state: string | null;
}

export interface ReplayedTurn {
  /** 1-based, over the conversation's bot turns. */
  number: number;
  at: string;
  /** seq of the entry that holds the turn's record. */
  seq: number;
  /** What the shopper did, as the transcript shows it: their line, a button's label, or `[event name]`. */
  shopper: string;
  input: StoredTurnInput;
  /** The intent stored with the shopper's line, and today's model's reading of it (text turns). */
  intent?: { expected: string | null; actual: string | null };
  expected: ReplayedReply[];
  actual: ReplayedReply[];
  /** The recorded turn failed (the shopper was asked to try again), and whether the replayed one did. */
  failed: { expected: boolean; actual: boolean };
  /** Calls the recording could not answer, of the turn or of the events replayed before it. */
  calls: CallProblem[];
  /** Events that wrote nothing (page views) replayed before it: one of them now answering is a difference too. */
  silentReplies: ReplayedReply[];
  /** What differs: `replies`, `calls`, `failed`, `silent`; empty when the turn replays exactly. */
  differs: ('replies' | 'calls' | 'failed' | 'silent')[];
  /** The message of what the replayed turn threw, when it failed. */
  error?: string;
}

export interface ReplayReport {
  sessionId: string;
  locale: string;
  /** The bot turns the transcript records. */
  recordedTurns: number;
  /** The turns replayed, the last one the divergence when there is one. */
  turns: ReplayedTurn[];
  /** The number of the first turn that differs; null when every turn replayed exactly. */
  divergence: number | null;
}

/** The conversation cannot be replayed at all (nothing recorded, stored before turns were recorded). */
export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

interface RecordedTurn {
  entry: TranscriptEntry & { turn: NonNullable<TranscriptEntry['turn']> };
  replies: TranscriptEntry[];
  shopper: string;
}

/** The bot turns of a transcript, each with its replies. */
function recordedTurns(transcript: readonly TranscriptEntry[]): RecordedTurn[] {
  const entries = [...transcript].sort((a, b) => a.seq - b.seq);
  const first = entries.findIndex((entry) => entry.turn !== undefined);
  if (first < 0) {
    throw new ReplayError(
      entries.some((entry) => entry.from === 'shopper')
        ? 'its turns were stored before turns were recorded (no shop calls kept): it cannot be replayed'
        : 'it has no bot turns to replay',
    );
  }
  if (entries.slice(0, first).some((entry) => entry.from === 'shopper')) {
    throw new ReplayError(`its first turns (before seq ${entries[first]!.seq}) were stored before turns were recorded: it cannot be replayed from the start`);
  }
  const turns: RecordedTurn[] = [];
  for (let i = first; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.turn === undefined) continue;
    const from = entry.from === 'bot' ? i : i + 1;
    const replies = entries.slice(from, from + entry.turn.replies).filter((reply) => reply.from === 'bot');
    const shopper = entry.from === 'shopper' ? entry.text : entry.turn.input.kind === 'event' ? `[${entry.turn.input.name}]` : entry.text;
    turns.push({ entry: entry as RecordedTurn['entry'], replies, shopper });
  }
  return turns;
}

function dialogInput(input: StoredTurnInput, text: string): DialogInput {
  if (input.kind === 'text') return { kind: 'text', text };
  if (input.kind === 'quick_reply') return { kind: 'quick_reply', payload: input.payload };
  return { kind: 'event', name: input.name, ...(input.data ? { data: input.data } : {}) };
}

const stored = (entry: TranscriptEntry): ReplayedReply => ({ text: entry.text, flow: entry.flow ?? null, state: entry.state ?? null });

function sameReplies(a: readonly ReplayedReply[], b: readonly ReplayedReply[]): boolean {
  return a.length === b.length && a.every((reply, i) => reply.text === b[i]!.text && reply.flow === b[i]!.flow && reply.state === b[i]!.state);
}

/** Runs the stored conversation's bot turns again; stops after the first that differs. */
export async function replayConversation(session: SessionRecord, transcript: readonly TranscriptEntry[], deps: ReplayDeps): Promise<ReplayReport> {
  const turns = recordedTurns(transcript);
  const first = turns[0]!.entry.turn;
  let dialogState: DialogState = deps.engines.dialog.initialState(first.locale);
  let survey: StoredSurveyState | undefined;
  const report: ReplayReport = { sessionId: session.id, locale: first.locale, recordedTurns: turns.length, turns: [], divergence: null };

  const run = async (input: DialogInput, at: string, calls: readonly StoredCall[]) => {
    const replayer = new TurnReplayer(calls, (value) => deps.masking.value(value));
    let result: BotTurn | null = null;
    let error: string | undefined;
    try {
      result = await runBotTurn(deps.engines, {
        dialogState,
        survey,
        input,
        now: new Date(at),
        customerId: session.customerId,
        sessionId: session.id,
        ports: replayer.ports,
        newId: deps.newId,
      });
      // The server keeps the states as JSON between turns: so does the replay.
      dialogState = JSON.parse(JSON.stringify(result.state)) as DialogState;
      survey = result.survey === undefined ? undefined : (JSON.parse(JSON.stringify(result.survey)) as StoredSurveyState);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const replies = (result?.replies ?? []).map((reply) => ({ text: deps.masking.text(reply.text), flow: reply.meta.flow, state: reply.meta.state }));
    return { result, error, replies, problems: replayer.finish() };
  };

  for (const [index, { entry, replies, shopper }] of turns.entries()) {
    const record = entry.turn;
    const calls: CallProblem[] = [];
    const silentReplies: ReplayedReply[] = [];
    for (const silent of record.silent ?? []) {
      const done = await run(dialogInput(silent.input, ''), silent.at, silent.calls);
      calls.push(...done.problems);
      silentReplies.push(...done.replies);
    }
    const done = await run(dialogInput(record.input, entry.text), entry.at, record.calls);
    calls.push(...done.problems);
    const expected = replies.map(stored);
    const failed = { expected: record.failed === true, actual: done.error !== undefined };
    const differs: ReplayedTurn['differs'] = [];
    if (!sameReplies(expected, done.replies)) differs.push('replies');
    if (calls.length > 0) differs.push('calls');
    if (failed.expected !== failed.actual) differs.push('failed');
    if (silentReplies.length > 0) differs.push('silent');
    const turn: ReplayedTurn = {
      number: index + 1,
      at: entry.at,
      seq: entry.seq,
      shopper,
      input: record.input,
      ...(record.input.kind === 'text' ? { intent: { expected: entry.intent ?? null, actual: done.result?.nlu?.intent ?? null } } : {}),
      expected,
      actual: done.replies,
      failed,
      calls,
      silentReplies,
      differs,
      ...(done.error !== undefined ? { error: done.error } : {}),
    };
    report.turns.push(turn);
    if (differs.length > 0) {
      report.divergence = turn.number;
      break;
    }
  }
  return report;
}
