// The package's own files are found from the module, so that src/ and dist/ (and an installed
// package started in an empty directory) read the same pages, seed, flows and corpus.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { bundledDir, PACKAGE_ROOT, packagePath } from '../../src/shared/package-paths.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

describe('package paths', () => {
  it('the package root is the directory with package.json, flows/, intents/ and public/', () => {
    expect(path.resolve(PACKAGE_ROOT)).toBe(path.resolve(ROOT));
    for (const name of ['package.json', 'flows', 'intents', 'public/index.html', 'data/shop/seed']) expect(existsSync(packagePath(name))).toBe(true);
  });

  it('a working directory without flows/ or intents/ gets the package\'s; one with them keeps its own', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'daehwa-paths-'));
    expect(bundledDir('flows', dir)).toBe(packagePath('flows'));
    const empty = await loadConfig({ cwd: dir, env: {} });
    expect(empty.ok && [empty.config.flowsDir, empty.config.corpusDir]).toEqual([packagePath('flows'), packagePath('intents')]);

    await mkdir(path.join(dir, 'flows'));
    await mkdir(path.join(dir, 'intents'));
    const own = await loadConfig({ cwd: dir, env: {} });
    expect(own.ok && [own.config.flowsDir, own.config.corpusDir]).toEqual([path.join(dir, 'flows'), path.join(dir, 'intents')]);

    const named = await loadConfig({ cwd: dir, env: { DAEHWA_FLOWS_DIR: 'elsewhere', DAEHWA_CORPUS_DIR: 'corpus' } });
    expect(named.ok && [named.config.flowsDir, named.config.corpusDir]).toEqual(['elsewhere', 'corpus']);
  });

  it('in the checkout, the defaults stay the relative names they always were', () => {
    expect(bundledDir('flows')).toBe('flows');
  });
});
