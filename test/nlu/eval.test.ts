import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/nlu/corpus.ts';
import { benchDataset, readDataset } from '../../src/nlu/eval/bench.ts';
import { measureLatency } from '../../src/nlu/eval/latency.ts';
import { groupedFolds, stratifiedFolds } from '../../src/nlu/eval/folds.ts';
import { loadHeldOut } from '../../src/nlu/eval/heldout.ts';
import { contentWords, lexicalDiversity, paraphraseGroups } from '../../src/nlu/eval/paraphrase.ts';
import { chooseOperatingPoint, metrics, sweep, type JudgedLine } from '../../src/nlu/eval/metrics.ts';
import { renderMarkdown } from '../../src/nlu/eval/report.ts';
import { runEvaluation } from '../../src/nlu/eval/run.ts';
import { daehwaSystem, plainNlpjsSystem } from '../../src/nlu/eval/systems.ts';
import { FIXTURE_CORPUS, FIXTURE_RULES, withTempDir } from './helpers.ts';

function line(gold: string, ranked: [string, number][], locale: 'ko' | 'en' = 'ko', mixed = false): JudgedLine {
  const r = ranked.map(([intent, score]) => ({ intent, score }));
  return { text: gold, gold, locale, mixed, ranked: r, predicted: r[0]?.intent ?? 'None' };
}

describe('metrics', () => {
  const lines = [
    line('order.status', [['order.status', 0.9], ['None', 0.1]]),
    line('order.status', [['refund.status', 0.6], ['order.status', 0.4]]),
    line('refund.status', [['refund.status', 0.35], ['order.status', 0.3]], 'en'),
    line('None', [['order.status', 0.4], ['None', 0.3]], 'en'),
    line('None', [['None', 0.8]], 'ko'),
    line('order.status', [['order.status', 0.7]], 'ko', true),
  ];

  it('computes accuracy per locale, mixed lines apart, and out-of-scope rejection', () => {
    const m = metrics(lines);
    expect(m.ko).toBeCloseTo(0.5);
    expect(m.en).toBe(1);
    expect(m.mixed).toBe(1);
    expect(m.outOfScopeRejected).toBe(0.5);
    expect(m.counts).toEqual({ ko: 2, en: 1, mixed: 1, outOfScope: 2, nearMiss: 0 });
  });

  it('computes precision, recall and F1 per intent, and the confused pairs', () => {
    const m = metrics(lines);
    expect(m.perIntent['order.status']).toEqual({ precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 });
    expect(m.perIntent['refund.status']).toMatchObject({ precision: 0.5, recall: 1 });
    expect(m.confusedPairs).toEqual([
      { gold: 'order.status', predicted: 'refund.status', count: 1 },
      { gold: 'None', predicted: 'order.status', count: 1 },
    ]);
  });

  it('re-decides from the real scores in the sweep and picks an operating point', () => {
    const rows = sweep(lines, [0, 0.5], [0]);
    expect(rows.map((r) => r.outOfScopeRejected)).toEqual([0.5, 1]);
    expect(rows[1]?.en).toBe(0);
    // Best in-scope accuracy is at 0; 0.5 gives up far more than a point, so 0 is chosen.
    expect(chooseOperatingPoint(rows)?.threshold).toBe(0);
    expect(chooseOperatingPoint(rows, 1)?.threshold).toBe(0.5);
  });
});

describe('stratifiedFolds', () => {
  it('deals every stratum evenly over the folds', () => {
    const items = [...Array(30).keys()].map((i) => ({ stratum: i % 3 === 0 ? 'a' : 'b' }));
    const folds = stratifiedFolds(items, 5, (x) => x.stratum);
    for (let k = 0; k < 5; k++) {
      const inFold = items.filter((_, i) => folds[i] === k);
      expect(inFold.filter((x) => x.stratum === 'a')).toHaveLength(2);
      expect(inFold.filter((x) => x.stratum === 'b')).toHaveLength(4);
    }
  });
});

describe('paraphrase groups and grouped folds', () => {
  const lines = [
    { text: 'where is my order', intent: 'order.status', locale: 'en' as const },
    { text: 'Where is my order??', intent: 'order.status', locale: 'en' as const },
    { text: 'where is my order please', intent: 'order.status', locale: 'en' as const },
    { text: 'when will my parcel arrive', intent: 'order.status', locale: 'en' as const },
    { text: 'cancel my order', intent: 'order.cancel', locale: 'en' as const },
    { text: '배송 조회 해주세요', intent: 'order.status', locale: 'ko' as const },
    { text: '배송 조회 좀 해줘요', intent: 'order.status', locale: 'ko' as const },
  ];

  it('drops function words and punctuation from the compared words', () => {
    expect([...contentWords('Where is my order??')]).toEqual(['order']);
  });

  it('joins lines of one intent whose content words overlap, never across intents', () => {
    const { group, nearDuplicatePairs } = paraphraseGroups(lines);
    expect(group[0]).toBe(group[1]);
    expect(group[0]).toBe(group[2]);
    expect(group[3]).not.toBe(group[0]);
    // "cancel my order" shares "order" with the first line but is another intent.
    expect(group[4]).not.toBe(group[0]);
    expect(group[5]).toBe(group[6]);
    expect(nearDuplicatePairs.length).toBeGreaterThanOrEqual(4);
  });

  it('keeps every group in one fold and balances the folds', () => {
    const items = [...Array(40).keys()].map((i) => ({ stratum: 's', group: Math.floor(i / 4) }));
    const folds = groupedFolds(items, 5, (x) => x.stratum, (x) => x.group);
    for (let g = 0; g < 10; g++) expect(new Set(items.map((x, i) => (x.group === g ? folds[i] : -1)).filter((f) => f !== undefined && f >= 0)).size).toBe(1);
    for (let k = 0; k < 5; k++) expect(folds.filter((f) => f === k)).toHaveLength(8);
  });

  it('reports distinct words, near-duplicates and templates per intent and locale', () => {
    const rows = lexicalDiversity(lines);
    const status = rows.find((r) => r.intent === 'order.status' && r.locale === 'en');
    expect(status).toMatchObject({ lines: 4, templates: 2 });
    // order, parcel, arriv(e): the stems, without function words.
    expect(status?.distinctWords).toBe(3);
  });
});

describe('held-out files', () => {
  it('labels near-misses None and flags them', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'held.yaml');
      await writeFile(file, 'intents:\n  thanks:\n    en: ["thx a lot"]\nnear_miss:\n  ko:\n    - 비밀번호 바꾸고 싶어요\n');
      expect(await loadHeldOut(file)).toEqual([
        { text: 'thx a lot', intent: 'thanks', locale: 'en', mixed: false },
        { text: '비밀번호 바꾸고 싶어요', intent: 'None', locale: 'ko', mixed: false, nearMiss: true },
      ]);
    });
  });

  it('names the file, line and column of a wrong key', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'held.yaml');
      await writeFile(file, 'intents: {}\nnear_miss:\n  fr:\n    - bonjour\n');
      await expect(loadHeldOut(file)).rejects.toThrow(`${file}:3:3`);
    });
  });

  it('counts rejected near-misses apart from the other out-of-scope lines', () => {
    const judged = [
      { ...line('None', [['None', 0.9]]), nearMiss: true },
      { ...line('None', [['order.status', 0.9]]), nearMiss: true },
      line('None', [['None', 0.9]]),
    ];
    const m = metrics(judged);
    expect(m.nearMissRejected).toBe(0.5);
    expect(m.outOfScopeRejected).toBeCloseTo(2 / 3);
  });
});

describe('plain NLP.js baseline', () => {
  it('reads real scores from classifications, not the 1 NLP.js substitutes below its threshold', async () => {
    // "red" is equally likely for three intents: about 1/3 each, under NLP.js's 0.5 threshold.
    const pairs = [['red shoe', 'a'], ['red hat', 'b'], ['red bag', 'c'], ['blue shoe', 'a'], ['blue hat', 'b'], ['blue bag', 'c']] as const;
    const trained = await plainNlpjsSystem().train(pairs.map(([text, intent]) => ({ text, intent, locale: 'en' as const })), ['en']);
    const prediction = await trained.predict('red', 'en');
    expect(prediction.ownIntent).toBe('None');
    expect(prediction.ranked.map((r) => r.intent).sort()).toEqual(['a', 'b', 'c']);
    for (const r of prediction.ranked) expect(r.score).toBeCloseTo(1 / 3, 2);
  });
});

describe('runEvaluation', () => {
  it('cross-validates and scores the held-out lines for each system, and renders the report', async () => {
    const corpus = await loadCorpus(FIXTURE_CORPUS, FIXTURE_RULES);
    const report = await runEvaluation({
      corpus,
      heldOut: { file: 'held.yaml', lines: [{ text: '택배 언제 오나요', intent: 'order.status', locale: 'ko', mixed: false }] },
      folds: 3,
      decision: { threshold: 0.3, margin: 0 },
      systems: [{ system: daehwaSystem('daehwa'), description: 'shipped' }],
      now: () => new Date('2025-03-10T00:00:00Z'),
    });
    const [system] = report.systems;
    expect(system?.crossValidation.counts.ko).toBe(corpus.utterances.filter((u) => u.locale === 'ko' && u.intent !== 'None').length);
    expect(system?.heldOut?.counts.ko).toBe(1);
    expect(system?.groupedCrossValidation.counts.ko).toBe(system?.crossValidation.counts.ko);
    expect(report.diversity.length).toBeGreaterThan(0);
    expect(report.suggestedDecision).not.toBeNull();
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('| daehwa |');
    expect(markdown).toContain('## Threshold sweep: daehwa, cross-validation');
  });
});

describe('bench datasets', () => {
  it('names the line of a malformed row', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'data.jsonl');
      await writeFile(file, '{"text":"hi","intent":"greet","split":"train"}\n{"text":"oops"\n');
      await expect(readDataset(file)).rejects.toThrow(`${file}:2: invalid JSON`);
      await writeFile(file, '{"text":"hi","intent":"greet"}\n');
      await expect(readDataset(file)).rejects.toThrow(`${file}:1: expected {"text","intent","split"}`);
    });
  });

  it('trains on train, picks the threshold on val and scores test, timing every test line once', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'data.jsonl');
      const topics: Record<string, string[]> = {
        weather: ['is it going to rain', 'weather forecast please', 'how hot is it outside', 'will it snow today'],
        music: ['play some jazz', 'put on my playlist', 'play the next song', 'turn the music on'],
        timer: ['set a timer for ten minutes', 'start a five minute timer', 'timer for pasta please', 'cancel my timer'],
        oos: ['who won the election', 'how do I file taxes', 'what is the meaning of life', 'translate hello into french'],
      };
      const rows = Object.entries(topics).flatMap(([intent, lines]) =>
        lines.map((text, i) => JSON.stringify({ text, intent, split: i < 2 ? 'train' : i === 2 ? 'val' : 'test' })),
      );
      await writeFile(file, `${rows.join('\n')}\n`);
      const result = await benchDataset({ dataset: file, baseline: false });
      expect(result.counts).toEqual({ train: 8, val: 4, test: 4, intents: 4 });
      expect(result.operatingPoint).toMatch(/chosen on the val split/);
      expect(result.rows.map((r) => r.system)).toEqual(['daehwa']);
      expect(result.rows[0]?.latency.calls).toBe(4);
      expect(result.testSweep.length).toBeGreaterThan(0);
    });
  });
});

describe('measureLatency', () => {
  it('calls the warm-up inputs untimed first, then times each input once', async () => {
    const calls: string[] = [];
    const latency = await measureLatency(['a', 'b', 'c'], (x) => calls.push(x), ['w1', 'w2']);
    expect(calls).toEqual(['w1', 'w2', 'a', 'b', 'c']);
    expect(latency.calls).toBe(3);
    expect(latency.p99Ms).toBeGreaterThanOrEqual(latency.p50Ms);
  });
});
