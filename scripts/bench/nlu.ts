// NLU latency benchmark: classification p50/p99 and throughput per locale, for daehwa's NLU and
// plain NLP.js trained on the same corpus in the same run, plus the model's cold load.
//
//   npx tsx scripts/bench/nlu.ts [--corpus intents] [--heldout test/nlu/heldout.yaml] [--rounds 5]
//
// `benchNlu()` returns the figures and `nluFigures()` shapes them for `npm run bench`'s table.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
  inputs: Record<Locale, number>;
  daehwa: Record<Locale, Latency>;
  plainNlpjs: Record<Locale, Latency>;
  /** Reading the saved model and building the classifier, ms (median of 3). */
  modelLoadMs: number;
  trainSeconds: { daehwa: number; plainNlpjs: number };
}

export interface NluBenchOptions {
  corpusDir?: string;
  heldOutFile?: string;
  /** Each input is classified this many times, for stable percentiles. */
  rounds?: number;
  log?: (line: string) => void;
}

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
  const texts = existsSync(heldOutFile) ? await loadHeldOut(heldOutFile) : corpus.utterances;
  const inputs = (locale: Locale) => Array.from({ length: rounds }, () => texts.filter((t) => t.locale === locale).map((t) => t.text)).flat();

  const dir = await mkdtemp(join(tmpdir(), 'daehwa-bench-nlu-'));
  try {
    const modelPath = join(dir, 'current.json');
    log('daehwa: training');
    const trainStarted = performance.now();
    await trainAndSave({ corpusDir, modelPath });
    const daehwaTrain = (performance.now() - trainStarted) / 1000;
    const loads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await loadClassifier({ modelPath });
      loads.push(performance.now() - started);
    }
    const classifier = await loadClassifier({ modelPath });
    // Measured before plain NLP.js trains, so its training garbage is not collected on our clock.
    const daehwa = {
      ko: await measureLatency(inputs('ko'), (t) => classifier.classifySync(t)),
      en: await measureLatency(inputs('en'), (t) => classifier.classifySync(t)),
    };

    log('plain NLP.js: training');
    const plainStarted = performance.now();
    const plain = await plainNlpjsSystem().train(corpus.utterances, ['ko', 'en']);
    const plainTrain = (performance.now() - plainStarted) / 1000;

    const result: NluBenchResult = {
      inputs: { ko: inputs('ko').length, en: inputs('en').length },
      daehwa,
      plainNlpjs: { ko: await measureLatency(inputs('ko'), (t) => plain.predict(t, 'ko')), en: await measureLatency(inputs('en'), (t) => plain.predict(t, 'en')) },
      modelLoadMs: median(loads),
      trainSeconds: { daehwa: daehwaTrain, plainNlpjs: plainTrain },
    };
    return result;
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
  process.stdout.write(`inputs: ko ${result.inputs.ko}, en ${result.inputs.en} classifications\n\n`);
  process.stdout.write(`${formatTable(nluFigures(result).map(judge))}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench nlu: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
