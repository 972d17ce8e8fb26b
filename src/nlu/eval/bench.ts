// `daehwa bench-nlu`: trains on a JSON-lines dataset's `train` split ({"text","intent","split"},
// out-of-scope labelled `oos`, like CLINC150), then reports in-scope accuracy and out-of-scope
// recall on `test`, training time and latency, for this NLU and plain NLP.js in the same run.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { NluClassifier } from '../classifier.ts';
import { resolveDecision, type DecisionSettings } from '../config.ts';
import { acceptedIntent } from '../decision.ts';
import { trainPipeline, type LabelledText } from '../train.ts';
import { NOT_UNDERSTOOD, type Locale } from '../types.ts';
import { measureLatency, type Latency } from './latency.ts';
import { chooseOperatingPoint, rates, sweep, type JudgedLine, type SweepRow } from './metrics.ts';
import { plainNlpjsSystem } from './systems.ts';

const OUT_OF_SCOPE_LABEL = 'oos';
const LATENCY_WARMUP_CALLS = 2_000;

const rowSchema = z.object({ text: z.string(), intent: z.string().min(1), split: z.string().min(1) });
type Row = z.infer<typeof rowSchema>;

export async function readDataset(file: string): Promise<Row[]> {
  const rows: Row[] = [];
  (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: invalid JSON: ${(err as Error).message}`);
    }
    const parsed = rowSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${file}:${i + 1}: expected {"text","intent","split"}: ${parsed.error.issues[0]?.message ?? ''}`);
    rows.push(parsed.data);
  });
  return rows;
}

export interface BenchRow {
  system: string;
  trainSeconds: number;
  threshold: number;
  margin: number;
  inScopeAccuracy: number | null;
  outOfScopeRecall: number | null;
  latency: Latency;
}

export interface BenchResult {
  dataset: string;
  locale: Locale;
  counts: { train: number; val: number; test: number; intents: number };
  /** How this system's operating point was chosen. */
  operatingPoint: string;
  rows: BenchRow[];
  /** This system's test-split sweep, for the record. */
  testSweep: SweepRow[];
}

const toExample = (r: Row, locale: Locale): LabelledText => ({ text: r.text, intent: r.intent === OUT_OF_SCOPE_LABEL ? NOT_UNDERSTOOD : r.intent, locale });

export interface BenchOptions {
  dataset: string;
  locale?: Locale;
  /** Also train and measure plain NLP.js (slow on large datasets). */
  baseline?: boolean;
  log?: (line: string) => void;
}

export async function benchDataset(options: BenchOptions): Promise<BenchResult> {
  const locale = options.locale ?? 'en';
  const log = options.log ?? (() => {});
  const rows = await readDataset(options.dataset);
  const split = (name: string) => rows.filter((r) => r.split === name).map((r) => toExample(r, locale));
  const [train, val, test] = [split('train'), split('val'), split('test')];
  if (train.length === 0 || test.length === 0) throw new Error(`${options.dataset}: needs rows with split "train" and "test"`);
  // Latency is timed on the test lines before anything else classifies them (NLP.js caches its
  // analysis per text), after warming up on other lines.
  const warmup = (val.length > 0 ? val : train).slice(0, LATENCY_WARMUP_CALLS);
  const judgeLines = (predict: (text: string) => JudgedLine['ranked'], lines: LabelledText[], decision: DecisionSettings) =>
    lines.map((l) => {
      const ranked = predict(l.text);
      return { text: l.text, gold: l.intent, locale, mixed: false, ranked, predicted: acceptedIntent(ranked, decision) };
    });

  log(`daehwa: training on ${train.length} lines`);
  const { featurizer, model, seconds } = await trainPipeline(train, { log });
  const rank = (text: string) => {
    const scores = model.score(featurizer.features(text));
    return model.labels.map((intent, i) => ({ intent, score: scores[i] ?? 0 })).sort((a, b) => b.score - a.score);
  };
  // The operating point comes from the validation split when there is one, never from test.
  const point = val.length > 0 ? chooseOperatingPoint(sweep(judgeLines(rank, val, resolveDecision()), undefined, [0])) : undefined;
  const decision = point ? { threshold: point.threshold, margin: point.margin } : resolveDecision();
  const classifier = new NluClassifier(featurizer, model, decision);
  const latency = await measureLatency(test, (l) => classifier.classifySync(l.text, { locale }), warmup);
  const judged = judgeLines(rank, test, decision);
  const ours = rates(judged);
  const result: BenchResult = {
    dataset: options.dataset,
    locale,
    counts: { train: train.length, val: val.length, test: test.length, intents: new Set(train.map((t) => t.intent)).size },
    operatingPoint: point ? 'chosen on the val split: most out-of-scope recall within 1 point of the best in-scope accuracy' : 'src/nlu/config.ts defaults',
    rows: [
      {
        system: 'daehwa',
        trainSeconds: seconds,
        ...decision,
        inScopeAccuracy: ours.inScope,
        outOfScopeRecall: ours.outOfScopeRejected,
        latency,
      },
    ],
    testSweep: sweep(judged, undefined, [0]),
  };
  if (options.baseline !== false) {
    log(`plain NLP.js: training on ${train.length} lines`);
    const started = performance.now();
    const trained = await plainNlpjsSystem().train(train, [locale]);
    const trainSeconds = (performance.now() - started) / 1000;
    const latency = await measureLatency(test, (l) => trained.predict(l.text, locale), warmup);
    const predictions = [];
    for (const l of test) predictions.push({ ...l, own: (await trained.predict(l.text, locale)).ownIntent ?? NOT_UNDERSTOOD });
    const baseline = rates(predictions.map((p) => ({ gold: p.intent, predicted: p.own, locale, mixed: false })));
    result.rows.push({
      system: 'plain NLP.js',
      trainSeconds,
      threshold: 0.5,
      margin: 0,
      inScopeAccuracy: baseline.inScope,
      outOfScopeRecall: baseline.outOfScopeRejected,
      latency,
    });
  }
  return result;
}

export function renderBenchTable(result: BenchResult): string {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  const header = ['system', 'train (s)', 'threshold', 'in-scope acc', 'oos recall', 'p50 (ms)', 'p99 (ms)', 'per second'];
  const body = result.rows.map((r) => [
    r.system,
    r.trainSeconds.toFixed(1),
    r.threshold.toFixed(2),
    pct(r.inScopeAccuracy),
    pct(r.outOfScopeRecall),
    r.latency.p50Ms.toFixed(3),
    r.latency.p99Ms.toFixed(3),
    r.latency.perSecond.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [
    `${result.dataset}: train ${result.counts.train}, val ${result.counts.val}, test ${result.counts.test}, ${result.counts.intents} intents (incl. None)`,
    `operating point: ${result.operatingPoint}`,
    '',
    line(header),
    ...body.map(line),
  ].join('\n');
}
