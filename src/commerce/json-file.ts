// Parsing JSON files with errors a person can act on: the file, the line and column of a syntax
// error, or the path of the field that breaks the schema.

import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatZodIssues } from './schemas.ts';

export class ShopDataError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ShopDataError';
  }
}

/** Where a JSON syntax error is, as line and column (1-based). */
function locateSyntaxError(text: string, error: SyntaxError): { line: number; col: number } | undefined {
  // Newer V8 messages carry the offset; older ones only quote the text, so ask the yaml parser
  // (JSON is YAML) in strict JSON mode for the first error's position.
  const offset = /at position (\d+)/.exec(error.message)?.[1];
  if (offset !== undefined) {
    const before = text.slice(0, Number(offset));
    return { line: before.split('\n').length, col: Number(offset) - before.lastIndexOf('\n') };
  }
  return parseDocument(text, { schema: 'json' }).errors[0]?.linePos?.[0];
}

/** V8's message without the echo of the input it sometimes appends. */
function syntaxErrorMessage(error: SyntaxError): string {
  const token = /^(Unexpected token '.+?'),/.exec(error.message)?.[1];
  return token ?? error.message.replace(/ in JSON at position \d+.*$/s, '');
}

function syntaxErrorDetail(text: string, error: SyntaxError): string {
  const at = locateSyntaxError(text, error);
  return `${at ? `${at.line}:${at.col}: ` : ''}invalid JSON: ${syntaxErrorMessage(error)}`;
}

export function parseJsonFile<T>(file: string, text: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) throw new ShopDataError(file, syntaxErrorDetail(text, error));
    throw error;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ShopDataError(file, formatZodIssues(parsed.error));
  return parsed.data;
}
