// Problems found in flow files, each pinned to file:line:column so a designer can jump to it.

import { isNode, LineCounter, parseDocument, type Document } from 'yaml';

export interface FlowProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** One line per problem, sorted by file and position: `flows/x.yaml:12:5: message`. */
export function formatProblems(problems: readonly FlowProblem[]): string {
  return [...problems]
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
    .map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)
    .join('\n');
}

export type YamlPath = readonly (string | number)[];

/** A parsed YAML file that can answer "where is the node at this path?". */
export class SourceFile {
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): { source: SourceFile; problems: FlowProblem[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new SourceFile(file, doc, lines);
    const problems = [...doc.errors, ...doc.warnings].map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { file, line: pos.line, column: pos.col, message: `YAML syntax: ${firstLine(e.message)}` };
    });
    return { source, problems };
  }

  data(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** Problem at the deepest existing node along `path` (a missing key points at its parent map). */
  problem(path: YamlPath, message: string): FlowProblem {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const pos = this.lines.linePos(node.range[0]);
        return { file: this.file, line: pos.line, column: pos.col, message };
      }
    }
    return { file: this.file, line: 1, column: 1, message };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
