// Proactive YAML: problems at file:line:column, cross-checked against the flows; suggestions per page.
import { describe, expect, it } from 'vitest';
import { formatProblems, loadFlowSet } from '../../src/dialog/index.ts';
import { catalogueOf, loadProactive, loadProactiveFromSources, type FlowCatalogue } from '../../src/proactive/loader.ts';
import { suggestionsFor } from '../../src/proactive/suggestions.ts';

const catalogue: FlowCatalogue = {
  flows: new Map([
    ['payment_issue', ['problem']],
    ['order_status', ['order_number']],
  ]),
  intents: new Set(['size.help', 'order.status']),
};

function problemsOf(file: string, text: string): string {
  const result = loadProactiveFromSources([{ file, text }], catalogue);
  if (result.ok) throw new Error('expected problems');
  return formatProblems(result.problems);
}

describe('proactive loader', () => {
  it('an unknown trigger is reported at its line and column with the names that exist', () => {
    const text = ['rules:', '  - id: a', '    when: { trigger: dwel, seconds: 5 }', '    do: { message: { ko: 안녕, en: hi } }', ''].join('\n');
    expect(problemsOf('flows/proactive/rules.yaml', text)).toBe(
      "flows/proactive/rules.yaml:3:22: unknown trigger 'dwel' (did you mean 'dwell'?); triggers: page_view, dwell, cart_idle, checkout_error, page_revisit, order_late",
    );
  });

  it('an unknown condition, a bad action and a wrong flow each point at their node', () => {
    const text = [
      'rules:',
      '  - id: a',
      '    when: { trigger: page_view }',
      '    if: { pag: product }',
      '    do: { message: { ko: 안녕, en: hi } }',
      '  - id: b',
      '    when: { trigger: checkout_error, code: payment_declined }',
      '    do: { flow: payment_isue }',
      '  - id: c',
      '    when: { trigger: page_view }',
      '    do: { flow: payment_issue, slots: { problem: $cod } }',
      '  - id: d',
      '    when: { trigger: page_view }',
      '    do: {}',
      '',
    ].join('\n');
    // Schema problems first stop the file: the unknown key and the empty action.
    const schema = problemsOf('rules.yaml', text);
    expect(schema).toContain("rules.yaml:4:16: unknown key 'pag' (at rules.0.if)");
    expect(schema).toMatch(/rules\.yaml:14:9: an action is exactly one of `message`, `offer_person` or `flow`; found none/);
    const crossRefs = problemsOf('rules.yaml', text.replace('pag:', 'page:').replace('do: {}', 'do: { message: { ko: 네, en: yes } }'));
    expect(crossRefs).toBe(
      [
        "rules.yaml:8:17: unknown flow 'payment_isue' (did you mean 'payment_issue'?)",
        "rules.yaml:11:50: unknown event field '$cod' (did you mean '$code'?); fields: $product, $order, $category, $code, $topic",
      ].join('\n'),
    );
  });

  it('a suggestion payload that runs nothing is a problem', () => {
    const text = ['pages:', '  product:', '    - label: { ko: 사이즈, en: Size }', '      payload: intent:size.hlp', '    - label: { ko: 배송, en: Ship }', '      payload: whatever', ''].join('\n');
    const problems = problemsOf('suggestions.yaml', text);
    expect(problems).toContain("suggestions.yaml:4:16: no flow starts on intent 'size.hlp' (did you mean 'size.help'?)");
    expect(problems).toContain("suggestions.yaml:6:16: payload 'whatever' runs nothing");
  });

  it("the project's own proactive files load against the project's flows", async () => {
    const flows = await loadFlowSet('flows');
    if (!flows.ok) throw new Error(formatProblems(flows.problems));
    const loaded = await loadProactive('flows', catalogueOf(flows.flowSet.flows));
    if (!loaded.ok) throw new Error(formatProblems(loaded.problems));
    expect(loaded.config.rules.rules.map((r) => r.id)).toContain('payment_declined');
    for (const page of ['home', 'category', 'product', 'cart', 'checkout', 'order', 'help'] as const) {
      const chips = suggestionsFor(loaded.config.suggestions, page, 'ko', null);
      expect(chips.length, page).toBeGreaterThanOrEqual(3);
      expect(chips.length, page).toBeLessThanOrEqual(5);
    }
    const personal = suggestionsFor(loaded.config.suggestions, 'order', 'ko', { number: '20261118', product: '캔버스 로우 스니커즈' });
    expect(personal[0]).toEqual({ label: '주문하신 캔버스 로우 스니커즈 배송 조회', payload: 'flow:order_status?order_number=20261118' });
  });
});
