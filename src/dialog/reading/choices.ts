// A typed answer to a question with choices: a choice's label, value or synonym ("사이즈요",
// "색깔 바꿀래요"), or the catalogue product a choice stands for, named in the shopper's words
// ("그 바지", "the jeans").

import { showsColor } from '../../commerce/matching.ts';
import type { CommercePort } from '../../commerce/types.ts';
import { extractColours } from '../../nlu/entities/color.ts';
import { productAmong } from '../products.ts';
import type { Choice } from '../state.ts';
import { normalize } from '../understanding.ts';

/**
 * The choice the text names: its label, value or a synonym as the whole text (`exact`), or the only
 * choice one of whose words the text contains (`contained`).
 */
export function matchChoice(choices: readonly Choice[], text: string, how: 'exact' | 'contained'): Choice | undefined {
  const reply = normalize(text);
  if (!reply) return undefined;
  const words = choices.map((c) => [c.label, c.value, ...(c.synonyms ?? [])].map(normalize).filter((w) => w.length > 0));
  const exact = choices.find((_, i) => words[i]!.includes(reply));
  if (exact || how === 'exact') return exact;
  const contained = choices.filter((_, i) => words[i]!.some((w) => reply.includes(w)));
  return contained.length === 1 ? contained[0] : undefined;
}

/**
 * The only choice whose product the text names; of two lines of one product, the one whose colour
 * it names. `answer`: the text answers "which item?", so a colour alone ("검정색이요") may pick one.
 */
export async function productChoice(commerce: CommercePort, choices: readonly Choice[], text: string, answer: boolean): Promise<Choice | undefined> {
  const ids = [...new Set(choices.flatMap((c) => (c.product ? [c.product] : [])))];
  if (ids.length === 0) return undefined;
  const id = await productAmong(commerce, text, ids);
  if (id === undefined && !answer) return undefined;
  const named = choices.filter((c) => c.product !== undefined && (id === undefined || c.product === id));
  if (id !== undefined && named.length <= 1) return named[0];
  // Two lines of one product ("흰색 티셔츠" of a white and a black one): the colour named tells them apart.
  const colors = extractColours(text);
  const shown = named.filter((c) => colors.some((e) => showsColor(c.label, String(e.value))));
  return shown.length === 1 ? shown[0] : undefined;
}

/** The choice a text names, by its words first, then by its product (`answer`: the text replies to the question). */
export async function namedChoice(commerce: CommercePort, choices: readonly Choice[], text: string, answer: boolean): Promise<Choice | undefined> {
  return matchChoice(choices, text, 'contained') ?? (await productChoice(commerce, choices, text, answer));
}
