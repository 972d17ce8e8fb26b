import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHeapSnapshot, readHeapSnapshot, summariseHeapSnapshot, type HeapSummary } from '../../scripts/bench/heap-summary.ts';

/** 1,000 of these, each holding its own array of 100 numbers. */
class HeapSummaryProbe {
  readonly payload: number[];
  constructor(seed: number) {
    this.payload = Array.from({ length: 100 }, (_, i) => seed * 1000 + i + 0.5);
  }
}

/** A chain of 50 links: only the head is outermost. */
class HeapSummaryLink {
  constructor(readonly next: HeapSummaryLink | null) {}
}

const held = globalThis as { heapSummaryFixture?: unknown };
let dir: string;
let summary: HeapSummary;

beforeAll(async () => {
  let chain: HeapSummaryLink | null = null;
  for (let i = 0; i < 50; i++) chain = new HeapSummaryLink(chain);
  held.heapSummaryFixture = { probes: Array.from({ length: 1000 }, (_, i) => new HeapSummaryProbe(i)), chain };
  dir = await mkdtemp(path.join(tmpdir(), 'daehwa-heap-summary-'));
  const file = writeHeapSnapshot(path.join(dir, 'test.heapsnapshot'));
  summary = summariseHeapSnapshot(await readHeapSnapshot(file), 1_000_000);
}, 120_000);

afterAll(async () => {
  delete held.heapSummaryFixture;
  await rm(dir, { recursive: true, force: true });
});

const total = (name: string) => {
  const found = summary.bySelf.find((t) => t.name === name);
  if (!found) throw new Error(`no ${name} in the summary`);
  return found;
};

describe('summariseHeapSnapshot', () => {
  it('counts the instances of a named class', () => {
    expect(total('HeapSummaryProbe').count).toBe(1000);
    expect(total('HeapSummaryLink').count).toBe(50);
  });

  it("retains each instance's own array with it: retained is more than self by at least the arrays' numbers", () => {
    const probes = total('HeapSummaryProbe');
    // 100 doubles per instance, 8 bytes each, at the least.
    expect(probes.retainedBytes - probes.selfBytes).toBeGreaterThanOrEqual(1000 * 100 * 8);
  });

  it('counts nested objects of one constructor once: the chain retains what its links weigh, not 50 times over', () => {
    const links = total('HeapSummaryLink');
    // Counted at every link, the chain would weigh about 25 times its links (50 + 49 + ... + 1 over 50).
    expect(links.retainedBytes).toBeGreaterThanOrEqual(links.selfBytes);
    expect(links.retainedBytes).toBeLessThan(links.selfBytes * 2);
  });

  it('names the single object holding the probes among the largest holders', () => {
    const holder = summary.holders.find((h) => h.via === 'probes');
    expect(holder?.name).toBe('Array');
    expect(holder!.retainedBytes).toBeGreaterThanOrEqual(total('HeapSummaryProbe').retainedBytes);
  });

  it('sums every object it reached', () => {
    expect(summary.totalBytes).toBe(summary.bySelf.reduce((sum, t) => sum + t.selfBytes, 0));
    expect(summary.nodes).toBeGreaterThan(1050);
  });
});

describe('parseHeapSnapshot', () => {
  it('refuses what is not a heap snapshot, naming the part that is wrong', () => {
    expect(() => parseHeapSnapshot({ nodes: [] })).toThrow(/not a V8 heap snapshot: snapshot/);
  });

  it('refuses node values that do not match the node count', () => {
    const meta = { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['object']], edge_fields: ['type', 'name_or_index', 'to_node'], edge_types: [['property']] };
    expect(() => parseHeapSnapshot({ snapshot: { meta, node_count: 2, edge_count: 0 }, nodes: [0, 0, 1, 8, 0], edges: [], strings: [''] })).toThrow(/5 node values for 2 nodes/);
  });
});
