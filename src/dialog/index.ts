// The dialog module's public face: load and validate flows, run turns.

export { loadFlowSet, loadFlowSetFromSources, MESSAGES_FILE, SURVEYS_FILE, type FlowSource, type LoadResult } from './loader.ts';
export { formatProblems, type FlowProblem } from './problems.ts';
export type { FlowSet, CompiledFlow } from './flowset.ts';
export { createDialogEngine, describeState, isIdle, DEFAULT_HANDOFF_THRESHOLD, type DialogEngineOptions } from './engine.ts';
export type * from './types.ts';
export { HANDOFF_REASONS } from './types.ts';
export { FLOW_PAYLOAD, START_FLOW_EVENT, flowPayload, parseFlowPayload, type DirectStart } from './direct.ts';
export { SourceFile } from './problems.ts';
export { schemaProblems } from './loader.ts';
export { suggest } from './validate.ts';
