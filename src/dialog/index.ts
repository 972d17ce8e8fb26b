// The dialog module's public face: load and validate flows, run turns.

export { loadFlowSet, loadFlowSetFromSources, MESSAGES_FILE, type FlowSource, type LoadResult } from './loader.ts';
export { formatProblems, type FlowProblem } from './problems.ts';
export type { FlowSet, CompiledFlow } from './flowset.ts';
export { createDialogEngine, describeState, DEFAULT_HANDOFF_THRESHOLD, type DialogEngineOptions } from './engine.ts';
export type * from './types.ts';
export { HANDOFF_REASONS } from './types.ts';
