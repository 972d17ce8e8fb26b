// A validated, indexed set of flows: what the engine runs. Built only by the loader.

import { INTENTS, type IntentId } from '../nlu/types.ts';
import type { FlowSpec, MessagesSpec, SlotSpec, StepSpec } from './schema.ts';

export interface CompiledFlow {
  spec: FlowSpec;
  steps: readonly StepSpec[];
  stepIndex: ReadonlyMap<string, number>;
  /** The first step that asks each slot: where a correction rewinds to. */
  askStep: ReadonlyMap<string, string>;
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
  return { spec, steps: spec.steps, stepIndex, askStep, slots: new Map(Object.entries(spec.slots)) };
}

export function isIntentId(value: string): value is IntentId {
  return (INTENTS as readonly string[]).includes(value);
}
