// flows/messages.yaml holds every sentence the engine, the hand-off desk and the channels say: a
// key the engine needs that is missing, or one without a language, stops the set from loading
// (`daehwa flows check`, start-up and reload), each problem at file:line:column.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as flowsCommand } from '../../src/cli/commands/flows.ts';
import { formatProblems, loadFlowSet } from '../../src/dialog/index.ts';

const FLOWS = new URL('../../flows/', import.meta.url).pathname;
const dirs: string[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The shop's flows in a temporary directory, with messages.yaml as `edit` makes it. */
async function flowsWith(edit: (messages: string) => string): Promise<{ dir: string; file: string; text: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'daehwa-messages-'));
  dirs.push(dir);
  await cp(FLOWS, dir, { recursive: true });
  const file = join(dir, 'messages.yaml');
  const original = await readFile(file, 'utf8');
  const text = edit(original);
  expect(text).not.toBe(original);
  await writeFile(file, text);
  return { dir, file, text };
}

/** 1-based line and column of the first occurrence of `needle` in `text` (at `offset` characters into it). */
function positionOf(text: string, needle: string, offset = 0): string {
  const at = text.indexOf(needle) + offset;
  expect(at).toBeGreaterThanOrEqual(offset);
  const before = text.slice(0, at).split('\n');
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}

async function problemsOf(dir: string): Promise<string[]> {
  const result = await loadFlowSet(dir);
  return result.ok ? [] : formatProblems(result.problems).split('\n');
}

describe('the messages file', () => {
  it('refuses a set missing a sentence the desk says, naming the key at its section', async () => {
    const { dir, file, text } = await flowsWith((m) => m.replace(/^ {2}back_to_bot:\n(?: {4}.*\n){2}/m, ''));
    // A missing key points at the map it belongs in: the first key of `desk:`.
    expect(await problemsOf(dir)).toEqual([
      `${file}:${positionOf(text, '  offline_notice:', 2)}: missing \`desk.back_to_bot\` (the engine says it: give it \`ko\` and \`en\`) (at desk.back_to_bot)`,
    ]);
  });

  it('refuses a sentence without its English text, at the sentence', async () => {
    const { dir, file, text } = await flowsWith((m) => m.replace(/^( {2}queued_position:\n {4}ko: .*\n) {4}en: .*\n/m, '$1'));
    expect(await problemsOf(dir)).toEqual([
      `${file}:${positionOf(text, '  queued_position:\n    ko:', '  queued_position:\n    '.length)}: missing English (\`en\`) text (at channels.queued_position.en)`,
    ]);
  });

  it('refuses a missing engine message and a missing section just as well', async () => {
    const { dir, file, text } = await flowsWith((m) => m.replace(/^ {2}low_confidence_handoff:\n(?: {4}.*\n){2}/m, '').replace(/^order_card:\n(?:(?: {2}.*)?\n)+?(?=\S)/m, ''));
    expect(await problemsOf(dir)).toEqual([
      // A missing section points at the document's map, which starts at its first key.
      `${file}:${positionOf(text, '\nmessages:', 1)}: missing section \`order_card\` (title, expected, delivered_on, quantity, more_items, track) (at order_card)`,
      `${file}:${positionOf(text, '  fallback:', 2)}: missing \`low_confidence_handoff\` (the engine says it: give it \`ko\` and \`en\`) (at messages.low_confidence_handoff)`,
    ]);
  });

  it('refuses a placeholder the sentence is not given, suggesting the one it is', async () => {
    const { dir, file, text } = await flowsWith((m) => m.replace('Thanks, we have your message. {{reopening}}', 'Thanks, we have your message. {{reopenin}}'));
    expect(await problemsOf(dir)).toEqual([
      `${file}:${positionOf(text, 'Thanks, we have your message.')}: unknown placeholder {{reopenin}} in desk.offline_message_taken: it can use {{reopening}} (did you mean 'reopening'?)`,
    ]);
  });

  it('gives the check-in only {{minutes}}, and wants the proactive button', async () => {
    const placeholder = await flowsWith((m) => m.replace("we'll close this chat. You", "we'll close this chat, {{name}}. You"));
    expect(await problemsOf(placeholder.dir)).toEqual([
      `${placeholder.file}:${positionOf(placeholder.text, 'Are you still there?')}: unknown placeholder {{name}} in desk.check_in: it can use {{minutes}}`,
    ]);
    const section = await flowsWith((m) => m.replace(/^proactive:\n(?:(?: {2}.*)?\n)+?(?=\S)/m, ''));
    expect(await problemsOf(section.dir)).toEqual([
      `${section.file}:${positionOf(section.text, '\nmessages:', 1)}: missing section \`proactive\` (talk_to_person) (at proactive)`,
    ]);
  });

  it('makes `daehwa flows check` fail with the position', async () => {
    const { dir, file, text } = await flowsWith((m) => m.replace(/^( {2}back_to_bot:\n {4}ko: .*\n) {4}en: .*\n/m, '$1'));
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    expect(await flowsCommand(['check', '--dir', dir])).toBe(1);
    expect(written.join('')).toContain(`${file}:${positionOf(text, '  back_to_bot:\n    ko:', '  back_to_bot:\n    '.length)}: missing English (\`en\`) text (at desk.back_to_bot.en)`);
  });

  it('accepts the shop’s own file', async () => {
    expect(await problemsOf(FLOWS)).toEqual([]);
  });
});
