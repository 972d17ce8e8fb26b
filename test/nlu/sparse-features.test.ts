// The classify path (sparse-features.ts: vocabulary rows straight from the text) against the
// training path (Featurizer.features: a Map of key strings, then LinearModel.score): the same
// probabilities to the last bit, on every held-out line, for a model that knows most of their
// features (the project corpus) and one that knows few (the fixture corpus).
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_SPEC, withConcepts } from '../../src/nlu/analysis/features.ts';
import { DEFAULT_CORPUS_DIR } from '../../src/nlu/config.ts';
import { loadCorpus, type CorpusRules } from '../../src/nlu/corpus.ts';
import { DEFAULT_HELDOUT_FILE, loadHeldOut } from '../../src/nlu/eval/heldout.ts';
import { SparseFeatureEncoder } from '../../src/nlu/model/sparse-features.ts';
import { trainPipeline, type TrainedPipeline } from '../../src/nlu/train.ts';
import { FIXTURE_CORPUS, FIXTURE_RULES } from './helpers.ts';

/** Held-out lines, as they are and with what shoppers add, plus texts at the edges of the analysis. */
async function texts(): Promise<string[]> {
  const lines = (await loadHeldOut(DEFAULT_HELDOUT_FILE)).map((line) => line.text);
  const edges = ['', '   ', '🙂🙂', '?!', 'ㅋㅋㅋㅋ', '20261101', 'M', "where's my order #A-1234 ?? it's late late late", '배송배송배송 언제 와요 배송'.repeat(40)];
  return [...lines, ...lines.map((line, i) => `${line} ${20261100001 + i}`), ...edges];
}

describe.each([
  ['the project corpus', DEFAULT_CORPUS_DIR, undefined],
  ['the fixture corpus', FIXTURE_CORPUS, FIXTURE_RULES],
] as [string, string, CorpusRules | undefined][])('sparse features of a model trained on %s', (_name, corpusDir, rules) => {
  let pipeline: TrainedPipeline;

  beforeAll(async () => {
    // With the corpus's concept lexicon, if it has one: the project's does.
    const corpus = await loadCorpus(corpusDir, rules);
    pipeline = await trainPipeline(corpus.utterances, { features: withConcepts(DEFAULT_FEATURE_SPEC, corpus.concepts) });
  });

  it('score every held-out line exactly as the feature map does', async () => {
    const { featurizer, model } = pipeline;
    const encoder = new SparseFeatureEncoder(featurizer, model.parameters.vocabulary);
    let unknownFeatures = 0;
    for (const text of await texts()) {
      const viaMap = model.score(featurizer.features(text));
      const sparse = encoder.encode(text);
      expect([...model.scoreRows(sparse)], text).toEqual([...viaMap]);
      unknownFeatures += featurizer.features(text).size - sparse.length;
    }
    // Both kinds of feature were met: known ones carry the scores, unknown ones scale their groups.
    expect(unknownFeatures).toBeGreaterThan(0);
  });

  it('lists the same rows with the same values, in the same order', () => {
    const { featurizer, model } = pipeline;
    const encoder = new SparseFeatureEncoder(featurizer, model.parameters.vocabulary);
    const row = new Map(model.parameters.vocabulary.map((feature, index) => [feature, index]));
    for (const text of ['배송 조회 부탁드려요 20261101', 'can I swap this for a size M?', 'refund 언제 들어와요?', 'reimbursement for the damaged parcel, 환급 언제', '']) {
      const expected = [...featurizer.features(text)].filter(([feature]) => row.has(feature)).map(([feature, value]) => [row.get(feature), value]);
      const { rows, values, length } = encoder.encode(text);
      expect(Array.from({ length }, (_, i) => [rows[i], values[i]]), text).toEqual(expected);
    }
  });
});
