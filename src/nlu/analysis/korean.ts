// Korean word analysis: strips particles (조사) and endings (어미) from each word so that
// "사이즈가", "사이즈는" and "사이즈" share one feature, and verb forms across politeness levels
// ("교환해줘", "교환해주세요", "교환해 주십시오") reduce to their noun or stem.
// Rule-based on purpose: NLP.js's lang-ko stemmer maps these onto unrelated dictionary roots,
// and the eval (reports/nlu-eval.md) compares this analysis with garu-ko's morphemes.

const SYLLABLE_BASE = 0xac00;
const SYLLABLE_LAST = 0xd7a3;

/** Final consonant (받침) index of a Hangul syllable: 0 = none, 8 = ㄹ; -1 when not a syllable. */
function finalConsonant(syllable: string): number {
  const code = syllable.charCodeAt(0);
  if (code < SYLLABLE_BASE || code > SYLLABLE_LAST) return -1;
  return (code - SYLLABLE_BASE) % 28;
}

const FINAL_RIEUL = 8;

/** Particles whose form depends on whether the word ends in a consonant. */
const AFTER_CONSONANT = ['이', '을', '은', '과', '으로', '이랑', '이나', '이에요', '이요', '이야'];
const AFTER_VOWEL = ['가', '를', '는', '와', '로', '랑', '나', '예요', '요', '야'];

/** Multi-syllable endings and particles: longest first, stripped when one syllable remains. */
const LONG_SUFFIXES = [
  // wanting, asking, offering
  '하고싶은데요', '하고싶은데', '하고싶어요', '하고싶어', '하고싶다', '고싶은데요', '고싶은데', '고싶어요', '고싶어', '고싶다', '싶어요', '싶은데요', '싶은데',
  '해주시겠어요', '해주실수있나요', '해주실래요', '해주시나요', '해주세요', '해주십시오', '해주셨으면', '해줄래요', '해줄수있어요', '해줄래', '해줘요', '해줘', '해주라', '해줘라',
  '주시겠어요', '주실래요', '주세요', '주십시오', '줄래요', '줄래', '줘요',
  '할수있나요', '할수있어요', '할수있을까요', '할수있어', '할수없나요', '할수있는지', '수있나요', '수있어요', '수있을까요', '수있는지', '수없나요', '수없어요',
  '해도되나요', '해도돼요', '해도될까요', '해도되요', '해야하나요', '해야돼요', '해야되나요',
  '할게요', '할께요', '할게', '할께', '할래요', '할래', '하려고요', '하려는데요', '하려는데', '하려고', '하려면', '하면요', '하는데요', '하는데', '하는지', '하나요', '한가요', '할까요', '할까',
  '했는데요', '했는데', '했어요', '했어', '했습니다', '했나요', '했고', '합니다', '합니까', '하세요', '하셨나요', '해요', '해서', '하고', '하게', '하면', '하기', '해야',
  '됐는데요', '됐는데', '됐어요', '됐나요', '됐어', '됩니다', '됩니까', '되나요', '되요', '돼요', '될까요', '되는지', '되는데', '되었나요', '되었어요', '되면', '되고', '되서', '돼서', '되죠',
  '인데요', '인데', '입니다', '입니까', '이나요', '인가요', '일까요', '인지', '이라', '이라서', '이라고',
  '는데요', '는데', '은데요', '은데', '던데요', '던데', '을까요', '을까', '습니다', '습니까', '어요', '아요', '여요', '었어요', '았어요', '였어요', '었는데', '았는데', '었어', '았어',
  '세요', '시나요', '셨나요', '셨어요', '나요', '가요', '까요', '네요', '군요', '지요', '잖아요', '거든요', '더라고요', '라고요', '냐고요', '다고요', '던가요', '든지', '라도', '이라도',
  // particles
  '에서는', '에서도', '에서', '에게', '한테', '한테서', '까지', '부터', '처럼', '보다', '마다', '께서', '에는', '에도', '으로는', '로는', '이랑은', '만요', '도요', '은요', '는요',
];

/** The particles that depend on the last sound, longest first, so "으로" is tried before "로". */
const SOUND_PARTICLES = [...AFTER_CONSONANT, ...AFTER_VOWEL].sort((a, b) => b.length - a.length);

/** Single-syllable endings and particles: stripped only when two syllables remain. */
const SHORT_SUFFIXES = ['요', '도', '만', '에', '의', '다', '어', '아', '고', '죠', '냐', '니', '지', '게', '서'];

/** Chat abbreviations written in bare jamo, spelled out so they meet the words they stand for. */
const JAMO_ABBREVIATIONS: Record<string, string> = {
  ㄱㄴ: '가능',
  ㄱㄱ: '고고',
  ㅇㅇ: '응',
  ㄴㄴ: '아니',
  ㄱㅅ: '감사',
  ㄳ: '감사',
  ㅈㅅ: '죄송',
  ㅂㅂ: '바이',
  ㅂㅇ: '바이',
  ㅎㅇ: '하이',
  ㅇㅋ: '오케이',
  ㅊㅋ: '축하',
};

/** Negation written together with the verb ("안왔어요", "못받았어요") is split off as its own word. */
const NEGATION_PREFIXES = ['안', '못'];
const NOT_NEGATION = ['안녕', '안내', '안전', '안쪽', '안감', '안경', '안방', '못생'];

function syllables(word: string): number {
  return [...word].length;
}

function conditionMet(stem: string, suffix: string): boolean {
  const last = finalConsonant(stem.slice(-1));
  if (last < 0) return false;
  if (AFTER_CONSONANT.includes(suffix)) return last !== 0 && !(suffix === '으로' && last === FINAL_RIEUL);
  if (AFTER_VOWEL.includes(suffix)) return last === 0 || (suffix === '로' && last === FINAL_RIEUL);
  return true;
}

function stripOnce(word: string): string | undefined {
  for (const suffix of LONG_SUFFIXES) {
    if (word.length > suffix.length && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  for (const suffix of SOUND_PARTICLES) {
    if (word.length > suffix.length && word.endsWith(suffix)) {
      const stem = word.slice(0, -suffix.length);
      if (conditionMet(stem, suffix)) return stem;
    }
  }
  for (const suffix of SHORT_SUFFIXES) {
    if (syllables(word) >= 3 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return undefined;
}

/** Splits one Hangul word into its content stem and the endings stripped from it, outermost last. */
export function splitKoreanWord(word: string): { stem: string; endings: string[] } {
  let current = word;
  const endings: string[] = [];
  for (let pass = 0; pass < 3; pass++) {
    const next = stripOnce(current);
    if (next === undefined) break;
    endings.unshift(current.slice(next.length));
    current = next;
  }
  return { stem: current, endings };
}

/** Reduces one Hangul word to its content stem; strips repeatedly ("교환해주세요" -> "교환"). */
export function stemKoreanWord(word: string): string {
  return splitKoreanWord(word).stem;
}

/** Analyses one run of Hangul: returns its content words (maybe several: "안왔는데요" -> 안, 왔). */
export function analyzeKoreanRun(run: string): string[] {
  if (/^[\u3131-\u318E]+$/u.test(run)) return [JAMO_ABBREVIATIONS[run] ?? run];
  const words: string[] = [];
  let rest = run;
  // Jamo tails ("교환ㄱㄴ", "감사ㅎㅎ") are chat noise or abbreviations, not part of the word.
  const tail = /[\u3131-\u318E]+$/u.exec(rest);
  if (tail) rest = rest.slice(0, tail.index);
  const negation = NEGATION_PREFIXES.find(
    (p) => rest.startsWith(p) && syllables(rest) >= 3 && !NOT_NEGATION.some((n) => rest.startsWith(n)),
  );
  if (negation) {
    words.push(negation);
    rest = rest.slice(negation.length);
  }
  if (rest) {
    // Endings say what the shopper does with the stem (asks 나요, requests 주세요, wants 싶어요):
    // kept as words of their own, marked so they never meet a noun.
    const { stem, endings } = splitKoreanWord(rest);
    words.push(stem, ...endings.map((e) => `~${e}`));
  }
  if (tail) words.push(JAMO_ABBREVIATIONS[tail[0]] ?? tail[0]);
  return words;
}

/** True when the whole run is only a particle or ending (as after "M" in "M으로"). */
export function isFunctionWord(run: string): boolean {
  return LONG_SUFFIXES.includes(run) || AFTER_CONSONANT.includes(run) || AFTER_VOWEL.includes(run) || SHORT_SUFFIXES.includes(run);
}
