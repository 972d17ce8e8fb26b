// Reading a V8 .cpuprofile (what `node --cpu-prof` writes): self time per function, and time per
// area of the code (a package or a src/ module) with native and node-internal work (a file write,
// a socket write) charged to the code that asked for it. Only the samples taken while the load ran
// count, so start-up and model loading do not hide what a turn costs.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const profileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).optional(),
    }),
  ),
  /** Microseconds on the monotonic clock (process.hrtime's). */
  startTime: z.number(),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
type CpuProfile = z.infer<typeof profileSchema>;

export interface ProfileEntry {
  name: string;
  /** Share of the busy (non-idle) samples in the window, in percent. */
  selfPercent: number;
}

export interface ProfileSummary {
  file: string;
  /** Samples in the load window, and whether the window could be applied. */
  samples: number;
  windowApplied: boolean;
  /** Share of the window the process was idle (waiting for I/O), in percent. */
  idlePercent: number;
  /** Self time by function. */
  topFunctions: ProfileEntry[];
  /** Time by area, native and node-internal work charged to the nearest caller in a package or src/. */
  topAreas: ProfileEntry[];
}

/** Where a function lives, coarse enough to say which part of the system costs the time. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  // The compiled build (dist/) is charged to the source module it came from.
  const local = /\/((?:src|dist)\/[^/]+|scripts\/[^/]+)\//.exec(url);
  if (local) return local[1]!.replace(/^dist\//, 'src/');
  return url.replace(/^file:\/\//, '');
}

function functionLabel(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*?\/(src|dist|scripts)\//, '$1/');
  return `${name} ${file}:${frame.lineNumber + 1}`;
}

/**
 * `window` is [start, end] in microseconds of process.hrtime (the clock V8 stamps samples with on
 * Linux); when no sample falls inside it, every sample is used and `windowApplied` says so.
 */
export function summariseProfile(profile: CpuProfile, window: [number, number] | null, top = 12): Omit<ProfileSummary, 'file'> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  /** The area of the nearest frame (this one or a caller) in a package or the project. */
  const chargedArea = (id: number): string => {
    const own = byId.get(id)!;
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!;
      if (frame.url && !frame.url.startsWith('node:')) return areaOf(frame.url, frame.functionName);
    }
    return areaOf(own.url, own.functionName);
  };
  const stamps: number[] = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) stamps.push((t += delta));
  const inWindow = (i: number) => window === null || (stamps[i]! >= window[0] && stamps[i]! <= window[1]);
  const windowApplied = window !== null && profile.samples.some((_, i) => inWindow(i));
  const selected = profile.samples.filter((_, i) => !windowApplied || inWindow(i));

  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let idle = 0;
  for (const id of selected) {
    const frame = byId.get(id);
    if (!frame) continue;
    if (frame.functionName === '(idle)') {
      idle += 1;
      continue;
    }
    const label = functionLabel(frame);
    functions.set(label, (functions.get(label) ?? 0) + 1);
    const area = chargedArea(id);
    areas.set(area, (areas.get(area) ?? 0) + 1);
  }
  const busy = selected.length - idle;
  const rank = (counts: Map<string, number>): ProfileEntry[] =>
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({ name, selfPercent: busy > 0 ? Math.round((count / busy) * 1000) / 10 : 0 }));
  return {
    samples: selected.length,
    windowApplied,
    idlePercent: selected.length > 0 ? Math.round((idle / selected.length) * 1000) / 10 : 0,
    topFunctions: rank(functions),
    topAreas: rank(areas),
  };
}

export async function readProfile(file: string, window: [number, number] | null): Promise<ProfileSummary> {
  const parsed = profileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a V8 CPU profile (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return { file, ...summariseProfile(parsed.data, window) };
}

/** Now on the clock V8 stamps profile samples with, in microseconds. */
export function profileClockMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
