import { spawnSync } from 'node:child_process';
import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trainAndSave } from '../../src/nlu/index.ts';
import { FIXTURE_CORPUS, FIXTURE_RULES, withTempDir } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function daehwa(args: string[], input = '') {
  const result = spawnSync(TSX, [join(ROOT, 'src/cli/main.ts'), ...args], { input, encoding: 'utf8', cwd: ROOT });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('daehwa classify', () => {
  it('answers every readable line with one JSON line and names the line of a bad one', async () => {
    await withTempDir(async (dir) => {
      const model = join(dir, 'current.json');
      await trainAndSave({ corpusDir: FIXTURE_CORPUS, modelPath: model, corpusRules: FIXTURE_RULES });
      const input = ['택배 언제 와요?', '{"text": "when will my refund arrive", "locale": "en"}', '{"text": "broken', '{"text": 42}', '', 'size M 추천해주세요'].join('\n');
      const { code, stdout, stderr } = daehwa(['classify', '--model', model, '--corpus', FIXTURE_CORPUS], input);
      const lines = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(6);
      expect(lines[0]).toMatchObject({ text: '택배 언제 와요?', locale: 'ko', intent: 'order.status' });
      expect(Object.keys(lines[0] ?? {})).toEqual(['text', 'locale', 'intent', 'score', 'entities', 'alternatives']);
      expect(lines[1]).toMatchObject({ locale: 'en', intent: 'refund.status' });
      expect(lines[2]).toMatchObject({ line: 3, error: expect.stringMatching(/^line 3: invalid JSON/) });
      expect(lines[3]).toMatchObject({ line: 4, error: expect.stringMatching(/^line 4: expected \{"text": string/) });
      expect(lines[4]).toMatchObject({ text: '', intent: 'None', score: 0 });
      expect(lines[5]).toMatchObject({ entities: [{ type: 'size', value: 'M', text: 'M' }] });
      expect(stderr).toContain('line 3: invalid JSON');
      expect(code).toBe(1);
    });
  });

  it('says to run npm run train when the model is corrupt, on stderr only', async () => {
    await withTempDir(async (dir) => {
      const model = join(dir, 'current.json');
      await writeFile(model, 'not json');
      // A corpus that cannot train either, so the command cannot recover by training.
      const { code, stdout, stderr } = daehwa(['classify', '--model', model, '--corpus', join(dir, 'missing')], 'hello\n');
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/unreadable.*\n?.*corpus directory not found/s);
    });
  });
});

describe('daehwa train', () => {
  it('refuses a corpus with errors, naming file:line:column, and leaves no model', async () => {
    await withTempDir(async (dir) => {
      const corpus = join(dir, 'corpus');
      await cp(FIXTURE_CORPUS, corpus, { recursive: true });
      await writeFile(join(corpus, 'thanks.yaml'), 'intent: thanks\nutterances:\n  ko:\n    - 택배 언제 와요?\n');
      const { code, stdout, stderr } = daehwa(['train', '--corpus', corpus, '--model', join(dir, 'models', 'current.json')]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/thanks\.yaml:4:7: error: "택배 언제 와요\?" is under 'thanks' here and under 'order\.status' at .*order\.status\.yaml:\d+:7/);
      expect(stderr).toContain('the current model is unchanged');
      await expect(readdir(join(dir, 'models'))).rejects.toThrow();
    });
  });
});
