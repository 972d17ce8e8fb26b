// The classify path's features: a text straight to the model's vocabulary rows and values, without
// building the FeatureVector (a Map of key strings) that training uses. The rows come in the order
// the vector would list them and the values are computed the same way, so the scores are the same
// to the last bit (test/nlu/sparse-features.test.ts holds the two paths to that).
import {
  EMPTY_FEATURE,
  FEATURE_PREFIXES,
  forEachNgram,
  type FeaturePrefix,
  type FeatureSink,
  type Featurizer,
} from '../analysis/features.ts';
import { NgramTrie, NO_NODE, NO_ROW } from './ngram-trie.ts';

/** Rows and values of one text; the arrays are reused by the next `encode`, read up to `length`. */
export interface SparseFeatures {
  rows: Int32Array;
  values: Float64Array;
  length: number;
}

/** Whole-word keys are looked up by string; n-grams walk the trie. */
const WORD_PREFIXES: readonly FeaturePrefix[] = ['w:', 'b:', 'c:'];

export class SparseFeatureEncoder implements FeatureSink {
  readonly #rowsByWord = new Map<FeaturePrefix, Map<string, number>>();
  readonly #trie: NgramTrie;
  readonly #trieRoots = new Map<FeaturePrefix, number>();
  readonly #emptyRow: number | undefined;
  /** `seenAt[row] === stamp`: the row is in the current text already. */
  readonly #seenAt: Int32Array;
  #stamp = 0;
  /** Keys of the current group that are not in the vocabulary: they count for its scale all the same. */
  readonly #unknown = new Set<string>();
  /** Rows of the n-grams starting at each position of a source, `maxN` per position. */
  #ngramRows = new Int32Array(256);
  #rows = new Int32Array(256);
  #values = new Float64Array(256);
  #length = 0;
  #groupStart = 0;
  #keys = 0;

  constructor(
    private readonly featurizer: Featurizer,
    vocabulary: readonly string[],
  ) {
    const ngrams: [FeaturePrefix, string, number][] = [];
    let trieNodes = 0;
    vocabulary.forEach((feature, row) => {
      const prefix = FEATURE_PREFIXES.find((p) => feature.startsWith(p));
      if (!prefix) return;
      const key = feature.slice(prefix.length);
      if (WORD_PREFIXES.includes(prefix)) {
        let rows = this.#rowsByWord.get(prefix);
        if (!rows) this.#rowsByWord.set(prefix, (rows = new Map()));
        rows.set(key, row);
      } else {
        ngrams.push([prefix, key, row]);
        trieNodes += key.length;
      }
    });
    this.#trie = new NgramTrie(trieNodes + FEATURE_PREFIXES.length);
    for (const prefix of FEATURE_PREFIXES) if (!WORD_PREFIXES.includes(prefix)) this.#trieRoots.set(prefix, this.#trie.addRoot());
    for (const [prefix, key, row] of ngrams) this.#trie.insert(this.#trieRoots.get(prefix) as number, key, row);
    const emptyRow = vocabulary.indexOf(EMPTY_FEATURE);
    this.#emptyRow = emptyRow < 0 ? undefined : emptyRow;
    this.#seenAt = new Int32Array(vocabulary.length);
  }

  encode(text: string): SparseFeatures {
    this.#length = 0;
    this.#groupStart = 0;
    this.#keys = 0;
    if (this.#stamp === 0x7fffffff) {
      this.#seenAt.fill(0);
      this.#stamp = 0;
    }
    this.#stamp++;
    this.featurizer.visit(text, this);
    if (this.#keys === 0 && this.#emptyRow !== undefined) this.#push(this.#emptyRow, 1);
    return { rows: this.#rows, values: this.#values, length: this.#length };
  }

  key(prefix: FeaturePrefix, key: string): void {
    this.#keys++;
    const row = this.#rowsByWord.get(prefix)?.get(key);
    if (row === undefined) this.#unknown.add(prefix + key);
    else this.#found(row);
  }

  ngrams(prefix: FeaturePrefix, source: string, min: number, max: number, spanningOnly: boolean): void {
    const root = this.#trieRoots.get(prefix);
    if (root === undefined) throw new Error(`no n-grams with prefix ${prefix}`);
    const trie = this.#trie;
    if (this.#ngramRows.length < source.length * max) this.#ngramRows = new Int32Array(source.length * max * 2);
    const rowsAt = this.#ngramRows;
    // One walk per start position gives the rows of all its n-grams...
    for (let start = 0; start < source.length; start++) {
      let node = root;
      for (let n = 1; n <= max && start + n <= source.length; n++) {
        if (node !== NO_NODE) node = trie.child(node, source.charCodeAt(start + n - 1));
        rowsAt[start * max + n - 1] = node === NO_NODE ? NO_ROW : trie.row(node);
      }
    }
    // ...then they are listed in the order of the string path.
    forEachNgram(source, min, max, spanningOnly, (start, end) => {
      this.#keys++;
      const row = rowsAt[start * max + end - start - 1] as number;
      if (row === NO_ROW) this.#unknown.add(prefix + source.slice(start, end));
      else this.#found(row);
    });
  }

  endGroup(weight: number): void {
    const distinct = this.#length - this.#groupStart + this.#unknown.size;
    this.#unknown.clear();
    if (distinct > 0) this.#values.fill(weight / Math.sqrt(distinct), this.#groupStart, this.#length);
    this.#groupStart = this.#length;
  }

  #found(row: number): void {
    if (this.#seenAt[row] === this.#stamp) return;
    this.#seenAt[row] = this.#stamp;
    this.#push(row, 0); // its value once the group's size is known
  }

  #push(row: number, value: number): void {
    if (this.#length === this.#rows.length) {
      const rows = new Int32Array(this.#length * 2);
      rows.set(this.#rows);
      this.#rows = rows;
      const values = new Float64Array(this.#length * 2);
      values.set(this.#values);
      this.#values = values;
    }
    this.#rows[this.#length] = row;
    this.#values[this.#length] = value;
    this.#length++;
  }
}
