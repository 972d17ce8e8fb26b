// NLU latency benchmark: classification p50/p99 and throughput per locale, for daehwa's NLU and
// plain NLP.js trained on the same corpus in the same run, plus the model's cold load.
//
//   npx tsx scripts/bench/nlu.ts [--corpus intents] [--heldout test/nlu/heldout.yaml] [--rounds 5]
//
// A p99 needs many samples and a warm engine: each engine classifies the held-out lines (cycled)
// 2,000 times untimed, then `rounds` x 4,000 times timed, per locale (20,000 by default).
// Latency depends on the machine's load, so the load average is printed with the figures.
//
// `benchNlu()` returns the figures and `nluFigures()` shapes them for `npm run bench`'s table.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_CORPUS_DIR } from '../../src/nlu/config.ts';
import { loadCorpus } from '../../src/nlu/corpus.ts';
import { DEFAULT_HELDOUT_FILE, loadHeldOut } from '../../src/nlu/eval/heldout.ts';
import { measureLatency, type Latency } from '../../src/nlu/eval/latency.ts';
import { plainNlpjsSystem } from '../../src/nlu/eval/systems.ts';
import { loadClassifier, trainAndSave } from '../../src/nlu/index.ts';
import type { Locale } from '../../src/nlu/types.ts';
import { judge, formatTable, type Figure } from './report.ts';

export interface NluBenchResult {
  /** Timed classifications per engine and locale. */
  inputs: Record<Locale, number>;
  daehwa: Record<Locale, Latency>;
  plainNlpjs: Record<Locale, Latency>;
  /** Reading the saved model and building the classifier, ms (median of 3). */
  modelLoadMs: number;
  trainSeconds: { daehwa: number; plainNlpjs: number };
  /** The machine's 1-minute load average before and after the timed runs. */
  loadAverage: { before: number; after: number };
}

export interface NluBenchOptions {
  corpusDir?: string;
  heldOutFile?: string;
  /** Timed classifications per engine and locale: rounds x 4,000 (default 5: 20,000). */
  rounds?: number;
  log?: (line: string) => void;
}

const CLASSIFICATIONS_PER_ROUND = 4_000;
/** Untimed calls first, so the JIT has compiled the hot paths and caches are filled. */
const WARMUP_CALLS = 2_000;
const FIRST_ORDER_NUMBER = 20241100001;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function benchNlu(options: NluBenchOptions = {}): Promise<NluBenchResult> {
  const log = options.log ?? (() => {});
  const corpusDir = options.corpusDir ?? DEFAULT_CORPUS_DIR;
  const heldOutFile = options.heldOutFile ?? DEFAULT_HELDOUT_FILE;
  const rounds = options.rounds ?? 5;
  const corpus = await loadCorpus(corpusDir);
  // Lines the models never saw when a held-out file exists; the corpus itself otherwise.
  const source = existsSync(heldOutFile) ? await loadHeldOut(heldOutFile) : corpus.utterances;
  const samples = rounds * CLASSIFICATIONS_PER_ROUND;
  // Every text distinct, the warm-up ones too: NLP.js caches its analysis per exact text, so
  // repeated lines would time its cache, not its classification (shoppers seldom repeat a line
  // verbatim). Each gets its own order number, as shoppers often add one.
  const distinctTexts = (locale: Locale, count: number, firstNumber: number) => {
    const lines = source.filter((t) => t.locale === locale).map((t) => t.text);
    return Array.from({ length: lines.length === 0 ? 0 : count }, (_, i) => `${lines[i % lines.length]} ${firstNumber + i}`);
  };
  const measure = (locale: Locale, call: (text: string) => unknown) =>
    measureLatency(distinctTexts(locale, samples, FIRST_ORDER_NUMBER), call, distinctTexts(locale, WARMUP_CALLS, FIRST_ORDER_NUMBER + samples));

  const dir = await mkdtemp(join(tmpdir(), 'daehwa-bench-nlu-'));
  try {
    const modelPath = join(dir, 'current.json');
    log('daehwa: training');
    const trainStarted = performance.now();
    await trainAndSave({ corpusDir, modelPath });
    const loadBefore = loadavg()[0] ?? 0;
    const daehwaTrain = (performance.now() - trainStarted) / 1000;
    const loads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await loadClassifier({ modelPath, corpusDir });
      loads.push(performance.now() - started);
    }
    const classifier = await loadClassifier({ modelPath, corpusDir });
    // Measured before plain NLP.js trains, so its training garbage is not collected on our clock.
    const daehwa = {
      ko: await measure('ko', (t) => classifier.classifySync(t)),
      en: await measure('en', (t) => classifier.classifySync(t)),
    };

    log('plain NLP.js: training');
    const plainStarted = performance.now();
    const plain = await plainNlpjsSystem().train(corpus.utterances, ['ko', 'en']);
    const plainTrain = (performance.now() - plainStarted) / 1000;

    const plainNlpjs = { ko: await measure('ko', (t) => plain.predict(t, 'ko')), en: await measure('en', (t) => plain.predict(t, 'en')) };
    return {
      inputs: { ko: daehwa.ko.calls, en: daehwa.en.calls },
      daehwa,
      plainNlpjs,
      modelLoadMs: median(loads),
      trainSeconds: { daehwa: daehwaTrain, plainNlpjs: plainTrain },
      loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The figures for `npm run bench`'s table, each against plain NLP.js from the same run. */
export function nluFigures(result: NluBenchResult): Figure[] {
  const figures: Figure[] = [];
  for (const locale of ['ko', 'en'] as const) {
    const ours = result.daehwa[locale];
    const theirs = result.plainNlpjs[locale];
    figures.push(
      { id: `nlu.${locale}.p50`, label: `NLU classify p50 (${locale})`, unit: 'ms', value: ours.p50Ms, baseline: theirs.p50Ms, baselineLabel: 'plain NLP.js', target: null },
      { id: `nlu.${locale}.p99`, label: `NLU classify p99 (${locale})`, unit: 'ms', value: ours.p99Ms, baseline: theirs.p99Ms, baselineLabel: 'plain NLP.js', target: { on: 'value', kind: 'below', limit: 2 } },
      { id: `nlu.${locale}.throughput`, label: `NLU classifications/s (${locale})`, unit: '/s', value: ours.perSecond, baseline: theirs.perSecond, baselineLabel: 'plain NLP.js', target: null },
    );
  }
  figures.push(
    { id: 'nlu.model_load', label: 'NLU model load', unit: 'ms', value: result.modelLoadMs, baseline: null, baselineLabel: '', target: { on: 'value', kind: 'below', limit: 3000 } },
    { id: 'nlu.train', label: 'NLU training (project corpus)', unit: 's', value: result.trainSeconds.daehwa, baseline: result.trainSeconds.plainNlpjs, baselineLabel: 'plain NLP.js', target: null },
  );
  return figures;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { corpus: { type: 'string' }, heldout: { type: 'string' }, rounds: { type: 'string' } } });
  const result = await benchNlu({
    corpusDir: values.corpus,
    heldOutFile: values.heldout,
    rounds: values.rounds ? Number(values.rounds) : undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const { before, after } = result.loadAverage;
  process.stdout.write(
    `timed classifications per engine: ko ${result.inputs.ko}, en ${result.inputs.en} (after ${WARMUP_CALLS} untimed each); ` +
      `load average (1 min) ${before.toFixed(2)} before, ${after.toFixed(2)} after, on ${cpus().length} cores\n\n`,
  );
  process.stdout.write(`${formatTable(nluFigures(result).map(judge))}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench nlu: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
