// The attachment storage port: where the bytes of files shoppers send are kept. A directory by
// default; a shop can put an object store behind the same two calls. Records (who sent what) are
// in the Store; only bytes live here.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AttachmentStorage {
  put(id: string, bytes: Buffer): Promise<void>;
  /** null when nothing is stored under `id`. */
  get(id: string): Promise<Buffer | null>;
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

function checkedId(id: string): string {
  if (!SAFE_ID.test(id)) throw new Error(`attachment id ${JSON.stringify(id)} is not storable: use A-Z, a-z, 0-9, "_" and "-"`);
  return id;
}

/** One file per attachment under `dir/<ab>/<id>`, written to a temporary name first, then renamed. */
export function directoryStorage(dir: string): AttachmentStorage {
  const pathOf = (id: string): string => join(dir, checkedId(id).slice(-2), id);
  return {
    async put(id, bytes) {
      const path = pathOf(id);
      await mkdir(join(dir, id.slice(-2)), { recursive: true });
      await writeFile(`${path}.tmp`, bytes);
      await rename(`${path}.tmp`, path);
    },
    async get(id) {
      if (!SAFE_ID.test(id)) return null;
      try {
        return await readFile(pathOf(id));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
  };
}

/** For tests and for the memory store: nothing on disk. */
export function memoryStorage(): AttachmentStorage {
  const files = new Map<string, Buffer>();
  return {
    async put(id, bytes) {
      files.set(checkedId(id), Buffer.from(bytes));
    },
    async get(id) {
      const bytes = files.get(id);
      return bytes ? Buffer.from(bytes) : null;
    },
  };
}
