// What shoppers on each page type actually ask: counted from the analytics turn facts that name
// the page the shopper was on, and used to put the contextual FAQ's most asked questions first.
// Pure: the server feeds it facts (a window read from the store, then each new turn) and asks it
// for an order.
import type { PageType } from './events.ts';
import type { Suggestion, SuggestionsFile } from './schema.ts';

/** The parts of a turn fact the tally reads (src/store/types.ts TurnFact). */
export interface AskedTurn {
  page?: string | undefined;
  input: 'text' | 'quick_reply' | 'event';
  intent: string | null;
  flows: readonly { flow: string; event: string }[];
  handoff: unknown;
}

/** What a chip's payload stands for, as the tally counts it. */
export function demandKey(payload: string): string {
  if (payload.startsWith('intent:')) return payload;
  if (payload.startsWith('flow:')) return `flow:${payload.slice('flow:'.length).split('?')[0] ?? ''}`;
  return payload;
}

/** The keys one turn counts for: its intent, the flows it started, a person asked for. */
function keysOf(turn: AskedTurn): string[] {
  if (turn.input === 'event') return [];
  const keys: string[] = [];
  if (turn.intent !== null && turn.intent !== 'None') keys.push(`intent:${turn.intent}`);
  for (const flow of turn.flows) if (flow.event === 'started') keys.push(`flow:${flow.flow}`);
  if (turn.handoff !== null) keys.push('handoff');
  return keys;
}

export class PageDemand {
  readonly #counts = new Map<string, Map<string, number>>();
  readonly #asks = new Map<string, number>();

  /** A tally of `turns` (facts without a page are not counted). */
  static of(turns: Iterable<AskedTurn>): PageDemand {
    const demand = new PageDemand();
    for (const turn of turns) demand.count(turn);
    return demand;
  }

  count(turn: AskedTurn): void {
    if (turn.page === undefined) return;
    const keys = keysOf(turn);
    if (keys.length === 0) return;
    this.#asks.set(turn.page, (this.#asks.get(turn.page) ?? 0) + 1);
    let counts = this.#counts.get(turn.page);
    if (!counts) this.#counts.set(turn.page, (counts = new Map()));
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  /** Turns counted on the page. */
  asks(page: string): number {
    return this.#asks.get(page) ?? 0;
  }

  /** How often shoppers on the page asked for what the payload stands for. */
  of(page: string, payload: string): number {
    return this.#counts.get(page)?.get(demandKey(payload)) ?? 0;
  }
}

/**
 * The page's chips, most asked first, once the page has `min_asks` counted turns; before that, and
 * for pages marked `order: fixed`, in file order. Personal items (the latest order) keep their
 * place at the top; equal counts keep file order.
 */
export function rankedItems(file: SuggestionsFile, page: PageType, demand: PageDemand | null): readonly Suggestion[] {
  const items = file.pages[page] ?? [];
  const { ranking } = file;
  if (!demand || !ranking.enabled || ranking.fixed.includes(page) || demand.asks(page) < ranking.min_asks) return items;
  const personal = items.filter((item) => item.personal !== undefined);
  const ranked = items
    .map((item, index) => ({ item, index, count: demand.of(page, item.payload) }))
    .filter(({ item }) => item.personal === undefined)
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .map(({ item }) => item);
  return [...personal, ...ranked];
}
