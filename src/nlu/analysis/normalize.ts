// Text clean-up shared by every analyser: the same input always yields the same tokens,
// whatever width, case or emphasis the shopper typed.

const FULL_WIDTH_ASCII = /[\uFF01-\uFF5E]/gu;
// Letters and digits of any script, Hangul jamo (ㅠㅠ, ㄱㄴ) and the apostrophe (where's, 5'9").
const NOT_WORD = /[^\p{L}\p{N}'\u3131-\u318E]+/gu;
// "ㅠㅠㅠㅠ", "soooo" carry no more meaning than two of them. Letters only: "11111111" is an
// eight-digit number, not a two-digit one.
const LONG_REPEAT = /(\p{L})\1{2,}/gu;

export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(FULL_WIDTH_ASCII, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toLowerCase()
    .replace(NOT_WORD, ' ')
    .replace(LONG_REPEAT, '$1$1')
    .replace(/'+/g, "'")
    .trim()
    .replace(/\s+/g, ' ');
}

export type Script = 'hangul' | 'latin' | 'digit' | 'other';

const SCRIPT_RUN = /([\uAC00-\uD7A3\u3131-\u318E]+)|([a-z']+)|(\d+)|([^\s\uAC00-\uD7A3\u3131-\u318Ea-z'\d]+)/gu;

export interface ScriptRun {
  text: string;
  script: Script;
}

/** Splits one whitespace token at script changes: "m으로" -> m, 으로; "170에" -> 170, 에. */
export function splitScripts(token: string): ScriptRun[] {
  const runs: ScriptRun[] = [];
  for (const m of token.matchAll(SCRIPT_RUN)) {
    const script: Script = m[1] ? 'hangul' : m[2] ? 'latin' : m[3] ? 'digit' : 'other';
    const text = m[0].replace(/^'+|'+$/g, '');
    if (text) runs.push({ text, script });
  }
  return runs;
}
