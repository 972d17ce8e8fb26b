// `daehwa classify`: JSON lines {"text","locale"?} or plain text lines on stdin, one JSON line
// out per line in. Stdout carries only JSON lines; everything else goes to stderr.
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { loadClassifier } from '../../nlu/index.ts';
import { LOCALES, type NluResult } from '../../nlu/types.ts';
import { describeIssues } from '../../shared/zod-issues.ts';
import { readOptions } from './options.ts';

const USAGE = `usage: daehwa classify [--model FILE] [--corpus DIR] < lines

Each input line is either JSON {"text": "...", "locale"?: "ko"|"en"} or plain text.
Each output line is {"text","locale","intent","score","entities","alternatives","hints"?},
or {"line","error"} for a line that could not be read. Trains first if no model exists.
`;

const requestSchema = z.object({ text: z.string(), locale: z.enum(LOCALES).optional() }).strict();
type Request = z.infer<typeof requestSchema>;

const round = (score: number) => Math.round(score * 10000) / 10000;

function present(result: NluResult): object {
  return {
    text: result.text,
    locale: result.locale,
    intent: result.intent,
    score: round(result.score),
    entities: result.entities.map((e) => ({ type: e.type, value: e.value, ...(e.currency ? { currency: e.currency } : {}), text: e.text })),
    alternatives: result.alternatives.map((a) => ({ intent: a.intent, score: round(a.score) })),
    ...(result.hints ? { hints: result.hints } : {}),
  };
}

/** Reads one input line: JSON when it looks like an object, plain text otherwise. */
export function parseRequest(line: string): Request | { error: string } {
  if (!line.trimStart().startsWith('{')) return { text: line };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return { error: `invalid JSON: ${(err as Error).message}` };
  }
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) return { error: `expected {"text": string, "locale"?: "ko"|"en"}: ${describeIssues(parsed.error, 'line')}` };
  return parsed.data;
}

export async function run(args: string[]): Promise<number> {
  const parsed = readOptions('classify', USAGE, args, { model: { type: 'string' }, corpus: { type: 'string' } });
  if (!parsed.values) return parsed.exitCode;
  const { values } = parsed;
  const classifier = await loadClassifier({
    modelPath: values.model,
    corpusDir: values.corpus,
    trainIfMissing: true,
    log: (line) => process.stderr.write(`daehwa classify: ${line}\n`),
  });
  let failed = 0;
  let lineNumber = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNumber++;
    const request = parseRequest(line);
    if ('error' in request) {
      failed++;
      process.stderr.write(`daehwa classify: line ${lineNumber}: ${request.error}\n`);
      process.stdout.write(`${JSON.stringify({ line: lineNumber, error: `line ${lineNumber}: ${request.error}` })}\n`);
      continue;
    }
    const result = classifier.classifySync(request.text, { locale: request.locale });
    process.stdout.write(`${JSON.stringify(present(result))}\n`);
  }
  return failed > 0 ? 1 : 0;
}
