// Recording facts on the turn's hot path (issue 12, docs/analytics.md#recording-cost): the turn
// hands over what it has in hand and goes on. The fact is built at once (a few small objects, the
// shopper's line masked), and the facts of one turn of the event loop go to the store together,
// after the turn: one appendFacts call (one INSERT on PostgreSQL) for every turn answered in that
// loop turn, and no await on the turn's path. A fact that cannot be stored is logged; the
// shopper's turn is never held up or failed by it. `analytics.recordFacts: false` records nothing.
import type { AnalyticsFact, FactStore, Store, TurnFact } from '../store/types.ts';
import { type DeskInput, deskFact, type TurnInput, turnFact } from './record.ts';

export interface FactRecorderOptions {
  store: Pick<FactStore, 'appendFacts'>;
  /** Off: turns and desk events record nothing (config analytics.recordFacts). */
  enabled: boolean;
  log: { error(object: Record<string, unknown>, message: string): void };
}

export class FactRecorder {
  #batch: AnalyticsFact[] = [];
  #scheduled = false;
  /** The append in flight: flush() waits for it. */
  #writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: FactRecorderOptions) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** One turn of the pipeline (src/server/conversation.ts): the fact recorded, if any. */
  turn(input: TurnInput): TurnFact | undefined {
    if (!this.options.enabled) return undefined;
    let fact: TurnFact;
    try {
      fact = turnFact(input);
    } catch (err) {
      this.options.log.error({ err }, 'analytics fact not recorded');
      return undefined;
    }
    this.#add(fact);
    return fact;
  }

  /** One hand-off desk event. */
  desk(input: DeskInput): void {
    if (!this.options.enabled) return;
    this.#add(deskFact(input));
  }

  /** Hands what was recorded to the store now, and waits until the store has it (shutdown, tests). */
  async flush(): Promise<void> {
    this.#drain();
    await this.#writing;
  }

  #add(fact: AnalyticsFact): void {
    this.#batch.push(fact);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  #drain(): void {
    this.#scheduled = false;
    if (this.#batch.length === 0) return;
    const facts = this.#batch;
    this.#batch = [];
    const previous = this.#writing;
    this.#writing = (async () => {
      await previous;
      try {
        await this.options.store.appendFacts(facts);
      } catch (err) {
        this.options.log.error({ err, facts: facts.length }, 'analytics facts not recorded');
      }
    })();
  }
}

/** The store as code that records desk facts itself sees it when recording is off: appendFacts does nothing. */
export function withoutFactRecording(store: Store): Store {
  const appendFacts: Store['appendFacts'] = async () => {};
  return new Proxy(store, {
    get(target, property) {
      if (property === 'appendFacts') return appendFacts;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
