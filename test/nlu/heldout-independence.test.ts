// The held-out set only measures generalisation if none of its lines is also a training line.
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/nlu/analysis/normalize.ts';
import { loadCorpus } from '../../src/nlu/corpus.ts';
import { DEFAULT_HELDOUT_FILE, loadHeldOut } from '../../src/nlu/eval/heldout.ts';

// Spacing is a slip, not a different sentence: "배송 조회" and "배송조회" count as one line.
const key = (text: string) => normalizeText(text).replace(/\s+/g, '');

describe('held-out set', () => {
  it('shares no line with the training corpus (ignoring case, spacing and punctuation)', async () => {
    const corpus = await loadCorpus('intents');
    const trained = new Set(corpus.utterances.map((u) => key(u.text)));
    const heldOut = await loadHeldOut(DEFAULT_HELDOUT_FILE);
    const shared = heldOut.filter((line) => trained.has(key(line.text))).map((l) => `${l.intent}: ${l.text}`);
    expect(shared).toEqual([]);
  });
});
