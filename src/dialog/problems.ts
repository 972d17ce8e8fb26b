// Problems found in flow files, each pinned to file:line:column so a designer can jump to it.

import { isNode, parseDocument, type Document } from 'yaml';
import { LineIndex } from '../shared/line-index.ts';
import { yamlData } from '../shared/yaml-data.ts';

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
  /** The document's plain value; undefined until parse() found no problem. */
  #value: unknown;

  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineIndex,
  ) {}

  static parse(file: string, text: string): { source: SourceFile; problems: FlowProblem[] } {
    const lines = new LineIndex(text);
    // logLevel 'error': toJS() must not print Node warnings (a collection used as a key) from the server.
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
    const source = new SourceFile(file, doc, lines);
    const problems = [...doc.errors, ...doc.warnings].map((e) => {
      const pos = lines.position(e.pos[0]);
      return { file, line: pos.line, column: pos.column, message: `YAML syntax: ${firstLine(e.message)}` };
    });
    if (problems.length === 0) {
      // An unresolvable or exploding alias is a problem of the file too, not an exception.
      const data = yamlData(doc);
      if (data.ok) {
        source.#value = data.value;
      } else {
        const pos = lines.position(data.offset);
        problems.push({ file, line: pos.line, column: pos.column, message: `YAML: ${firstLine(data.message)}` });
      }
    }
    return { source, problems };
  }

  /** The plain value of a file parse() found no problem in. */
  data(): unknown {
    return this.#value;
  }

  /** Problem at the deepest existing node along `path` (a missing key points at its parent map). */
  problem(path: YamlPath, message: string): FlowProblem {
    for (let depth = path.length; depth >= 0; depth--) {
      const prefix = path.slice(0, depth);
      // A key written as a number (`5:`) is a number in the document, a string in the data read from it.
      const node = depth === 0 ? this.doc.contents : (this.doc.getIn(prefix, true) ?? this.doc.getIn(prefix.map(asNumberKey), true));
      if (isNode(node) && node.range) {
        const pos = this.lines.position(node.range[0]);
        return { file: this.file, line: pos.line, column: pos.column, message };
      }
    }
    return { file: this.file, line: 1, column: 1, message };
  }
}

function asNumberKey(key: string | number): string | number {
  return typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
