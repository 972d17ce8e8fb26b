// One process per lowdb directory: the lock taken at open (src/store/dir-lock.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_DIR_NAME } from '../../src/store/dir-lock.ts';
import { catalogPath } from '../../src/store/layout.ts';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { session } from './contract.ts';

const HOLDER = fileURLToPath(new URL('./fixtures/hold-lowdb.ts', import.meta.url));

/** A child process holding the store in `dir`, once it says the store is open. */
async function holder(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === 'open') return child;
  }
  throw new Error(`the holder exited before it opened the store:\n${stderr}`);
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

describe('the lowdb store directory lock', () => {
  let dir: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'daehwa-lock-'));
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second store on the same directory in this process, and allows it once the first is closed', async () => {
    const first = await createLowdbStore({ dir });
    const second = createLowdbStore({ dir });
    await expect(second).rejects.toMatchObject({ code: 'locked' });
    await expect(second).rejects.toThrow(`the store directory ${dir} is locked by this process (pid ${process.pid})`);
    await first.putSession(session('s1'));
    await first.close();
    expect(existsSync(join(dir, LOCK_DIR_NAME))).toBe(false);

    const again = await createLowdbStore({ dir });
    expect(await again.getSession('s1')).toEqual(session('s1'));
    await again.close();
  });

  it('refuses a directory another process holds, naming its pid, until that process closes its store', async () => {
    const child = await holder(dir);
    children.push(child);
    const refused = createLowdbStore({ dir });
    await expect(refused).rejects.toMatchObject({ code: 'locked' });
    await expect(refused).rejects.toThrow(new RegExp(`^the store directory ${dir} is locked by pid ${child.pid} on .*, since `));

    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    const store = await createLowdbStore({ dir });
    await store.close();
  });

  it('takes over at once the lock of a process killed with SIGKILL', async () => {
    const child = await holder(dir);
    children.push(child);
    await expect(createLowdbStore({ dir })).rejects.toMatchObject({ code: 'locked' });
    child.kill('SIGKILL');
    await exited(child);
    expect(existsSync(join(dir, LOCK_DIR_NAME))).toBe(true); // left behind by the killed holder

    const store = await createLowdbStore({ dir });
    await expect(createLowdbStore({ dir })).rejects.toThrow(`locked by this process (pid ${process.pid})`);
    await store.close();
  });

  it('releases the lock when opening fails', async () => {
    const store = await createLowdbStore({ dir });
    await store.putSession(session('s1'));
    await store.close();
    await appendFile(catalogPath(dir), '{"id": broken\n{"id":"s2","tokenHash":"h","status":"open"}\n');
    // Corrupt both times: the failed open did not leave the directory locked.
    await expect(createLowdbStore({ dir })).rejects.toMatchObject({ code: 'corrupt' });
    await expect(createLowdbStore({ dir })).rejects.toMatchObject({ code: 'corrupt' });
  });
});
