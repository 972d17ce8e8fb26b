// Reading a V8 .heapsnapshot (what v8.writeHeapSnapshot writes, e.g. the bench's
// DAEHWA_BENCH_HEAP_SNAPSHOT=dir): which kinds of object hold the heap, and the single objects
// that hold most of it.
//
//   node --max-old-space-size=8192 --import tsx scripts/bench/heap-summary.ts file.heapsnapshot [--top 25] [--of IncomingMessage]...
//
// `--of Name` also lists who holds the instances of Name (their direct referrers, by name and edge).
//
// Retained sizes come from the dominator tree (Cooper, Harvey and Kennedy's iterative algorithm
// over the graph from the snapshot's root, weak edges left out, as DevTools does): an object's
// retained size is what would be freed with it. A constructor's retained total counts only its
// outermost objects (those not retained by another object of the same constructor), so nested
// objects of one kind are not counted twice; it can still include objects of other kinds they hold.

import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const metaSchema = z.object({
  node_fields: z.array(z.string()),
  node_types: z.array(z.unknown()).min(1),
  edge_fields: z.array(z.string()),
  edge_types: z.array(z.unknown()).min(1),
});

const snapshotSchema = z.object({
  snapshot: z.object({ meta: metaSchema, node_count: z.number().int().nonnegative(), edge_count: z.number().int().nonnegative() }),
  nodes: z.custom<number[]>((value) => Array.isArray(value), 'nodes must be an array of numbers'),
  edges: z.custom<number[]>((value) => Array.isArray(value), 'edges must be an array of numbers'),
  strings: z.custom<string[]>((value) => Array.isArray(value), 'strings must be an array of strings'),
});
export type HeapSnapshot = z.infer<typeof snapshotSchema>;

export interface ConstructorTotal {
  /** The constructor's name; `(string)`, `(closure)`, `(array)`, `(code)`... for what has none. */
  name: string;
  count: number;
  /** Sum of the objects' own sizes, bytes. */
  selfBytes: number;
  /** Sum of the retained sizes of its outermost objects, bytes. */
  retainedBytes: number;
}

export interface Holder {
  name: string;
  /** How its dominator reaches it: a property, a private field (`#conversations`), an element index. */
  via: string;
  /** The dominator's name. */
  heldBy: string;
  selfBytes: number;
  retainedBytes: number;
  /** Objects it holds alone, directly (its children in the dominator tree): a Map's entries, an array's elements. */
  holdsAlone: number;
}

/** Who holds the instances of one constructor: their direct referrers, grouped by name and edge. */
export interface HolderGroup {
  heldBy: string;
  via: string;
  count: number;
  retainedBytes: number;
}

export interface HeapSummary {
  nodes: number;
  /** Sum of every reachable object's own size: about process.memoryUsage().heapUsed after a GC. */
  totalBytes: number;
  /** By retained total, largest first. */
  byRetained: ConstructorTotal[];
  /** By self total (count × size), largest first. */
  bySelf: ConstructorTotal[];
  /** The single objects retaining most, largest first (the snapshot's synthetic roots left out). */
  holders: Holder[];
  /** For each name asked for, who holds its instances, largest first. */
  holdersOf: Record<string, HolderGroup[]>;
}

function fieldIndex(fields: string[], name: string): number {
  const index = fields.indexOf(name);
  if (index < 0) throw new Error(`heap snapshot: the meta has no ${name} field (fields: ${fields.join(', ')})`);
  return index;
}

function typeNames(types: unknown[]): string[] {
  const first = types[0];
  if (!Array.isArray(first) || !first.every((t) => typeof t === 'string')) throw new Error('heap snapshot: the meta lists no type names');
  return first as string[];
}

export function parseHeapSnapshot(json: unknown): HeapSnapshot {
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not a V8 heap snapshot: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { snapshot, nodes, edges } = parsed.data;
  if (nodes.length !== snapshot.node_count * snapshot.meta.node_fields.length) throw new Error(`heap snapshot: ${nodes.length} node values for ${snapshot.node_count} nodes`);
  if (edges.length !== snapshot.edge_count * snapshot.meta.edge_fields.length) throw new Error(`heap snapshot: ${edges.length} edge values for ${snapshot.edge_count} edges`);
  return parsed.data;
}

export function summariseHeapSnapshot(heap: HeapSnapshot, top = 25, holdersOf: readonly string[] = []): HeapSummary {
  const { meta } = heap.snapshot;
  const nodeWidth = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const nType = fieldIndex(meta.node_fields, 'type');
  const nName = fieldIndex(meta.node_fields, 'name');
  const nSize = fieldIndex(meta.node_fields, 'self_size');
  const nEdges = fieldIndex(meta.node_fields, 'edge_count');
  const eType = fieldIndex(meta.edge_fields, 'type');
  const eName = fieldIndex(meta.edge_fields, 'name_or_index');
  const eTo = fieldIndex(meta.edge_fields, 'to_node');
  const nodeTypes = typeNames(meta.node_types);
  const edgeTypes = typeNames(meta.edge_types);
  const weak = edgeTypes.indexOf('weak');
  const { nodes, edges, strings } = heap;
  const count = heap.snapshot.node_count;

  // Each node's edges follow its predecessor's in `edges`.
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) firstEdge[i + 1] = firstEdge[i]! + nodes[i * nodeWidth + nEdges]! * edgeWidth;
  const target = (edge: number) => edges[edge + eTo]! / nodeWidth;
  const strong = (edge: number) => edges[edge + eType] !== weak;

  // Post-order of the nodes reachable from the root (node 0) over strong edges, iteratively.
  const order = new Int32Array(count).fill(-1); // node -> post-order index
  const post = new Uint32Array(count); // post-order index -> node
  const visited = new Uint8Array(count);
  const stackNode = new Uint32Array(count);
  const stackEdge = new Uint32Array(count);
  let reached = 0;
  let depth = 0;
  stackNode[0] = 0;
  stackEdge[0] = firstEdge[0]!;
  visited[0] = 1;
  while (depth >= 0) {
    const node = stackNode[depth]!;
    const edge = stackEdge[depth]!;
    if (edge < firstEdge[node + 1]!) {
      stackEdge[depth] = edge + edgeWidth;
      const to = target(edge);
      if (strong(edge) && !visited[to]) {
        visited[to] = 1;
        depth += 1;
        stackNode[depth] = to;
        stackEdge[depth] = firstEdge[to]!;
      }
      continue;
    }
    order[node] = reached;
    post[reached++] = node;
    depth -= 1;
  }

  // Predecessors of each reached node over strong edges (compressed rows).
  const predStart = new Uint32Array(count + 1);
  for (let node = 0; node < count; node++) {
    if (order[node]! < 0) continue;
    for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge += edgeWidth) if (strong(edge)) predStart[target(edge) + 1]! += 1;
  }
  for (let i = 0; i < count; i++) predStart[i + 1]! += predStart[i]!;
  const preds = new Uint32Array(predStart[count]!);
  const fill = predStart.slice(0, count);
  for (let node = 0; node < count; node++) {
    if (order[node]! < 0) continue;
    for (let edge = firstEdge[node]!; edge < firstEdge[node + 1]!; edge += edgeWidth) if (strong(edge)) preds[fill[target(edge)]!++] = node;
  }

  // Immediate dominators by post-order index; the root's is itself.
  const rootIndex = reached - 1;
  const idom = new Int32Array(reached).fill(-1);
  idom[rootIndex] = rootIndex;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (a < b) a = idom[a]!;
      while (b < a) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = rootIndex - 1; i >= 0; i--) {
      const node = post[i]!;
      let dominator = -1;
      for (let p = predStart[node]!; p < predStart[node + 1]!; p++) {
        const from = order[preds[p]!]!;
        if (from < 0 || idom[from]! < 0) continue;
        dominator = dominator < 0 ? from : intersect(from, dominator);
      }
      if (dominator >= 0 && idom[i] !== dominator) {
        idom[i] = dominator;
        changed = true;
      }
    }
  }

  // Retained sizes: a dominator has a higher post-order index than what it dominates.
  const retained = new Float64Array(reached);
  for (let i = 0; i < reached; i++) retained[i] = nodes[post[i]! * nodeWidth + nSize]!;
  for (let i = 0; i < rootIndex; i++) retained[idom[i]!]! += retained[i]!;

  const nameOf = (node: number): string => {
    const type = nodeTypes[nodes[node * nodeWidth + nType]!] ?? 'unknown';
    const name = strings[nodes[node * nodeWidth + nName]!] ?? '';
    if (type === 'object' || type === 'native') return name || `(${type})`;
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return '(string)';
    return `(${type})`;
  };

  // A node is nested when a node above it in the dominator tree has its name: a depth-first walk
  // of the tree keeps, per name, the outermost node of that name on the current path.
  const names = new Array<string>(reached);
  for (let i = 0; i < reached; i++) names[i] = nameOf(post[i]!);
  const nested = new Uint8Array(reached);
  const firstChild = new Int32Array(reached).fill(-1);
  const nextSibling = new Int32Array(reached).fill(-1);
  const children = new Uint32Array(reached);
  for (let i = 0; i < rootIndex; i++) {
    nextSibling[i] = firstChild[idom[i]!]!;
    firstChild[idom[i]!] = i;
    children[idom[i]!]! += 1;
  }
  const openByName = new Map<string, number>();
  const walk: number[] = [rootIndex];
  const leaving: boolean[] = [false];
  while (walk.length > 0) {
    const i = walk.pop()!;
    const leave = leaving.pop()!;
    const name = names[i]!;
    if (leave) {
      if (openByName.get(name) === i) openByName.delete(name);
      continue;
    }
    if (openByName.has(name)) nested[i] = 1;
    else openByName.set(name, i);
    walk.push(i);
    leaving.push(true);
    for (let child = firstChild[i]!; child >= 0; child = nextSibling[child]!) {
      walk.push(child);
      leaving.push(false);
    }
  }

  const totals = new Map<string, ConstructorTotal>();
  let totalBytes = 0;
  for (let i = 0; i < rootIndex; i++) {
    const self = nodes[post[i]! * nodeWidth + nSize]!;
    totalBytes += self;
    const name = names[i]!;
    let total = totals.get(name);
    if (!total) totals.set(name, (total = { name, count: 0, selfBytes: 0, retainedBytes: 0 }));
    total.count += 1;
    total.selfBytes += self;
    if (!nested[i]) total.retainedBytes += retained[i]!;
  }

  const labelOf = (edge: number): string => {
    const type = edgeTypes[edges[edge + eType]!] ?? '';
    const value = edges[edge + eName]!;
    return type === 'element' || type === 'hidden' ? `[${value}]` : (strings[value] ?? String(value));
  };
  const edgeLabel = (from: number, to: number): string => {
    for (let edge = firstEdge[from]!; edge < firstEdge[from + 1]!; edge += edgeWidth) if (target(edge) === to) return labelOf(edge);
    return '?';
  };
  const synthetic = nodeTypes.indexOf('synthetic');
  const candidates: number[] = [];
  for (let i = 0; i < rootIndex; i++) if (nodes[post[i]! * nodeWidth + nType] !== synthetic) candidates.push(i);
  candidates.sort((a, b) => retained[b]! - retained[a]!);
  const holders = candidates.slice(0, top).map((i): Holder => ({
    name: names[i]!,
    via: edgeLabel(post[idom[i]!]!, post[i]!),
    heldBy: names[idom[i]!]!,
    selfBytes: nodes[post[i]! * nodeWidth + nSize]!,
    retainedBytes: retained[i]!,
    holdsAlone: children[i]!,
  }));

  // Who holds an instance is its direct referrers over strong edges (its dominator is often the
  // root when several paths lead to it); an instance with two referrers counts in both groups.
  const wanted = new Map(holdersOf.map((name) => [name, new Map<string, HolderGroup>()]));
  if (wanted.size > 0) {
    for (let from = 0; from < count; from++) {
      const at = order[from]!;
      if (at < 0) continue;
      for (let edge = firstEdge[from]!; edge < firstEdge[from + 1]!; edge += edgeWidth) {
        if (!strong(edge)) continue;
        const to = order[target(edge)]!;
        const byHolder = wanted.get(names[to]!);
        if (!byHolder) continue;
        const heldBy = names[at]!;
        const via = labelOf(edge);
        const key = `${heldBy}\u0000${via}`;
        let group = byHolder.get(key);
        if (!group) byHolder.set(key, (group = { heldBy, via, count: 0, retainedBytes: 0 }));
        group.count += 1;
        group.retainedBytes += retained[to]!;
      }
    }
  }
  const groups: Record<string, HolderGroup[]> = {};
  for (const [name, byHolder] of wanted) groups[name] = [...byHolder.values()].sort((a, b) => b.retainedBytes - a.retainedBytes).slice(0, top);

  const all = [...totals.values()];
  return {
    nodes: reached,
    totalBytes,
    byRetained: [...all].sort((a, b) => b.retainedBytes - a.retainedBytes).slice(0, top),
    bySelf: [...all].sort((a, b) => b.selfBytes - a.selfBytes).slice(0, top),
    holders,
    holdersOf: groups,
  };
}

export async function readHeapSnapshot(file: string): Promise<HeapSnapshot> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read it as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  try {
    return parseHeapSnapshot(json);
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const MB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`.padStart(10);

export function formatHeapSummary(summary: HeapSummary): string {
  const rows = (list: ConstructorTotal[]) =>
    list.map((t) => `${MB(t.retainedBytes)} ${MB(t.selfBytes)} ${String(t.count).padStart(9)}  ${t.name.slice(0, 80)}`).join('\n');
  const head = `  retained       self     count  constructor`;
  return [
    `${summary.nodes.toLocaleString('en-US')} reachable objects, ${MB(summary.totalBytes).trim()} in all`,
    '',
    `By retained size (outermost objects of each constructor):\n${head}\n${rows(summary.byRetained)}`,
    '',
    `By self size (count x size):\n${head}\n${rows(summary.bySelf)}`,
    '',
    `Largest single holders:\n  retained       self  holds alone  object <- held by .via\n` +
      summary.holders
        .map((h) => `${MB(h.retainedBytes)} ${MB(h.selfBytes)} ${String(h.holdsAlone).padStart(12)}  ${h.name.slice(0, 50)} <- ${h.heldBy.slice(0, 40)}.${h.via.slice(0, 40)}`)
        .join('\n'),
    ...Object.entries(summary.holdersOf).map(
      ([name, groups]) =>
        `\nWho holds ${name}:\n  retained     count  held by .via\n` + groups.map((g) => `${MB(g.retainedBytes)} ${String(g.count).padStart(9)}  ${g.heldBy.slice(0, 50)}.${g.via.slice(0, 40)}`).join('\n'),
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, of: { type: 'string', multiple: true, default: [] } } });
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new Error('usage: heap-summary.ts <file.heapsnapshot> [--top 25] [--of Constructor]...');
  const top = Number(values.top);
  if (!Number.isInteger(top) || top <= 0) throw new Error(`--top must be a positive integer, got ${values.top}`);
  process.stdout.write(`${formatHeapSummary(summariseHeapSnapshot(await readHeapSnapshot(file), top, values.of))}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`heap-summary: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
