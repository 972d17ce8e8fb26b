// Loads flows/proactive/ (rules.yaml, suggestions.yaml) next to the flows, or explains why not:
// every problem with file:line:column, through the flow loader's own position helpers. A set with
// any problem is refused as a whole, like a flow set, and the last good one keeps serving.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flowPayload, type FlowProblem, parseFlowPayload, schemaProblems, SourceFile, suggest } from '../dialog/index.ts';
import {
  EVENT_FIELDS,
  NOTIFICATION_FIELDS,
  type NotificationSpec,
  type NotificationsFile,
  NotificationsFileSchema,
  type Rule,
  RulesFileSchema,
  type RulesFile,
  type SuggestionsFile,
  SuggestionsFileSchema,
  TRIGGERS,
} from './schema.ts';

/** The folder under the flows directory. The flow loader reads only the files directly in flowsDir, so it never sees these. */
export const PROACTIVE_DIR = 'proactive';
export const RULES_FILE = 'rules.yaml';
export const SUGGESTIONS_FILE = 'suggestions.yaml';
export const NOTIFICATIONS_FILE = 'notifications.yaml';

export interface ProactiveConfig {
  rules: RulesFile;
  suggestions: SuggestionsFile;
  /** What the chat says about order events; a kind without an entry is not told. */
  notifications: NotificationsFile;
}

/** No rules, no suggestions, no notifications: a flows directory without proactive/. */
export const EMPTY_PROACTIVE: ProactiveConfig = {
  rules: RulesFileSchema.parse({}),
  suggestions: SuggestionsFileSchema.parse({ pages: {} }),
  notifications: { notifications: {} },
};

/** What the proactive files may point at in the flow set. */
export interface FlowCatalogue {
  /** Flow id to its slot names. */
  flows: ReadonlyMap<string, readonly string[]>;
  /** Intents some flow starts on (the ones an `intent:` payload can run). */
  intents: ReadonlySet<string>;
}

export type ProactiveLoad = { ok: true; config: ProactiveConfig } | { ok: false; problems: FlowProblem[] };

export interface ProactiveSource {
  file: string;
  text: string;
}

/** Reads `<flowsDir>/proactive/`; a missing folder is no proactive behaviour at all, not an error. */
export async function loadProactive(flowsDir: string, catalogue: FlowCatalogue): Promise<ProactiveLoad> {
  const dir = join(flowsDir, PROACTIVE_DIR);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, config: EMPTY_PROACTIVE };
    return { ok: false, problems: [{ file: dir, line: 1, column: 1, message: `cannot read the proactive folder: ${(err as Error).message}` }] };
  }
  const sources = await Promise.all(names.map(async (name) => ({ file: join(dir, name), text: await readFile(join(dir, name), 'utf8') })));
  return loadProactiveFromSources(sources, catalogue);
}

export function loadProactiveFromSources(sources: readonly ProactiveSource[], catalogue: FlowCatalogue): ProactiveLoad {
  const problems: FlowProblem[] = [];
  let rules = EMPTY_PROACTIVE.rules;
  let suggestions = EMPTY_PROACTIVE.suggestions;
  let notifications = EMPTY_PROACTIVE.notifications;
  for (const { file, text } of sources) {
    const parsed = SourceFile.parse(file, text);
    if (parsed.problems.length > 0) {
      problems.push(...parsed.problems);
      continue;
    }
    const { source } = parsed;
    const name = file.split(/[\\/]/).pop() ?? file;
    if (name === RULES_FILE) {
      const data = source.data() ?? {};
      const result = RulesFileSchema.safeParse(data);
      if (!result.success) {
        problems.push(...triggerProblems(source, data), ...schemaProblems(source, result.error).filter((p) => !isTriggerNoise(p)));
        continue;
      }
      rules = result.data;
      problems.push(...checkRules(source, rules, catalogue));
    } else if (name === SUGGESTIONS_FILE) {
      const result = SuggestionsFileSchema.safeParse(source.data() ?? {});
      if (!result.success) {
        problems.push(...schemaProblems(source, result.error));
        continue;
      }
      suggestions = result.data;
      for (const [page, items] of Object.entries(suggestions.pages)) {
        (items ?? []).forEach((item, i) => {
          const payload = item.personal === 'latest_order' ? item.payload.replaceAll('{order}', '20260101') : item.payload;
          const problem = payloadProblem(payload, catalogue);
          if (problem) problems.push(source.problem(['pages', page, i, 'payload'], problem));
        });
      }
    } else if (name === NOTIFICATIONS_FILE) {
      const result = NotificationsFileSchema.safeParse(source.data() ?? {});
      if (!result.success) {
        problems.push(...schemaProblems(source, result.error));
        continue;
      }
      notifications = result.data;
      const messages: [(string | number)[], NotificationSpec][] = Object.entries(notifications.notifications).flatMap(([kind, spec]) =>
        spec ? [[['notifications', kind], spec] as [(string | number)[], NotificationSpec]] : [],
      );
      if (notifications.review_invite) messages.push([['review_invite'], notifications.review_invite]);
      for (const [path, spec] of messages) {
        for (const locale of ['ko', 'en'] as const) {
          const problem = placeholderProblem(spec.message[locale]);
          if (problem) problems.push(source.problem([...path, 'message', locale], problem));
        }
        (spec.quick_replies ?? []).forEach((reply, i) => {
          const problem = placeholderProblem(reply.payload) ?? payloadProblem(fillPlaceholders(reply.payload), catalogue);
          if (problem) problems.push(source.problem([...path, 'quick_replies', i, 'payload'], problem));
        });
      }
    } else {
      problems.push({ file, line: 1, column: 1, message: `unexpected file in ${PROACTIVE_DIR}/: expected ${RULES_FILE}, ${SUGGESTIONS_FILE} or ${NOTIFICATIONS_FILE}` });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: { rules, suggestions, notifications } };
}

/** The catalogue a loaded flow set offers, built from its flows' specs. */
export function catalogueOf(flows: ReadonlyMap<string, { spec: { intents: readonly string[] }; slots: ReadonlyMap<string, unknown> }>): FlowCatalogue {
  return {
    flows: new Map([...flows].map(([id, flow]) => [id, [...flow.slots.keys()]])),
    intents: new Set([...flows.values()].flatMap((flow) => flow.spec.intents)),
  };
}

// A misspelt trigger makes zod say "invalid input" about the whole union; say which names exist instead.
function triggerProblems(source: SourceFile, data: unknown): FlowProblem[] {
  const rules = (data as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((rule: unknown, i) => {
    const when = (rule as { when?: { trigger?: unknown } } | null)?.when;
    const name = when?.trigger;
    if (typeof name !== 'string' || (TRIGGERS as readonly string[]).includes(name)) return [];
    return [source.problem(['rules', i, 'when', 'trigger'], `unknown trigger '${name}'${suggest(name, TRIGGERS)}; triggers: ${TRIGGERS.join(', ')}`)];
  });
}

function isTriggerNoise(problem: FlowProblem): boolean {
  return /\(at rules\.\d+\.when(\.trigger)?\)$/.test(problem.message) && /^Invalid (input|discriminator)/i.test(problem.message);
}

function checkRules(source: SourceFile, file: RulesFile, catalogue: FlowCatalogue): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const seen = new Set<string>();
  file.rules.forEach((rule: Rule, i) => {
    const at = (...path: (string | number)[]) => ['rules', i, ...path];
    if (seen.has(rule.id)) problems.push(source.problem(at('id'), `rule id '${rule.id}' is used twice`));
    seen.add(rule.id);
    const { do: action } = rule;
    if (action.flow !== undefined) {
      const slots = catalogue.flows.get(action.flow);
      if (!slots) {
        problems.push(source.problem(at('do', 'flow'), `unknown flow '${action.flow}'${suggest(action.flow, [...catalogue.flows.keys()])}`));
      } else {
        for (const [slot, value] of Object.entries(action.slots ?? {})) {
          if (!slots.includes(slot)) problems.push(source.problem(at('do', 'slots', slot), `flow '${action.flow}' has no slot '${slot}'${suggest(slot, slots)}`));
          if (value.startsWith('$') && !(EVENT_FIELDS as readonly string[]).includes(value)) {
            problems.push(source.problem(at('do', 'slots', slot), `unknown event field '${value}'${suggest(value, EVENT_FIELDS)}; fields: ${EVENT_FIELDS.join(', ')}`));
          }
        }
      }
    }
    (action.quick_replies ?? []).forEach((reply, j) => {
      const problem = payloadProblem(reply.payload, catalogue);
      if (problem) problems.push(source.problem(at('do', 'quick_replies', j, 'payload'), problem));
    });
  });
  return problems;
}

/** A `{field}` the notifications cannot fill in. */
function placeholderProblem(text: string): string | null {
  for (const [, field] of text.matchAll(/\{([^{}]*)\}/g)) {
    if (!(NOTIFICATION_FIELDS as readonly string[]).includes(field ?? '')) {
      return `unknown field '{${field}}'${suggest(field ?? '', NOTIFICATION_FIELDS)}; fields: ${NOTIFICATION_FIELDS.map((f) => `{${f}}`).join(', ')}`;
    }
  }
  return null;
}

/** A payload as it would run, its fields filled with stand-ins (an order number). */
function fillPlaceholders(payload: string): string {
  return payload.replace(/\{[a-z]+\}/g, '20260101');
}

/** Null when the payload runs something; otherwise what is wrong with it. */
function payloadProblem(payload: string, catalogue: FlowCatalogue): string | null {
  if (payload === 'handoff') return null;
  if (payload.startsWith('intent:')) {
    const intent = payload.slice('intent:'.length);
    return catalogue.intents.has(intent) ? null : `no flow starts on intent '${intent}'${suggest(intent, [...catalogue.intents])}`;
  }
  const direct = parseFlowPayload(payload);
  if (payload.startsWith('flow:')) {
    if (!direct) return `'${payload}' is not a flow payload: write ${flowPayload('order_status', { order_number: '20261118' })}`;
    const slots = catalogue.flows.get(direct.flow);
    if (!slots) return `unknown flow '${direct.flow}'${suggest(direct.flow, [...catalogue.flows.keys()])}`;
    const unknown = Object.keys(direct.slots).find((slot) => !slots.includes(slot));
    return unknown ? `flow '${direct.flow}' has no slot '${unknown}'${suggest(unknown, slots)}` : null;
  }
  return `payload '${payload}' runs nothing: use intent:<intent>, flow:<flow>[?slot=value] or handoff`;
}
