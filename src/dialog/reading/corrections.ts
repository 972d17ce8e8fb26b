// Corrections inside one reply: "S 아니고... 아니 M이요", "검정 말고 네이비", "not black, navy",
// "M에서 L로", "wait, make that a large". A value the reply takes back is dropped; of the values
// left, the runtime takes the last one stated (answers.ts, runner.ts).

import type { Entity } from '../../nlu/types.ts';

/** Size and colour values: "M에서 L로" and "from M to L" name the current option before the wanted one. */
const OPTION_TYPES: ReadonlySet<string> = new Set(['size', 'shoe_size', 'color', 'waist']);

// Right after a value (a particle may come between): "S 아니고", "검정 말고", "M이 아니라", "블랙 대신".
const TAKEN_BACK_AFTER = /^\s*(?:은|는|이|가|을|를|도)?\s*(?:아니고|아니구|아니라|아니요|아니|아님|말고|말구|대신)(?![가-힣])/u;
const FROM_AFTER = /^\s*(?:에서|보다)(?![가-힣])/u;
// Right before a value: "not black", "instead of the M", "rather than large".
const TAKEN_BACK_BEFORE = /(?:\bnot|\bno|\binstead of|\brather than|\bother than|\bbut not)\s+(?:the\s+|a\s+|an\s+|in\s+)?$/iu;
const FROM_BEFORE = /\bfrom\s+(?:the\s+|a\s+|an\s+|size\s+)?$/iu;

/** The entities the reply does not take back ("블랙 말고 다른 색" names no colour), in the order written. */
export function withoutTakenBack(text: string, entities: readonly Entity[]): Entity[] {
  return entities.filter((e) => {
    const after = text.slice(e.end, e.end + 12);
    const before = text.slice(Math.max(0, e.start - 20), e.start);
    if (TAKEN_BACK_AFTER.test(after) || TAKEN_BACK_BEFORE.test(before)) return false;
    return !(OPTION_TYPES.has(e.type) && (FROM_AFTER.test(after) || FROM_BEFORE.test(before)));
  });
}

/** The value of the type the reply means: the last one it states and does not take back. */
export function lastStated(entities: readonly Entity[], type: string): Entity | undefined {
  return entities.filter((e) => e.type === type).pop();
}
