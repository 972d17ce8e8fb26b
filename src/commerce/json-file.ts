// Parsing JSON files with errors a person can act on: the file, the line and column of a syntax
// error, or the path of the field that breaks the schema.

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

/** V8 reports syntax errors by character offset; people look for line and column. */
function syntaxErrorDetail(text: string, error: SyntaxError): string {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  const message = error.message.replace(/ in JSON at position \d+.*$/, '');
  if (position === undefined) return `invalid JSON: ${message}`;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `${line}:${column}: invalid JSON: ${message}`;
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
