import { describe, expect, it } from 'vitest';
import { oneSyllableOff, searchProducts } from '../../src/commerce/matching.ts';
import { loadSeed } from '../../src/commerce/seed.ts';

const products = (await loadSeed('data/shop/seed')).products;
const ids = (query: string) => searchProducts(products, query).map((p) => p.id);

describe('catalogue search as shoppers type', () => {
  it('finds a product named with a one-syllable typo', () => {
    expect(ids('트랜치 재고 있나요')[0]).toBe('p303');
    expect(ids('스니거즈')).toContain('p501');
  });

  it('never reads a word the catalogue has as a typo of another', () => {
    // 반팔티 is the short-sleeve tee's keyword; 긴팔티 (the long-sleeve one's) is one syllable off but not meant.
    expect(ids('반팔티')).toEqual(['p101']);
    expect(ids('긴팔티')).toEqual(['p102']);
  });

  it('leaves short words and Latin words to exact matching', () => {
    expect(oneSyllableOff('코투', '코트')).toBe(false);
    expect(oneSyllableOff('coad', 'coat')).toBe(false);
    expect(oneSyllableOff('트랜치', '트렌치코트')).toBe(true);
  });
});
