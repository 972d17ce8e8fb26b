// Loads a directory of flow YAML files into a FlowSet, or explains why it cannot:
// every problem with file:line:column. A set with any problem is refused as a whole.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { INTENTS, type IntentId } from '../nlu/types.ts';
import { compileFlow, type CompiledFlow, type FlowSet } from './flowset.ts';
import { SourceFile, type FlowProblem } from './problems.ts';
import { FlowSchema, MessagesSchema, SlotLibrarySchema, type FlowFileSpec, type FlowSpec, type MessagesSpec, type SlotSpec } from './schema.ts';
import { suggest } from './validate.ts';
import { validateFlows, type ParsedFlow } from './validate.ts';

/** The file with the engine's own sentences and command phrases. */
export const MESSAGES_FILE = 'messages.yaml';
/** Optional: slots several flows share (`use: order_number`). Every other YAML file is a flow. */
export const SLOTS_FILE = 'slots.yaml';
/** Optional: what the satisfaction surveys say (read by src/surveys/loader.ts, not a flow). */
export const SURVEYS_FILE = 'surveys.yaml';

export type LoadResult = { ok: true; flowSet: FlowSet } | { ok: false; problems: FlowProblem[] };

export interface FlowSource {
  /** Shown in problems, e.g. "flows/order_status.yaml". */
  file: string;
  text: string;
}

export async function loadFlowSet(dir: string): Promise<LoadResult> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n) && n !== SURVEYS_FILE).sort();
  } catch (err) {
    return { ok: false, problems: [{ file: dir, line: 1, column: 1, message: `cannot read the flow directory: ${errorText(err)}` }] };
  }
  // A file that cannot be read (a directory named x.yaml, no permission) is a problem of the set.
  const unreadable: FlowProblem[] = [];
  const read = await Promise.all(
    names.map(async (name) => {
      const file = join(dir, name);
      try {
        return { file, text: await readFile(file, 'utf8') };
      } catch (err) {
        unreadable.push({ file, line: 1, column: 1, message: `cannot read the file: ${errorText(err)}` });
        return null;
      }
    }),
  );
  if (unreadable.length > 0) return { ok: false, problems: unreadable };
  const sources = read.filter((s): s is FlowSource => s !== null);
  if (!names.includes(MESSAGES_FILE)) {
    return { ok: false, problems: [{ file: join(dir, MESSAGES_FILE), line: 1, column: 1, message: `missing ${MESSAGES_FILE}: the engine's own sentences and command phrases live there` }] };
  }
  return loadFlowSetFromSources(sources);
}

export function loadFlowSetFromSources(sources: readonly FlowSource[]): LoadResult {
  const problems: FlowProblem[] = [];
  const flowFiles: { spec: FlowFileSpec; source: SourceFile }[] = [];
  let messages: { spec: MessagesSpec; source: SourceFile } | null = null;
  let library: Record<string, SlotSpec> = {};

  for (const { file, text } of sources) {
    if (baseName(file) === SURVEYS_FILE) continue; // src/surveys/ reads it
    const parsed = SourceFile.parse(file, text);
    if (parsed.problems.length > 0) {
      problems.push(...parsed.problems);
      continue;
    }
    const data = parsed.source.data();
    const kind = baseName(file);
    if (kind === MESSAGES_FILE) {
      const result = MessagesSchema.safeParse(data);
      if (result.success) messages = { spec: result.data, source: parsed.source };
      else problems.push(...schemaProblems(parsed.source, result.error));
    } else if (kind === SLOTS_FILE) {
      const result = SlotLibrarySchema.safeParse(data);
      if (result.success) library = result.data.slots;
      else problems.push(...schemaProblems(parsed.source, result.error));
    } else {
      const result = FlowSchema.safeParse(data);
      if (result.success) flowFiles.push({ spec: result.data, source: parsed.source });
      else problems.push(...schemaProblems(parsed.source, result.error));
    }
  }
  // A flow whose shared slots do not resolve is reported once, not again for every use of them.
  const flows: ParsedFlow[] = flowFiles.flatMap(({ spec, source }) => {
    const resolved = resolveSlots(spec, source, library, problems);
    return resolved ? [{ spec: resolved, source }] : [];
  });
  if (!messages && !problems.some((p) => baseName(p.file) === MESSAGES_FILE)) {
    problems.push({ file: MESSAGES_FILE, line: 1, column: 1, message: `missing ${MESSAGES_FILE}: the engine's own sentences and command phrases live there` });
  }
  problems.push(...validateFlows(flows, messages));
  if (problems.length > 0 || !messages) return { ok: false, problems };
  return { ok: true, flowSet: buildFlowSet(flows.map((f) => compileFlow(f.spec)), messages.spec) };
}

function buildFlowSet(flows: CompiledFlow[], messages: MessagesSpec): FlowSet {
  const byIntent = new Map<IntentId, CompiledFlow>();
  const byEvent = new Map<string, CompiledFlow>();
  for (const flow of flows) {
    for (const intent of flow.spec.intents) byIntent.set(intent as IntentId, flow);
    for (const event of flow.spec.events ?? []) byEvent.set(event, flow);
  }
  return {
    flows: new Map(flows.map((f) => [f.spec.flow, f])),
    byIntent,
    byEvent,
    messages,
    intentsWithoutFlow: INTENTS.filter((i) => i !== 'None' && !byIntent.has(i)),
  };
}

/** Replaces each `use: <name>` slot by the library slot with the flow's overrides on top. */
function resolveSlots(spec: FlowFileSpec, source: SourceFile, library: Record<string, SlotSpec>, problems: FlowProblem[]): FlowSpec | null {
  const slots: Record<string, SlotSpec> = {};
  let resolved = true;
  for (const [name, slot] of Object.entries(spec.slots)) {
    const { use, ...own } = slot;
    const overrides = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined));
    if (use === undefined) {
      slots[name] = overrides as SlotSpec; // the schema guarantees type and prompt without `use`
      continue;
    }
    const base = library[use];
    if (!base) {
      problems.push(source.problem(['slots', name, 'use'], `unknown shared slot '${use}'${suggest(use, Object.keys(library))} (shared slots live in ${SLOTS_FILE})`));
      resolved = false;
      continue;
    }
    slots[name] = { ...base, ...overrides };
  }
  return resolved ? { ...spec, slots } : null;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

export function schemaProblems(source: SourceFile, error: z.ZodError): FlowProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      return source.problem([...path, issue.keys[0] ?? ''], `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${where(path)}`);
    }
    return source.problem(path, `${issue.message}${where(path)}`);
  });
}

function where(path: readonly (string | number)[]): string {
  return path.length > 0 ? ` (at ${path.join('.')})` : '';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
