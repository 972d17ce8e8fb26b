// A typed score in shoppers' own words: "4", "4점이요", "4 점", "★★★★", "다섯", "오점", "만점이요",
// "10점 만점에 8점", "8/10", "I'd say 9", "nine out of ten". The buttons are the usual answer; this
// reads what shoppers type instead. The value may lie outside the scale: the caller decides.

export type ScoreReading =
  /** One number, the score (maybe outside the scale). */
  | { kind: 'score'; value: number }
  /** Several numbers that do not say which is the score ("3 아니면 4"). */
  | { kind: 'unclear' }
  /** No number at all. */
  | { kind: 'none' };

const ENGLISH: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
};
/** Korean numerals that stand alone unmistakably ("다섯이요"). */
const NATIVE: Record<string, number> = { 다섯: 5, 여섯: 6, 일곱: 7, 여덟: 8, 아홉: 9 };
/** Short numerals, read only before 점 ("사점", "오 점", "열점"): alone, 이 and 네 are other words. */
const BEFORE_JEOM: Record<string, number> = {
  빵: 0, 영: 0, 일: 1, 하나: 1, 한: 1, 이: 2, 둘: 2, 두: 2, 삼: 3, 셋: 3, 세: 3, 사: 4, 넷: 4, 네: 4, 오: 5,
  다섯: 5, 육: 6, 여섯: 6, 칠: 7, 일곱: 7, 팔: 8, 여덟: 8, 구: 9, 아홉: 9, 십: 10, 열: 10,
};

/** Reads the score a reply gives on a scale up to `max` (5 for CSAT, 10 for NPS). */
export function readScore(text: string, max: number): ScoreReading {
  const lower = text.normalize('NFC').toLowerCase();
  // Number words in a short reply ("a nine", "eight out of ten"); in a sentence "one" is rarely a score.
  const short = lower.split(/\s+/).filter(Boolean).length <= 3 || /\bout of\b/.test(lower);
  const t = short ? lower.replace(/\b(zero|one|two|three|four|five|six|seven|eight|nine|ten)\b/g, (word) => String(ENGLISH[word])) : lower;
  const stars = (t.match(/[★⭐]/gu) ?? []).length;
  if (stars > 0) return { kind: 'score', value: stars };
  if (/만점(?!\s*에|\s*중)/u.test(t) && !/\d/.test(t)) return { kind: 'score', value: max };

  // "10점 만점에 8점", "8 out of 10", "8/10": the other number is the score.
  const outOf = /(\d+)\s*점?\s*(?:만점에|만점 중|중에)\s*(\d+)|(\d+)\s*(?:\/|out of|of)\s*(\d+)/u.exec(t);
  if (outOf) {
    const [scale, score] = outOf[1] !== undefined ? [Number(outOf[1]), Number(outOf[2])] : [Number(outOf[4]), Number(outOf[3])];
    if (scale === max) return { kind: 'score', value: score };
  }

  const numbers: number[] = [...t.matchAll(/-?\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
  for (const m of t.matchAll(/(빵|영|일|하나|한|이|둘|두|삼|셋|세|사|넷|네|오|다섯|육|여섯|칠|일곱|팔|여덟|구|아홉|십|열)\s*점/gu)) {
    // "만점" is full marks, "시점"/"장점" are no scores: only a numeral standing on its own before 점.
    const before = t[(m.index ?? 0) - 1];
    if (before !== undefined && /[가-힣]/u.test(before)) continue;
    numbers.push(BEFORE_JEOM[m[1] as string] as number);
  }
  if (numbers.length === 0) {
    for (const [word, value] of Object.entries(NATIVE)) if (t.includes(word)) numbers.push(value);
  }
  const distinct = [...new Set(numbers)];
  if (distinct.length === 0) return { kind: 'none' };
  if (distinct.length > 1) return { kind: 'unclear' };
  const value = distinct[0] as number;
  // 4.5: between two buttons, as unclear as "4 or 5".
  return Number.isInteger(value) ? { kind: 'score', value } : { kind: 'unclear' };
}
