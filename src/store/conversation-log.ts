// One conversation on disk: an append-only JSON-lines log. Each write appends the transcript
// entries accepted since the last one and then a snapshot of the session record, in one append,
// so a turn costs the same however long the transcript is, and a whole write always ends with a
// snapshot line. A kill can cut only the last append short: whatever follows the last snapshot
// line is dropped (and cut off the file) when the log is next loaded.

import * as fs from 'node:fs';
import { type FileHandle, open, readFile, truncate, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { TextFile } from 'lowdb/node';
import type { z } from 'zod';
import { StoreError, nullIfMissing } from './errors.ts';
import { type SnapshotLine, entryLineSchema, snapshotLineSchema } from './layout.ts';
import type { TranscriptEntry } from './types.ts';

export interface LoadedLog {
  snapshot: SnapshotLine;
  /** Length of the log up to and including its last snapshot line. */
  bytes: number;
}

/** Most snapshots are a few hundred bytes: one read of this size usually finds the last one. */
const TAIL_CHUNK_BYTES = 8 * 1024;
const NEWLINE = 0x0a;

/**
 * The last snapshot of a log, read from its end; null when there is no log or no whole write in
 * it. A cut-short append after the last snapshot is truncated away, so the next append starts on
 * a line of its own. Only for a log no write is in flight for.
 */
export async function loadLog(path: string): Promise<LoadedLog | null> {
  const handle = await open(path, 'r').catch(nullIfMissing);
  if (!handle) return null;
  let loaded: LoadedLog | null;
  let size: number;
  try {
    size = (await handle.stat()).size;
    loaded = await findLastSnapshot(path, handle, size);
  } finally {
    await handle.close();
  }
  const bytes = loaded?.bytes ?? 0;
  if (bytes < size) await truncate(path, bytes);
  return loaded;
}

async function findLastSnapshot(path: string, handle: FileHandle, size: number): Promise<LoadedLog | null> {
  for (let chunk = TAIL_CHUNK_BYTES; ; chunk *= 4) {
    const start = Math.max(0, size - chunk);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    // Bytes after the last newline are a line cut short; walk whole lines back from there.
    let end = buffer.lastIndexOf(NEWLINE);
    while (end >= 0) {
      const previous = end === 0 ? -1 : buffer.lastIndexOf(NEWLINE, end - 1);
      if (previous < 0 && start > 0) break; // the line may begin before this chunk
      const line = parseLine(buffer.toString('utf8', previous + 1, end));
      if ('problem' in line) throw corrupt(path, await lineNumberAt(path, start + previous + 1), line.problem);
      if ('session' in line.value) {
        const snapshot = validate(snapshotLineSchema, line.value);
        if ('problem' in snapshot) throw corrupt(path, await lineNumberAt(path, start + previous + 1), snapshot.problem);
        return { snapshot: snapshot.value, bytes: start + end + 1 };
      }
      end = previous; // an entry of an append that never got its snapshot line
    }
    if (start === 0) return null;
  }
}

/**
 * The transcript entries of a log with seq up to `lastSeq`, which must all be in it. Safe while
 * the log is appended to or replaced: later lines, whole or not, are not read.
 */
export async function readLogEntries(path: string, lastSeq: number): Promise<TranscriptEntry[]> {
  if (lastSeq === 0) return [];
  const text = await readFile(path, 'utf8');
  const entries: TranscriptEntry[] = [];
  let lineStart = 0;
  for (let lineNumber = 1; (entries.at(-1)?.seq ?? 0) < lastSeq; lineNumber++) {
    const lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) {
      throw new StoreError('corrupt', `${path}: ends before transcript entry ${lastSeq}; the file was left as it is`);
    }
    const line = parseLine(text.slice(lineStart, lineEnd));
    lineStart = lineEnd + 1;
    if ('problem' in line) throw corrupt(path, lineNumber, line.problem);
    if (!('entry' in line.value)) continue;
    const entry = validate(entryLineSchema, line.value);
    if ('problem' in entry) throw corrupt(path, lineNumber, entry.problem);
    if (entry.value.entry.seq > lastSeq) break;
    entries.push(entry.value.entry);
  }
  return entries;
}

type Parsed<T> = { value: T } | { problem: string };

function parseLine(text: string): Parsed<object> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `not valid JSON (${(error as Error).message})` };
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? { value: json } : { problem: 'not a JSON object' };
}

function validate<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
  const result = schema.safeParse(value);
  if (result.success) return { value: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { problem: `unexpected content${where}: ${issue?.message ?? 'invalid'}` };
}

function corrupt(path: string, lineNumber: number, problem: string): StoreError {
  return new StoreError('corrupt', `${path}:${lineNumber}: ${problem}; the file was left as it is`);
}

/** Worked out only for an error: the tail is read from the end, without counting lines. */
async function lineNumberAt(path: string, offset: number): Promise<number> {
  const bytes = await readFile(path);
  let line = 1;
  for (let at = bytes.indexOf(NEWLINE); at >= 0 && at < offset; at = bytes.indexOf(NEWLINE, at + 1)) line++;
  return line;
}

// Every turn's write goes through these: the callback API on plain descriptors costs about half
// the CPU of fs/promises, whose FileHandle objects each write would create and finalise.
const openFile = promisify(fs.open);
const closeFile = promisify(fs.close);
const writeFile = promisify(fs.writeFile);
const ftruncate = promisify(fs.ftruncate);

const { O_WRONLY, O_CREAT, O_TRUNC, O_APPEND } = fs.constants;
/** Every descriptor appends, whoever truncates the file meanwhile: a new log starts empty, an old one is kept. */
const NEW_LOG = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND;
const OLD_LOG = O_WRONLY | O_CREAT | O_APPEND;

/**
 * How many logs are kept open between writes, unless the store is told otherwise: above the
 * shoppers active at once (a smaller bound, written round-robin, would close one log per write).
 * Node raises the process's descriptor limit to its hard limit; where that is lower, the first
 * EMFILE halves the bound.
 */
export const DEFAULT_OPEN_LOGS = 8000;
const MIN_OPEN_LOGS = 16;

/**
 * Writes conversation logs, keeping the descriptors of the logs written lately open: a turn's
 * append is then one write, where opening and closing the file each time cost more than the write
 * itself. The least recently written log is closed beyond `maxOpen`, and all of them when the
 * process runs out of descriptors. What reaches the disk, and when, is the same either way: each
 * call returns once its data is written to the file.
 *
 * One write per log at a time (the store writes each conversation from one flush at a time).
 */
export class LogFiles {
  /** Path -> descriptor, the least recently written first. */
  readonly #open = new Map<string, number>();

  #maxOpen: number;

  constructor(maxOpen: number = DEFAULT_OPEN_LOGS) {
    this.#maxOpen = maxOpen;
  }

  /** A brand-new log (any file left by a write that never finished is replaced). */
  async create(path: string, data: string | Uint8Array): Promise<void> {
    await this.#close(path);
    await this.#write(path, NEW_LOG, (fd) => writeFile(fd, data));
  }

  /** `wholeBytes`: the log's length after its last whole write; a failed append may have left more. */
  async append(path: string, data: string | Uint8Array, wholeBytes: number, tailUncertain: boolean): Promise<void> {
    await this.#write(path, OLD_LOG, async (fd) => {
      if (tailUncertain) await ftruncate(fd, wholeBytes);
      await writeFile(fd, data); // lands at the end, after the truncation too
    });
  }

  /** Rewrites the log through a temporary file and a rename: the old log stays whole until then. */
  async replace(path: string, data: string): Promise<void> {
    await this.#close(path); // its descriptor would go on writing to the replaced file
    await new TextFile(path).write(data);
  }

  /** Closes the log and deletes it (privacy erase, retention); nothing when it does not exist. */
  async remove(path: string): Promise<void> {
    await this.#close(path);
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Closes every log kept open. */
  async closeAll(): Promise<void> {
    const fds = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(fds.map((fd) => closeFile(fd).catch(() => undefined)));
  }

  async #write(path: string, flags: number, write: (fd: number) => Promise<void>): Promise<void> {
    let fd = this.#open.get(path);
    this.#open.delete(path);
    fd ??= await this.#openFile(path, flags);
    try {
      await write(fd);
    } catch (error) {
      await closeFile(fd).catch(() => undefined);
      throw error;
    }
    this.#open.set(path, fd);
    while (this.#open.size > this.#maxOpen) {
      const [oldest, oldestFd] = this.#open.entries().next().value as [string, number];
      this.#open.delete(oldest);
      await closeFile(oldestFd).catch(() => undefined);
    }
  }

  async #openFile(path: string, flags: number): Promise<number> {
    try {
      return await openFile(path, flags);
    } catch (error) {
      // Out of descriptors (sockets count too): keep fewer from now on, give back the ones kept
      // here, then try once more.
      if ((error as NodeJS.ErrnoException).code !== 'EMFILE' || this.#open.size === 0) throw error;
      this.#maxOpen = Math.max(MIN_OPEN_LOGS, Math.floor(this.#open.size / 2));
      await this.closeAll();
      return openFile(path, flags);
    }
  }

  async #close(path: string): Promise<void> {
    const fd = this.#open.get(path);
    if (fd === undefined) return;
    this.#open.delete(path);
    await closeFile(fd).catch(() => undefined);
  }
}
