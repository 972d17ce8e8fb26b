// The conversation logs' writer keeps descriptors open between writes: what lands in each file
// must be exactly what a fresh open-append-close would have left, and the open files stay bounded.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogFiles } from '../../src/store/conversation-log.ts';
import { withTempDir } from '../nlu/helpers.ts';

/** The files of `dir` this process holds open (Linux: /proc/self/fd). */
async function openIn(dir: string): Promise<string[]> {
  const links = await Promise.all((await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return links.filter((target) => target.startsWith(dir)).sort();
}

describe('LogFiles', () => {
  it('appends after a create, and keeps at most maxOpen files open', async () => {
    await withTempDir(async (dir) => {
      const logs = new LogFiles(2);
      const files = ['a', 'b', 'c'].map((name) => path.join(dir, `${name}.jsonl`));
      for (const file of files) await logs.create(file, `${path.basename(file)}0\n`);
      for (let round = 1; round <= 3; round++) {
        for (const file of files) await logs.append(file, `${path.basename(file)}${round}\n`, 0, false);
        expect((await openIn(dir)).length).toBeLessThanOrEqual(2);
      }
      for (const file of files) {
        const name = path.basename(file);
        expect(await readFile(file, 'utf8')).toBe(`${name}0\n${name}1\n${name}2\n${name}3\n`);
      }
      await logs.closeAll();
      expect(await openIn(dir)).toEqual([]);
    });
  });

  it('writes to the new file after a replace, not to the one it replaced', async () => {
    await withTempDir(async (dir) => {
      const logs = new LogFiles();
      const file = path.join(dir, 'log.jsonl');
      await logs.create(file, 'old1\n');
      await logs.append(file, 'old2\n', 5, false);
      await logs.replace(file, 'compact\n');
      await logs.append(file, 'next\n', 8, false);
      expect(await readFile(file, 'utf8')).toBe('compact\nnext\n');
      await logs.closeAll();
    });
  });

  it('cuts a torn tail before appending, without leaving a gap', async () => {
    await withTempDir(async (dir) => {
      const logs = new LogFiles();
      const file = path.join(dir, 'log.jsonl');
      await logs.create(file, 'whole\n');
      await writeFile(file, 'whole\ntorn-half-li', { flag: 'a' }); // what a failed append may leave
      await logs.append(file, 'next\n', 6, true);
      expect(await readFile(file, 'utf8')).toBe('whole\nnext\n');
      // A file created anew starts empty even though a descriptor to it was open.
      await logs.create(file, 'fresh\n');
      expect(await readFile(file, 'utf8')).toBe('fresh\n');
      await logs.closeAll();
    });
  });

  // Node raises its descriptor limit to the hard limit; prlimit sets a low hard limit for the child.
  it.skipIf(!existsSync('/usr/bin/prlimit'))('keeps writing when the process runs out of descriptors, keeping fewer open', async () => {
    await withTempDir(async (dir) => {
      const fixture = path.join(import.meta.dirname, 'fixtures', 'many-logs.ts');
      const out = execFileSync('/usr/bin/prlimit', ['--nofile=96:96', process.execPath, '--import', 'tsx', fixture, dir, '300'], { encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual({ written: 300, wrong: 0 });
    });
  });
});
