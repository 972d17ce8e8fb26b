// Offsets in a text to 1-based line:column, counted from the text itself. The yaml package's
// LineCounter learns line breaks from the parser's tokens, and after a syntax error the parser
// can swallow several lines into one token: positions further down then point at lines that are
// too early (or past their end). This index does not depend on how the text was parsed.

export interface LinePosition {
  line: number;
  column: number;
}

export class LineIndex {
  /** The offset each line starts at. */
  readonly #starts: number[] = [0];
  readonly #length: number;

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#starts.push(i + 1);
    this.#length = text.length;
  }

  /** Line and column (UTF-16 code units) of `offset`, clamped into the text. */
  position(offset: number): LinePosition {
    const at = Math.min(Math.max(0, Number.isFinite(offset) ? Math.floor(offset) : 0), this.#length);
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#starts[mid]! <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - this.#starts[low]! + 1 };
  }
}
