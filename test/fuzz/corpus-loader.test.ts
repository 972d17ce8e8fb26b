// Property-based tests of the corpus loader (src/nlu/corpus.ts over yaml-source.ts). Its promise:
// it never throws on bad data, and every issue in a file comes with file:line:column inside that
// file; valid intent files round-trip to the utterances written.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type CorpusRules, readCorpus, readCorpusFile } from '../../src/nlu/corpus.ts';
import { LOCALES } from '../../src/nlu/types.ts';
import type { SourceIssue } from '../../src/nlu/yaml-source.ts';
import { anyText, insideText, mutation } from './yaml-arbitraries.ts';

const INTENTS_DIR = fileURLToPath(new URL('../../intents/', import.meta.url));
const REAL_FILES = readdirSync(INTENTS_DIR)
  .filter((n) => n.endsWith('.yaml'))
  .map((n) => ({ file: `intents/${n}`, text: readFileSync(path.join(INTENTS_DIR, n), 'utf8') }));

function readChecked(file: string, text: string): ReturnType<typeof readCorpusFile> {
  let result: ReturnType<typeof readCorpusFile>;
  try {
    result = readCorpusFile(file, text);
  } catch (err) {
    throw new Error(`readCorpusFile threw ${String(err)} for ${JSON.stringify(text.slice(0, 200))}`);
  }
  for (const issue of result.issues) checkIssue(issue, file, text);
  return result;
}

function checkIssue(issue: SourceIssue, file: string, text: string): void {
  expect(issue.at.file).toBe(file);
  expect(issue.message.length).toBeGreaterThan(0);
  if ('line' in issue.at && !insideText(text, issue.at.line, issue.at.column)) {
    throw new Error(`${file}:${issue.at.line}:${issue.at.column} is outside the file: ${issue.message}`);
  }
}

const intentId = fc.stringMatching(/^[a-z][a-z_]{0,8}(\.[a-z][a-z_]{0,8}){0,2}$/);
const utterance = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((t) => t.trim().length > 0);
const utterances = fc.record({ ko: fc.array(utterance, { maxLength: 8 }), en: fc.array(utterance, { maxLength: 8 }) }, { requiredKeys: [] });

describe('corpus loader, fuzzed', () => {
  it('the project intent files read without issues (the baseline the properties change)', () => {
    for (const { file, text } of REAL_FILES) expect(readChecked(file, text).issues).toEqual([]);
  });

  it('any text as an intent file gives issues at file:line:column inside it, never an exception', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = readChecked('intents/greeting.yaml', text);
        expect(result.issues.some((i) => i.severity === 'error')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('a project intent file with random changes reads, or its issues are inside the file', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REAL_FILES), fc.array(mutation, { minLength: 1, maxLength: 3 }), (source, changes) => {
        readChecked(source.file, changes.reduce((t, change) => change(t), source.text));
      }),
      { numRuns: 1500 },
    );
  });

  it('a generated intent file round-trips: the utterances read are the ones written, trimmed, each at its line', () => {
    fc.assert(
      fc.property(intentId, utterances, fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL'), (intent, byLocale, defaultStringType) => {
        // lineWidth 0: yaml's stringify folds long lines wrongly at some widths (see flow-loader.test.ts).
        const text = stringify({ intent, utterances: byLocale }, { lineWidth: 0, defaultStringType });
        const result = readChecked(`intents/${intent}.yaml`, text);
        expect(result.issues).toEqual([]);
        expect(result.intent).toBe(intent);
        const expected = LOCALES.flatMap((locale) => (byLocale[locale] ?? []).map((t) => ({ text: t.trim(), locale })));
        expect(result.utterances.map((u) => ({ text: u.text, locale: u.locale }))).toEqual(expected);
        for (const u of result.utterances) {
          expect(u.intent).toBe(intent);
          expect(insideText(text, u.at.line, u.at.column)).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('a wrong shape is an error naming what is wrong, at a position inside the file', () => {
    const wrong: fc.Arbitrary<{ intent: unknown; utterances: unknown; expect: string; extra?: string }> = fc.oneof(
      fc.record({ intent: fc.oneof(fc.integer(), fc.constant(null), fc.string().filter((s) => !/^(None|[a-z][a-z_]*(\.[a-z][a-z_]*)*)$/.test(s))), utterances, expect: fc.constant('intent') }),
      fc.record({ intent: intentId, utterances: fc.oneof(fc.array(utterance), fc.string(), fc.integer()), expect: fc.constant('utterances') }),
      fc.record({ intent: intentId, utterances: fc.record({ ko: fc.array(fc.oneof(fc.integer(), fc.constantFrom('', '  ', '\n')), { minLength: 1 }) }), expect: fc.constant('utterances.ko') }),
      fc.record({ intent: intentId, utterances: fc.stringMatching(/^[a-z]{2,3}$/).filter((l) => !(LOCALES as readonly string[]).includes(l)).map((l) => ({ [l]: ['hello'] })), expect: fc.constant('unknown locale') }),
      fc.record({ intent: intentId, utterances, extra: fc.string({ minLength: 1 }).filter((k) => k !== 'intent' && k !== 'utterances' && k !== '__proto__'), expect: fc.constant('Unrecognized key') }),
    );
    fc.assert(
      fc.property(wrong, ({ expect: named, extra, ...data }) => {
        const content = extra === undefined ? data : { ...data, [extra]: 1 };
        const text = stringify(content, { lineWidth: 0 });
        const file = typeof data.intent === 'string' && /^[a-z]/.test(data.intent) ? `intents/${data.intent}.yaml` : 'intents/x.yaml';
        const result = readChecked(file, text);
        const errors = result.issues.filter((i) => i.severity === 'error');
        expect(errors.length).toBeGreaterThan(0);
        expect(errors.map((e) => e.message).join('\n')).toContain(named);
      }),
      { numRuns: 1500 },
    );
  });

  it('an intent file named after another intent is an error at the intent line', () => {
    fc.assert(
      fc.property(intentId, intentId, (declared, named) => {
        fc.pre(declared !== named);
        const text = `# generated\nintent: ${declared}\nutterances:\n  ko: [안녕]\n`;
        const result = readChecked(`intents/${named}.yaml`, text);
        expect(result.issues).toContainEqual({ severity: 'error', message: expect.stringContaining(`named after '${named}'`), at: { file: `intents/${named}.yaml`, line: 2, column: 9 } });
      }),
      { numRuns: 500 },
    );
  });

  it('an alias to no anchor is an error at the alias, not an exception (found by fuzzing)', () => {
    const result = readChecked('intents/greeting.yaml', 'intent: greeting\nutterances:\n  ko: *greetings\n');
    expect(result.issues).toEqual([
      { severity: 'error', message: 'Unresolved alias (the anchor must be set before the alias): greetings', at: { file: 'intents/greeting.yaml', line: 3, column: 7 } },
    ]);
  });

  it('positions after a syntax error that swallows a line break are still inside the file (found by fuzzing)', () => {
    const result = readChecked('intents/greeting.yaml', '{]\r\n%YAML 1.2\na:');
    expect(result.issues).toContainEqual(expect.objectContaining({ at: { file: 'intents/greeting.yaml', line: 3, column: 2 } }));
  });

  describe('a whole corpus directory', () => {
    let root: string;
    beforeAll(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'daehwa-corpus-fuzz-'));
    });
    afterAll(async () => {
      await rm(root, { recursive: true, force: true });
    });

    const RULES: CorpusRules = { minimums: { perIntent: { ko: 1, en: 0 }, none: { ko: 1, en: 0 } }, requiredIntents: [] };

    it('a directory named like an intent or lexicon file is an issue, not an exception (found while fuzzing)', async () => {
      const dir = path.join(root, 'dirs');
      await mkdir(path.join(dir, 'concepts', 'colours.yaml'), { recursive: true });
      await mkdir(path.join(dir, 'greeting.yaml'));
      await writeFile(path.join(dir, 'thanks.yaml'), 'intent: thanks\nutterances:\n  ko: [고마워요]\n');
      const { corpus, issues } = await readCorpus(dir, RULES);
      expect(corpus.intents).toEqual(['thanks']);
      expect(issues).toEqual([
        { severity: 'error', message: expect.stringMatching(/^cannot read the file: .*EISDIR/), at: { file: path.join(dir, 'greeting.yaml') } },
        { severity: 'error', message: expect.stringMatching(/^cannot read the file: .*EISDIR/), at: { file: path.join(dir, 'concepts', 'colours.yaml') } },
      ]);
    });

    it('with generated good and bad files (and a concepts/ folder) reads without throwing; each file\'s issues are inside it', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(intentId.map((name) => ({ name, text: `intent: ${name}\nutterances:\n  ko: [안녕 ${name}]\n` })), fc.record({ name: intentId, text: anyText })), { minLength: 1, maxLength: 4 }),
          fc.option(anyText, { nil: undefined }),
          async (files, concepts) => {
            const dir = path.join(root, String(run++));
            await mkdir(dir);
            const written = new Map<string, string>();
            for (const { name, text } of files) written.set(path.join(dir, `${name}.yaml`), text);
            for (const [file, text] of written) await writeFile(file, text);
            if (concepts !== undefined) {
              await mkdir(path.join(dir, 'concepts'));
              await writeFile(path.join(dir, 'concepts', 'shop.yaml'), concepts);
              written.set(path.join(dir, 'concepts', 'shop.yaml'), concepts);
            }
            const { corpus, issues } = await readCorpus(dir, RULES);
            for (const issue of issues) {
              const text = written.get(issue.at.file);
              if (text === undefined) continue; // a missing file or a cross-file duplicate names the directory's files by path
              if ('line' in issue.at && !insideText(text, issue.at.line, issue.at.column)) {
                throw new Error(`${issue.at.file}:${issue.at.line}:${issue.at.column} is outside the file: ${issue.message}`);
              }
            }
            expect(corpus.hash).toMatch(/^[0-9a-f]{64}$/);
          },
        ),
        { numRuns: 60 },
      );
    });
  });
});
