// Reads a YAML file and validates it with a zod schema, reporting every problem at its
// file:line:column so a trainer can fix the corpus without reading code.
import { isMap, isNode, isScalar, parseDocument, type Document } from 'yaml';
import { LineIndex } from '../shared/line-index.ts';
import type { z } from 'zod';
import { yamlData } from '../shared/yaml-data.ts';

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export function formatPosition(at: SourcePosition): string {
  return `${at.file}:${at.line}:${at.column}`;
}

export interface SourceIssue {
  severity: 'error' | 'warning';
  message: string;
  /** Where to look; `file` alone when the problem is a missing file. */
  at: SourcePosition | { file: string };
}

export function formatIssue(issue: SourceIssue): string {
  const where = 'line' in issue.at ? formatPosition(issue.at) : issue.at.file;
  return `${where}: ${issue.severity}: ${issue.message}`;
}

export class YamlSource {
  private readonly lines: LineIndex;
  readonly document: Document.Parsed;

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.lines = new LineIndex(text);
    this.document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  }

  positionAtOffset(offset: number): SourcePosition {
    const { line, column } = this.lines.position(offset);
    return { file: this.file, line, column };
  }

  /** Where the value at `path` starts; falls back to the nearest ancestor that exists. */
  positionOf(path: readonly PropertyKey[]): SourcePosition {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.document.contents : this.document.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return this.positionAtOffset(node.range[0]);
    }
    return { file: this.file, line: 1, column: 1 };
  }

  /** Where the key `key` of the mapping at `path` is written. */
  keyPosition(path: readonly PropertyKey[], key: string): SourcePosition {
    const map = this.document.getIn(path as unknown[], true);
    if (isMap(map)) {
      const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isNode(pair.key) && pair.key.range) return this.positionAtOffset(pair.key.range[0]);
    }
    return this.positionOf(path);
  }

  /** Syntax errors first; when there are none, the schema's complaints, each at its node. */
  parse<T>(schema: z.ZodType<T>): { value?: T; issues: SourceIssue[] } {
    const syntax = this.document.errors.map((e) => ({
      severity: 'error' as const,
      message: e.message.split('\n')[0] ?? e.message,
      at: this.positionAtOffset(e.pos[0]),
    }));
    if (syntax.length > 0) return { issues: syntax };
    const data = yamlData(this.document);
    if (!data.ok) return { issues: [{ severity: 'error', message: data.message, at: this.positionAtOffset(data.offset) }] };
    const result = schema.safeParse(data.value);
    if (result.success) return { value: result.data, issues: [] };
    return {
      issues: result.error.issues.map((i) => ({
        severity: 'error' as const,
        message: i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message,
        at: this.positionOf(i.path),
      })),
    };
  }
}
