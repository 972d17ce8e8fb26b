// `daehwa test-conversations [--dir test/conversations] [--flows flows] [--filter text]`:
// runs the YAML conversation tests with the real NLU, the shop's flows and a fresh demo shop per
// conversation. Prints a readable diff for each failure; exits non-zero when any fails.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDemoShop } from '../../commerce/index.ts';
import { formatProblems, loadFlowSet } from '../../dialog/index.ts';
import { loadConversations, runConversation, type ConversationResult } from '../../dialog/conversations/runner.ts';
import { CHANNELS, type ChannelId } from '../../dialog/conversations/format.ts';
import { kakaoConversationChannel } from '../../channels/kakao/conversation-channel.ts';
import { loadClassifier } from '../../nlu/index.ts';
import { loadSurveyTexts } from '../../surveys/index.ts';

const USAGE = 'usage: daehwa test-conversations [--dir test/conversations] [--flows flows] [--filter <text in name or file>] [--channels web,kakao] [--show]\n';

export async function run(args: string[]): Promise<number> {
  let options: { dir: string; flows: string; filter: string | undefined; show: boolean; channels: ChannelId[] | undefined };
  try {
    const { values } = parseArgs({
      args,
      options: {
        dir: { type: 'string', default: 'test/conversations' },
        flows: { type: 'string', default: 'flows' },
        filter: { type: 'string' },
        show: { type: 'boolean', default: false },
        /** Every conversation through each of these channels, whatever its file says (issue 15). */
        channels: { type: 'string' },
      },
    });
    const channels = values.channels?.split(',').map((c) => c.trim());
    const unknown = channels?.find((c) => !(CHANNELS as readonly string[]).includes(c));
    if (unknown !== undefined) throw new Error(`--channels: unknown channel "${unknown}"; expected ${CHANNELS.join(', ')}`);
    options = { dir: values.dir ?? 'test/conversations', flows: values.flows ?? 'flows', filter: values.filter, show: values.show ?? false, channels: channels as ChannelId[] | undefined };
  } catch (err) {
    process.stderr.write(`daehwa test-conversations: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }

  const flows = await loadFlowSet(options.flows);
  if (!flows.ok) {
    process.stderr.write(`${formatProblems(flows.problems)}\n\nthe flows do not load: fix them first (daehwa flows check)\n`);
    return 1;
  }
  const surveys = await loadSurveyTexts(options.flows);
  if (!surveys.ok) {
    process.stderr.write(`${formatProblems(surveys.problems)}\n\nthe survey texts do not load: fix them first (daehwa flows check)\n`);
    return 1;
  }
  const { conversations, problems } = await loadConversations(options.dir);
  if (problems.length > 0) {
    process.stderr.write(`${formatProblems(problems)}\n\nconversation files with problems: nothing was run\n`);
    return 1;
  }
  const selected = conversations.filter((c) => !options.filter || c.spec.name.includes(options.filter) || c.file.includes(options.filter));
  const classifier = await loadClassifier({ trainIfMissing: true, log: (line) => process.stderr.write(`nlu: ${line}\n`) });

  const runnerDeps = {
    classifier,
    flowSet: flows.flowSet,
    surveys: surveys.texts,
    channels: { kakao: kakaoConversationChannel() },
    openShop: async ({ seedDir, clock }: { seedDir?: string; clock: Date }) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'daehwa-conversation-'));
      const port = await createDemoShop({ dataDir, clock: () => clock, ...(seedDir ? { seedDir } : {}) });
      return {
        port,
        close: async () => {
          await port.close();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
  const results: ConversationResult[] = [];
  let currentFile = '';
  for (const conversation of selected) {
    if (conversation.file !== currentFile) {
      currentFile = conversation.file;
      process.stdout.write(`\n${currentFile}\n`);
    }
    // --channels runs every conversation through those channels, except where a conversation names
    // the channels it is for (it then runs on those of them only).
    const own = conversation.spec.channels;
    const channels = options.channels ? options.channels.filter((channel) => !own || own.includes(channel)) : (own ?? ['web']);
    for (const channel of channels) {
      const result = await runConversation(conversation, runnerDeps, channel);
      results.push(result);
      process.stdout.write(formatResult(result, options.show));
    }
  }

  const failed = results.filter((r) => r.failure);
  const turns = results.reduce((n, r) => n + r.turns, 0);
  const byLocale = (locale: string) => results.filter((r) => r.locale === locale).length;
  const byChannel = CHANNELS.map((c) => `${c} ${results.filter((r) => r.channel === c).length}`).join(', ');
  const largestState = Math.max(0, ...results.map((r) => r.maxStateBytes));
  process.stdout.write(
    `\n${results.length - failed.length} passed, ${failed.length} failed: ${results.length} conversations (ko ${byLocale('ko')}, en ${byLocale('en')}; ${byChannel}), ${turns} turns; largest dialog state ${largestState} bytes\n`,
  );
  return failed.length > 0 || results.length === 0 ? 1 : 0;
}

/** `--show` prints the transcript of passing conversations too, for designers reading the dialogs. */
function formatResult(result: ConversationResult, show: boolean): string {
  const name = result.channel === 'web' ? result.name : `${result.name}  [${result.channel}]`;
  if (!result.failure) return `  ✓ ${name}\n${show ? `${formatTranscript(result)}\n` : ''}`;
  const { turn, mismatches } = result.failure;
  const lines = [`  ✗ ${name}  (turn ${turn})`, formatTranscript(result)];
  const width = Math.max(...mismatches.map((m) => m.what.length));
  for (const m of mismatches) {
    lines.push(`      ${m.what.padEnd(width)}  expected: ${indent(m.expected, width + 18)}`);
    lines.push(`      ${''.padEnd(width)}    actual: ${indent(m.actual, width + 18)}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatTranscript(result: ConversationResult): string {
  const lines: string[] = [];
  for (const line of result.transcript) {
    const [first, ...rest] = line.text.split('\n');
    lines.push(`      ${line.from === 'shopper' ? 'shopper' : '    bot'} │ ${first ?? ''}`);
    for (const more of rest) lines.push(`              │ ${more}`);
  }
  return lines.join('\n');
}

function indent(text: string, by: number): string {
  return text.split('\n').join(`\n${' '.repeat(by)}`);
}
