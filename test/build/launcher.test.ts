// bin/daehwa.js chooses what to run: the compiled dist/ in an installed package (no src/) or in
// production, the TypeScript in src/ through tsx in a checkout. A copy of the launcher beside
// stand-in entry points shows which one ran and that the arguments reach it.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
let dir: string | null = null;

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

async function layout(parts: { src: boolean; dist: boolean }): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'daehwa-launcher-'));
  await mkdir(path.join(dir, 'bin'));
  await copyFile(path.join(ROOT, 'bin', 'daehwa.js'), path.join(dir, 'bin', 'daehwa.js'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'launcher-test', type: 'module' }));
  // tsx, found as an installed package would find it.
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  if (parts.src) {
    await mkdir(path.join(dir, 'src', 'cli'), { recursive: true });
    await writeFile(path.join(dir, 'src', 'cli', 'main.ts'), "const args: string[] = process.argv.slice(2);\nprocess.stdout.write(`src ${JSON.stringify(args)}`);\n");
  }
  if (parts.dist) {
    await mkdir(path.join(dir, 'dist', 'cli'), { recursive: true });
    await writeFile(path.join(dir, 'dist', 'cli', 'main.js'), 'process.stdout.write(`dist ${JSON.stringify(process.argv.slice(2))}`);\n');
  }
  return path.join(dir, 'bin', 'daehwa.js');
}

async function launch(bin: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  const base = { ...process.env };
  delete base.NODE_ENV;
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, 'serve', '--flag'], { env: { ...base, ...env } });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const failed = err as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('bin/daehwa.js', () => {
  it('in a checkout outside production runs src/ through tsx, even when dist/ exists', async () => {
    const bin = await layout({ src: true, dist: true });
    expect(await launch(bin)).toMatchObject({ stdout: 'src ["serve","--flag"]', code: 0 });
  });

  it('with NODE_ENV=production runs dist/', async () => {
    const bin = await layout({ src: true, dist: true });
    expect(await launch(bin, { NODE_ENV: 'production' })).toMatchObject({ stdout: 'dist ["serve","--flag"]', code: 0 });
  });

  it('as an installed package (no src/) runs dist/ in any environment', async () => {
    const bin = await layout({ src: false, dist: true });
    expect(await launch(bin)).toMatchObject({ stdout: 'dist ["serve","--flag"]', code: 0 });
  });

  it('in production without a build falls back to tsx and says to build', async () => {
    const bin = await layout({ src: true, dist: false });
    const result = await launch(bin, { NODE_ENV: 'production' });
    expect(result).toMatchObject({ stdout: 'src ["serve","--flag"]', code: 0 });
    expect(result.stderr).toContain('run `npm run build`');
  });

  it('with neither exits 1 and says what is missing', async () => {
    const bin = await layout({ src: false, dist: false });
    const result = await launch(bin);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/neither .*dist.*main\.js nor .*src.*main\.ts exists/);
  });
});
