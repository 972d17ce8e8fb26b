// `daehwa eval`: cross-validation and held-out figures for the NLU, its variants and plain
// NLP.js in the same run; writes reports/nlu-eval.md and reports/nlu-eval.json.
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DEFAULT_CORPUS_DIR, resolveDecision } from '../../nlu/config.ts';
import { loadCorpus } from '../../nlu/corpus.ts';
import { DEFAULT_HELDOUT_FILE, DEFAULT_REGISTER_DIR, loadHeldOut, loadHeldOutDir } from '../../nlu/eval/heldout.ts';
import { renderMarkdown } from '../../nlu/eval/report.ts';
import { defaultEvalSystems, runEvaluation } from '../../nlu/eval/run.ts';
import { readOptions } from './options.ts';

const USAGE = `usage: daehwa eval [--corpus DIR] [--heldout FILE] [--register DIR] [--folds N] [--out PATH] [--only-shipped]

  --corpus DIR     intent files (default: ${DEFAULT_CORPUS_DIR})
  --heldout FILE   held-out lines, never trained on (default: ${DEFAULT_HELDOUT_FILE}, skipped if absent)
  --register DIR   the second held-out set, in registers the corpus lacks (default: ${DEFAULT_REGISTER_DIR}, skipped if absent)
  --folds N        cross-validation folds (default: 5)
  --out PATH       report path without extension (default: reports/nlu-eval)
  --only-shipped   evaluate the shipped pipeline, it without concepts, and plain NLP.js only (faster)
`;

async function writeAtomically(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  await writeFile(temporary, content, 'utf8');
  await rename(temporary, path);
}

export async function run(args: string[]): Promise<number> {
  const parsed = readOptions('eval', USAGE, args, {
    corpus: { type: 'string' },
    heldout: { type: 'string' },
    register: { type: 'string' },
    folds: { type: 'string' },
    out: { type: 'string' },
    'only-shipped': { type: 'boolean' },
  });
  if (!parsed.values) return parsed.exitCode;
  const { values } = parsed;
  const folds = Number(values.folds ?? 5);
  if (!Number.isInteger(folds) || folds < 2) {
    process.stderr.write(`daehwa eval: --folds must be an integer of at least 2, got '${values.folds}'\n`);
    return 2;
  }
  const heldOutFile = values.heldout ?? DEFAULT_HELDOUT_FILE;
  if (values.heldout && !existsSync(heldOutFile)) {
    process.stderr.write(`daehwa eval: held-out file not found: ${heldOutFile}\n`);
    return 2;
  }
  const registerDir = values.register ?? DEFAULT_REGISTER_DIR;
  if (values.register && !existsSync(registerDir)) {
    process.stderr.write(`daehwa eval: register held-out folder not found: ${registerDir}\n`);
    return 2;
  }
  const corpus = await loadCorpus(values.corpus ?? DEFAULT_CORPUS_DIR);
  const heldOut = existsSync(heldOutFile) ? { file: heldOutFile, lines: await loadHeldOut(heldOutFile) } : null;
  const all = defaultEvalSystems(corpus.concepts);
  // The shipped pipeline, the same without its lexicon (when there is one), and plain NLP.js.
  const quick = new Set(['daehwa', 'no concept lexicon', 'plain NLP.js']);
  const systems = values['only-shipped'] ? all.filter((s) => quick.has(s.system.name)) : all;
  const report = await runEvaluation({
    corpus,
    heldOut,
    register: existsSync(registerDir) ? { file: registerDir, lines: (await loadHeldOutDir(registerDir)).lines } : null,
    folds,
    decision: resolveDecision(),
    systems,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const out = values.out ?? 'reports/nlu-eval';
  const markdown = renderMarkdown(report);
  await writeAtomically(`${out}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeAtomically(`${out}.md`, markdown);
  process.stdout.write(markdown.split('\n## Per intent')[0] ?? markdown);
  process.stdout.write(`\nwritten: ${out}.md, ${out}.json\n`);
  return 0;
}
