// Cross-reference checks over parsed flow files: what a schema alone cannot see.
// Every problem points at the YAML node that causes it.

import { ENTITY_TYPES, INTENTS } from '../nlu/types.ts';
import { END, isIntentId, successors } from './flowset.ts';
import { ACTIONS, actionDef, isActionName } from './actions.ts';
import type { FlowProblem, SourceFile, YamlPath } from './problems.ts';
import {
  SHOP_TEXTS,
  SPECIAL_SLOT_TYPES,
  STEP_ACTIONS,
  type Condition,
  type FlowSpec,
  type Localized,
  type MessagesSpec,
  type ShopTextSection,
  type SlotSpec,
  type StepSpec,
} from './schema.ts';
import { FILTERS, templateRefs } from './template.ts';

export interface ParsedFlow {
  spec: FlowSpec;
  source: SourceFile;
}

/** Variables every flow can read: the shop's calendar date. */
const GLOBAL_NAMES = ['today'];
const SLOT_ERROR_REASONS = ['no_value', 'pattern', 'values', 'range'];

export function validateFlows(flows: readonly ParsedFlow[], messages: { spec: MessagesSpec; source: SourceFile } | null): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const byId = new Map<string, ParsedFlow>();
  const intentOwner = new Map<string, ParsedFlow>();
  const eventOwner = new Map<string, ParsedFlow>();

  for (const flow of flows) {
    const { spec, source } = flow;
    const earlier = byId.get(spec.flow);
    if (earlier) problems.push(source.problem(['flow'], `flow id '${spec.flow}' is already used in ${earlier.source.file}`));
    byId.set(spec.flow, flow);
    spec.intents.forEach((intent, i) => {
      if (!isIntentId(intent) || intent === 'None') {
        problems.push(source.problem(['intents', i], `unknown intent '${intent}'${suggest(intent, INTENTS.filter((x) => x !== 'None'))}`));
        return;
      }
      const owner = intentOwner.get(intent);
      if (owner) problems.push(source.problem(['intents', i], `intent '${intent}' already starts flow '${owner.spec.flow}' (${owner.source.file})`));
      else intentOwner.set(intent, flow);
    });
    (spec.events ?? []).forEach((event, i) => {
      const owner = eventOwner.get(event);
      if (owner) problems.push(source.problem(['events', i], `event '${event}' already starts flow '${owner.spec.flow}'`));
      else eventOwner.set(event, flow);
    });
  }

  for (const flow of flows) problems.push(...new FlowChecker(flow, byId).check());
  if (messages) problems.push(...checkMessages(messages.spec, messages.source, intentOwner));
  return problems;
}

function checkMessages(spec: MessagesSpec, source: SourceFile, intentOwner: Map<string, ParsedFlow>): FlowProblem[] {
  const problems: FlowProblem[] = [];
  spec.menu.forEach((intent, i) => {
    if (!isIntentId(intent)) problems.push(source.problem(['menu', i], `unknown intent '${intent}'${suggest(intent, INTENTS)}`));
    else if (!intentOwner.has(intent)) problems.push(source.problem(['menu', i], `no flow starts on intent '${intent}', so the menu cannot offer it`));
  });
  // What the desk and the channels say gets only the values SHOP_TEXTS lists: any other placeholder would stay empty.
  for (const [section, sentences] of Object.entries(SHOP_TEXTS) as [ShopTextSection, Record<string, readonly string[]>][]) {
    const written = spec[section] as Record<string, Localized>;
    for (const [key, allowed] of Object.entries(sentences)) {
      for (const locale of ['ko', 'en'] as const) {
        const path = [section, key, locale];
        for (const ref of templateRefs(written[key]?.[locale] ?? '')) {
          const name = ref.path.join('.');
          if (!allowed.includes(name)) {
            const offered = allowed.length > 0 ? `it can use ${allowed.map((a) => `{{${a}}}`).join(', ')}` : 'it takes no placeholders';
            problems.push(source.problem(path, `unknown placeholder {{${name}}} in ${section}.${key}: ${offered}${suggest(name, allowed)}`));
          } else if (ref.filter !== null && !(FILTERS as readonly string[]).includes(ref.filter)) {
            problems.push(source.problem(path, `unknown filter '${ref.filter}' (filters: ${FILTERS.join(', ')})`));
          }
        }
      }
    }
  }
  return problems;
}

class FlowChecker {
  private readonly problems: FlowProblem[] = [];
  private readonly spec: FlowSpec;
  private readonly source: SourceFile;
  private readonly stepIds = new Map<string, number>();
  /** Names a template may start with: slots, action results, `set` variables and the globals. */
  private readonly names = new Set<string>(GLOBAL_NAMES);

  constructor(
    flow: ParsedFlow,
    private readonly flows: ReadonlyMap<string, ParsedFlow>,
  ) {
    this.spec = flow.spec;
    this.source = flow.source;
  }

  check(): FlowProblem[] {
    const { spec } = this;
    spec.steps.forEach((step, i) => {
      if (step.id === END) this.at(['steps', i, 'id'], `'${END}' is reserved (it means: finish the flow); pick another step id`);
      else if (this.stepIds.has(step.id)) this.at(['steps', i, 'id'], `duplicate step id '${step.id}'`);
      else this.stepIds.set(step.id, i);
    });
    for (const name of Object.keys(spec.slots)) this.names.add(name);
    // Results and variables share the slots' namespace: a clash would hide one behind the other.
    const variable = (path: YamlPath, name: string): void => {
      if (Object.hasOwn(spec.slots, name)) this.at(path, `'${name}' is a slot: give the result another name`);
      this.names.add(name);
    };
    for (const [name, slot] of Object.entries(spec.slots)) if (slot.lookup) variable(['slots', name, 'lookup', 'result'], slot.lookup.result);
    spec.steps.forEach((step, i) => {
      if (step.result) variable(['steps', i, 'result'], step.result);
      for (const key of Object.keys(step.set ?? {})) this.names.add(key);
    });
    if (spec.digression && spec.interrupts) this.at(['interrupts'], 'a flow is either a digression or interrupts, not both');

    for (const [name, slot] of Object.entries(spec.slots)) this.checkSlot(name, slot);
    spec.steps.forEach((step, i) => this.checkStep(step, i));
    this.checkReachable();
    return this.problems;
  }

  private at(path: YamlPath, message: string): void {
    this.problems.push(this.source.problem(path, message));
  }

  private checkSlot(name: string, slot: SlotSpec): void {
    const base = ['slots', name];
    const types: readonly string[] = [...ENTITY_TYPES, ...SPECIAL_SLOT_TYPES];
    if (!types.includes(slot.type)) this.at([...base, 'type'], `unknown slot type '${slot.type}'${suggest(slot.type, types)} (entity types: ${ENTITY_TYPES.join(', ')}; or ${SPECIAL_SLOT_TYPES.join(', ')})`);
    if (!this.spec.steps.some((s) => s.ask === name)) this.at(base, `slot '${name}' is never asked: add a step with \`ask: ${name}\` or remove the slot`);
    if (slot.pattern !== undefined) {
      try {
        new RegExp(slot.pattern, 'u');
      } catch (err) {
        this.at([...base, 'pattern'], `invalid pattern: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (slot.range && slot.range[0] > slot.range[1]) this.at([...base, 'range'], 'range must be [min, max] with min <= max');
    if (slot.values_from) this.checkPath([...base, 'values_from'], slot.values_from);
    const extra = new Set(['value', 'allowed']);
    this.localized([...base, 'prompt'], slot.prompt, extra);
    if (slot.reprompt) this.localized([...base, 'reprompt'], slot.reprompt, extra);
    const reasons = [...SLOT_ERROR_REASONS, ...(slot.type === 'product' ? ['ambiguous', 'unmatched'] : [])];
    if (slot.lookup) {
      const outcomes = this.checkCall([...base, 'lookup'], slot.lookup.call, slot.lookup.args, name);
      reasons.push(...outcomes.filter((o) => o !== 'unavailable'));
    }
    for (const [reason, text] of Object.entries(slot.errors ?? {})) {
      if (!reasons.includes(reason)) this.at([...base, 'errors', reason], `'${reason}' is not a way this slot can fail (possible: ${reasons.join(', ')})`);
      this.localized([...base, 'errors', reason], text, extra);
    }
    if (slot.choices && !Array.isArray(slot.choices)) {
      const c = slot.choices;
      const cp = [...base, 'choices'];
      if ((c.from === undefined) === (c.call === undefined)) this.at(cp, 'choices need exactly one of `from` (a variable) or `call` (an action)');
      if (c.from) this.checkPath([...cp, 'from'], c.from);
      if (c.call) this.checkCall(cp, c.call, c.args, null);
      const item = new Set(['item']);
      if (typeof c.label === 'string') this.template([...cp, 'label'], c.label, item);
      else this.localized([...cp, 'label'], c.label, item);
      this.template([...cp, 'value'], c.value, item);
    }
    if (slot.on_fail && typeof slot.on_fail === 'object') this.target([...base, 'on_fail', 'goto'], slot.on_fail.goto);
    for (const other of Object.keys(slot.answered_by ?? {})) {
      if (!Object.hasOwn(this.spec.slots, other) || other === name) this.at([...base, 'answered_by', other], `'${other}' is not another slot of this flow`);
    }
  }

  private checkStep(step: StepSpec, i: number): void {
    const base = ['steps', i];
    const actions = STEP_ACTIONS.filter((a) => step[a] !== undefined);
    if (actions.length > 1) this.at(base, `step '${step.id}' does several things (${actions.join(', ')}): split it into one step each`);
    if (!step.say && actions.length === 0) this.at(base, `step '${step.id}' does nothing: give it \`say\` or one of ${STEP_ACTIONS.join(', ')}`);
    if (step.say) this.localized([...base, 'say'], step.say);
    step.quick_replies?.forEach((q, j) => this.localized([...base, 'quick_replies', j, 'label'], q.label));
    if (step.card) {
      if (!step.say) this.at([...base, 'card'], 'a card goes with what the step says: give the step `say` too');
      this.checkPath([...base, 'card', 'order'], step.card.order);
    }
    if (step.ask !== undefined) {
      if (!Object.hasOwn(this.spec.slots, step.ask)) this.at([...base, 'ask'], `unknown slot '${step.ask}'${suggest(step.ask, Object.keys(this.spec.slots))}`);
      if (this.spec.digression) this.at([...base, 'ask'], 'a digression flow answers and returns: it cannot ask questions');
    } else if (step.digressions !== undefined) {
      this.at([...base, 'digressions'], `step '${step.id}' asks nothing: \`digressions\` only applies to an \`ask\` step`);
    }
    if (step.call !== undefined) {
      const outcomes = this.checkCall(base, step.call, step.args, null);
      for (const [outcome, target] of Object.entries(step.on ?? {})) {
        if (outcome !== 'ok' && !outcomes.includes(outcome)) this.at([...base, 'on', outcome], `action '${step.call}' has no outcome '${outcome}' (possible: ok, ${outcomes.join(', ')})`);
        this.target([...base, 'on', outcome], target);
      }
    } else {
      for (const key of ['args', 'result', 'on'] as const) if (step[key] !== undefined) this.at([...base, key], `\`${key}\` only goes with \`call\``);
    }
    if (step.else !== undefined && step.branch === undefined) this.at([...base, 'else'], '`else` only goes with `branch`');
    if (step.with !== undefined && step.flow === undefined) this.at([...base, 'with'], '`with` only goes with `flow`');
    for (const [key, value] of Object.entries(step.set ?? {})) if (typeof value === 'string') this.template([...base, 'set', key], value);
    step.branch?.forEach((b, j) => {
      this.condition([...base, 'branch', j, 'if'], b.if);
      this.target([...base, 'branch', j, 'goto'], b.goto);
    });
    if (step.else !== undefined) this.target([...base, 'else'], step.else);
    if (step.goto !== undefined) this.target([...base, 'goto'], step.goto);
    if (step.next !== undefined) this.target([...base, 'next'], step.next);
    if (step.flow !== undefined) {
      const target = this.flows.get(step.flow);
      if (!target) this.at([...base, 'flow'], `unknown flow '${step.flow}'${suggest(step.flow, [...this.flows.keys()])}`);
      for (const [slot, value] of Object.entries(step.with ?? {})) {
        if (target && !Object.hasOwn(target.spec.slots, slot)) this.at([...base, 'with', slot], `flow '${step.flow}' has no slot '${slot}'`);
        if (typeof value === 'string') this.template([...base, 'with', slot], value);
      }
    }
  }

  /** Checks an action call; returns the action's outcomes (empty when the action is unknown). */
  private checkCall(path: YamlPath, name: string, args: Record<string, unknown> | undefined, slotValue: string | null): string[] {
    if (!isActionName(name)) {
      this.at([...path, 'call'], `unknown action '${name}'${suggest(name, Object.keys(ACTIONS))}`);
      return [];
    }
    const def = actionDef(name);
    const given = args ?? {};
    for (const [arg, value] of Object.entries(given)) {
      if (!Object.hasOwn(def.args, arg)) this.at([...path, 'args', arg], `action '${name}' has no argument '${arg}' (arguments: ${Object.keys(def.args).join(', ') || 'none'})`);
      if (typeof value === 'string') this.template([...path, 'args', arg], value, new Set(slotValue ? [slotValue] : []));
    }
    const required = Object.entries(def.args).filter(([, req]) => req).map(([arg]) => arg);
    // A lookup passes the slot's value as the first required argument when `args` leaves it out.
    const missing = required.filter((arg) => !Object.hasOwn(given, arg)).slice(slotValue && !args ? 1 : 0);
    if (missing.length > 0) this.at(args ? [...path, 'args'] : path, `action '${name}' needs argument${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}`);
    return [...def.outcomes];
  }

  private target(path: YamlPath, id: string): void {
    if (id !== END && !this.stepIds.has(id)) this.at(path, `unknown step '${id}'${suggest(id, [...this.stepIds.keys(), END])}`);
  }

  private condition(path: YamlPath, condition: Condition): void {
    for (const [key, matcher] of Object.entries(condition)) {
      this.checkPath([...path, key], key);
      if (matcher === null || typeof matcher !== 'object' || Array.isArray(matcher)) continue;
      for (const bound of ['before', 'after'] as const) {
        const operand = matcher[bound];
        if (operand !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(operand)) this.checkPath([...path, key, bound], operand);
      }
    }
  }

  private checkPath(path: YamlPath, varPath: string, extra: ReadonlySet<string> = new Set()): void {
    const root = varPath.split('.')[0] ?? '';
    if (!this.names.has(root) && !extra.has(root)) {
      this.at(path, `unknown variable '${root}' in '${varPath}'${suggest(root, [...this.names])} (known: ${[...this.names].join(', ') || 'none'})`);
    }
  }

  private template(path: YamlPath, text: string, extra: ReadonlySet<string> = new Set()): void {
    for (const ref of templateRefs(text)) {
      this.checkPath(path, ref.path.join('.'), extra);
      if (ref.filter !== null && !(FILTERS as readonly string[]).includes(ref.filter)) {
        this.at(path, `unknown filter '${ref.filter}' (filters: ${FILTERS.join(', ')})`);
      }
    }
  }

  private localized(path: YamlPath, text: Localized, extra: ReadonlySet<string> = new Set()): void {
    this.template([...path, 'ko'], text.ko, extra);
    this.template([...path, 'en'], text.en, extra);
  }

  /** Steps no path from the first step reaches are mistakes: usually a missing `goto`. */
  private checkReachable(): void {
    const steps = this.spec.steps;
    const seen = new Set<number>();
    const queue = [0];
    while (queue.length > 0) {
      const i = queue.pop() as number;
      if (seen.has(i) || i >= steps.length) continue;
      seen.add(i);
      for (const id of successors(steps, i, this.spec.slots)) {
        const j = this.stepIds.get(id);
        if (j !== undefined) queue.push(j);
      }
    }
    steps.forEach((step, i) => {
      if (!seen.has(i)) this.at(['steps', i, 'id'], `step '${step.id}' is unreachable: no step leads to it`);
    });
  }
}

/** " (did you mean 'x'?)" for a near miss. */
export function suggest(value: string, known: readonly string[]): string {
  let best: { name: string; d: number } | null = null;
  for (const name of known) {
    // A cut-short name ("order_no") is as good a hint as a typo.
    const d = value.length >= 3 && name.toLowerCase().startsWith(value.toLowerCase()) ? 1 : editDistance(value.toLowerCase(), name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(2, Math.floor(value.length / 3)) ? ` (did you mean '${best.name}'?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
