// Models on disk: `models/<version>.json` files plus a small `current.json` pointer naming the
// one in use. Every write goes to a temporary file renamed into place, so a failed or
// interrupted training never leaves a half-written model or moves the pointer.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { modelFileSchema, type ModelFile } from './model-file.ts';

const pointerSchema = z.object({ model: z.string().regex(/^[\w.-]+\.json$/) });

/** How many older versions to keep next to the current one. */
const KEPT_VERSIONS = 5;

export class ModelUnavailableError extends Error {
  constructor(
    readonly path: string,
    readonly reason: 'missing' | 'corrupt',
    detail: string,
  ) {
    super(`${reason === 'missing' ? 'no NLU model' : 'the NLU model is unreadable'} at ${path} (${detail}): run \`npm run train\` to train one`);
    this.name = 'ModelUnavailableError';
  }
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(temporary, content, 'utf8');
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelUnavailableError(path, code === 'ENOENT' ? 'missing' : 'corrupt', code ?? String(err));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ModelUnavailableError(path, 'corrupt', `invalid JSON: ${(err as Error).message}`);
  }
}

/**
 * Reads the model at `path`: either a pointer (`current.json`) naming a versioned file beside it,
 * or a versioned model file itself.
 */
export async function readModelFile(path: string): Promise<{ file: ModelFile; path: string }> {
  const json = await readJson(path);
  const pointer = pointerSchema.safeParse(json);
  const modelPath = pointer.success ? join(dirname(path), pointer.data.model) : path;
  const parsed = modelFileSchema.safeParse(pointer.success ? await readJson(modelPath) : json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ModelUnavailableError(modelPath, 'corrupt', first ? `${first.path.join('.')}: ${first.message}` : 'not a model file');
  }
  return { file: parsed.data, path: modelPath };
}

/** Writes the versioned model, then points `currentPath` at it; returns the model's path. */
export async function saveModelFile(currentPath: string, file: ModelFile): Promise<string> {
  const dir = dirname(currentPath);
  await mkdir(dir, { recursive: true });
  const name = `${file.version}.json`;
  const modelPath = join(dir, name);
  await writeAtomically(modelPath, JSON.stringify(file));
  await writeAtomically(currentPath, `${JSON.stringify({ model: name }, null, 2)}\n`);
  await pruneOldVersions(dir, name, basename(currentPath));
  return modelPath;
}

async function pruneOldVersions(dir: string, keep: string, pointerName: string): Promise<void> {
  const versions = (await readdir(dir)).filter((n) => n.endsWith('.json') && n !== pointerName && n !== keep && !n.startsWith('.')).sort();
  for (const old of versions.slice(0, Math.max(0, versions.length - KEPT_VERSIONS))) await rm(join(dir, old), { force: true });
}
