// VOC themes: the shipped file loads; a bad file is refused with file:line:column; matching
// by intents, by keywords of the line's language, or by both.
import { describe, expect, it } from 'vitest';
import { loadVocThemes, parseVocThemes, VocMatcher } from '../../src/analytics/voc.ts';

describe('VOC themes', () => {
  it('loads the shipped themes', async () => {
    expect((await loadVocThemes()).map((t) => t.id)).toEqual(['delivery_delay', 'size', 'defect', 'refund_delay', 'rudeness']);
  });

  it('names each problem by file:line:column', () => {
    const text = 'themes:\n  - id: late\n    label: { ko: 지연, en: Late }\n  - id: Bad-Id\n    label: { ko: x, en: y }\n    intents: [order.status]\n  - id: late\n    label: { ko: a, en: b }\n    keywords: { ko: [늦] }\n  - id: empty\n    label: { ko: a, en: b }\n';
    const parsed = parseVocThemes('voc/themes.yaml', text);
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
    expect(problems.some((p) => p.startsWith('voc/themes.yaml:2:5:') && p.includes('intents, keywords or both'))).toBe(true);
    expect(problems.some((p) => p.startsWith('voc/themes.yaml:4:9:') && p.includes('lower-case'))).toBe(true);
    const syntax = parseVocThemes('voc/themes.yaml', 'themes:\n  - id: [oops\n');
    expect(syntax.ok ? [] : syntax.problems.map((p) => p.message)).toEqual([expect.stringContaining('YAML syntax')]);
  });

  it('matches by intent, by keyword of the line language, or by both', () => {
    const matcher = new VocMatcher([
      { id: 'delay', label: { ko: '지연', en: 'Delay' }, intents: ['order.status'], keywords: { ko: ['아직'], en: ['still'] } },
      { id: 'defect', label: { ko: '불량', en: 'Defect' }, intents: ['product.defect'], keywords: { ko: [], en: [] } },
      { id: 'rude', label: { ko: '불친절', en: 'Rude' }, intents: [], keywords: { ko: ['불친절'], en: ['rude'] } },
    ]);
    expect(matcher.themesOf({ intent: 'order.status', text: '주문이 아직 안 와요', locale: 'ko' })).toEqual(['delay']);
    expect(matcher.themesOf({ intent: 'order.status', text: '주문 조회요', locale: 'ko' })).toEqual([]);
    expect(matcher.themesOf({ intent: 'refund.status', text: 'still waiting', locale: 'en' })).toEqual([]);
    expect(matcher.themesOf({ intent: 'product.defect', text: undefined, locale: 'en' })).toEqual(['defect']);
    expect(matcher.themesOf({ intent: 'None', text: 'The agent was RUDE', locale: 'en' })).toEqual(['rude']);
    expect(matcher.themesOf({ intent: 'None', text: 'rude', locale: 'ko' })).toEqual([]);
  });
});
