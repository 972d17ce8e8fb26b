// Its own file: nothing else here analyses Korean before the analyser is loaded.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadKoreanAnalyzer } from '../../src/nlu/analysis/korean-analyzers.ts';

describe('the NLP.js lang-ko analyser', () => {
  it('builds its dictionary while loading, not on the first Korean text', async () => {
    const langKo = createRequire(import.meta.url)('@nlpjs/lang-ko/src/korean-dictionary.js') as { dictionary: Record<string, unknown> };
    expect(Object.keys(langKo.dictionary)).toHaveLength(0);
    const analyse = await loadKoreanAnalyzer('daehwa+nlpjs');
    expect(Object.keys(langKo.dictionary).length).toBeGreaterThan(10_000);
    expect(analyse('교환해주세요')).toContain('교환');
  });
});
