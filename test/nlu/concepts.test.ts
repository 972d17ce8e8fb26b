// The concept lexicon (intents/concepts/): what it matches, and every way a trainer can get it wrong.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conceptTerm } from '../../src/nlu/analysis/concepts.ts';
import { DEFAULT_CONCEPT_WEIGHT, DEFAULT_FEATURE_SPEC, Featurizer, daehwaKoreanAnalyzer, withConcepts } from '../../src/nlu/analysis/features.ts';
import { readConcepts, MAX_LEXICON_FILE_BYTES } from '../../src/nlu/concepts.ts';
import { CorpusError, loadCorpus, readCorpus } from '../../src/nlu/corpus.ts';
import { formatIssue } from '../../src/nlu/yaml-source.ts';
import { classifierFromModel } from '../../src/nlu/index.ts';
import { trainCorpus } from '../../src/nlu/train.ts';
import { FIXTURE_CORPUS, FIXTURE_RULES, withTempDir } from './helpers.ts';

const INTENTS = ['order.status', 'refund.status', 'None'];

async function lexiconIssues(files: Record<string, string>): Promise<string[]> {
  return withTempDir(async (dir) => {
    await mkdir(join(dir, 'concepts'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, 'concepts', name), text);
    const { issues } = await readConcepts(dir, INTENTS);
    return issues.map((i) => formatIssue(i).replaceAll(`${dir}/`, ''));
  });
}

const REFUND = `concepts:
  refund:
    intents: [refund.status]
    ko: [환불, 환급, 돈 돌려]
    en: [refund, reimbursement, money back]
  parcel:
    ko: [택배, 소포]
    en: [parcel, package]
`;

describe('concept matching', () => {
  const lexicon = [
    { name: 'refund', intents: ['refund.status'], ko: ['환불', '환급', '돈 돌려'], en: ['refund', 'reimbursement', 'money back'] },
    { name: 'parcel', intents: [], ko: ['택배', '소포'], en: ['parcel', 'package'] },
  ];
  const featurizer = new Featurizer(withConcepts(DEFAULT_FEATURE_SPEC, lexicon), daehwaKoreanAnalyzer);

  it('finds English words by stem and phrases as word sequences', () => {
    expect(featurizer.concepts('Still waiting on my reimbursements')).toEqual(['refund']);
    expect(featurizer.concepts('I just want my money back for the packages')).toEqual(['refund', 'parcel']);
    // The words of a phrase must follow each other.
    expect(featurizer.concepts('my money is back in the bank')).toEqual([]);
  });

  it('finds Korean words inside the text with or without spaces and particles', () => {
    expect(featurizer.concepts('환급언제돼요')).toEqual(['refund']);
    expect(featurizer.concepts('돈을 돌려받고 싶어요')).toEqual(['refund']);
    expect(featurizer.concepts('소포가 안 와요, refund 해주세요')).toEqual(['refund', 'parcel']);
    expect(featurizer.concepts('오늘 날씨 어때')).toEqual([]);
  });

  it('gives a text its concepts as features of their own group', () => {
    const features = featurizer.features('reimbursement please');
    expect(features.get('c:refund')).toBeCloseTo(DEFAULT_CONCEPT_WEIGHT);
    expect(new Featurizer(DEFAULT_FEATURE_SPEC, daehwaKoreanAnalyzer).features('reimbursement please').has('c:refund')).toBe(false);
  });

  it('refuses entries that cannot be matched soundly', () => {
    expect(conceptTerm('돈', 'ko')).toEqual({ problem: expect.stringContaining('one syllable') });
    expect(conceptTerm('A/S', 'ko')).toEqual({ problem: expect.stringContaining('not Hangul') });
    expect(conceptTerm('환불', 'en')).toEqual({ problem: expect.stringContaining('not a Latin word') });
    expect(conceptTerm('Money  Back!', 'en')).toEqual({ script: 'latin', stems: ['money', 'back'] });
  });
});

describe('concept lexicon validation', () => {
  it('reads a sound lexicon, sorted by name', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'concepts'));
      await writeFile(join(dir, 'concepts', 'shop.yaml'), REFUND);
      const { concepts, issues } = await readConcepts(dir, INTENTS);
      expect(issues).toEqual([]);
      expect(concepts.map((c) => c.name)).toEqual(['parcel', 'refund']);
      expect(concepts[1]).toEqual({ name: 'refund', intents: ['refund.status'], ko: ['환불', '환급', '돈 돌려'], en: ['refund', 'reimbursement', 'money back'] });
    });
  });

  it('has nothing to read without a concepts folder', async () => {
    expect(await readConcepts(FIXTURE_CORPUS, INTENTS)).toEqual({ concepts: [], issues: [] });
  });

  it('names an unknown locale and an unknown intent where they are written', async () => {
    const issues = await lexiconIssues({ 'a.yaml': 'concepts:\n  refund:\n    intents: [refund.status, refund.when]\n    ja: [払い戻し]\n    en: [refund]\n' });
    expect(issues).toEqual([
      "concepts/a.yaml:3:30: error: concept 'refund' names intent 'refund.when', which has no file in the corpus",
      "concepts/a.yaml:4:5: error: unknown locale 'ja' in concept 'refund' (known: intents, ko, en)",
    ]);
  });

  it('names both places when a word is under two concepts, across files', async () => {
    const issues = await lexiconIssues({
      'a.yaml': REFUND,
      'b.yaml': 'concepts:\n  money:\n    en: [cash, refunds]\n',
    });
    expect(issues).toEqual(["concepts/b.yaml:3:16: error: 'refunds' is under concept 'money' here and under 'refund' at concepts/a.yaml:5:10: one word, one concept"]);
  });

  it('refuses a concept defined twice and one without words', async () => {
    const issues = await lexiconIssues({
      'a.yaml': REFUND,
      'b.yaml': 'concepts:\n  parcel:\n    en: [box]\n  empty:\n    intents: [order.status]\n',
    });
    expect(issues).toEqual([
      "concepts/b.yaml:2:3: error: concept 'parcel' is already defined at concepts/a.yaml:6:3: one concept, one entry",
      "concepts/b.yaml:4:3: error: concept 'empty' has no words: list them under ko and/or en",
    ]);
  });

  it('warns about a word that repeats another one of the same concept', async () => {
    const issues = await lexiconIssues({ 'a.yaml': 'concepts:\n  refund:\n    en: [refund, refunded]\n    ko: [환불, 환 불]\n' });
    expect(issues).toEqual([
      "concepts/a.yaml:3:18: warning: 'refunded' matches what 'refund' matches (the same stems or letters) at concepts/a.yaml:3:10: one of them is enough",
      "concepts/a.yaml:4:14: warning: '환 불' matches what '환불' matches (the same stems or letters) at concepts/a.yaml:4:10: one of them is enough",
    ]);
  });

  it('refuses an empty file, a file without concepts, a bad name, and a huge file', async () => {
    expect(await lexiconIssues({ 'a.yaml': '# nothing yet\n' })).toEqual(['concepts/a.yaml:1:1: error: the file is empty: a lexicon file starts with `concepts:` and lists concepts under it']);
    expect(await lexiconIssues({ 'a.yaml': 'concepts: {}\n' })).toEqual(['concepts/a.yaml:1:11: error: no concepts: list at least one under `concepts:`']);
    expect(await lexiconIssues({ 'a.yaml': 'concepts:\n  Money-Back:\n    en: [refund]\n' })).toEqual([
      "concepts/a.yaml:2:3: error: concept name 'Money-Back': concept names are lowercase words joined by _ (money_back)",
    ]);
    const huge = `concepts:\n  words:\n    en:\n${'      - someword\n'.repeat(MAX_LEXICON_FILE_BYTES / 16)}`;
    expect(await lexiconIssues({ 'a.yaml': huge })).toEqual([expect.stringMatching(/^concepts\/a\.yaml: error: the file is \d+ KB, over the 256 KB a lexicon file may have/)]);
  });

  it('stops training on a lexicon error and changes the corpus hash with the lexicon', async () => {
    await withTempDir(async (dir) => {
      await cp(FIXTURE_CORPUS, dir, { recursive: true });
      const before = (await loadCorpus(dir, FIXTURE_RULES)).hash;
      await mkdir(join(dir, 'concepts'));
      await writeFile(join(dir, 'concepts', 'shop.yaml'), REFUND);
      const withLexicon = await loadCorpus(dir, FIXTURE_RULES);
      expect(withLexicon.concepts).toHaveLength(2);
      expect(withLexicon.hash).not.toBe(before);
      await writeFile(join(dir, 'concepts', 'shop.yaml'), 'concepts:\n  refund:\n    ko: [돈]\n');
      await expect(loadCorpus(dir, FIXTURE_RULES)).rejects.toThrow(CorpusError);
      const { issues } = await readCorpus(dir, FIXTURE_RULES);
      expect(issues.map(formatIssue).join('\n')).toContain("concepts/shop.yaml:3:10: error: '돈' is one syllable");
    });
  });
});

describe('hints for a line not understood', () => {
  it('lists the intents its concepts point to, only when the answer is None, and survives the model file', async () => {
    await withTempDir(async (dir) => {
      await cp(FIXTURE_CORPUS, dir, { recursive: true });
      await mkdir(join(dir, 'concepts'));
      await writeFile(join(dir, 'concepts', 'shop.yaml'), 'concepts:\n  refund:\n    intents: [refund.status]\n    en: [refund, chargeback]\n    ko: [환급]\n  weather:\n    en: [weather]\n');
      const { file } = await trainCorpus(await loadCorpus(dir, FIXTURE_RULES));
      const classifier = await classifierFromModel(JSON.parse(JSON.stringify(file)) as typeof file);
      // Forced to None by a threshold no intent reaches: the concepts still say where to look.
      const unsure = await classifierFromModel(file, { threshold: 1 });
      expect((await unsure.classify('a question about a chargeback')).hints).toEqual(['refund.status']);
      expect((await unsure.classify('환급 문의')).hints).toEqual(['refund.status']);
      expect((await unsure.classify('tell me a joke')).hints).toEqual([]);
      const understood = await classifier.classify('when will I get my refund');
      expect(understood.intent).toBe('refund.status');
      expect(understood.hints).toBeUndefined();
    });
  });
});
