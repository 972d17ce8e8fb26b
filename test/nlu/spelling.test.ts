// Unknown English words read as the model's word one typo away.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_SPEC, daehwaKoreanAnalyzer, Featurizer } from '../../src/nlu/analysis/features.ts';
import { knownLatinStems, SpellingCorrector } from '../../src/nlu/analysis/spelling.ts';

describe('spelling correction', () => {
  const corrector = new SpellingCorrector(['receiv', 'address', 'cancel', 'packag', 'refund', 'size']);

  it('finds the known word one swap, extra, missing or wrong letter away', () => {
    expect(corrector.correct('reciev')).toBe('receiv');
    expect(corrector.correct('adress')).toBe('address');
    expect(corrector.correct('cancl')).toBe('cancel');
    expect(corrector.correct('pakag')).toBe('packag');
    expect(corrector.correct('refumd')).toBe('refund');
  });

  it('leaves known, short, distant and non-letter words alone', () => {
    expect(corrector.correct('refund')).toBe('refund');
    expect(corrector.correct('siz')).toBe('siz'); // under 4 letters: too many real words one edit apart
    expect(corrector.correct('weather')).toBe('weather');
    expect(corrector.correct("it's")).toBe("it's");
  });

  it('takes its known words from a model vocabulary, and only the featurizer made for a model corrects', () => {
    expect(knownLatinStems(['w:refund', 'w:환불', 'b:my|refund', 'k:환불', 'w:#8', 'w:address'])).toEqual(['refund', 'address']);
    const plain = new Featurizer(DEFAULT_FEATURE_SPEC, daehwaKoreanAnalyzer);
    const forModel = plain.correctingTo(['w:my', 'w:address']);
    expect(plain.words('my adress').words).toEqual(['my', 'adress']);
    expect(forModel.words('my adress').words).toEqual(['my', 'address']);
  });
});
