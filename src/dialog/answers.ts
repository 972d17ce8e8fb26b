// Reading a reply as the answer to the question the flow waits on: a tap, a yes/no, a choice, an
// entity, a product, bare numbers; and values the reply gives for the flow's other questions,
// which fill them ahead or correct an earlier answer ("아 아니 주문번호 20261107이요").

import type { Entity } from '../nlu/types.ts';
import type { CompiledFlow } from './flowset.ts';
import { resolveProduct, searchWords } from './products.ts';
import { allowedValues, NUMERIC_TYPES } from './questions.ts';
import type { SlotSpec } from './schema.ts';
import type { ActiveFlow } from './state.ts';
import type { Json } from './template.ts';
import type { Turn, Utterance } from './turn.ts';
import { matchChoice, namedChoice } from './reading/choices.ts';
import { lastStated } from './reading/corrections.ts';
import { readYesNo } from './reading/yes-no.ts';
import { bareNumbers, normalize } from './understanding.ts';

/** A value the reply gives for some slot type: an NLU entity, or a catalogue product. */
type Mention = Pick<Entity, 'value'> & { type: string };

/** What the reply says about the flow's questions other than the pending one. */
export async function mentions(turn: Turn, flow: CompiledFlow, pendingSlot: string, u: Utterance): Promise<Mention[]> {
  return [...u.nlu.entities, ...(await productMention(turn, flow, pendingSlot, u))];
}

/**
 * A catalogue product named in a reply to another question of a flow that has a product slot:
 * "아니 숏 덕다운 패딩이요" after the bot took another product. Only a product the reply alone
 * singles out counts.
 */
async function productMention(turn: Turn, flow: CompiledFlow, pendingSlot: string, u: Utterance): Promise<Mention[]> {
  const productSlots = [...flow.slots].filter(([, s]) => s.type === 'product' && s.prefill !== false);
  const [only] = productSlots;
  if (productSlots.length !== 1 || !only || only[0] === pendingSlot || !u.text || searchWords(u.text).length === 0) return [];
  const match = await resolveProduct(turn.ctx.commerce, u.text);
  return match && 'id' in match ? [{ type: 'product', value: match.id }] : [];
}

/**
 * Values for other slots of the running flow (NLU entities, a named product): new ones are kept
 * for later questions, changed ones are corrections ("아 아니 주문번호 20261107이요"). Returns the
 * step to rewind to after a correction of a slot that was already answered (else null), and the
 * slots newly filled.
 */
export function applyMentions(flow: CompiledFlow, active: ActiveFlow, pendingSlot: string, mentioned: readonly Mention[]): { rewindTo: string | null; filled: string[] } {
  let rewind: number | null = null;
  const filled: string[] = [];
  for (const entity of mentioned) {
    const targets = [...flow.slots].filter(([, s]) => s.type === entity.type && s.prefill !== false);
    if (targets.length !== 1) continue; // two slots of one type: the entity alone cannot say which
    const [name] = targets[0] as [string, SlotSpec];
    if (name === pendingSlot || sameValue(active.slots[name], entity.value)) continue;
    const asked = flow.askStep.get(name);
    const askedAt = asked === undefined ? undefined : flow.stepIndex.get(asked);
    const current = flow.stepIndex.get(active.step) ?? 0;
    const corrects = active.slots[name] !== undefined;
    if (!corrects) filled.push(name);
    active.slots[name] = entity.value;
    active.confirmed = active.confirmed.filter((c) => c !== name);
    if (corrects && askedAt !== undefined && askedAt < current && (rewind === null || askedAt < rewind)) rewind = askedAt;
  }
  if (rewind === null) return { rewindTo: null, filled };
  // Answers given after the corrected one depended on it (the item of the old order): ask again.
  const corrected = new Set(mentioned.map((m) => m.type));
  for (const [name, slot] of flow.slots) {
    const askedAt = flow.stepIndex.get(flow.askStep.get(name) ?? '') ?? -1;
    if (askedAt > rewind && !corrected.has(slot.type)) {
      delete active.slots[name];
      active.confirmed = active.confirmed.filter((c) => c !== name);
    }
  }
  active.attempts = 0;
  return { rewindTo: flow.steps[rewind]?.id ?? null, filled };
}

/** An unmistakable answer: a tapped quick reply, a yes/no phrase, or a choice's label as the whole reply. */
export function directAnswer(turn: Turn, slot: SlotSpec, active: ActiveFlow, u: Utterance): Json | undefined {
  if (u.payload !== null) {
    if (slot.type === 'yes_no') return u.payload === 'yes' ? true : u.payload === 'no' ? false : undefined;
    return NUMERIC_TYPES.has(slot.type) && Number.isFinite(Number(u.payload)) ? Number(u.payload) : u.payload;
  }
  if (slot.type === 'yes_no') return yesNo(turn, u) ?? undefined;
  return matchChoice(active.choices, u.text, 'exact')?.value;
}

/** The value the input gives for the slot being asked, unvalidated; undefined when it gives none. */
export async function readSlot(turn: Turn, flow: CompiledFlow, active: ActiveFlow, name: string, slot: SlotSpec, u: Utterance): Promise<Json | undefined> {
  const text = u.text.trim();
  if (u.payload !== null || !text || slot.type === 'yes_no') return undefined; // answered directly, if at all
  const chosen = await namedChoice(turn.ctx.commerce, active.choices, text, true);
  if (chosen) return chosen.value;
  switch (slot.type) {
    case 'text':
      return slot.pattern ? (new RegExp(slot.pattern, 'u').exec(text)?.[0] ?? undefined) : text;
    case 'product':
      return readProduct(turn, active, text);
  }
  const entity = lastStated(u.nlu.entities, slot.type);
  if (entity) return entity.value;
  if (slot.pattern) {
    const match = new RegExp(slot.pattern, 'u').exec(text)?.[0];
    if (match) return match;
  }
  if (NUMERIC_TYPES.has(slot.type)) return readNumbers(flow, active, name, text);
  const allowed = allowedValues(slot, active);
  return allowed?.find((v) => normalize(String(v)) === normalize(text));
}

/** A product named in the reply; several equally likely ones become the choices of the re-prompt. */
export async function readProduct(turn: Turn, active: ActiveFlow, text: string): Promise<string | undefined> {
  const match = await resolveProduct(turn.ctx.commerce, text);
  if (match && 'id' in match) return match.id;
  active.choices = match ? match.candidates.map((c) => ({ label: c.name[turn.state.locale], value: c.id })) : [];
  if (match?.unmatched) active.unmatched = match.unmatched;
  else delete active.unmatched;
  return undefined;
}

/**
 * Bare numbers, read by the question they answer: "175 70" to the height question is a height,
 * then a weight for the next number question. (The NLU reads "170에 65요" and "175cm" itself.)
 */
function readNumbers(flow: CompiledFlow, active: ActiveFlow, name: string, text: string): number | undefined {
  const [first, ...rest] = bareNumbers(text);
  if (first === undefined) return undefined;
  const names = [...flow.slots.keys()];
  const later = names.slice(names.indexOf(name) + 1).filter((n) => NUMERIC_TYPES.has(flow.slots.get(n)?.type ?? '') && active.slots[n] === undefined);
  rest.forEach((n, i) => {
    const next = later[i];
    if (next) active.slots[next] = n;
  });
  return first;
}

/** Yes or no, tapped or typed ("네, 취소해 주세요"); null when the reply is neither. */
export function yesNo(turn: Turn, u: Utterance): boolean | null {
  if (u.payload === 'yes') return true;
  if (u.payload === 'no') return false;
  return u.text ? readYesNo(u.text, turn.flowSet.messages.commands) : null;
}

function sameValue(a: Json | undefined, b: string | number): boolean {
  return a !== undefined && a !== null && String(a) === String(b);
}
