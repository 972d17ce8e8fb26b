// The conversation state the runtime keeps between turns. The server stores it as JSON; a state
// read back from there is parsed, so a state written by an older build or flow set never crashes a turn.

import { z } from 'zod';
import { ENTITY_TYPES, LOCALES, type Locale } from '../nlu/types.ts';
import { HANDOFF_REASONS, type DialogState } from './types.ts';
import { toJson } from './json.ts';
import type { Json } from './template.ts';

const JsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonSchema), z.record(z.string(), JsonSchema)]),
);

const ChoiceSchema = z.object({ label: z.string(), value: z.string(), synonyms: z.array(z.string()).optional(), product: z.string().optional() });
export type Choice = z.infer<typeof ChoiceSchema>;

const ActiveFlowSchema = z.object({
  id: z.string(),
  step: z.string(),
  /** True while the flow waits at `step` (an ask) for the shopper's answer. */
  waiting: z.boolean(),
  slots: z.record(z.string(), JsonSchema),
  /** Slots whose value passed validation. */
  confirmed: z.array(z.string()),
  /** Slots taken from the conversation memory: if they fail validation the shopper is simply asked. */
  carried: z.array(z.string()),
  vars: z.record(z.string(), JsonSchema),
  attempts: z.number().int().min(0),
  /** The choices offered with the pending question, to match a typed answer to one. */
  choices: z.array(ChoiceSchema),
  /** A product the shopper named that the catalogue lacks ("린넨 셔츠"): the next prompt says so. */
  unmatched: z.string().optional(),
  /** The sentence that started the flow: a question with choices first looks there for its answer ("그 셔츠 반품할래요"). */
  opening: z.string().optional(),
});
export type ActiveFlow = z.infer<typeof ActiveFlowSchema>;

const EntitySchema = z.object({
  type: z.enum(ENTITY_TYPES),
  value: z.union([z.string(), z.number()]),
  currency: z.enum(['KRW', 'USD']).optional(),
  text: z.string(),
  start: z.number(),
  end: z.number(),
});

const PendingSchema = z.discriminatedUnion('kind', [
  /** "Shall we switch to X?" with what the shopper said, to start X with it. */
  z.object({ kind: z.literal('switch'), flow: z.string(), text: z.string(), entities: z.array(EntitySchema) }),
  /** "Shall I connect you with a person?" */
  z.object({ kind: z.literal('offer_handoff'), reason: z.enum(HANDOFF_REASONS) }),
]);

const EngineStateSchema = z.object({
  version: z.literal(1),
  locale: z.enum(LOCALES),
  flow: ActiveFlowSchema.nullable(),
  pending: PendingSchema.nullable(),
  /**
   * Values that carry over between flows (the order just looked up), by slot name, with the flow
   * that learnt them (null: a page event): a flow does not start from its own last answer.
   */
  memory: z.record(z.string(), z.object({ value: JsonSchema, flow: z.string().nullable() })),
  /** Consecutive turns the engine did not understand. */
  misses: z.number().int().min(0),
  /** The flow that completed last: a bare "20261020" right after it is an answer to it ("tell me an order number ..."). */
  last: z.string().optional(),
});
export type EngineState = z.infer<typeof EngineStateSchema> & DialogState;

export function freshState(locale: Locale): EngineState {
  return { version: 1, locale, flow: null, pending: null, memory: {}, misses: 0 };
}

/**
 * States this process's runtime wrote (a turn's result): they are well formed by construction, so
 * the next turn copies them without parsing them again. A state that comes from anywhere else (the
 * store after a restart, another process, a test) is parsed.
 */
const written = new WeakSet<object>();

/** Marks a turn's resulting state as the runtime's own (see `readState`). */
export function writtenByRuntime(state: EngineState): void {
  written.add(state);
}

/** The state to read, not to change: the runtime's own without a copy, any other parsed. */
export function viewState(state: DialogState): EngineState {
  return written.has(state) ? (state as EngineState) : readState(state);
}

/** A state that does not parse (corrupt, or from an incompatible build) starts over, keeping the language. */
export function readState(state: DialogState): EngineState {
  // Copied all the same: a turn changes its state in place, and a failed turn must leave the old one as it was.
  if (written.has(state)) return copyContainers(state as EngineState);
  const parsed = EngineStateSchema.safeParse(state);
  if (parsed.success) return toJson(parsed.data) as EngineState;
  const locale = (LOCALES as readonly unknown[]).includes(state.locale) ? state.locale : 'ko';
  return freshState(locale);
}

/**
 * A copy of a state the runtime wrote, for the next turn to change: the objects and arrays a turn
 * changes in place (the state, its flow, pending question and memory, the flow's slots, vars and
 * lists) are new; the values inside slots, vars and memory entries are shared. They are JSON the
 * runtime made (toJson copies of shop answers, entity values) and a turn only ever replaces them
 * (`slots[name] = value`, `delete vars[key]`), never changes one in place.
 */
function copyContainers(state: EngineState): EngineState {
  const copy: EngineState = { ...state, memory: { ...state.memory } };
  if (state.flow) {
    const flow = state.flow;
    copy.flow = {
      ...flow,
      slots: { ...flow.slots },
      confirmed: flow.confirmed.slice(),
      carried: flow.carried.slice(),
      vars: { ...flow.vars },
      choices: flow.choices.slice(),
    };
  }
  if (state.pending) copy.pending = { ...state.pending };
  return copy;
}
