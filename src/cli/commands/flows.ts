// `daehwa flows check [--dir flows]`: validates every flow file, the proactive rules and suggestions (flows/proactive/) and the survey texts (flows/surveys.yaml), prints each problem as
// file:line:column, exits non-zero when there is any.

import { parseArgs } from 'node:util';
import { formatProblems, loadFlowSet } from '../../dialog/index.ts';
import { catalogueOf, loadProactive, PROACTIVE_DIR } from '../../proactive/loader.ts';
import { bundledDir } from '../../shared/package-paths.ts';
import { loadSurveyTexts, SURVEYS_FILE } from '../../surveys/index.ts';

const USAGE = 'usage: daehwa flows check [--dir <flow directory>]   (default: flows, or the package\'s own)\n';

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'check') {
    process.stderr.write(USAGE);
    return 2;
  }
  let dir: string;
  try {
    dir = parseArgs({ args: rest, options: { dir: { type: 'string' } } }).values.dir ?? bundledDir('flows');
  } catch (err) {
    process.stderr.write(`daehwa flows check: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const result = await loadFlowSet(dir);
  if (!result.ok) {
    const count = result.problems.length;
    process.stderr.write(`${formatProblems(result.problems)}\n\n${count} problem${count === 1 ? '' : 's'} in ${dir}/: the flow set was not loaded.\n`);
    return 1;
  }
  const { flowSet } = result;
  const proactive = await loadProactive(dir, catalogueOf(flowSet.flows));
  if (!proactive.ok) {
    const count = proactive.problems.length;
    process.stderr.write(`${formatProblems(proactive.problems)}\n\n${count} problem${count === 1 ? '' : 's'} in ${dir}/${PROACTIVE_DIR}/: the proactive rules were not loaded.\n`);
    return 1;
  }
  const surveys = await loadSurveyTexts(dir);
  if (!surveys.ok) {
    const count = surveys.problems.length;
    process.stderr.write(`${formatProblems(surveys.problems)}\n\n${count} problem${count === 1 ? '' : 's'} in ${dir}/${SURVEYS_FILE}: the survey texts were not loaded.\n`);
    return 1;
  }
  const { rules, suggestions, notifications } = proactive.config;
  process.stdout.write(
    `${dir}/: ${flowSet.flows.size} flows, ${rules.rules.length} proactive rules, suggestions for ${Object.keys(suggestions.pages).length} page types, ` +
      `notifications for ${Object.keys(notifications.notifications).length} order events, ${surveys.texts ? 'survey texts' : `no ${SURVEYS_FILE} (no surveys)`}, all valid.\n`,
  );
  if (flowSet.intentsWithoutFlow.length > 0) {
    process.stdout.write(`note: no flow starts on ${flowSet.intentsWithoutFlow.join(', ')}: those intents get the fallback.\n`);
  }
  return 0;
}
