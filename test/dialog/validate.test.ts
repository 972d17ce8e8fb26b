import { describe, expect, it } from 'vitest';
import { formatProblems, loadFlowSet, loadFlowSetFromSources, type FlowProblem } from '../../src/dialog/index.ts';
import { MESSAGES } from './harness.ts';

const MENU_FLOWS = `
flow: menu_targets
title: { ko: 메뉴, en: menu }
intents: [order.status, order.cancel, size.help, agent.request]
steps:
  - id: hi
    say: { ko: 안녕하세요, en: Hello }
`;

/** Loads one flow file next to the messages and a flow owning the menu's intents. */
function check(flow: string, file = 'flows/test.yaml'): FlowProblem[] {
  const result = loadFlowSetFromSources([
    { file: 'flows/messages.yaml', text: MESSAGES },
    { file: 'flows/menu.yaml', text: MENU_FLOWS },
    { file, text: flow },
  ]);
  return result.ok ? [] : result.problems;
}

const VALID = `
flow: fee
title: { ko: 배송비, en: shipping }
intents: [shipping.fee]
slots:
  order_number:
    type: order_number
    prompt: { ko: 주문번호요?, en: Order number? }
steps:
  - id: ask
    ask: order_number
  - id: answer
    say: { ko: '{{order_number}} 확인했어요', en: 'Checked {{order_number}}' }
`;

describe('flow validation', () => {
  it('accepts a valid flow', () => {
    expect(check(VALID)).toEqual([]);
  });

  it('accepts the shop’s own flows', async () => {
    const result = await loadFlowSet('flows');
    expect(result.ok ? [] : formatProblems(result.problems)).toEqual([]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const problems = check('flow: fee\ntitle: { ko: 배송비, en: shipping\nsteps: []\n');
    expect(problems[0]).toMatchObject({ file: 'flows/test.yaml', line: 3, column: 1 });
    expect(problems[0]?.message).toMatch(/^YAML syntax: /);
  });

  it('reports an unknown intent where it is written, with the closest known one', () => {
    const problems = check(VALID.replace('intents: [shipping.fee]', 'intents: [shipping.fees]'));
    expect(problems).toEqual([{ file: 'flows/test.yaml', line: 4, column: 11, message: "unknown intent 'shipping.fees' (did you mean 'shipping.fee'?)" }]);
  });

  it('reports `digressions` on a step that asks nothing, where it is written', () => {
    const flow = VALID.replace("say: { ko: '{{order_number}} 확인했어요'", "digressions: false\n    say: { ko: '{{order_number}} 확인했어요'");
    expect(check(flow)).toEqual([{ file: 'flows/test.yaml', line: 13, column: 18, message: "step 'answer' asks nothing: `digressions` only applies to an `ask` step" }]);
    expect(check(VALID.replace('ask: order_number', 'ask: order_number\n    digressions: false'))).toEqual([]);
  });

  it('accepts an order card on a step that speaks, and reports one without words or with an unknown variable', () => {
    const withCard = (card: string) => VALID.replace("    say: { ko: '{{order_number}} 확인했어요'", `    card: ${card}\n    say: { ko: '{{order_number}} 확인했어요'`);
    expect(check(withCard('{ order: order_number }'))).toEqual([]);
    expect(check(withCard('{ order: ordr }')).map((p) => p.message)).toEqual([expect.stringMatching(/^unknown variable 'ordr' in 'ordr'/)]);
    const silent = `${VALID}  - id: silent\n    card: { order: order_number }\n    end: true\n`;
    expect(check(silent).map((p) => p.message)).toEqual(['a card goes with what the step says: give the step `say` too']);
  });

  it('reports an unknown entity type for a slot', () => {
    const [problem] = check(VALID.replace('type: order_number', 'type: order_numbr'));
    expect(problem).toMatchObject({ line: 7, column: 11 });
    expect(problem?.message).toMatch(/^unknown slot type 'order_numbr' \(did you mean 'order_number'\?\)/);
  });

  it('reports unknown steps, actions, outcomes and missing arguments', () => {
    const flow = `${VALID}  - id: route
    branch:
      - if: { order_number: '1' }
        goto: nowhere
  - id: load
    call: get_ordr
  - id: cancel
    call: cancel_order
    on: { shipped: route }
`;
    const messages = check(flow).map((p) => `${p.line}:${p.column} ${p.message}`);
    expect(messages).toEqual([
      "17:15 unknown step 'nowhere'",
      "19:11 unknown action 'get_ordr' (did you mean 'get_order'?)",
      "20:5 action 'cancel_order' needs argument 'order_number'",
      "22:20 action 'cancel_order' has no outcome 'shipped' (possible: ok, not_found, not_allowed, unavailable)",
    ]);
  });

  it('reports unreachable steps and slots never asked', () => {
    const flow = VALID.replace('steps:', 'size:\n    type: size\n    prompt: { ko: 사이즈?, en: Size? }\nsteps:').replace('size:\n', '  size:\n').replace(
      '  - id: answer',
      '  - id: jump\n    goto: end\n  - id: answer',
    );
    const messages = check(flow).map((p) => `${p.line}:${p.column} ${p.message}`);
    expect(messages).toEqual([
      "10:5 slot 'size' is never asked: add a step with `ask: size` or remove the slot",
      "17:9 step 'answer' is unreachable: no step leads to it",
    ]);
  });

  it('reports missing Korean or English text at the text that lacks it', () => {
    const problems = check(VALID.replace("say: { ko: '{{order_number}} 확인했어요', en: 'Checked {{order_number}}' }", "say: { ko: '{{order_number}} 확인했어요' }"));
    expect(problems).toEqual([{ file: 'flows/test.yaml', line: 13, column: 10, message: 'missing English (`en`) text (at steps.1.say.en)' }]);
  });

  it('reports unknown variables and filters in templates, and misspelt keys', () => {
    const flow = VALID.replace("'{{order_number}} 확인했어요'", "'{{order.total | won}}'").replace('    prompt:', '    promt:');
    const messages = check(flow).map((p) => p.message);
    expect(messages).toEqual(["unknown key 'promt' (at slots.order_number)", 'missing `prompt` (or `use: <slot from slots.yaml>`) (at slots.order_number.prompt)']);
    const templates = check(VALID.replace("'{{order_number}} 확인했어요'", "'{{order.total | won}}'")).map((p) => p.message);
    expect(templates).toEqual([
      "unknown variable 'order' in 'order.total' (did you mean 'order_number'?) (known: today, order_number)",
      "unknown filter 'won' (filters: date, money, status, list, names, count, 은는, 이가, 을를, 과와, 으로, 이에요)",
    ]);
  });

  it('refuses two flows for one intent and questions in a digression', () => {
    const problems = loadFlowSetFromSources([
      { file: 'flows/messages.yaml', text: MESSAGES },
      { file: 'flows/menu.yaml', text: MENU_FLOWS },
      { file: 'flows/a.yaml', text: VALID.replace('flow: fee', 'flow: fee_a').replace('intents:', 'digression: true\nintents:') },
      { file: 'flows/b.yaml', text: VALID.replace('flow: fee', 'flow: fee_b') },
    ]);
    expect(problems.ok ? [] : formatProblems(problems.problems).split('\n')).toEqual([
      'flows/a.yaml:12:10: a digression flow answers and returns: it cannot ask questions',
      "flows/b.yaml:4:11: intent 'shipping.fee' already starts flow 'fee_a' (flows/a.yaml)",
    ]);
  });

  it('refuses a set without the messages file, and names an unknown shared slot', () => {
    const result = loadFlowSetFromSources([{ file: 'flows/test.yaml', text: VALID.replace('type: order_number', 'use: order_numbr') }]);
    expect(result.ok ? [] : result.problems.map((p) => `${p.file}: ${p.message}`)).toEqual([
      "flows/test.yaml: unknown shared slot 'order_numbr' (shared slots live in slots.yaml)",
      "messages.yaml: missing messages.yaml: the engine's own sentences and command phrases live there",
    ]);
  });

  it('formats problems one a line, sorted by file and position', () => {
    expect(
      formatProblems([
        { file: 'flows/b.yaml', line: 2, column: 1, message: 'second' },
        { file: 'flows/a.yaml', line: 9, column: 3, message: 'first' },
      ]),
    ).toBe('flows/a.yaml:9:3: first\nflows/b.yaml:2:1: second');
  });
});
