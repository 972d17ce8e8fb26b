import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_SPEC, daehwaKoreanAnalyzer, Featurizer } from '../../src/nlu/analysis/features.ts';
import { analyzeKoreanRun, stemKoreanWord } from '../../src/nlu/analysis/korean.ts';
import { normalizeText } from '../../src/nlu/analysis/normalize.ts';
import { detectLocale } from '../../src/nlu/locale.ts';

describe('detectLocale', () => {
  it('chooses Korean whenever Hangul is present, even among English words', () => {
    expect(detectLocale('refund 언제 돼요?')).toBe('ko');
    expect(detectLocale('size M으로 교환해주세요')).toBe('ko');
    expect(detectLocale('ㅋㅋ ok')).toBe('ko');
  });
  it('chooses English otherwise, including empty and emoji-only text', () => {
    expect(detectLocale("where's my package")).toBe('en');
    expect(detectLocale('')).toBe('en');
    expect(detectLocale('😀👍')).toBe('en');
  });
});

describe('normalizeText', () => {
  it('folds case, full-width letters, punctuation and long repeats', () => {
    expect(normalizeText('  ＨＥＬＬＯ!!!  환불ㅠㅠㅠㅠ  ')).toBe('hello 환불ㅠㅠ');
  });
});

describe('Korean analysis', () => {
  it('strips particles by the sound they follow', () => {
    expect(stemKoreanWord('사이즈가')).toBe('사이즈');
    expect(stemKoreanWord('옷이')).toBe('옷');
    expect(stemKoreanWord('환불은')).toBe('환불');
    // 이 after a vowel is part of the word, not a particle.
    expect(stemKoreanWord('사이')).toBe('사이');
  });
  it('reduces politeness levels of one request to one stem', () => {
    const forms = ['교환해줘', '교환해주세요', '교환해주십시오', '교환할게요', '교환하고싶어요'];
    expect(new Set(forms.map(stemKoreanWord))).toEqual(new Set(['교환']));
  });
  it('keeps short nouns whole', () => {
    expect(stemKoreanWord('바지')).toBe('바지');
    expect(stemKoreanWord('신고')).toBe('신고');
  });
  it('splits glued negation and spells out jamo abbreviations', () => {
    expect(analyzeKoreanRun('안왔는데요')).toEqual(['안', '왔', '~는데요']);
    expect(analyzeKoreanRun('안녕하세요')).toEqual(['안녕', '~하세요']);
    expect(analyzeKoreanRun('교환ㄱㄴ')).toEqual(['교환', '가능']);
  });
});

describe('Featurizer', () => {
  const featurizer = new Featurizer(DEFAULT_FEATURE_SPEC, daehwaKoreanAnalyzer);

  it('gives spaced and unspaced Korean the same character n-grams', () => {
    const chars = (text: string) => [...featurizer.features(text).keys()].filter((k) => k.startsWith('k:')).sort();
    expect(chars('배송조회 해주세요')).toEqual(chars('배송 조회 해 주세요'));
  });
  it('analyses each script of a mixed line with its own analyser', () => {
    expect(featurizer.words('size M으로 교환해주세요').words).toEqual(['size', 'm', '교환', '~해주세요']);
    expect(featurizer.words("Where's my package?").words).toEqual(['where', 'is', 'my', 'packag']);
  });
  it('reads Latin phrases from character n-grams across the space between words, and the text edges', () => {
    const crossWord = [...featurizer.features('my package').keys()].filter((k) => k.startsWith('x:'));
    expect(crossWord).toEqual(expect.arrayContaining(['x:y p', 'x:my pa', 'x: my', 'x:age ']));
    expect(crossWord.every((k) => k.slice(2).includes(' '))).toBe(true);
    // Hangul has its own n-grams over the text without spaces: no cross-word group for it.
    expect([...featurizer.features('배송 조회').keys()].some((k) => k.startsWith('x:'))).toBe(false);
  });
  it('scales each feature group to unit length', () => {
    const vector = featurizer.features('환불 언제 돼요');
    const words = [...vector].filter(([k]) => k.startsWith('w:'));
    expect(words.reduce((s, [, v]) => s + v * v, 0)).toBeCloseTo(1, 6);
    const crossWord = [...featurizer.features('where is my package').entries()].filter(([k]) => k.startsWith('x:'));
    expect(crossWord.reduce((s, [, v]) => s + v * v, 0)).toBeCloseTo(1, 6);
  });
});
