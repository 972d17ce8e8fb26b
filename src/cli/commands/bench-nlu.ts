// `daehwa bench-nlu --dataset FILE`: accuracy, out-of-scope recall, training time and latency on
// a JSON-lines dataset, against plain NLP.js in the same run. The dataset is read in place.
import { benchDataset, renderBenchTable } from '../../nlu/eval/bench.ts';
import { LOCALES, type Locale } from '../../nlu/types.ts';
import { readOptions } from './options.ts';

const USAGE = `usage: daehwa bench-nlu --dataset FILE [--locale en|ko] [--no-baseline] [--json]

  --dataset FILE   JSON lines {"text","intent","split"}; splits train/val/test, out-of-scope labelled "oos"
  --locale L       the dataset's language (default: en)
  --no-baseline    skip plain NLP.js (it takes minutes on large datasets)
  --json           print the figures as JSON instead of a table
`;

export async function run(args: string[]): Promise<number> {
  const parsed = readOptions('bench-nlu', USAGE, args, {
    dataset: { type: 'string' },
    locale: { type: 'string' },
    'no-baseline': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (!parsed.values) return parsed.exitCode;
  const { values } = parsed;
  if (!values.dataset) {
    process.stderr.write(`daehwa bench-nlu: --dataset FILE is required\n\n${USAGE}`);
    return 2;
  }
  const locale = values.locale ?? 'en';
  if (!(LOCALES as readonly string[]).includes(locale)) {
    process.stderr.write(`daehwa bench-nlu: --locale must be one of ${LOCALES.join(', ')}, got '${locale}'\n`);
    return 2;
  }
  const result = await benchDataset({
    dataset: values.dataset,
    locale: locale as Locale,
    baseline: !values['no-baseline'],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderBenchTable(result)}\n`);
  return 0;
}
