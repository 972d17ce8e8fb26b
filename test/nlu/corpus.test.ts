import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus, readCorpus, CorpusError } from '../../src/nlu/corpus.ts';
import { formatIssue } from '../../src/nlu/yaml-source.ts';
import { FIXTURE_CORPUS, FIXTURE_RULES, withTempDir } from './helpers.ts';

async function issuesFor(files: Record<string, string>, rules = FIXTURE_RULES): Promise<string[]> {
  return withTempDir(async (dir) => {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const { issues } = await readCorpus(dir, rules);
    return issues.map((i) => formatIssue(i).replaceAll(`${dir}/`, ''));
  });
}

const lines = (locale: string, texts: string[]) => `  ${locale}:\n${texts.map((t) => `    - ${t}\n`).join('')}`;
const NONE_KO = ['날씨 어때', '노래 추천', '점심 메뉴', '주식 전망', '영화 추천'];
const NONE_EN = ['weather today', 'tell a joke', 'best movie', 'capital of peru'];
const noneFile = `intent: None\nutterances:\n${lines('ko', NONE_KO)}${lines('en', NONE_EN)}`;

describe('corpus validation', () => {
  it('accepts the fixture corpus and hashes it stably', async () => {
    const first = await loadCorpus(FIXTURE_CORPUS, FIXTURE_RULES);
    const second = await loadCorpus(FIXTURE_CORPUS, FIXTURE_RULES);
    expect(first.intents).toContain('order.status');
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.hash).toBe(first.hash);
  });

  it('reports a YAML syntax error at its line and column', async () => {
    const issues = await issuesFor({ 'greeting.yaml': 'intent: greeting\nutterances:\n  ko:\n    - 안녕: 하이: 헬로\n' });
    expect(issues).toEqual(['greeting.yaml:4:11: error: Nested mappings are not allowed in compact mappings']);
  });

  it('names both places when one utterance is under two intents', async () => {
    const issues = await issuesFor({
      'None.yaml': noneFile,
      'order.status.yaml': `intent: order.status\nutterances:\n${lines('ko', ['택배 언제 와요', '배송 조회', '주문 어디쯤', '발송 했나요', '도착 언제'])}${lines('en', ['where is it', 'track order', 'shipped yet', 'eta please'])}`,
      'refund.status.yaml': `intent: refund.status\nutterances:\n${lines('ko', ['환불 언제', '환불 됐나요', '돈 언제 와요', '카드 취소', '택배 언제 와요?'])}${lines('en', ['refund when', 'refund status', 'money back', 'refund late'])}`,
    });
    // The second occurrence (refund.status, 5th Korean line) points back at the first.
    expect(issues.filter((i) => i.includes('one intent'))).toEqual([
      `refund.status.yaml:8:7: error: "택배 언제 와요?" is under 'refund.status' here and under 'order.status' at order.status.yaml:4:7: one utterance, one intent`,
    ]);
  });

  it('reports unknown locales at their key, and intents under the minimum', async () => {
    const issues = await issuesFor({
      'None.yaml': noneFile,
      'thanks.yaml': `intent: thanks\nutterances:\n${lines('ko', ['감사합니다', '고마워요'])}  fr:\n    - merci\n`,
    });
    expect(issues).toContain("thanks.yaml:6:3: error: unknown locale 'fr' (known: ko, en)");
    expect(issues).toContain("thanks.yaml: error: intent 'thanks' has 2 ko utterance(s), needs at least 5");
    expect(issues).toContain("thanks.yaml: error: intent 'thanks' has 0 en utterance(s), needs at least 4");
  });

  it('reports a file named after another intent, and missing required intents', async () => {
    const issues = await issuesFor({ 'thanks.yaml': `intent: goodbye\nutterances:\n  ko:\n    - 고마워요\n` }, { ...FIXTURE_RULES, requiredIntents: ['None'] });
    expect(issues).toContain("thanks.yaml:1:9: error: the file declares intent 'goodbye' but is named after 'thanks': one file per intent, named <intent>.yaml");
    expect(issues).toContain("None.yaml: error: intent 'None' has no file");
  });

  it('reports an empty utterance at its position', async () => {
    const issues = await issuesFor({ 'thanks.yaml': `intent: thanks\nutterances:\n  ko:\n    - 고마워요\n    - "  "\n` });
    expect(issues).toEqual(['thanks.yaml:5:7: error: utterances.ko.1: empty utterance']);
  });

  it('throws a CorpusError listing every error from loadCorpus', async () => {
    await withTempDir(async (dir) => {
      await cp(FIXTURE_CORPUS, dir, { recursive: true });
      await writeFile(join(dir, 'greeting.yaml'), 'intent: greeting\nutterances: [\n');
      await expect(loadCorpus(dir, FIXTURE_RULES)).rejects.toBeInstanceOf(CorpusError);
      await expect(loadCorpus(dir, FIXTURE_RULES)).rejects.toThrow(/greeting\.yaml:\d+:\d+: error/);
    });
  });

  it('reports a missing corpus directory', async () => {
    await withTempDir(async (dir) => {
      const missing = join(dir, 'nope');
      const { issues } = await readCorpus(missing, FIXTURE_RULES);
      expect(issues.map(formatIssue)).toEqual([`${missing}: error: corpus directory not found`]);
      await mkdir(missing);
    });
  });
});
