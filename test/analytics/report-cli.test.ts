// `daehwa report` over a lowdb store seeded with the synthetic month: the JSON is the figures
// the service computes, the table names them, and bad options are refused with exit code 2.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { syntheticMonth } from './synthetic-month.ts';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const month = syntheticMonth(500, 7);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daehwa-report-'));
  const store = await createLowdbStore({ dir: join(dir, 'store') });
  await store.appendFacts(month.facts);
  await store.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// No daehwa.config.json in the temporary cwd: the defaults, with the seeded store.
const daehwa = (args: string[]) =>
  run(TSX, [MAIN, 'report', ...args], { cwd: dir, env: { ...process.env, DAEHWA_STORE_DIR: join(dir, 'store'), } });

describe('daehwa report', () => {
  it('prints the month as JSON and as tables', async () => {
    const { stdout } = await daehwa(['--from', '2026-11-01', '--to', '2026-11-30', '--json']);
    const report = JSON.parse(stdout);
    const counted = month.ledger.filter((e) => e.counted);
    expect(report.conversations.total).toBe(counted.length);
    expect(report.conversations.outcomes.handed_to_person).toBe(counted.filter((e) => e.outcome === 'handed_to_person').length);
    expect(report.range).toEqual({ from: '2026-11-01', to: '2026-11-30', timeZone: 'Asia/Seoul' });
    const table = (await daehwa(['--from', '2026-11-01', '--to', '2026-11-30'])).stdout;
    expect(table).toMatch(new RegExp(`total\\s+${counted.length}\\n`));
    expect(table).toContain('flow order_status');
  }, 60_000);

  it('refuses a range that ends before it starts', async () => {
    const failed = await daehwa(['--from', '2026-11-30', '--to', '2026-11-01']).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain("'from' must not be after 'to'");
  }, 60_000);
});
