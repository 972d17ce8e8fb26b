// One process per lowdb data directory: a lock taken when the store opens and released when it
// closes. The lock is proper-lockfile's (an atomic mkdir of <dir>/.lock whose mtime the holder
// keeps fresh); beside it, <dir>/.lock-owner.json names the holder (pid, host, since) so that a
// refusal can say who holds the directory, and so that a lock left by a process that was killed
// (SIGKILL, OOM) is taken over at once when its pid is gone, instead of after the stale period.

import { hostname } from 'node:os';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { StoreError } from './errors.ts';

export const LOCK_DIR_NAME = '.lock';
export const LOCK_OWNER_NAME = '.lock-owner.json';
/** Held (an mkdir) while a dead holder's lock is taken over, so two processes cannot both take it. */
const TAKEOVER_NAME = '.lock-takeover';
/** A holder that has not refreshed its lock for this long is taken as gone, whatever its pid. */
const STALE_MS = 30_000;
/** A takeover mutex older than this was left by a process killed mid-takeover. */
const STUCK_TAKEOVER_MS = 10_000;

const ownerSchema = z.object({ pid: z.number().int().positive(), host: z.string(), since: z.string() });
type LockOwner = z.infer<typeof ownerSchema>;

export interface DirectoryLock {
  release(): Promise<void>;
}

export interface LockDirectoryOptions {
  /** The lock could not be kept fresh or was removed by someone else. Defaults to a process warning. */
  onCompromised?: (error: Error) => void;
}

/** Takes the directory's lock, or throws a `locked` StoreError naming the directory and its holder. */
export async function lockDirectory(dir: string, options: LockDirectoryOptions = {}): Promise<DirectoryLock> {
  try {
    return await acquire(dir, options);
  } catch (error) {
    if (!isLockedError(error)) throw cannotLock(dir, error);
  }
  const owner = await readOwner(dir);
  if (owner && owner.host === hostname() && !isAlive(owner.pid)) return takeOver(dir, owner, options);
  throw lockedError(dir, owner);
}

async function acquire(dir: string, options: LockDirectoryOptions): Promise<DirectoryLock> {
  const onCompromised =
    options.onCompromised ??
    ((error: Error) => process.emitWarning(new StoreError('locked', `the lock on the store directory ${dir} was lost: ${error.message}`)));
  const release = await lockfile.lock(dir, { lockfilePath: join(dir, LOCK_DIR_NAME), realpath: false, stale: STALE_MS, retries: 0, onCompromised });
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const ownerPath = join(dir, LOCK_OWNER_NAME);
  try {
    // Through a rename: a reader never sees half a file.
    await writeFile(`${ownerPath}.${process.pid}.tmp`, JSON.stringify(owner));
    await rename(`${ownerPath}.${process.pid}.tmp`, ownerPath);
  } catch (error) {
    await release().catch(() => undefined);
    throw cannotLock(dir, error);
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      const current = await readOwner(dir);
      if (current?.pid === owner.pid && current.since === owner.since) await rm(ownerPath, { force: true });
      await release();
    },
  };
}

async function takeOver(dir: string, dead: LockOwner, options: LockDirectoryOptions): Promise<DirectoryLock> {
  const mutex = join(dir, TAKEOVER_NAME);
  if (!(await mkdirOnce(mutex))) {
    const age = await stat(mutex).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age < STUCK_TAKEOVER_MS) throw lockedError(dir, dead, 'another process is taking over the lock of that dead process');
    await rm(mutex, { recursive: true, force: true });
    if (!(await mkdirOnce(mutex))) throw lockedError(dir, dead, 'another process is taking over the lock of that dead process');
  }
  try {
    // Still the same dead holder now that no one else can be taking over.
    const owner = await readOwner(dir);
    if (!owner || owner.pid !== dead.pid || owner.since !== dead.since || isAlive(owner.pid)) throw lockedError(dir, owner);
    await rm(join(dir, LOCK_DIR_NAME), { recursive: true, force: true });
    try {
      return await acquire(dir, options);
    } catch (error) {
      if (!isLockedError(error)) throw cannotLock(dir, error);
      throw lockedError(dir, await readOwner(dir));
    }
  } finally {
    await rm(mutex, { recursive: true, force: true });
  }
}

async function mkdirOnce(path: string): Promise<boolean> {
  try {
    await mkdir(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function readOwner(dir: string): Promise<LockOwner | null> {
  try {
    const parsed = ownerSchema.safeParse(JSON.parse(await readFile(join(dir, LOCK_OWNER_NAME), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // missing or unreadable: the holder is unknown
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function isLockedError(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ELOCKED';
}

function lockedError(dir: string, owner: LockOwner | null, detail?: string): StoreError {
  const holder = owner
    ? owner.pid === process.pid && owner.host === hostname()
      ? `this process (pid ${owner.pid}): another store is open on it`
      : `pid ${owner.pid} on ${owner.host}, since ${owner.since}`
    : 'a process that did not say which (no readable .lock-owner.json)';
  return new StoreError(
    'locked',
    `the store directory ${dir} is locked by ${holder}${detail ? `; ${detail}` : ''}. One process uses a lowdb store directory at a time: ` +
      `stop the other one, use a store that several processes can share (PostgreSQL), or if no process uses the directory any more, remove ${join(dir, LOCK_DIR_NAME)}`,
  );
}

function cannotLock(dir: string, error: unknown): StoreError {
  return new StoreError('locked', `cannot lock the store directory ${dir}: ${(error as Error).message}`, { cause: error });
}
