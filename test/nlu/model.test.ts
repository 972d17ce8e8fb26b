import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/nlu/corpus.ts';
import { classifierFromModel, loadClassifier, ModelUnavailableError, trainAndSave, type LoadedClassifier } from '../../src/nlu/index.ts';
import { readModelFile, saveModelFile } from '../../src/nlu/model/model-store.ts';
import { trainCorpus } from '../../src/nlu/train.ts';
import { FIXTURE_CORPUS, FIXTURE_RULES, withTempDir } from './helpers.ts';

describe('training and classification on the fixture corpus', () => {
  let classifier: LoadedClassifier;

  beforeAll(async () => {
    const { file } = await trainCorpus(await loadCorpus(FIXTURE_CORPUS, FIXTURE_RULES), { now: () => new Date('2025-03-10T03:00:00Z') });
    classifier = await classifierFromModel(file);
  });

  it('understands training-like lines in both languages, with entities', async () => {
    const ko = await classifier.classify('택배 아직도 안 왔어요', { now: new Date(2025, 2, 10) });
    expect(ko).toMatchObject({ locale: 'ko', intent: 'order.status' });
    const sizing = await classifier.classify('키 170에 65키로인데 뭐 입어요');
    expect(sizing.intent).toBe('size.help');
    expect(sizing.entities.map((e) => [e.type, e.value])).toEqual([
      ['height', 170],
      ['weight', 65],
    ]);
    expect((await classifier.classify('when will my refund arrive')).intent).toBe('refund.status');
  });

  it('reads a line it has read before the same way, with its dates read again for the day', async () => {
    const first = await classifier.classify('내일 환불 언제 돼요', { now: new Date('2025-03-10T03:00:00Z') });
    const again = await classifier.classify('내일 환불 언제 돼요', { now: new Date('2025-04-20T03:00:00Z') });
    expect(again).toMatchObject({ intent: first.intent, score: first.score, alternatives: first.alternatives });
    const dates = (result: typeof first): unknown[] => result.entities.filter((e) => e.type === 'date').map((e) => e.value);
    expect(dates(first)).toEqual(['2025-03-11']);
    expect(dates(again)).toEqual(['2025-04-21']);
    // What one caller does to its result does not reach the next one.
    expect(() => (first.alternatives as unknown[]).push('x')).toThrow(TypeError);
    expect((await classifier.classify('내일 환불 언제 돼요')).alternatives).toEqual(again.alternatives);
  });

  it("reads dates in the shop's time zone: the classifier's own, or the one a call names", async () => {
    // 20:00 UTC on 10 March is already 11 March in Seoul, still 10 March in New York.
    const now = new Date('2025-03-10T20:00:00Z');
    const dates = (result: { entities: { type: string; value: unknown }[] }): unknown[] => result.entities.filter((e) => e.type === 'date').map((e) => e.value);
    const { file } = await trainCorpus(await loadCorpus(FIXTURE_CORPUS, FIXTURE_RULES), { now: () => new Date('2025-03-10T03:00:00Z') });
    const newYork = await classifierFromModel(file, {}, 'America/New_York');
    expect(dates(await classifier.classify('내일 받을 수 있어요?', { now }))).toEqual(['2025-03-12']);
    expect(dates(await newYork.classify('내일 받을 수 있어요?', { now }))).toEqual(['2025-03-11']);
    expect(dates(await newYork.classify('can it come tomorrow', { now, timeZone: 'Asia/Seoul' }))).toEqual(['2025-03-12']);
  });

  it('picks the locale from the script for mixed lines', async () => {
    const result = await classifier.classify('refund 언제 들어와요?');
    expect(result).toMatchObject({ locale: 'ko', intent: 'refund.status' });
  });

  it('reports real probabilities: the score and alternatives add up to at most 1', async () => {
    const result = await classifier.classify('환불 언제 돼요');
    const total = result.score + result.alternatives.reduce((s, a) => s + a.score, 0);
    expect(result.score).toBeLessThan(1);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
    expect(result.alternatives.map((a) => a.intent)).not.toContain(result.intent);
  });

  it('answers None for out-of-scope lines and for input with nothing to read', async () => {
    expect((await classifier.classify('오늘 날씨 어때요')).intent).toBe('None');
    for (const text of ['', '   ', '😀🎉']) {
      expect(await classifier.classify(text)).toMatchObject({ intent: 'None', score: 0, alternatives: [] });
    }
  });

  it('classifies a 10,000-character text', async () => {
    const long = '환불 언제 들어와요 '.repeat(1000).slice(0, 10_000);
    const result = await classifier.classify(long);
    expect(result.text).toHaveLength(10_000);
    expect(result.intent).toBe('refund.status');
  });

  it('rejects a confident answer when the threshold is raised above its score', async () => {
    const accepted = await classifier.classify('환불 언제 돼요');
    expect(accepted.intent).toBe('refund.status');
    const threshold = Math.min(1, accepted.score + 1e-6);
    const { file } = await trainCorpus(await loadCorpus(FIXTURE_CORPUS, FIXTURE_RULES), { now: () => new Date('2025-03-10T03:00:00Z') });
    const strict = await classifierFromModel(file, { threshold });
    expect(strict.modelInfo.decision.threshold).toBe(threshold);
    const rejected = await strict.classify('환불 언제 돼요');
    expect(rejected.intent).toBe('None');
    expect(rejected.alternatives[0]).toEqual({ intent: 'refund.status', score: accepted.score });
  });

  it('describes the model it runs', () => {
    expect(classifier.modelInfo.version).toMatch(/^20250310T030000000Z-[0-9a-f]{8}$/);
    expect(classifier.modelInfo.corpusHash).toMatch(/^[0-9a-f]{64}$/);
    expect(classifier.modelInfo.trainedAt).toBe('2025-03-10T03:00:00.000Z');
  });
});

describe('model files', () => {
  it('round-trips a model through disk with the same answers', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'current.json');
      const { file } = await trainAndSave({ corpusDir: FIXTURE_CORPUS, modelPath: path, corpusRules: FIXTURE_RULES });
      const loaded = await loadClassifier({ modelPath: path });
      const fresh = await classifierFromModel(file);
      expect(loaded.modelInfo.version).toBe(file.version);
      for (const text of ['배송 조회 해주세요', 'tell me a joke', 'what size should I get']) {
        expect((await loaded.classify(text)).score).toBeCloseTo((await fresh.classify(text)).score, 6);
      }
    });
  });

  it('tells to run npm run train when the model is missing or corrupt', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'current.json');
      await expect(loadClassifier({ modelPath: path })).rejects.toThrow(/no NLU model at .*current\.json .*run `npm run train`/);
      await writeFile(path, '{"model": "broken.json"}');
      await writeFile(join(dir, 'broken.json'), '{ not json');
      await expect(loadClassifier({ modelPath: path })).rejects.toThrow(/unreadable .*invalid JSON.*npm run train/);
      await writeFile(join(dir, 'broken.json'), '{"format": "something else"}');
      await expect(loadClassifier({ modelPath: path })).rejects.toBeInstanceOf(ModelUnavailableError);
    });
  });

  it('trains when the model is missing and trainIfMissing is set, and says so', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'models', 'current.json');
      const log: string[] = [];
      const classifier = await loadClassifier({ modelPath: path, corpusDir: FIXTURE_CORPUS, corpusRules: FIXTURE_RULES, trainIfMissing: true, log: (l) => log.push(l) });
      expect(log[0]).toMatch(/no NLU model at .*: training one from .*corpus\/ first/);
      expect((await classifier.classify('배송 조회 해주세요')).intent).toBe('order.status');
      expect((await readModelFile(path)).file.version).toBe(classifier.modelInfo.version);
    });
  });

  describe('a model older than its corpus', () => {
    // A trained model next to a copy of the corpus it was trained on, which the test then edits.
    async function trainedCopy(dir: string): Promise<{ path: string; corpus: string; version: string; hash: string }> {
      const corpus = join(dir, 'corpus');
      await cp(FIXTURE_CORPUS, corpus, { recursive: true });
      const path = join(dir, 'models', 'current.json');
      const { file } = await trainAndSave({ corpusDir: corpus, modelPath: path, corpusRules: FIXTURE_RULES });
      return { path, corpus, version: file.version, hash: file.corpusHash };
    }
    const addGreeting = (corpus: string) =>
      writeFile(join(corpus, 'greeting.yaml'), 'intent: greeting\nutterances:\n  ko: [안녕하세요, 안녕, 하이, 안녕하십니까, 여보세요, 계세요?]\n  en: [hello, hi, hey there, good morning]\n');

    it('is used as it is, without a word, while the corpus is unchanged', async () => {
      await withTempDir(async (dir) => {
        const { path, corpus, version } = await trainedCopy(dir);
        const log: string[] = [];
        const classifier = await loadClassifier({ modelPath: path, corpusDir: corpus, corpusRules: FIXTURE_RULES, trainIfMissing: true, log: (l) => log.push(l) });
        expect(classifier.modelInfo.version).toBe(version);
        expect(log).toEqual([]);
      });
    });

    it('is retrained with trainIfMissing, saying so', async () => {
      await withTempDir(async (dir) => {
        const { path, corpus, version, hash } = await trainedCopy(dir);
        await addGreeting(corpus);
        const log: string[] = [];
        const classifier = await loadClassifier({ modelPath: path, corpusDir: corpus, corpusRules: FIXTURE_RULES, trainIfMissing: true, log: (l) => log.push(l) });
        const current = await loadCorpus(corpus, FIXTURE_RULES);
        expect(log[0]).toBe(`the NLU model ${version} was trained on corpus ${hash.slice(0, 12)}, but ${corpus}/ is now ${current.hash.slice(0, 12)}: retraining`);
        expect(classifier.modelInfo.corpusHash).toBe(current.hash);
        expect((await readModelFile(path)).file.corpusHash).toBe(current.hash);
      });
    });

    it('is only warned about without trainIfMissing', async () => {
      await withTempDir(async (dir) => {
        const { path, corpus, version } = await trainedCopy(dir);
        await addGreeting(corpus);
        const log: string[] = [];
        const classifier = await loadClassifier({ modelPath: path, corpusDir: corpus, corpusRules: FIXTURE_RULES, log: (l) => log.push(l) });
        expect(log).toEqual([expect.stringMatching(new RegExp(`^the NLU model ${version} was trained on corpus .*: run \`npm run train\` to retrain it$`))]);
        expect(classifier.modelInfo.version).toBe(version);
        expect((await readModelFile(path)).file.version).toBe(version);
      });
    });

    it('is kept, with a warning, when the changed corpus cannot be trained on', async () => {
      await withTempDir(async (dir) => {
        const { path, corpus, version } = await trainedCopy(dir);
        await writeFile(join(corpus, 'greeting.yaml'), 'intent: greeting\nutterances: [\n');
        const log: string[] = [];
        const classifier = await loadClassifier({ modelPath: path, corpusDir: corpus, corpusRules: FIXTURE_RULES, trainIfMissing: true, log: (l) => log.push(l) });
        expect(log[1]).toMatch(new RegExp(`^retraining failed, still using ${version}: the corpus has \\d+ error\\(s\\):\n.*greeting\\.yaml:3:1`));
        expect(classifier.modelInfo.version).toBe(version);
        expect((await classifier.classify('배송 조회 해주세요')).intent).toBe('order.status');
        expect((await readModelFile(path)).file.version).toBe(version);
      });
    });
  });

  it('keeps the working model when a training fails', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'current.json');
      const { file: working } = await trainAndSave({ corpusDir: FIXTURE_CORPUS, modelPath: path, corpusRules: FIXTURE_RULES });
      const broken = join(dir, 'corpus');
      await cp(FIXTURE_CORPUS, broken, { recursive: true });
      await writeFile(join(broken, 'greeting.yaml'), 'intent: greeting\nutterances: [\n');
      await expect(trainAndSave({ corpusDir: broken, modelPath: path, corpusRules: FIXTURE_RULES })).rejects.toThrow(/greeting\.yaml/);
      expect((await readModelFile(path)).file.version).toBe(working.version);
      expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    });
  });

  it('never moves the pointer when the model file cannot be written', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'current.json');
      const { file } = await trainAndSave({ corpusDir: FIXTURE_CORPUS, modelPath: path, corpusRules: FIXTURE_RULES });
      const pointer = await readFile(path, 'utf8');
      // A model whose weights cannot be serialised: the write fails before any rename.
      const unserialisable = { ...file, version: 'later', bias: [1n] as unknown as number[] };
      await expect(saveModelFile(path, unserialisable)).rejects.toThrow();
      expect(await readFile(path, 'utf8')).toBe(pointer);
      expect(await readdir(dir)).toEqual(expect.not.arrayContaining(['later.json']));
    });
  });
});
