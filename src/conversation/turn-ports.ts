// replay (issue 10): the ports a turn reads the world through (the shop, complaint cases, the
// surveys' look-ups), wrapped at their edge. A recording wrapper passes each call on and notes the
// operation, its arguments and its result (or what it threw); a replaying wrapper answers each call
// from such notes and reports a call they do not hold. The dialog steps never know which they have.

import type { Address, CommercePort, CommerceResult, Customer, ExchangeRequest, Order, Product, Refund, ReturnRequest, ShopPolicy } from '../commerce/types.ts';
import type { CaseInfo, CasesPort } from '../dialog/types.ts';
import { toJson } from '../dialog/json.ts';
import type { StoredCall } from '../store/types.ts';
import type { HistoryLine, SurveyFacts } from '../surveys/index.ts';

/** What one call goes through: `op` names it (`commerce.getOrder`), `run` makes it for real (the recorder's), absent when replaying. */
type CallThrough = <T>(op: string, args: unknown[], run: () => Promise<T>) => Promise<T>;

/** The commerce port, every operation sent through `call`. `onOrderEvent` is the server's, not a turn's: left out. */
class CommerceThrough implements CommercePort {
  constructor(
    private readonly call: CallThrough,
    private readonly target: CommercePort | null,
  ) {}

  #shop(): CommercePort {
    if (!this.target) throw new Error('a replayed turn has no shop to call');
    return this.target;
  }

  getCustomer(customerId: string): Promise<CommerceResult<Customer>> {
    return this.call('commerce.getCustomer', [customerId], () => this.#shop().getCustomer(customerId));
  }
  getOrder(orderId: string, customerId: string): Promise<CommerceResult<Order>> {
    return this.call('commerce.getOrder', [orderId, customerId], () => this.#shop().getOrder(orderId, customerId));
  }
  listOrders(customerId: string, options?: { limit?: number }): Promise<CommerceResult<Order[]>> {
    return this.call('commerce.listOrders', options === undefined ? [customerId] : [customerId, options], () => this.#shop().listOrders(customerId, options));
  }
  cancelOrder(orderId: string, customerId: string): Promise<CommerceResult<Order>> {
    return this.call('commerce.cancelOrder', [orderId, customerId], () => this.#shop().cancelOrder(orderId, customerId));
  }
  changeAddress(orderId: string, customerId: string, address: Partial<Address>): Promise<CommerceResult<Order>> {
    return this.call('commerce.changeAddress', [orderId, customerId, address], () => this.#shop().changeAddress(orderId, customerId, address));
  }
  createReturn(input: Parameters<CommercePort['createReturn']>[0]): Promise<CommerceResult<ReturnRequest>> {
    return this.call('commerce.createReturn', [input], () => this.#shop().createReturn(input));
  }
  createExchange(input: Parameters<CommercePort['createExchange']>[0]): Promise<CommerceResult<ExchangeRequest>> {
    return this.call('commerce.createExchange', [input], () => this.#shop().createExchange(input));
  }
  listRefunds(customerId: string, orderId?: string): Promise<CommerceResult<Refund[]>> {
    return this.call('commerce.listRefunds', orderId === undefined ? [customerId] : [customerId, orderId], () => this.#shop().listRefunds(customerId, orderId));
  }
  getProduct(productId: string): Promise<CommerceResult<Product>> {
    return this.call('commerce.getProduct', [productId], () => this.#shop().getProduct(productId));
  }
  findProducts(query: string): Promise<CommerceResult<Product[]>> {
    return this.call('commerce.findProducts', [query], () => this.#shop().findProducts(query));
  }
  getPolicy(): Promise<CommerceResult<ShopPolicy>> {
    return this.call('commerce.getPolicy', [], () => this.#shop().getPolicy());
  }
}

function casesThrough(call: CallThrough, target: CasesPort | null): CasesPort {
  const cases = (): CasesPort => {
    if (!target) throw new Error('a replayed turn has no cases to call');
    return target;
  };
  return {
    open: (input) => call<CaseInfo>('cases.open', [input], () => cases().open(input)),
    list: () => call<CaseInfo[]>('cases.list', [], () => cases().list()),
  };
}

function surveyFactsThrough(call: CallThrough, target: SurveyFacts | null): SurveyFacts {
  const facts = (): SurveyFacts => {
    if (!target) throw new Error('a replayed turn has no survey facts to read');
    return target;
  };
  return {
    npsDue: (customerId, since) => call<boolean>('surveys.npsDue', [customerId, since], () => facts().npsDue(customerId, since)),
    // The server answers with whole transcript entries: only what the surveys read is noted.
    history: () =>
      call<readonly HistoryLine[]>('surveys.history', [], async () =>
        (await facts().history()).map(({ from, intent, flow }) => ({ from, ...(intent !== undefined ? { intent } : {}), ...(flow !== undefined ? { flow } : {}) })),
      ),
  };
}

/** The ports of one turn. */
export interface TurnPorts {
  commerce: CommercePort;
  cases?: CasesPort;
  facts: SurveyFacts;
}

/**
 * A value as JSON keeps it (a Date as its ISO string), copied: what is noted cannot change when
 * the dialog later changes the object it was handed, and reads back as it was written.
 */
function asStored(value: unknown): unknown {
  return value === undefined ? undefined : toJson(value);
}

/**
 * Notes every call a turn makes through its ports. One per turn: made before the turn, `calls`
 * read after it. Costs a copy of each call's arguments and result, nothing when nothing is called.
 */
export class TurnRecorder {
  readonly calls: StoredCall[] = [];
  readonly ports: TurnPorts;

  constructor(ports: TurnPorts) {
    const call: CallThrough = async (op, args, run) => {
      const noted: StoredCall = { op, args: asStored(args) as unknown[] };
      this.calls.push(noted);
      try {
        const result = await run();
        noted.result = asStored(result);
        return result;
      } catch (err) {
        noted.thrown = err instanceof Error ? err.message : String(err);
        throw err;
      }
    };
    this.ports = {
      commerce: new CommerceThrough(call, ports.commerce),
      ...(ports.cases ? { cases: casesThrough(call, ports.cases) } : {}),
      facts: surveyFactsThrough(call, ports.facts),
    };
  }
}

/** A call a replayed turn made that the recording cannot answer. */
export interface CallProblem {
  /** `unrecorded`: the recording has no call of that operation left; `arguments`: it has, with other arguments; `unmade`: a recorded call the turn did not make. */
  kind: 'unrecorded' | 'arguments' | 'unmade';
  op: string;
  /** The arguments of the call made (as stored), or of the recorded call not made. */
  args: unknown[];
  /** `arguments`: what the recording holds for that operation. */
  recorded?: unknown[];
}

/**
 * Answers a replayed turn's calls from the turn's recording: each call takes the first recorded
 * call not yet used with the same operation and arguments (compared as stored: JSON, masked as
 * the store masks them). A call it cannot answer is a problem, and is answered as a shop outage
 * (`unavailable`) so that the turn still ends; a recorded call left unused is one too.
 */
export class TurnReplayer {
  readonly problems: CallProblem[] = [];
  readonly ports: TurnPorts;
  readonly #used: boolean[];

  constructor(
    private readonly recorded: readonly StoredCall[],
    /** How the store masks a value (src/server/masked-store.ts): the replayed arguments are compared as they would have been stored. */
    mask: (value: unknown) => unknown,
  ) {
    this.#used = recorded.map(() => false);
    const call: CallThrough = async <T>(op: string, args: unknown[]): Promise<T> => {
      const asked = mask(asStored(args)) as unknown[];
      const key = JSON.stringify(asked);
      let sameOp = -1;
      for (let i = 0; i < recorded.length; i++) {
        const noted = recorded[i]!;
        if (this.#used[i] || noted.op !== op) continue;
        if (sameOp < 0) sameOp = i;
        if (JSON.stringify(noted.args) !== key) continue;
        this.#used[i] = true;
        if (noted.thrown !== undefined) throw new Error(noted.thrown);
        return asStored(noted.result) as T;
      }
      this.problems.push(sameOp < 0 ? { kind: 'unrecorded', op, args: asked } : { kind: 'arguments', op, args: asked, recorded: recorded[sameOp]!.args });
      return outage(op) as T;
    };
    this.ports = {
      commerce: new CommerceThrough(call, null),
      cases: casesThrough(call, null),
      facts: surveyFactsThrough(call, null),
    };
  }

  /** After the turn: the recorded calls it did not make join the problems. */
  finish(): CallProblem[] {
    this.recorded.forEach((noted, i) => {
      if (!this.#used[i]) this.problems.push({ kind: 'unmade', op: noted.op, args: noted.args });
    });
    return this.problems;
  }
}

/** What an unanswerable call gets: the shop's "unavailable" (a case or survey look-up throws, as a failed store would). */
function outage(op: string): unknown {
  if (op.startsWith('commerce.')) return { ok: false, error: 'unavailable', message: 'the recording holds no such call' } satisfies CommerceResult<never>;
  throw new Error(`the recording holds no ${op} call like this one`);
}
