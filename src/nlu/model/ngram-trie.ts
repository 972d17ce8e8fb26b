// The model's character n-grams as a trie in typed arrays: the n-grams that start at one position
// of a text are looked up by walking one character further each time, without making a string of
// any of them. Children are found in one open-addressing table keyed by (node, character).

/** No such node: the walk has left every n-gram of the model. */
export const NO_NODE = -1;
/** Rows are vocabulary indexes; a node that only leads to longer n-grams has none. */
export const NO_ROW = -1;

/** A slot holds parent node, character and child side by side: one cache line per probe. */
const SLOT_PARENT = 0;
const SLOT_CODE = 1;
const SLOT_CHILD = 2;
const SLOT_SIZE = 3;

export class NgramTrie {
  readonly #slots: Int32Array;
  readonly #mask: number;
  readonly #rows: Int32Array;
  #nodes = 0;

  /** `maxNodes`: at least the roots plus the characters of all n-grams inserted. */
  constructor(maxNodes: number) {
    // At most half full, so that probes stay short.
    let slots = 1;
    while (slots < maxNodes * 2) slots *= 2;
    this.#slots = new Int32Array(slots * SLOT_SIZE);
    for (let slot = 0; slot < slots; slot++) this.#slots[slot * SLOT_SIZE + SLOT_PARENT] = NO_NODE;
    this.#mask = slots - 1;
    this.#rows = new Int32Array(maxNodes).fill(NO_ROW);
  }

  /** A new root: each kind of n-gram has its own. */
  addRoot(): number {
    return this.#newNode();
  }

  insert(root: number, gram: string, row: number): void {
    let node = root;
    for (let i = 0; i < gram.length; i++) {
      const code = gram.charCodeAt(i);
      const at = this.#slot(node, code);
      if (this.#slots[at + SLOT_PARENT] === NO_NODE) {
        this.#slots[at + SLOT_PARENT] = node;
        this.#slots[at + SLOT_CODE] = code;
        this.#slots[at + SLOT_CHILD] = this.#newNode();
      }
      node = this.#slots[at + SLOT_CHILD] as number;
    }
    this.#rows[node] = row;
  }

  /** The node one character further, or NO_NODE: no n-gram of the model goes on with `code`. */
  child(node: number, code: number): number {
    const at = this.#slot(node, code);
    return this.#slots[at + SLOT_PARENT] === NO_NODE ? NO_NODE : (this.#slots[at + SLOT_CHILD] as number);
  }

  row(node: number): number {
    return this.#rows[node] as number;
  }

  #newNode(): number {
    if (this.#nodes === this.#rows.length) throw new RangeError(`NgramTrie: more than ${this.#rows.length} nodes`);
    return this.#nodes++;
  }

  /** Where (node, code) is, or the empty slot where it would go: an index into #slots. */
  #slot(node: number, code: number): number {
    const slots = this.#slots;
    let slot = (Math.imul(node, 0x9e3779b1) ^ Math.imul(code, 0x85ebca6b)) & this.#mask;
    for (;;) {
      const at = slot * SLOT_SIZE;
      const parent = slots[at + SLOT_PARENT];
      if (parent === NO_NODE || (parent === node && slots[at + SLOT_CODE] === code)) return at;
      slot = (slot + 1) & this.#mask;
    }
  }
}
