// Property-based tests of the flow YAML loader (src/dialog/loader.ts). Its promise: a directory of
// flow files loads, or every problem comes back with file:line:column, and the loader never throws.
// Generated text, mutated copies of the project's flows and re-formatted copies of them hold it to
// that; the project's flows written out again in another YAML style load to the same flows.
import { readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type FlowSource, loadFlowSet, loadFlowSetFromSources, type LoadResult } from '../../src/dialog/loader.ts';
import { anyText, insideText, mutation } from './yaml-arbitraries.ts';

const FLOWS = fileURLToPath(new URL('../../flows/', import.meta.url));
const SOURCES: FlowSource[] = readdirSync(FLOWS)
  .filter((n) => n.endsWith('.yaml'))
  .sort()
  .map((n) => ({ file: `flows/${n}`, text: readFileSync(path.join(FLOWS, n), 'utf8') }));
const SHARED = SOURCES.filter((s) => s.file === 'flows/messages.yaml' || s.file === 'flows/slots.yaml');
const FLOW_FILES = SOURCES.filter((s) => !SHARED.includes(s));

/** Loads without throwing, and every problem is in one of the files, inside its text. */
function loadChecked(sources: FlowSource[]): LoadResult {
  let result: LoadResult;
  try {
    result = loadFlowSetFromSources(sources);
  } catch (err) {
    throw new Error(`the loader threw ${String(err)} for ${JSON.stringify(sources.map((s) => s.file))}`);
  }
  if (!result.ok) {
    expect(result.problems.length).toBeGreaterThan(0);
    for (const problem of result.problems) {
      const source = sources.find((s) => s.file === problem.file);
      if (!source) throw new Error(`a problem names ${problem.file}, which is not one of the files: ${JSON.stringify(problem)}`);
      if (!insideText(source.text, problem.line, problem.column)) {
        throw new Error(`${problem.file}:${problem.line}:${problem.column} is outside the file: ${problem.message}`);
      }
      expect(problem.message.length).toBeGreaterThan(0);
    }
  }
  return result;
}

/** What a flow set means: every flow's spec, and the messages. */
function meaning(result: LoadResult): string {
  if (!result.ok) throw new Error(`not loaded: ${result.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n')}`);
  return JSON.stringify({ flows: [...result.flowSet.flows.values()].map((f) => f.spec), messages: result.flowSet.messages });
}

describe('flow loader, fuzzed', () => {
  it('the project flows load (the baseline the properties change)', () => {
    expect(loadChecked(SOURCES).ok).toBe(true);
  });

  it('any text as a flow file gives file:line:column problems, never an exception', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom('flows/fuzz.yaml', 'flows/messages.yaml', 'flows/slots.yaml'), (text, file) => {
        const others = SHARED.filter((s) => s.file !== file);
        const result = loadChecked([...others, { file, text }]);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 800 },
    );
  });

  it('a project flow file with a random change loads or is refused with problems inside the files', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FLOW_FILES), fc.array(mutation, { minLength: 1, maxLength: 3 }), (source, changes) => {
        const text = changes.reduce((t, change) => change(t), source.text);
        loadChecked([...SHARED, { file: source.file, text }]);
      }),
      { numRuns: 600 },
    );
  });

  it('a shared file (messages.yaml, slots.yaml) with a random change, among all the flows', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SHARED), mutation, (source, change) => {
        loadChecked(SOURCES.map((s) => (s === source ? { file: s.file, text: change(s.text) } : s)));
      }),
      { numRuns: 50 },
    );
  });

  it('the project flows written out again in another YAML style load to the same flows', () => {
    const original = meaning(loadChecked(SOURCES));
    const data = SOURCES.map((s) => ({ file: s.file, value: parse(s.text) as unknown }));
    fc.assert(
      fc.property(
        fc.record({
          // Narrower lines with deep indentation hit a bug of yaml's stringify (2.9.1), which writes
          // "undefined" into long double-quoted strings it folds: not the loader's to test.
          indent: fc.integer({ min: 1, max: 4 }),
          lineWidth: fc.constantFrom(0, 80, 200),
          defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
          defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
          collectionStyle: fc.constantFrom('any', 'block', 'flow'),
          indentSeq: fc.boolean(),
        } as const),
        (style) => {
          const rewritten = data.map(({ file, value }) => ({ file, text: stringify(value, style) }));
          expect(meaning(loadChecked(rewritten))).toBe(original);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('an alias to no anchor is a problem at the alias, not an exception (found by fuzzing)', () => {
    const greeting = FLOW_FILES.find((s) => s.file === 'flows/greeting.yaml')!;
    const text = greeting.text.replace('intents: [greeting]', 'intents: *greeting_intents');
    const result = loadChecked([...SHARED, { file: greeting.file, text }]);
    expect(result.ok).toBe(false);
    const line = text.split('\n').findIndex((l) => l.includes('*greeting_intents')) + 1;
    expect(!result.ok && result.problems).toContainEqual({
      file: 'flows/greeting.yaml',
      line,
      column: 10,
      message: 'YAML: Unresolved alias (the anchor must be set before the alias): greeting_intents',
    });
  });

  it('positions after a syntax error that swallows a line break are still inside the file (found by fuzzing)', () => {
    // yaml's LineCounter put the ":" of line 3 at 2:12, past the end of line 2.
    const text = '{]\r\n%YAML 1.2\na:';
    const result = loadChecked([...SHARED, { file: 'flows/broken.yaml', text }]);
    expect(!result.ok && result.problems).toContainEqual(expect.objectContaining({ file: 'flows/broken.yaml', line: 3, column: 2 }));
  });

  it('an alias explosion ("billion laughs") is a problem, not an exception or a hang', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const text = `${levels.join('\n')}\n`;
    const result = loadChecked([...SHARED, { file: 'flows/bomb.yaml', text }]);
    expect(!result.ok && result.problems).toContainEqual(expect.objectContaining({ file: 'flows/bomb.yaml', line: 2, message: expect.stringContaining('Excessive alias count') }));
  });

  it('a directory named like a flow file is a problem of the set, not an exception (found while fuzzing)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'daehwa-flows-'));
    try {
      await cp(FLOWS, dir, { recursive: true });
      await mkdir(path.join(dir, 'drafts.yaml'));
      const result = await loadFlowSet(dir);
      expect(result).toEqual({
        ok: false,
        problems: [{ file: path.join(dir, 'drafts.yaml'), line: 1, column: 1, message: expect.stringMatching(/^cannot read the file: .*EISDIR/) }],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
