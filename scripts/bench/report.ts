// The bench's one table: each figure beside its baseline from the same run, their ratio, and the
// target with PASS or MISS and by how much. Also the machine the figures came from.

import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** A target on the figure itself or on its ratio to the baseline. */
export interface Target {
  on: 'value' | 'ratio';
  /** `below`: strictly under the limit; `atMost`: the limit or under; `atLeast`: the limit or over. */
  kind: 'below' | 'atMost' | 'atLeast';
  limit: number;
}

export interface Figure {
  id: string;
  label: string;
  unit: string;
  value: number | null;
  baseline: number | null;
  baselineLabel: string;
  target: Target | null;
  note?: string;
  /** Set when the measurement itself failed (errors, timeouts): the figure cannot pass. */
  invalid?: string;
}

export interface Verdict {
  status: 'PASS' | 'MISS' | 'n/a';
  /** How far from the limit, e.g. "38% under" or "2.3x over". */
  margin: string;
}

export interface Row extends Figure, Verdict {
  ratio: number | null;
}

export function ratioOf(value: number | null, baseline: number | null): number | null {
  if (value === null || baseline === null || !Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) return null;
  return value / baseline;
}

/** How far `metric` is from `limit`: "35% under", "12% over", or "3.4x over" from twice the limit. */
function distance(metric: number, limit: number): string {
  if (limit === 0) return metric === 0 ? 'at the limit' : metric > 0 ? 'over' : 'under';
  const share = metric / limit;
  if (share >= 2) return `${round(share, 1)}x over`;
  const percent = Math.round(Math.abs(share - 1) * 100);
  return percent === 0 ? 'at the limit' : `${percent}% ${share > 1 ? 'over' : 'under'}`;
}

export function judge(figure: Figure): Row {
  const ratio = ratioOf(figure.value, figure.baseline);
  const target = figure.target;
  if (!target) return { ...figure, ratio, status: 'n/a', margin: '' };
  const metric = target.on === 'ratio' ? ratio : figure.value;
  if (figure.invalid) return { ...figure, ratio, status: 'MISS', margin: figure.invalid };
  if (metric === null || !Number.isFinite(metric)) return { ...figure, ratio, status: 'MISS', margin: 'not measured' };
  const pass =
    target.kind === 'below' ? metric < target.limit : target.kind === 'atMost' ? metric <= target.limit : metric >= target.limit;
  return { ...figure, ratio, status: pass ? 'PASS' : 'MISS', margin: distance(metric, target.limit) };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Three significant digits, grouped thousands: 0.0123, 1.23, 123, 12,300. */
export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function describeTarget(target: Target | null, unit: string): string {
  if (!target) return '';
  const op = target.kind === 'below' ? '<' : target.kind === 'atMost' ? '<=' : '>=';
  return target.on === 'ratio' ? `ratio ${op} ${target.limit}` : `${op} ${formatNumber(target.limit)} ${unit}`;
}

export function formatTable(rows: Row[]): string {
  const header = ['figure', 'daehwa', 'baseline', 'ratio', 'target', 'result'];
  const lines = rows.map((r) => [
    r.label,
    `${formatNumber(r.value)} ${r.unit}`,
    r.baseline === null ? '' : `${formatNumber(r.baseline)} ${r.unit} (${r.baselineLabel})`,
    r.ratio === null ? '' : `${formatNumber(r.ratio)}x`,
    describeTarget(r.target, r.unit),
    r.status === 'n/a' ? '' : `${r.status} (${r.margin})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: above the core count, other work competed. */
  loadAverageAtStart: number;
}

export function describeMachine(): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const line = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (line) cpuModel = line[1]!.trim();
  } catch {
    // Not Linux: os.cpus() already named it.
  }
  return {
    cpus: cpus().length,
    cpuModel,
    memoryGB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: round(loadavg()[0] ?? 0, 2),
  };
}
