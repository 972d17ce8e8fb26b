// The held-out set only measures generalisation if none of its lines is also a training line.
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/nlu/analysis/normalize.ts';
import { loadCorpus } from '../../src/nlu/corpus.ts';
import { DEFAULT_HELDOUT_FILE, DEFAULT_REGISTER_DIR, loadHeldOut, loadHeldOutDir } from '../../src/nlu/eval/heldout.ts';

// Spacing is a slip, not a different sentence: "배송 조회" and "배송조회" count as one line.
const key = (text: string) => normalizeText(text).replace(/\s+/g, '');

describe.each([
  ['held-out file', () => loadHeldOut(DEFAULT_HELDOUT_FILE)],
  ['register held-out folder', async () => (await loadHeldOutDir(DEFAULT_REGISTER_DIR)).lines],
])('the %s', (_name, load) => {
  it('shares no line with the training corpus (ignoring case, spacing and punctuation)', async () => {
    const corpus = await loadCorpus('intents');
    const trained = new Set(corpus.utterances.map((u) => key(u.text)));
    const heldOut = await load();
    expect(heldOut.length).toBeGreaterThan(500);
    const shared = heldOut.filter((line) => trained.has(key(line.text))).map((l) => `${l.intent}: ${l.text}`);
    expect(shared).toEqual([]);
  });
});
