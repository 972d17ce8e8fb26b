// Store growth benchmark (issue 5, item 3): the latency of one turn's store work with 10, 10,000
// and 100,000 conversations already stored, for the lowdb store and, in the same run, for the
// naive lowdb layout (every conversation in one document, written whole on each turn).
//
//   npx tsx scripts/bench/store.ts [--sizes 10,10000,100000] [--turns 2000]

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { createLowdbStore } from '../../src/store/lowdb.ts';
import { catalogLine, catalogPath, conversationLog, conversationLogPath } from '../../src/store/layout.ts';
import type { SessionRecord, Store, TranscriptEntry } from '../../src/store/types.ts';
import { LatencyHistogram, type LatencySummary } from './histogram.ts';

export interface StoreBenchOptions {
  sizes?: number[];
  /** Turns timed per size for the lowdb store. */
  turns?: number;
  /** Where the stores are created (a fresh directory inside, removed afterwards). */
  workDir?: string;
  log?: (line: string) => void;
}

export interface StoreBenchRow {
  storedConversations: number;
  seedMs: number;
  /** createLowdbStore: reading the session catalog. */
  openMs: number;
  /** getSession + appendTurn (2 entries and the record), as the server does per turn. */
  turn: LatencySummary;
  /** The same turn followed by flush(): the time until it is on disk. */
  durableTurn: LatencySummary;
  /** findSessionByTokenHash for a conversation not in memory: a shopper coming back. */
  resume: LatencySummary;
  /** Baseline: one lowdb document for everything; turn = same changes + db.write(). */
  naive: { loadMs: number; documentMB: number; turn: LatencySummary };
}

export interface StoreBenchResult {
  rows: StoreBenchRow[];
  /** Largest size over smallest, p50 and p99 (target: within 1.5). */
  growth: { turnP50: number; turnP99: number; durableP50: number; durableP99: number; naiveP50: number };
  targetRatio: number;
  targetMet: boolean;
}

const ACTIVE_CONVERSATIONS = 100;
const DURABLE_SAMPLES = 1000;
const RESUME_SAMPLES = 300;
/** The naive baseline rewrites tens of MB per turn at 100,000: a few samples tell the story. */
const NAIVE_BYTES_PER_RUN = 400 * 1024 * 1024;
const NAIVE_MAX_SAMPLES = 200;
const NAIVE_MIN_SAMPLES = 5;
const TARGET_RATIO = 1.5;
const AT = '2026-03-02T01:00:00.000Z';

export async function benchStore(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const sizes = options.sizes ?? [10, 10_000, 100_000];
  const turns = options.turns ?? 2000;
  const log = options.log ?? (() => undefined);
  const root = await mkdtemp(join(options.workDir ?? tmpdir(), 'daehwa-bench-store-'));
  const rows: StoreBenchRow[] = [];
  try {
    for (const size of sizes) {
      log(`store bench: ${size} stored conversations`);
      rows.push(await benchSize(join(root, String(size)), size, turns));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) throw new Error('store bench: no sizes to measure');
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  const growth = {
    turnP50: ratio(last.turn.p50Ms, first.turn.p50Ms),
    turnP99: ratio(last.turn.p99Ms, first.turn.p99Ms),
    durableP50: ratio(last.durableTurn.p50Ms, first.durableTurn.p50Ms),
    durableP99: ratio(last.durableTurn.p99Ms, first.durableTurn.p99Ms),
    naiveP50: ratio(last.naive.turn.p50Ms, first.naive.turn.p50Ms),
  };
  return {
    rows,
    growth,
    targetRatio: TARGET_RATIO,
    targetMet: [growth.turnP50, growth.turnP99, growth.durableP50, growth.durableP99].every((ratio) => ratio <= TARGET_RATIO),
  };
}

async function benchSize(dir: string, size: number, turns: number): Promise<StoreBenchRow> {
  const seedStart = performance.now();
  await seedLowdbLayout(join(dir, 'store'), size);
  const seedMs = performance.now() - seedStart;
  settleDisk();

  const openStart = performance.now();
  const store = await createLowdbStore({ dir: join(dir, 'store') });
  const openMs = performance.now() - openStart;

  const active = Array.from({ length: ACTIVE_CONVERSATIONS }, (_, i) => sessionRecord(`active-${i}`));
  for (const session of active) await store.putSession(session);
  await store.flush();
  const nextSession = (i: number): string => active[i % active.length]!.id;

  for (let i = 0; i < 200; i++) await storeTurn(store, nextSession(i)); // warm-up: JIT, caches
  const turn = new LatencyHistogram();
  for (let i = 0; i < turns; i++) {
    const start = performance.now();
    await storeTurn(store, nextSession(i));
    turn.recordMillis(performance.now() - start);
  }
  const durableTurn = new LatencyHistogram();
  for (let i = 0; i < DURABLE_SAMPLES; i++) {
    const start = performance.now();
    await storeTurn(store, nextSession(i));
    await store.flush();
    durableTurn.recordMillis(performance.now() - start);
  }
  const resume = new LatencyHistogram();
  // Distinct conversations, so that each look-up reads from disk as a returning shopper's would.
  for (let i = 0; i < Math.min(RESUME_SAMPLES, size); i++) {
    const id = seededId(Math.floor((i * size) / Math.min(RESUME_SAMPLES, size)));
    const start = performance.now();
    const found = await store.findSessionByTokenHash(tokenHashOf(id));
    resume.recordMillis(performance.now() - start);
    if (found?.id !== id) throw new Error(`store bench: seeded session ${id} was not found`);
  }
  await store.close();
  settleDisk();

  const naive = await benchNaive(join(dir, 'naive.json'), size);
  settleDisk();
  return {
    storedConversations: size,
    seedMs: Math.round(seedMs),
    openMs: round(openMs),
    turn: turn.summary(),
    durableTurn: durableTurn.summary(),
    resume: resume.summary(),
    naive,
  };
}

/** One turn's store work, as the server's turn pipeline does it. */
async function storeTurn(store: Store, sessionId: string): Promise<void> {
  const session = await store.getSession(sessionId);
  if (!session) throw new Error(`store bench: session ${sessionId} disappeared`);
  await store.appendTurn({ ...session, updatedAt: new Date().toISOString() }, turnEntries());
}

interface NaiveDoc {
  conversations: Record<string, { session: SessionRecord; transcript: TranscriptEntry[] }>;
}

async function benchNaive(path: string, size: number): Promise<StoreBenchRow['naive']> {
  const conversations: NaiveDoc['conversations'] = {};
  for (let i = 0; i < size; i++) conversations[seededId(i)] = seededConversation(seededId(i));
  for (let i = 0; i < ACTIVE_CONVERSATIONS; i++) conversations[`active-${i}`] = { session: sessionRecord(`active-${i}`), transcript: [] };
  const text = JSON.stringify({ conversations }, null, 2); // what lowdb's JSONFile writes
  await writeFile(path, text);

  const loadStart = performance.now();
  const db = new Low<NaiveDoc>(new JSONFile(path), { conversations: {} });
  await db.read();
  const loadMs = performance.now() - loadStart;

  const samples = Math.max(NAIVE_MIN_SAMPLES, Math.min(NAIVE_MAX_SAMPLES, Math.floor(NAIVE_BYTES_PER_RUN / text.length)));
  const turn = new LatencyHistogram();
  for (let i = 0; i < samples + 1; i++) {
    const start = performance.now();
    const conversation = db.data.conversations[`active-${i % ACTIVE_CONVERSATIONS}`]!;
    const last = conversation.transcript.at(-1)?.seq ?? 0;
    conversation.transcript.push(...turnEntries().map((entry, index) => ({ ...entry, seq: last + index + 1 })));
    conversation.session = { ...conversation.session, updatedAt: new Date().toISOString() };
    await db.write();
    if (i > 0) turn.recordMillis(performance.now() - start); // the first write warms up
  }
  return { loadMs: round(loadMs), documentMB: round(text.length / 1024 / 1024), turn: turn.summary() };
}

/** Writes the lowdb store's files directly (layout.ts): far quicker than N putSession calls. */
async function seedLowdbLayout(dir: string, size: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const shards = new Set<string>();
  let catalog = '';
  const pending: Promise<void>[] = [];
  for (let i = 0; i < size; i++) {
    const id = seededId(i);
    const { session, transcript } = seededConversation(id);
    const path = conversationLogPath(dir, id);
    if (!shards.has(dirname(path))) {
      await mkdir(dirname(path), { recursive: true });
      shards.add(dirname(path));
    }
    catalog += catalogLine({ id, tokenHash: session.tokenHash, status: session.status });
    pending.push(writeFile(path, conversationLog(session, transcript)));
    if (pending.length >= 256) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await writeFile(catalogPath(dir), catalog);
}

const seededId = (i: number): string => `seed-${i}`;
const tokenHashOf = (id: string): string => `token-hash-of-${id}`;

function sessionRecord(id: string, status: SessionRecord['status'] = 'open'): SessionRecord {
  return {
    id,
    tokenHash: tokenHashOf(id),
    customerId: 'c-1001',
    locale: 'ko',
    status,
    createdAt: AT,
    updatedAt: AT,
    mode: 'bot',
    dialog: { version: 1, locale: 'ko', flow: null, slots: {} },
  };
}

/** A finished three-turn order-status conversation: the typical stored history. */
function seededConversation(id: string): { session: SessionRecord; transcript: TranscriptEntry[] } {
  const entries = [...turnEntries(), ...turnEntries(), ...turnEntries()];
  return { session: sessionRecord(id, 'closed'), transcript: entries.map((entry, index) => ({ ...entry, seq: index + 1 })) };
}

function turnEntries(): Omit<TranscriptEntry, 'seq'>[] {
  return [
    { at: AT, from: 'shopper', text: '지난주에 주문한 니트 언제 도착하나요?', intent: 'order.status', score: 0.94 },
    {
      at: AT,
      from: 'bot',
      text: '주문번호 20260301-0042 상품은 어제 출고되어 내일 도착 예정이에요. 운송장 번호는 6890-1234-5678이에요.',
      flow: 'order_status',
      state: null,
    },
  ];
}

/** Lets the kernel write back what seeding dirtied, so that it does not land inside a measurement. */
function settleDisk(): void {
  spawnSync('sync');
}

const round = (value: number): number => Math.round(value * 100) / 100;

export function formatStoreBench(result: StoreBenchResult): string {
  const ms = (summary: LatencySummary): string => `${summary.p50Ms.toFixed(3)} / ${summary.p99Ms.toFixed(3)}`;
  const lines = [
    'Store growth: turn = getSession + appendTurn(2 entries, record); p50 / p99 in ms',
    '| stored | open ms | turn (accepted) | turn + flush | resume by token | naive single doc: turn + write | naive doc MB |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...result.rows.map(
      (row) =>
        `| ${row.storedConversations} | ${row.openMs} | ${ms(row.turn)} | ${ms(row.durableTurn)} | ${ms(row.resume)} | ${ms(row.naive.turn)} (n=${row.naive.turn.count}) | ${row.naive.documentMB} |`,
    ),
    `largest/smallest: turn p50 ${result.growth.turnP50}x, p99 ${result.growth.turnP99}x; turn + flush p50 ${result.growth.durableP50}x, p99 ${result.growth.durableP99}x; naive p50 ${result.growth.naiveP50}x (target <= ${result.targetRatio}x: ${result.targetMet ? 'met' : 'MISSED'})`,
  ];
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { sizes: { type: 'string' }, turns: { type: 'string' } } });
  const sizes = values.sizes?.split(',').map((size) => Number(size));
  if (sizes?.some((size) => !Number.isInteger(size) || size < 1)) throw new Error(`--sizes: expected positive integers, got ${values.sizes}`);
  const turns = values.turns === undefined ? undefined : Number(values.turns);
  const result = await benchStore({ sizes, turns, log: (line) => console.error(line) });
  console.log(formatStoreBench(result));
}
