// The flow runtime: one turn = (state, input, NLU result, context) -> (new state, replies, events).
// No I/O besides the commerce port in the context; the clock is ctx.now. What a turn does is in
// routing.ts; the modules it uses: answers, questions, runner, fallback, turn.

import { shopCalendar } from '../commerce/shop-calendar.ts';
import { handleInput } from './routing.ts';
import { freshState, readState, viewState, writtenByRuntime } from './state.ts';
import type { FlowSet } from './flowset.ts';
import type { Json } from './template.ts';
import { Turn } from './turn.ts';
import type { DialogEngine, DialogState } from './types.ts';

export interface DialogEngineOptions {
  /**
   * Below this NLU score a recognised intent is not trusted to start its flow: the conversation
   * goes to a person (reason `low_confidence`). A flow's `handoff_threshold` overrides it.
   */
  handoffThreshold?: number;
  /** Invalid answers to one question before the slot's `on_fail` applies (a slot's `max_attempts` overrides it). */
  maxAttempts?: number;
  /** The shop's time zone (config `handoff.businessHours.timeZone`): what "today" is for return windows and late deliveries. */
  timeZone?: string;
}

export const DEFAULT_HANDOFF_THRESHOLD = 0.5;
const DEFAULT_MAX_ATTEMPTS = 3;

export function createDialogEngine(flowSet: FlowSet, options: DialogEngineOptions = {}): DialogEngine {
  const settings = {
    handoffThreshold: options.handoffThreshold ?? DEFAULT_HANDOFF_THRESHOLD,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  // Throws here, at start-up, for a time zone the runtime does not know.
  const calendar = shopCalendar(options.timeZone);
  return {
    initialState: (locale) => freshState(locale),
    async turn(state, input, nlu, ctx) {
      const turn = new Turn(flowSet, settings, readState(state), ctx, calendar.dateOf(ctx.now));
      await handleInput(turn, input, nlu);
      writtenByRuntime(turn.state);
      return turn.result();
    },
  };
}

/** Nothing waits on the shopper: no flow asked a question, no "shall we ...?" is pending. */
export function isIdle(state: DialogState): boolean {
  const s = viewState(state);
  return !s.flow?.waiting && s.pending === null;
}

/** What the flow knows right now, for conversation tests and debugging tools. */
export function describeState(state: DialogState): {
  flow: string | null;
  step: string | null;
  slots: Record<string, Json>;
  memory: Record<string, Json>;
  pending: string | null;
} {
  const s = viewState(state);
  return {
    flow: s.flow?.id ?? null,
    step: s.flow?.waiting ? s.flow.step : null,
    slots: { ...s.flow?.slots },
    memory: Object.fromEntries(Object.entries(s.memory).map(([k, m]) => [k, m.value])),
    pending: s.pending?.kind ?? null,
  };
}
