// Yes or no in shoppers' own words, for every confirmation the engine asks ("취소할까요?"):
// "ㅇㅇ 해주세요", "그렇게 해 주세요", "sure go ahead" are a yes; "아 그냥 놔둘게요", "ㄴㄴ", "nope",
// "no wait, don't cancel it" a no. Both languages are read in every conversation (shoppers mix them).
//
// How a reply is read:
// 1. The designer's phrases (flows/messages.yaml `commands.yes` / `commands.no`) as the whole reply.
// 2. The reply is cut into clauses at punctuation and at words that take back what came before
//    ("..", "아 아니다", "잠깐만요", "actually", "wait"). The last clause that says yes or no decides:
//    "네.. 아 아니다 취소하지 마세요" is a no, "아니 그냥 해 주세요" a yes.
// 3. Inside a clause a refusal beats a yes word: "yes, don't" is a no.
// A request such as "해 주세요" is a yes only with nothing else in its clause: "배송 조회 해주세요"
// asks for something else and is left to the NLU.

import type { Phrases } from '../schema.ts';
import { isPhrase } from '../understanding.ts';

/** Words that say no wherever they stand in a clause. */
const REFUSALS: readonly RegExp[] = [
  // Korean: "하지 마세요", "안 할래요", "안해도 돼요", "않을게요", "놔둘게요", "그대로 둘게요", "보류", "다음에 할게요".
  /하지\s*마|하지\s*말|말아\s*주|(?:^|[\s,.])안\s*(?:할|해|하|함|합|돼|될|됨|원|필요)|않|놔\s*둘|놔\s*두|냅\s*둘|냅\s*두|내비\s*둘|그대로\s*(?:둘|두|할|갈)|그냥\s*둘|그냥\s*두|보류|다음에|나중에|생각해\s*볼|생각\s*좀|필요\s*없|아니(?:요|오|에요|야|다|고|거든)?(?=$|[\s,.!?~])|^아뇨|^ㄴ+$|(?:^|\s)ㄴㄴ|^노(?=$|[\s,.!])|^놉|됐어|됐습니다|취소\s*안/u,
  // English: "no", "nope", "don't", "not yet", "keep it", "leave it", "hold off", "changed my mind".
  /\b(?:no|nope|nah|nay|nvm)\b|\bdon'?t\b|\bdo not\b|\bnot\b|\bnever\b|\bkeep (?:it|them|the order|my order)\b|\bi'?ll keep\b|\bleave it\b|\bhold off\b|\bhold on\b|\bchanged? my mind\b|\brather not\b|\bstop\b/i,
];

/** Words that say yes at the start of a clause ("네", "ㅇㅇ", "yes please"). */
const AGREEMENT_START: readonly RegExp[] = [
  /^(?:네+|넵+|넹+|녜|예+|옙|응+|웅+|엉|ㅇㅇ+|ㅇㅋ+|ㅇ+|오케이|오키|콜|ㄱㄱ|고고|그래|그럼요|그렇죠|당연하죠|당연|좋아|좋습니다|좋네요|맞아|맞습니다|맞네요|물론이죠|물론)(?:요)?(?=$|[\s\p{P}])/u,
  /^(?:yes|yeah|yea|ya|yep|yup|sure|ok|okay|k|kk|alright|all right|fine|correct|right|absolutely|definitely|of course|please do|go ahead|do it|sounds good|confirm|proceed|that'?s right|that works|perfect|great|no problem|no worries|why not)\b/i,
];

/** A request to go ahead: a yes when nothing else is asked for in its clause ("그렇게 해 주세요"). */
const GO_AHEAD = /해\s*주세요|해\s*주셈|해\s*줘요|해\s*줘|해\s*주실래요|해\s*주시겠어요|해\s*주십시오|부탁\s*(?:드려요|드립니다|드릴게요|해요|합니다|해)|해요|할게요|할께요|할래요|합니다|하세요|하죠|please|go for it/giu;
/** Words that ask for nothing of their own next to such a request ("그냥", "진행", "신청"). */
const FILLER = /^(?:아|어|음+|흠+|그냥|그렇게|그걸로|그대로|그럼|바로|빨리|얼른|좀|진행|신청|접수|제발|please|pls|plz|just|then|ok|so|um+|uh+|hmm+)$/iu;

const PUNCTUATION = /[.!?~…,;\n]+/u;
/** Words that take back what came before: "아 아니다", "잠깐만요", "actually", "wait". */
const TAKING_BACK = /(?:^|\s+)(아니다|아냐|아니|아|잠깐만요|잠깐만|잠깐|잠시만요|근데|그런데|actually|wait|but|hmm+|on second thought)(?=\s|$)/iu;

/** Yes (true), no (false), or null when the reply says neither. */
export function readYesNo(text: string, phrases: { yes: Phrases; no: Phrases }): boolean | null {
  if (isPhrase(text, phrases.no)) return false;
  if (isPhrase(text, phrases.yes)) return true;
  const clauses = text
    .toLowerCase()
    .split(PUNCTUATION)
    .flatMap((piece) => piece.split(TAKING_BACK))
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  for (let i = clauses.length - 1; i >= 0; i -= 1) {
    const verdict = readClause(clauses[i] ?? '', phrases);
    if (verdict !== null) return verdict;
  }
  return null;
}

function readClause(clause: string, phrases: { yes: Phrases; no: Phrases }): boolean | null {
  if (/^(?:no problem|no worries|why not)\b/.test(clause)) return true;
  if (REFUSALS.some((r) => r.test(clause)) || isPhrase(clause, phrases.no)) return false;
  if (isPhrase(clause, phrases.yes) || AGREEMENT_START.some((r) => r.test(clause))) return true;
  if (startsWithPhrase(clause, phrases.yes)) return true;
  const rest = clause.replace(GO_AHEAD, ' ').trim();
  if (rest !== clause.trim() && rest.split(/\s+/).every((w) => w === '' || FILLER.test(w))) return true;
  return null;
}

/** The clause starts with one of the phrases followed by a word break ("네 취소해 주세요"). */
function startsWithPhrase(clause: string, phrases: Phrases): boolean {
  return [...phrases.ko, ...phrases.en].some((p) => {
    const phrase = p.toLowerCase();
    return clause.startsWith(phrase) && /^[\s\p{P}]/u.test(clause.slice(phrase.length));
  });
}
