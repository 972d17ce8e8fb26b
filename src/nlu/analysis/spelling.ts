// Typos in English words: a word the model never saw is read as the known word one edit away
// ("recieve", "adress", "cancle", "pakage"), found among the model's own words, so the
// correction can only lead to a word the model has weights for. Korean typos are left to the
// character n-grams, which already share most of a misspelt word's syllables.

/** Shorter stems are too often a different real word one edit away ("size" / "site"). */
const MIN_LENGTH = 4;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** Corrections remembered; emptied when full, to bound memory. */
const MAX_REMEMBERED = 10_000;

export class SpellingCorrector {
  readonly #known: Set<string>;
  readonly #remembered = new Map<string, string>();

  /** `known`: the stems the model has features for. */
  constructor(known: Iterable<string>) {
    this.#known = new Set(known);
  }

  /** `stem` itself when known, too short or not plain letters; else the first known stem one edit away, or `stem`. */
  correct(stem: string): string {
    if (stem.length < MIN_LENGTH || this.#known.has(stem) || !/^[a-z]+$/.test(stem)) return stem;
    let corrected = this.#remembered.get(stem);
    if (corrected === undefined) {
      if (this.#remembered.size >= MAX_REMEMBERED) this.#remembered.clear();
      corrected = this.#nearest(stem) ?? stem;
      this.#remembered.set(stem, corrected);
    }
    return corrected;
  }

  /** Tried in a fixed order (swapped letters, a letter too many, one missing, one wrong), so the answer is stable. */
  #nearest(word: string): string | undefined {
    const known = (candidate: string) => this.#known.has(candidate);
    for (let i = 0; i + 1 < word.length; i++) {
      const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      if (known(swapped)) return swapped;
    }
    for (let i = 0; i < word.length; i++) {
      const deleted = word.slice(0, i) + word.slice(i + 1);
      if (known(deleted)) return deleted;
    }
    for (let i = 0; i <= word.length; i++) {
      for (const letter of LETTERS) {
        const inserted = word.slice(0, i) + letter + word.slice(i);
        if (known(inserted)) return inserted;
      }
    }
    for (let i = 0; i < word.length; i++) {
      for (const letter of LETTERS) {
        if (letter === word[i]) continue;
        const replaced = word.slice(0, i) + letter + word.slice(i + 1);
        if (known(replaced)) return replaced;
      }
    }
    return undefined;
  }
}

/** The plain Latin stems among a model's word features (`w:refund`). */
export function knownLatinStems(vocabulary: readonly string[]): string[] {
  return vocabulary.filter((f) => f.startsWith('w:') && /^w:[a-z]+$/.test(f)).map((f) => f.slice(2));
}
