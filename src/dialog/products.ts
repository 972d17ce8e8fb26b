// Which product a shopper means ("린넨 셔츠 사이즈 추천해 주세요"): catalogue searches over the
// words of the sentence, the product most words point to wins. No product or a tie means: ask.

import type { CommercePort } from '../commerce/types.ts';

const MAX_WORDS = 8;
// Particles and endings that glue onto Korean nouns in a question ("셔츠는", "청바지요").
const KOREAN_ENDINGS = /(?:이에요|에서|으로|이요|은|는|이|가|을|를|로|의|에|도|만|요)$/u;

export async function resolveProduct(commerce: CommercePort, text: string): Promise<string | null> {
  try {
    const whole = await commerce.findProducts(text.trim());
    if (whole.ok && whole.value.length === 1) return whole.value[0]?.id ?? null;
    const votes = new Map<string, number>();
    for (const word of searchWords(text)) {
      const found = await commerce.findProducts(word);
      if (!found.ok) continue;
      for (const p of found.value) votes.set(p.id, (votes.get(p.id) ?? 0) + word.length);
    }
    const ranked = [...votes].sort((a, b) => b[1] - a[1]);
    const [best, second] = ranked;
    return best && (!second || best[1] > second[1]) ? best[0] : null;
  } catch {
    return null; // the question is asked again; an outage shows up at the lookup that follows
  }
}

export function searchWords(text: string): string[] {
  const words = text
    .split(/[\s\p{P}\p{S}]+/u)
    .map((w) => w.replace(KOREAN_ENDINGS, ''))
    .filter((w) => w.length >= 2 && !/^\d+$/.test(w));
  return [...new Set(words)].slice(0, MAX_WORDS);
}
