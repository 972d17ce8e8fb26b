// A validated, indexed set of flows: what the engine runs. Built only by the loader.

import { INTENTS, type IntentId } from '../nlu/types.ts';
import type { FlowSpec, MessagesSpec, SlotSpec, StepSpec } from './schema.ts';

export interface CompiledFlow {
  spec: FlowSpec;
  steps: readonly StepSpec[];
  stepIndex: ReadonlyMap<string, number>;
  /** The first step that asks each slot: where a correction rewinds to. */
  askStep: ReadonlyMap<string, string>;
  /**
   * Ask steps after which the flow only talks (no further question, action or hand-off): leaving
   * there loses nothing, so a goodbye needs no "shall we stop?".
   */
  closingAsks: ReadonlySet<string>;
  slots: ReadonlyMap<string, SlotSpec>;
}

export interface FlowSet {
  flows: ReadonlyMap<string, CompiledFlow>;
  byIntent: ReadonlyMap<IntentId, CompiledFlow>;
  byEvent: ReadonlyMap<string, CompiledFlow>;
  messages: MessagesSpec;
  /** Taxonomy intents no flow starts: the engine treats them as not understood. */
  intentsWithoutFlow: readonly IntentId[];
}

export function compileFlow(spec: FlowSpec): CompiledFlow {
  const stepIndex = new Map(spec.steps.map((s, i) => [s.id, i] as const));
  const askStep = new Map<string, string>();
  for (const step of spec.steps) {
    if (step.ask && !askStep.has(step.ask)) askStep.set(step.ask, step.id);
  }
  const closingAsks = new Set(spec.steps.filter((step, i) => step.ask !== undefined && onlyTalksAfter(spec, stepIndex, i)).map((s) => s.id));
  return { spec, steps: spec.steps, stepIndex, askStep, closingAsks, slots: new Map(Object.entries(spec.slots)) };
}

/** No step reachable after step i asks, calls an action or hands off. */
function onlyTalksAfter(spec: FlowSpec, stepIndex: ReadonlyMap<string, number>, i: number): boolean {
  const seen = new Set<number>();
  const queue = successors(spec.steps, i, spec.slots);
  while (queue.length > 0) {
    const j = stepIndex.get(queue.pop() as string);
    const step = j === undefined ? undefined : spec.steps[j];
    if (j === undefined || !step || seen.has(j)) continue;
    if (step.ask !== undefined || step.call !== undefined || step.handoff !== undefined) return false;
    seen.add(j);
    queue.push(...successors(spec.steps, j, spec.slots));
  }
  return true;
}

/** The step id that means "finish the flow" in `goto`, `next` and `on`. */
export const END = 'end';

/** Step ids control can move to from step i. */
export function successors(steps: readonly StepSpec[], i: number, slots: FlowSpec['slots']): string[] {
  const step = steps[i];
  if (!step) return [];
  const following = step.next ?? steps[i + 1]?.id ?? END;
  if (step.goto) return [step.goto];
  if (step.flow || step.handoff || step.end) return [];
  if (step.branch) return [...step.branch.map((b) => b.goto), step.else ?? following];
  if (step.call) return [...Object.values(step.on ?? {}), ...(step.on?.ok ? [] : [following])];
  if (step.ask) {
    const onFail = slots[step.ask]?.on_fail;
    return [following, ...(onFail && typeof onFail === 'object' ? [onFail.goto] : [])];
  }
  return [following];
}

export function isIntentId(value: string): value is IntentId {
  return (INTENTS as readonly string[]).includes(value);
}
