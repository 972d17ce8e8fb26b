// Loads flows/surveys.yaml beside the flows, or says why not, every problem at file:line:column
// (the flow loader's position helpers). Without the file there are no surveys; a file with a
// problem is refused and the last good texts keep serving.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FlowProblem, schemaProblems, SourceFile, SURVEYS_FILE } from '../dialog/index.ts';
import { type SurveyTexts, SurveyTextsSchema } from './schema.ts';

export { SURVEYS_FILE };

export type SurveyTextsLoad = { ok: true; texts: SurveyTexts | null } | { ok: false; problems: FlowProblem[] };

/** Reads `<flowsDir>/surveys.yaml`; a missing file is `texts: null` (no surveys), not an error. */
export async function loadSurveyTexts(flowsDir: string): Promise<SurveyTextsLoad> {
  const file = join(flowsDir, SURVEYS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, texts: null };
    return { ok: false, problems: [{ file, line: 1, column: 1, message: `cannot read the survey texts: ${(err as Error).message}` }] };
  }
  return parseSurveyTexts(file, text);
}

export function parseSurveyTexts(file: string, text: string): SurveyTextsLoad {
  const parsed = SourceFile.parse(file, text);
  if (parsed.problems.length > 0) return { ok: false, problems: parsed.problems };
  const result = SurveyTextsSchema.safeParse(parsed.source.data() ?? {});
  if (!result.success) return { ok: false, problems: schemaProblems(parsed.source, result.error) };
  return { ok: true, texts: result.data };
}
