// A lowdb adapter for one JSON document: lowdb's TextFile (steno: write to a temp file, then
// rename) for atomic writes, and on read a schema check whose error names the file.

import { TextFile } from 'lowdb/node';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import { StoreError } from './errors.ts';

export class JsonDocumentFile<T> implements Adapter<T> {
  readonly path: string;
  readonly #file: TextFile;
  readonly #schema: z.ZodType<T>;

  constructor(path: string, schema: z.ZodType<T>) {
    this.path = path;
    this.#file = new TextFile(path);
    this.#schema = schema;
  }

  /** null when the file does not exist; a `corrupt` StoreError when it is not a valid document. */
  async read(): Promise<T | null> {
    const text = await this.#file.read();
    if (text === null) return null;
    return parseDocument(this.path, text, this.#schema);
  }

  write(data: T): Promise<void> {
    // Compact JSON: these files are read by the store, and size is what each turn pays for.
    return this.#file.write(JSON.stringify(data));
  }
}

export function parseDocument<T>(path: string, text: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StoreError('corrupt', `${path}: not valid JSON (${(error as Error).message}); the file was left as it is`, {
      cause: error,
    });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new StoreError(
      'corrupt',
      `${path}: unexpected content${where}: ${issue?.message ?? 'invalid'}; the file was left as it is`,
    );
  }
  return result.data;
}
