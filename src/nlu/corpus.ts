// The training corpus: one YAML file per intent under `intents/`. Validated before any training
// (like `rasa data validate`): syntax, shape, locales, duplicates across intents, minimum counts.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Concept } from './analysis/concepts.ts';
import { normalizeText } from './analysis/normalize.ts';
import { readConcepts } from './concepts.ts';
import { INTENTS, LOCALES, type Locale } from './types.ts';
import { formatIssue, formatPosition, YamlSource, type SourceIssue, type SourcePosition } from './yaml-source.ts';

export interface CorpusUtterance {
  text: string;
  intent: string;
  locale: Locale;
  at: SourcePosition;
}

export interface Corpus {
  dir: string;
  intents: string[];
  utterances: CorpusUtterance[];
  /** The concept lexicon of `dir/concepts/` (empty without one), sorted by name. */
  concepts: Concept[];
  /** sha256 over the sorted (intent, locale, text) triples and the lexicon: same data, same hash. */
  hash: string;
}

export interface CorpusMinimums {
  /** Utterances each intent needs per locale. */
  perIntent: Record<Locale, number>;
  /** The out-of-scope class needs more: it covers every other topic. */
  none: Record<Locale, number>;
}

export const PROJECT_MINIMUMS: CorpusMinimums = { perIntent: { ko: 40, en: 25 }, none: { ko: 80, en: 80 } };

export interface CorpusRules {
  minimums: CorpusMinimums;
  /** Intents that must have a file (the taxonomy in design.md by default). */
  requiredIntents: readonly string[];
}

export const PROJECT_RULES: CorpusRules = { minimums: PROJECT_MINIMUMS, requiredIntents: INTENTS };

const INTENT_ID = /^(None|[a-z][a-z_]*(\.[a-z][a-z_]*)*)$/;

const corpusFileSchema = z
  .object({
    intent: z.string().regex(INTENT_ID, 'intent ids are lowercase words joined by dots (order.status), or None'),
    utterances: z.record(z.string(), z.array(z.string().trim().min(1, 'empty utterance')).nullable()),
  })
  .strict();

export class CorpusError extends Error {
  constructor(readonly issues: SourceIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    super(`the corpus has ${errors.length} error(s):\n${errors.map(formatIssue).join('\n')}`);
    this.name = 'CorpusError';
  }
}

function corpusHash(utterances: CorpusUtterance[], concepts: readonly Concept[]): string {
  const lines = utterances.map((u) => `${u.intent}\t${u.locale}\t${u.text}`).sort();
  // Without a lexicon the hash is what it was before lexicons existed.
  if (concepts.length > 0) lines.push(JSON.stringify(concepts));
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

export interface FileResult {
  utterances: CorpusUtterance[];
  intent?: string;
  issues: SourceIssue[];
}

/** One intent file's utterances and its own issues (syntax, shape, name, locales); never throws on bad text. */
export function readCorpusFile(file: string, text: string): FileResult {
  const source = new YamlSource(file, text);
  const { value, issues } = source.parse(corpusFileSchema);
  if (!value) return { utterances: [], issues };
  const expected = file.split('/').pop()?.replace(/\.ya?ml$/, '');
  if (expected !== value.intent) {
    issues.push({
      severity: 'error',
      message: `the file declares intent '${value.intent}' but is named after '${expected}': one file per intent, named <intent>.yaml`,
      at: source.positionOf(['intent']),
    });
  }
  const utterances: CorpusUtterance[] = [];
  for (const [locale, texts] of Object.entries(value.utterances)) {
    if (!(LOCALES as readonly string[]).includes(locale)) {
      issues.push({ severity: 'error', message: `unknown locale '${locale}' (known: ${LOCALES.join(', ')})`, at: source.keyPosition(['utterances'], locale) });
      continue;
    }
    (texts ?? []).forEach((text, i) =>
      utterances.push({ text: text.trim(), intent: value.intent, locale: locale as Locale, at: source.positionOf(['utterances', locale, i]) }),
    );
  }
  return { utterances, intent: value.intent, issues };
}

function checkDuplicates(utterances: CorpusUtterance[]): SourceIssue[] {
  const issues: SourceIssue[] = [];
  const firstSeen = new Map<string, CorpusUtterance>();
  for (const u of utterances) {
    const key = normalizeText(u.text);
    const first = firstSeen.get(key);
    if (!first) {
      firstSeen.set(key, u);
    } else if (first.intent !== u.intent) {
      issues.push({
        severity: 'error',
        message: `"${u.text}" is under '${u.intent}' here and under '${first.intent}' at ${formatPosition(first.at)}: one utterance, one intent`,
        at: u.at,
      });
    } else {
      issues.push({ severity: 'warning', message: `"${u.text}" repeats ${formatPosition(first.at)}`, at: u.at });
    }
  }
  return issues;
}

function checkCounts(dir: string, intents: string[], utterances: CorpusUtterance[], rules: CorpusRules): SourceIssue[] {
  const issues: SourceIssue[] = [];
  for (const required of rules.requiredIntents) {
    if (!intents.includes(required)) {
      issues.push({ severity: 'error', message: `intent '${required}' has no file`, at: { file: join(dir, `${required}.yaml`) } });
    }
  }
  for (const intent of intents) {
    const minimum = intent === 'None' ? rules.minimums.none : rules.minimums.perIntent;
    for (const locale of LOCALES) {
      const count = utterances.filter((u) => u.intent === intent && u.locale === locale).length;
      if (count < minimum[locale]) {
        issues.push({
          severity: 'error',
          message: `intent '${intent}' has ${count} ${locale} utterance(s), needs at least ${minimum[locale]}`,
          at: { file: join(dir, `${intent}.yaml`) },
        });
      }
    }
  }
  return issues;
}

/** Reads and validates every intent file; returns the corpus and all issues found (never throws on bad data). */
export async function readCorpus(dir: string, rules: CorpusRules = PROJECT_RULES): Promise<{ corpus: Corpus; issues: SourceIssue[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return { corpus: { dir, intents: [], utterances: [], concepts: [], hash: '' }, issues: [{ severity: 'error', message: 'corpus directory not found', at: { file: dir } }] };
  }
  const issues: SourceIssue[] = [];
  const utterances: CorpusUtterance[] = [];
  const intents: string[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      // A directory named x.yaml, or a file without read permission: an issue, not an exception.
      issues.push({ severity: 'error', message: `cannot read the file: ${err instanceof Error ? err.message : String(err)}`, at: { file } });
      continue;
    }
    const result = readCorpusFile(file, text);
    issues.push(...result.issues);
    utterances.push(...result.utterances);
    if (result.intent) intents.push(result.intent);
  }
  issues.push(...checkDuplicates(utterances), ...checkCounts(dir, intents, utterances, rules));
  const lexicon = await readConcepts(dir, intents);
  issues.push(...lexicon.issues);
  return { corpus: { dir, intents, utterances, concepts: lexicon.concepts, hash: corpusHash(utterances, lexicon.concepts) }, issues };
}

/** Reads the corpus and throws a CorpusError listing every error when it is not fit to train on. */
export async function loadCorpus(dir: string, rules: CorpusRules = PROJECT_RULES): Promise<Corpus> {
  const { corpus, issues } = await readCorpus(dir, rules);
  if (issues.some((i) => i.severity === 'error')) throw new CorpusError(issues);
  return corpus;
}
