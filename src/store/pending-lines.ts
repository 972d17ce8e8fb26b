// Lines accepted by an append-only lowdb file and not yet written: written at the next flush in
// one append; a failed append keeps them, ahead of any added meanwhile, for the next try.
import { appendFile } from 'node:fs/promises';

export class PendingLines {
  #lines: string[] = [];

  constructor(readonly path: string) {}

  push(line: string): void {
    this.#lines.push(line);
  }

  get dirty(): boolean {
    return this.#lines.length > 0;
  }

  async write(): Promise<void> {
    if (this.#lines.length === 0) return;
    const lines = this.#lines;
    this.#lines = [];
    try {
      await appendFile(this.path, lines.join(''), 'utf8');
    } catch (error) {
      this.#lines = lines.concat(this.#lines);
      throw error;
    }
  }
}
