import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CorpusRules } from '../../src/nlu/corpus.ts';

export const FIXTURE_CORPUS = fileURLToPath(new URL('./fixtures/corpus', import.meta.url));

/** The fixture corpus is small on purpose: tests train in well under a second. */
export const FIXTURE_RULES: CorpusRules = { minimums: { perIntent: { ko: 5, en: 4 }, none: { ko: 5, en: 4 } }, requiredIntents: [] };

export async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'daehwa-nlu-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
