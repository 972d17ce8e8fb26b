// A flow's questions: asking one (with its choices), validating a value (pattern, allowed
// values, range, lookup), and re-asking after an answer that does not fit, until the attempts
// run out and the slot's `on_fail` applies.

import { actionDef, isActionName, runAction, type ActionName } from './actions.ts';
import { commerceFailed, requestHandoff } from './fallback.ts';
import type { CompiledFlow } from './flowset.ts';
import type { DataChoicesSpec, Localized, SlotSpec } from './schema.ts';
import type { ActiveFlow, Choice } from './state.ts';
import { lookupPath, render, renderValue, splitPath, type Json } from './template.ts';
import type { Turn } from './turn.ts';
import type { QuickReply } from './types.ts';
import { namedChoice } from './reading/choices.ts';
import { normalize } from './understanding.ts';

/** Slot types whose values are numbers: "170" typed or tapped is 170. */
export const NUMERIC_TYPES: ReadonlySet<string> = new Set(['height', 'weight', 'shoe_size', 'waist', 'quantity']);

/** The question the running flow waits on, if it waits. */
export function pendingQuestion(turn: Turn): { active: ActiveFlow; flow: CompiledFlow; name: string; slot: SlotSpec } | null {
  const active = turn.state.flow;
  const flow = turn.runningFlow();
  if (!active?.waiting || !flow) return null;
  const name = flow.steps[flow.stepIndex.get(active.step) ?? -1]?.ask;
  const slot = name === undefined ? undefined : flow.slots.get(name);
  return name !== undefined && slot ? { active, flow, name, slot } : null;
}

/** An ask step: validates a value already given, or asks the question. */
export async function ask(turn: Turn, flow: CompiledFlow, active: ActiveFlow, name: string): Promise<'filled' | 'waiting' | { goto: string }> {
  const slot = flow.slots.get(name);
  if (!slot || active.confirmed.includes(name)) return 'filled';
  if (active.slots[name] !== undefined) {
    const verdict = await validate(turn, slot, active, name);
    if (verdict === 'ok') return 'filled';
    if (verdict === 'unavailable') return 'waiting';
    if (active.carried.includes(name)) {
      // A remembered value that no longer fits is not the shopper's mistake: just ask.
      delete active.slots[name];
      active.carried = active.carried.filter((c) => c !== name);
    } else {
      const onFail = rejectAnswer(turn, flow, active, name, slot, verdict.reason, verdict.value);
      return onFail ? { goto: onFail } : 'waiting';
    }
  }
  return (await prompt(turn, slot, active, name)) ? 'filled' : 'waiting';
}

/** Says the question with its choices; true when the only data choice filled the slot instead. */
async function prompt(turn: Turn, slot: SlotSpec, active: ActiveFlow, name: string): Promise<boolean> {
  // Without choices of its own, the question offers what the last reply could have meant.
  const choices = slot.choices ? await buildChoices(turn, slot, active) : active.choices;
  const only = choices.length === 1 && slot.choices && !Array.isArray(slot.choices) && slot.choices.auto_single ? choices[0] : undefined;
  // "그 셔츠 반품할래요", "사이즈 교환이요": the sentence that started the flow already chose.
  const named = only ?? (slot.choices && active.opening && slot.prefill !== false ? await namedChoice(turn.ctx.commerce, choices, active.opening, false) : undefined);
  if (named) {
    active.slots[name] = named.value;
    const verdict = await validate(turn, slot, active, name);
    if (verdict === 'ok') return true;
    delete active.slots[name];
    if (verdict === 'unavailable') return false;
  }
  active.choices = choices;
  active.waiting = true;
  turn.say(turn.text(unmatchedNotice(slot, active) ?? slot.prompt, { value: active.unmatched ?? null }), choiceReplies(turn, slot, choices));
  delete active.unmatched;
  return false;
}

/** "린넨 셔츠는 찾지 못했어요": said instead of the question when the shopper named a product the shop lacks. */
function unmatchedNotice(slot: SlotSpec, active: ActiveFlow): Localized | undefined {
  return active.unmatched === undefined ? undefined : slot.errors?.unmatched;
}

/** Ask the pending question again, with the choices offered before. */
export function reask(turn: Turn): void {
  const question = pendingQuestion(turn);
  if (!question) return;
  turn.say(turn.text(question.slot.prompt), choiceReplies(turn, question.slot, question.active.choices));
}

/** Checks the slot's value (pattern, values, range, lookup) and, when it passes, keeps it as answered. */
export async function validate(turn: Turn, slot: SlotSpec, active: ActiveFlow, name: string): Promise<'ok' | 'unavailable' | { reason: string; value: Json }> {
  let value = active.slots[name] ?? null;
  if (NUMERIC_TYPES.has(slot.type) && typeof value === 'string' && Number.isFinite(Number(value))) value = Number(value);
  if (slot.pattern && !new RegExp(slot.pattern, 'u').test(String(value))) return { reason: 'pattern', value };
  const allowed = allowedValues(slot, active);
  if (allowed) {
    const match = allowed.find((v) => normalize(String(v)) === normalize(String(value)));
    if (match === undefined) return { reason: 'values', value };
    value = match;
  }
  if (slot.range && (typeof value !== 'number' || value < slot.range[0] || value > slot.range[1])) return { reason: 'range', value };
  active.slots[name] = value;
  if (slot.lookup && isActionName(slot.lookup.call)) {
    const args = slot.lookup.args
      ? Object.fromEntries(Object.entries(slot.lookup.args).map(([k, v]) => [k, renderValue(v, turn.renderCtx())]))
      : { [primaryArg(slot.lookup.call)]: value };
    const outcome = await runAction(slot.lookup.call, args, turn.actionCtx());
    if (outcome.outcome === 'unavailable') {
      commerceFailed(turn, 'unavailable');
      return 'unavailable';
    }
    if (outcome.outcome !== 'ok') return { reason: outcome.outcome, value };
    active.vars[slot.lookup.result] = outcome.value ?? null;
  }
  active.confirmed.push(name);
  active.attempts = 0;
  active.choices = [];
  turn.state.misses = 0;
  if (slot.carry_over || slot.remember) turn.state.memory[name] = { value, flow: active.id };
  turn.emit({ type: 'slot_filled', flow: active.id, slot: name, value });
  return 'ok';
}

/** A lookup without `args` passes the slot's value as the action's first required argument. */
function primaryArg(action: ActionName): string {
  return Object.entries(actionDef(action).args).find(([, required]) => required)?.[0] ?? '';
}

/** The values the slot allows, listed or read from a variable (`product.sizes`); null when any goes. */
export function allowedValues(slot: SlotSpec, active: ActiveFlow): (string | number)[] | null {
  if (slot.values) return slot.values;
  if (!slot.values_from) return null;
  const list = lookupPath({ ...active.vars, ...active.slots }, splitPath(slot.values_from));
  return Array.isArray(list) ? list.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number') : null;
}

async function buildChoices(turn: Turn, slot: SlotSpec, active: ActiveFlow): Promise<Choice[]> {
  const spec = slot.choices;
  if (!spec) return [];
  const { locale } = turn.state;
  if (Array.isArray(spec)) return spec.map((c) => ({ label: c.label[locale], value: c.value, ...(c.synonyms ? { synonyms: c.synonyms } : {}) }));
  const items = await choiceItems(turn, spec, active);
  return items.slice(0, spec.limit ?? 5).map((item) => {
    const ctx = turn.renderCtx({ item });
    const label = typeof spec.label === 'string' ? spec.label : spec.label[locale];
    return { label: render(label, ctx), value: render(spec.value, ctx), ...(spec.product ? { product: render(spec.product, ctx) } : {}) };
  });
}

async function choiceItems(turn: Turn, spec: DataChoicesSpec, active: ActiveFlow): Promise<Json[]> {
  if (spec.from) {
    const list = lookupPath({ ...active.vars, ...active.slots }, splitPath(spec.from));
    return Array.isArray(list) ? list : [];
  }
  if (!spec.call || !isActionName(spec.call)) return [];
  const args = Object.fromEntries(Object.entries(spec.args ?? {}).map(([k, v]) => [k, renderValue(v, turn.renderCtx())]));
  // Choices are a convenience: if they cannot be loaded, the question is still asked.
  const outcome = await runAction(spec.call, args, turn.actionCtx());
  return outcome.outcome === 'ok' && Array.isArray(outcome.value) ? outcome.value : [];
}

function choiceReplies(turn: Turn, slot: SlotSpec, choices: readonly Choice[]): QuickReply[] {
  if (slot.type === 'yes_no') return turn.yesNoReplies();
  return choices.map((c) => ({ label: c.label, payload: c.value }));
}

/**
 * An answer that does not fit: re-prompt with the reason, or apply `on_fail` once attempts run out.
 * Returns the step to continue at when `on_fail` is a `goto`, else null (waiting, or the flow ended).
 */
export function rejectAnswer(turn: Turn, flow: CompiledFlow, active: ActiveFlow, name: string, slot: SlotSpec, reason: string, value: Json | null): string | null {
  delete active.slots[name];
  active.attempts += 1;
  if (active.attempts >= (slot.max_attempts ?? turn.settings.maxAttempts)) return slotExhausted(turn, flow, active, slot);
  const allowed = allowedValues(slot, active);
  const template = slot.errors?.[reason] ?? slot.reprompt ?? slot.prompt;
  const scope = { value, allowed: allowed ?? null };
  turn.say(turn.text(template, scope), choiceReplies(turn, slot, active.choices));
  active.waiting = true;
  return null;
}

function slotExhausted(turn: Turn, flow: CompiledFlow, active: ActiveFlow, slot: SlotSpec): string | null {
  const onFail = slot.on_fail ?? 'handoff';
  if (typeof onFail === 'object') {
    active.attempts = 0;
    active.waiting = false;
    return onFail.goto;
  }
  if (onFail === 'exit') {
    turn.say(turn.message('attempts_exit'), turn.menu());
    turn.abandon('attempts');
    return null;
  }
  turn.say(turn.message('attempts_handoff'));
  turn.abandon('attempts');
  requestHandoff(turn, 'slot_attempts_exhausted', 'normal', flow.spec.flow);
  return null;
}
