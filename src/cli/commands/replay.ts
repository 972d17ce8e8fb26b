// `daehwa replay <sessionId> [--config FILE] [--store-dir DIR] [--flows DIR] [--json]`: a stored
// conversation run again against the current flows and model, each turn at its recorded time and
// with the shop's recorded answers (docs/replay.md). One line per turn that replays as stored; the
// first turn that does not is shown in full. Exit 0: identical, 1: divergent, 2: it cannot be
// replayed (unknown session, nothing recorded, bad options, the store or the flows do not open).
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load.ts';
import type { DaehwaConfig } from '../../config/schema.ts';
import { ReplayError, replayConversation, type ReplayDeps, type ReplayedReply, type ReplayedTurn, type ReplayReport } from '../../conversation/replay.ts';
import type { CallProblem } from '../../conversation/turn-ports.ts';
import { CURRENT_MODEL_FILE } from '../../nlu/config.ts';
import { loadClassifier } from '../../nlu/index.ts';
import { maskIdAndCardNumbers } from '../../privacy/mask.ts';
import { loadFlows, openStore } from '../../server/assemble.ts';
import { afterHoursNotice } from '../../server/handoff-desk.ts';
import { createLogger } from '../../server/logging.ts';
import { maskNumbersDeep } from '../../server/masked-store.ts';
import { StoreError } from '../../store/errors.ts';
import type { Store } from '../../store/types.ts';

const USAGE = `usage: daehwa replay <sessionId> [--config FILE] [--store-dir DIR] [--flows DIR] [--json]

Runs a stored conversation again with the current flows and model, each turn at the time it was
recorded and with the shop's recorded answers, and shows where the replies differ.
  --config FILE     the configuration file (default: DAEHWA_CONFIG, else daehwa.config.json)
  --store-dir DIR   read the conversation from this lowdb data directory instead of the configured store
  --flows DIR       replay against these flows instead of the configured flowsDir
  --json            print the report as JSON
Exit status: 0 the replies are identical, 1 they diverge, 2 the conversation cannot be replayed.
`;

type Options = { sessionId: string; config?: string; storeDir?: string; flows?: string; json: boolean };

function readArgs(args: string[]): Options | number {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        'store-dir': { type: 'string' },
        flows: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length !== 1 || !positionals[0]) throw new Error(positionals.length === 0 ? 'name the session to replay' : `one session at a time (got ${positionals.length})`);
    return {
      sessionId: positionals[0],
      json: values.json ?? false,
      ...(values.config !== undefined ? { config: values.config } : {}),
      ...(values['store-dir'] !== undefined ? { storeDir: values['store-dir'] } : {}),
      ...(values.flows !== undefined ? { flows: values.flows } : {}),
    };
  } catch (err) {
    process.stderr.write(`daehwa replay: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

function fail(message: string): number {
  process.stderr.write(`daehwa replay: ${message}\n`);
  return 2;
}

export async function run(args: string[]): Promise<number> {
  const options = readArgs(args);
  if (typeof options === 'number') return options;

  const loaded = await loadConfig(options.config !== undefined ? { file: options.config } : {});
  if (!loaded.ok) return fail(`invalid configuration\n${loaded.errors.map((e) => `  ${e}`).join('\n')}`);
  const config: DaehwaConfig = {
    ...loaded.config,
    ...(options.flows !== undefined ? { flowsDir: options.flows } : {}),
    ...(options.storeDir !== undefined ? { store: { kind: 'lowdb', dir: options.storeDir, maxCachedConversations: 100 } } : {}),
  };
  // A mistyped directory is named, not created empty (as opening a lowdb store would).
  if (options.storeDir !== undefined && !(await isDirectory(options.storeDir))) return fail(`--store-dir: ${options.storeDir} is not a directory`);
  const log = createLogger({ level: 'silent' });
  const where = config.store.kind === 'lowdb' ? ` (${config.store.dir})` : '';

  let store: Store;
  try {
    store = await openStore(config, log);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    const hint = err.code === 'locked' ? ' (a running server holds it: stop it, or replay a copy of the directory with --store-dir)' : '';
    return fail(`the ${config.store.kind} store${where} cannot open: ${err.message}${hint}`);
  }
  let report: ReplayReport;
  try {
    const session = await store.getSession(options.sessionId);
    if (!session) return fail(`there is no conversation ${JSON.stringify(options.sessionId)} in the ${config.store.kind} store${where}`);
    const transcript = await store.getTranscript(session.id);

    const deps = await replayDeps(config);
    if (!deps.ok) return fail(deps.problem);
    report = await replayConversation(session, transcript, deps.deps);
  } catch (err) {
    if (err instanceof ReplayError) return fail(`conversation ${options.sessionId}: ${err.message}`);
    throw err;
  } finally {
    await store.close();
  }

  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, config.flowsDir));
  return report.divergence === null ? 0 : 1;
}

/** What a replay runs on, as the server would run with `config`: its flows, model, survey settings, business hours and masking. */
export async function replayDeps(config: DaehwaConfig): Promise<{ ok: true; deps: ReplayDeps } | { ok: false; problem: string }> {
  const flows = await loadFlows(config);
  if (!flows.ok) return { ok: false, problem: `the flows in ${config.flowsDir}/ do not load\n${flows.problems}` };
  const timeZone = config.handoff.businessHours.timeZone;
  const classifier = await loadClassifier({
    modelPath: join(config.modelsDir, CURRENT_MODEL_FILE),
    corpusDir: config.corpusDir,
    timeZone,
    trainIfMissing: true,
    log: (line) => process.stderr.write(`nlu: ${line}\n`),
  });
  const hours = config.handoff.businessHours;
  return {
    ok: true,
    deps: {
      engines: {
        classifier,
        dialog: flows.dialog,
        surveys: flows.surveys ? { texts: flows.surveys, settings: config.surveys } : null,
        afterHoursNotice: (locale, now) => afterHoursNotice(hours, flows.messages, locale, now),
      },
      masking: { text: maskIdAndCardNumbers, value: maskNumbersDeep },
      newId: () => `v-${randomUUID()}`,
    },
  };
}

const firstLine = (text: string, max = 60): string => {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The report as a designer reads it: a line per turn that replays as stored, the divergence in full. */
export function formatReport(report: ReplayReport, flowsDir: string): string {
  const lines = [`replay ${report.sessionId} (${report.locale}, ${report.recordedTurns} recorded turns) against ${flowsDir}/`];
  const width = String(report.recordedTurns).length;
  for (const turn of report.turns) {
    const number = String(turn.number).padStart(width);
    if (turn.differs.length === 0) {
      const said = turn.actual[0] ? firstLine(turn.actual[0].text) : turn.failed.actual ? '(failed, as recorded)' : '(no reply)';
      lines.push(`  ✓ ${number}  ${firstLine(turn.shopper, 40)}  →  ${said}`);
      continue;
    }
    lines.push(`  ✗ ${number}  shopper │ ${turn.shopper}`, ...divergenceLines(turn));
  }
  lines.push(
    report.divergence === null
      ? `identical: all ${report.recordedTurns} turns replay as stored`
      : `divergent: turn ${report.divergence} of ${report.recordedTurns} differs (${report.turns.at(-1)?.differs.join(', ')})`,
  );
  return `${lines.join('\n')}\n`;
}

function divergenceLines(turn: ReplayedTurn): string[] {
  const pad = '        ';
  const out: string[] = [];
  if (turn.intent) out.push(`${pad}intent   stored: ${turn.intent.expected ?? '(none)'}   now: ${turn.intent.actual ?? '(none)'}`);
  if (turn.differs.includes('replies')) {
    out.push(`${pad}expected:`, ...replyLines(turn.expected, `${pad}  `), `${pad}actual:`, ...replyLines(turn.actual, `${pad}  `));
  }
  if (turn.differs.includes('failed')) out.push(`${pad}${turn.failed.expected ? 'the recorded turn failed; the replayed one did not' : `the replayed turn failed: ${turn.error ?? 'unknown error'}`}`);
  if (turn.differs.includes('silent')) out.push(`${pad}an event before it that had no reply now answers:`, ...replyLines(turn.silentReplies, `${pad}  `));
  for (const problem of turn.calls) out.push(`${pad}${callLine(problem)}`);
  return out;
}

function replyLines(replies: readonly ReplayedReply[], pad: string): string[] {
  if (replies.length === 0) return [`${pad}(no reply)`];
  return replies.flatMap((reply) => {
    const [first, ...more] = reply.text.split('\n');
    const about = reply.flow === null ? '' : `   [${reply.flow}${reply.state ? `/${reply.state}` : ''}]`;
    return [`${pad}bot │ ${first ?? ''}${about}`, ...more.map((line) => `${pad}    │ ${line}`)];
  });
}

function callLine(problem: CallProblem): string {
  const call = `${problem.op}(${problem.args.map((arg) => JSON.stringify(arg)).join(', ')})`;
  if (problem.kind === 'unrecorded') return `call ${call}: the recording has no such call`;
  if (problem.kind === 'arguments') return `call ${call}: the recording has it with other arguments (${(problem.recorded ?? []).map((arg) => JSON.stringify(arg)).join(', ')})`;
  return `call ${call}: recorded, but the replayed turn did not make it`;
}
