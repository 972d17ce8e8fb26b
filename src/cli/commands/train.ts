// `daehwa train`: validate the corpus, train, and save a versioned model atomically.
import { join } from 'node:path';
import { CURRENT_MODEL_FILE, DEFAULT_CORPUS_DIR, DEFAULT_MODELS_DIR } from '../../nlu/config.ts';
import { readCorpus } from '../../nlu/corpus.ts';
import { bundledDir } from '../../shared/package-paths.ts';
import { saveModelFile } from '../../nlu/model/model-store.ts';
import { trainCorpus } from '../../nlu/train.ts';
import { formatIssue } from '../../nlu/yaml-source.ts';
import { readOptions } from './options.ts';

const USAGE = `usage: daehwa train [--corpus DIR] [--model FILE]

  --corpus DIR   intent files to train on (default: ${DEFAULT_CORPUS_DIR}, or the package's)
  --model FILE   the current-model pointer to update (default: ${DEFAULT_MODELS_DIR}/${CURRENT_MODEL_FILE})
`;

export async function run(args: string[]): Promise<number> {
  const parsed = readOptions('train', USAGE, args, { corpus: { type: 'string' }, model: { type: 'string' } });
  if (!parsed.values) return parsed.exitCode;
  const { values } = parsed;
  const corpusDir = values.corpus ?? bundledDir(DEFAULT_CORPUS_DIR);
  const modelPath = values.model ?? join(DEFAULT_MODELS_DIR, CURRENT_MODEL_FILE);
  const say = (line: string) => process.stderr.write(`${line}\n`);

  say(`validating ${corpusDir}/ ...`);
  const { corpus, issues } = await readCorpus(corpusDir);
  for (const issue of issues) say(formatIssue(issue));
  const errors = issues.filter((i) => i.severity === 'error').length;
  if (errors > 0) {
    say(`daehwa train: ${errors} error(s) in the corpus; nothing trained, the current model is unchanged`);
    return 1;
  }
  const { file } = await trainCorpus(corpus, { log: say });
  const path = await saveModelFile(modelPath, file);
  process.stdout.write(
    `model ${file.version} written to ${path} (current: ${modelPath}); corpus ${file.corpusHash.slice(0, 12)}, ` +
      `${file.counts.utterances} utterances, ${file.labels.length} intents, threshold ${file.decision.threshold}, margin ${file.decision.margin}\n`,
  );
  return 0;
}
