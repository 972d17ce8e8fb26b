// Running a flow: starting it (slots prefilled from the first sentence, the page or memory) and
// interpreting its steps until it waits for an answer or ends.

import type { Entity } from '../nlu/types.ts';
import { isActionName, runAction } from './actions.ts';
import { readProduct } from './answers.ts';
import { stepCard } from './cards.ts';
import { holds } from './conditions.ts';
import { commerceFailed, requestHandoff } from './fallback.ts';
import type { CompiledFlow } from './flowset.ts';
import { ask } from './questions.ts';
import type { StepSpec } from './schema.ts';
import type { ActiveFlow } from './state.ts';
import { renderValue, type Json } from './template.ts';
import type { Turn } from './turn.ts';

/** Steps one turn may run before the engine assumes a loop in the flow. */
const MAX_STEPS_PER_TURN = 60;

export async function startFlow(turn: Turn, flow: CompiledFlow, from: { text: string; entities: readonly Entity[] }, given: Record<string, Json> = {}): Promise<void> {
  if (flow.spec.requires_customer && !turn.ctx.customerId) {
    turn.say(turn.message('login_required'), undefined, flow.spec.flow);
    return;
  }
  const active: ActiveFlow = {
    id: flow.spec.flow,
    step: flow.steps[0]?.id ?? '',
    waiting: false,
    slots: {},
    confirmed: [],
    carried: [],
    vars: {},
    attempts: 0,
    choices: [],
    ...(from.text ? { opening: from.text } : {}),
  };
  turn.state.flow = active;
  turn.state.misses = 0;
  turn.emit({ type: 'flow_started', flow: flow.spec.flow });
  const used = new Set<Entity>();
  for (const [name, slot] of flow.slots) {
    if (slot.prefill === false) continue;
    if (given[name] !== undefined) {
      active.slots[name] = given[name];
      continue;
    }
    // "M에서 L로 바꿔 주세요": of several values of one type, the last one is the wanted one.
    const entity = from.entities.filter((e) => e.type === slot.type && !used.has(e)).pop();
    if (entity) {
      used.add(entity);
      active.slots[name] = entity.value;
    } else if (slot.type === 'product' && from.text) {
      const product = await readProduct(turn, active, from.text);
      if (product) active.slots[name] = product;
    }
    const remembered = turn.state.memory[name];
    if (active.slots[name] === undefined && slot.carry_over && remembered && remembered.flow !== flow.spec.flow) {
      active.slots[name] = remembered.value;
      active.carried.push(name);
    }
  }
  await runSteps(turn, false);
}

/**
 * Runs steps from the current one until the flow waits for an answer or ends.
 * `resuming`: the current step already spoke (an answered question, a rewind after a correction).
 */
export async function runSteps(turn: Turn, resuming: boolean): Promise<void> {
  let quiet = resuming;
  while (turn.state.flow && !turn.state.flow.waiting) {
    const active = turn.state.flow;
    const flow = turn.flowSet.flows.get(active.id);
    const index = flow?.stepIndex.get(active.step);
    const step = index === undefined ? undefined : flow?.steps[index];
    if (!flow || index === undefined || !step) return leaveFlow(turn, 'flow_gone');
    if (++turn.steps > MAX_STEPS_PER_TURN) return leaveFlow(turn, 'loop_error');
    if (step.say && !quiet) {
      const card = step.card ? stepCard(step.card, turn.scope(), turn.state.locale, turn.flowSet.messages) : undefined;
      turn.say(turn.text(step.say), step.quick_replies?.map((q) => ({ label: q.label[turn.state.locale], payload: q.payload })), undefined, card);
    }
    quiet = false;
    const next = await execute(turn, flow, active, step, index);
    if (turn.state.flow !== active) return; // the step ended, switched or handed off the flow
    if (next === 'wait') return;
    if (next === 'end') return turn.complete();
    active.step = next;
  }
}

/** Runs one step's action; returns the next step id, 'end', or 'wait'. */
async function execute(turn: Turn, flow: CompiledFlow, active: ActiveFlow, step: StepSpec, index: number): Promise<string> {
  const following = step.next ?? flow.steps[index + 1]?.id ?? 'end';
  if (step.ask !== undefined) {
    const asked = await ask(turn, flow, active, step.ask);
    return asked === 'filled' ? following : asked === 'waiting' ? 'wait' : asked.goto;
  }
  if (step.call !== undefined) {
    if (!isActionName(step.call)) return 'end';
    const args = Object.fromEntries(Object.entries(step.args ?? {}).map(([k, v]) => [k, renderValue(v, turn.renderCtx())]));
    const outcome = await runAction(step.call, args, turn.actionCtx());
    if (step.result && outcome.value !== undefined) active.vars[step.result] = outcome.value;
    const target = step.on?.[outcome.outcome];
    if (target) return target;
    if (outcome.outcome === 'ok') return following;
    commerceFailed(turn, outcome.outcome);
    return 'wait';
  }
  if (step.set) {
    for (const [key, template] of Object.entries(step.set)) {
      const value = renderValue(template, turn.renderCtx()) ?? null;
      if (!flow.slots.has(key)) active.vars[key] = value;
      else setSlot(active, key, value);
    }
    return following;
  }
  if (step.branch) {
    const scope = turn.scope();
    return step.branch.find((b) => holds(b.if, scope))?.goto ?? step.else ?? following;
  }
  if (step.goto) return step.goto;
  if (step.flow) {
    const target = turn.flowSet.flows.get(step.flow);
    const given: Record<string, Json> = {};
    for (const [name, value] of Object.entries(active.slots)) if (target?.slots.has(name)) given[name] = value;
    for (const [name, value] of Object.entries(step.with ?? {})) given[name] = renderValue(value, turn.renderCtx()) ?? null;
    turn.complete();
    if (target) await startFlow(turn, target, { text: '', entities: [] }, given);
    return 'end';
  }
  if (step.handoff) {
    if (!step.say) turn.say(turn.message('handoff'));
    turn.complete();
    requestHandoff(turn, step.handoff.reason, step.handoff.priority ?? 'normal', flow.spec.flow);
    return 'end';
  }
  if (step.end) return 'end';
  return following;
}

/** Setting a slot makes its next `ask` validate the new value; setting it to null asks again. */
function setSlot(active: ActiveFlow, name: string, value: Json): void {
  active.confirmed = active.confirmed.filter((c) => c !== name);
  if (value === null || value === '') delete active.slots[name];
  else active.slots[name] = value;
}

function leaveFlow(turn: Turn, message: 'flow_gone' | 'loop_error'): void {
  turn.say(turn.message(message), turn.menu());
  turn.abandon('error');
}

/** A state saved under an older flow set may point at a flow or step that no longer exists. */
export function leaveVanishedFlow(turn: Turn): void {
  const pending = turn.state.pending;
  if (pending?.kind === 'switch' && !turn.flowSet.flows.has(pending.flow)) turn.state.pending = null;
  const active = turn.state.flow;
  if (!active) return;
  const flow = turn.flowSet.flows.get(active.id);
  const step = flow?.steps[flow.stepIndex.get(active.step) ?? -1];
  if (!step || (active.waiting && !step.ask)) leaveFlow(turn, 'flow_gone');
}
