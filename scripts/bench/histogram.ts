// A log-linear latency histogram in the spirit of HdrHistogram: fixed memory whatever the number
// of samples (a 60 s run at 2,500 turns/s records 150,000 latencies), and a bounded relative error
// for every percentile. Values are integer microseconds.

/** Values below this are counted exactly, one bucket per microsecond. */
const LINEAR_LIMIT = 128;
/** Each power-of-two range above LINEAR_LIMIT is split into this many equal buckets. */
const SUB_BUCKETS = 64;
const SUB_BUCKET_BITS = 6; // log2(SUB_BUCKETS)
const LINEAR_BITS = 7; // log2(LINEAR_LIMIT)

/** Upper bound on the relative error of a reported percentile (one sub-bucket's width). */
export const RELATIVE_ERROR = 1 / SUB_BUCKETS;

export interface LatencySummary {
  count: number;
  /** All in milliseconds. */
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

function bucketIndex(micros: number): number {
  if (micros < LINEAR_LIMIT) return micros;
  const exponent = 31 - Math.clz32(micros); // floor(log2), >= LINEAR_BITS
  const shift = exponent - SUB_BUCKET_BITS;
  const sub = (micros >>> shift) - SUB_BUCKETS; // 0..SUB_BUCKETS-1
  return LINEAR_LIMIT + (exponent - LINEAR_BITS) * SUB_BUCKETS + sub;
}

/** The largest value that falls into bucket `index`: percentiles never under-report. */
function bucketUpperBound(index: number): number {
  if (index < LINEAR_LIMIT) return index;
  const offset = index - LINEAR_LIMIT;
  const exponent = Math.floor(offset / SUB_BUCKETS) + LINEAR_BITS;
  const sub = offset % SUB_BUCKETS;
  const shift = exponent - SUB_BUCKET_BITS;
  return ((SUB_BUCKETS + sub + 1) << shift) - 1;
}

export class LatencyHistogram {
  /** Highest value stored with bounded error; larger values are clamped (and `max` keeps the truth). */
  readonly highestTrackableMicros: number;
  private readonly counts: Float64Array;
  private total = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = 0;

  constructor(highestTrackableMicros = 120_000_000) {
    if (!Number.isInteger(highestTrackableMicros) || highestTrackableMicros < LINEAR_LIMIT || highestTrackableMicros >= 2 ** 31) {
      throw new RangeError(`highestTrackableMicros must be an integer in [${LINEAR_LIMIT}, 2^31), got ${highestTrackableMicros}`);
    }
    this.highestTrackableMicros = highestTrackableMicros;
    this.counts = new Float64Array(bucketIndex(highestTrackableMicros) + 1);
  }

  /** Number of buckets: fixed at construction, independent of how many values are recorded. */
  get bucketCount(): number {
    return this.counts.length;
  }

  get count(): number {
    return this.total;
  }

  recordMicros(value: number): void {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`latency must be a finite non-negative number, got ${value}`);
    const micros = Math.round(value);
    const clamped = Math.min(micros, this.highestTrackableMicros);
    this.counts[bucketIndex(clamped)]! += 1;
    this.total += 1;
    this.sum += micros;
    if (micros < this.min) this.min = micros;
    if (micros > this.max) this.max = micros;
  }

  recordMillis(value: number): void {
    this.recordMicros(value * 1000);
  }

  /** Adds every sample of `other` (both must share the trackable range). */
  add(other: LatencyHistogram): void {
    if (other.highestTrackableMicros !== this.highestTrackableMicros) {
      throw new RangeError('cannot add histograms with different trackable ranges');
    }
    for (let i = 0; i < other.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /**
   * The value at percentile `p` (0 < p <= 100) by nearest rank, in microseconds: the smallest
   * recorded value v such that at least p% of samples are <= v, reported as its bucket's upper
   * bound and never above the true maximum.
   */
  percentileMicros(p: number): number {
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
    if (this.total === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(bucketUpperBound(i), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    const ms = (micros: number) => Math.round(micros) / 1000;
    if (this.total === 0) {
      return { count: 0, minMs: Number.NaN, meanMs: Number.NaN, p50Ms: Number.NaN, p90Ms: Number.NaN, p99Ms: Number.NaN, p999Ms: Number.NaN, maxMs: Number.NaN };
    }
    return {
      count: this.total,
      minMs: ms(this.min),
      meanMs: ms(this.sum / this.total),
      p50Ms: ms(this.percentileMicros(50)),
      p90Ms: ms(this.percentileMicros(90)),
      p99Ms: ms(this.percentileMicros(99)),
      p999Ms: ms(this.percentileMicros(99.9)),
      maxMs: ms(this.max),
    };
  }
}
