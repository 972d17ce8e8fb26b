// The trainers' inbox (docs/analytics.md#trainers-inbox): lines the bot answered "not understood"
// or did not trust enough to act on, masked, grouped into near-duplicate clusters. A cluster is
// done once its lines are in the corpus: `assign` appends them to an intent's YAML file, checked
// like the corpus itself (file:line:column), and retraining stays the trainer's own step.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument, isSeq, YAMLSeq } from 'yaml';
import { normalizeText } from '../nlu/analysis/normalize.ts';
import { readCorpus, readCorpusFile } from '../nlu/corpus.ts';
import { formatIssue } from '../nlu/yaml-source.ts';
import type { AnalyticsFact, TurnFact } from '../store/types.ts';

/** Two lines whose character bigrams overlap this much (Jaccard) are near-duplicates. */
export const NEAR_DUPLICATE = 0.5;
const EXAMPLES = 3;

export interface InboxLine {
  text: string;
  locale: 'ko' | 'en';
  intent: string | null;
  score: number | null;
  flow: string | null;
  step: string | null;
  at: string;
}

export interface InboxCluster {
  id: string;
  locale: 'ko' | 'en';
  count: number;
  /** Distinct lines, most frequent first. */
  texts: string[];
  examples: InboxLine[];
}

export function needsTraining(fact: TurnFact): boolean {
  return fact.input === 'text' && fact.text !== undefined && (fact.fallback || fact.intent === 'None' || fact.handoff?.reason === 'low_confidence');
}

const key = (text: string): string => normalizeText(text).replace(/[\p{P}\p{S}]+/gu, ' ').replace(/\s+/g, ' ').trim();

function bigrams(text: string): Set<string> {
  const compact = text.replace(/ /g, '');
  const grams = new Set<string>();
  for (let i = 0; i < compact.length - 1; i++) grams.add(compact.slice(i, i + 2));
  if (compact.length === 1) grams.add(compact);
  return grams;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

/** Clusters of the facts' untrained lines, biggest first; lines already in the corpus (`known`) are done. */
export function inboxClusters(facts: readonly AnalyticsFact[], known: ReadonlySet<string> = new Set()): InboxCluster[] {
  const byKey = new Map<string, { lines: InboxLine[]; locale: 'ko' | 'en' }>();
  for (const fact of facts) {
    if (fact.kind !== 'turn' || !needsTraining(fact)) continue;
    const k = key(fact.text ?? '');
    if (k === '' || known.has(k)) continue;
    let group = byKey.get(`${fact.locale}:${k}`);
    if (!group) byKey.set(`${fact.locale}:${k}`, (group = { lines: [], locale: fact.locale }));
    group.lines.push({ text: fact.text ?? '', locale: fact.locale, intent: fact.intent, score: fact.score, flow: fact.flow, step: fact.step, at: fact.at });
  }
  const groups = [...byKey.entries()].sort(([a, x], [b, y]) => y.lines.length - x.lines.length || (a < b ? -1 : 1));
  const clusters: { leader: Set<string>; leaderKey: string; locale: 'ko' | 'en'; members: InboxLine[][] }[] = [];
  for (const [groupKey, group] of groups) {
    const grams = bigrams(groupKey.slice(3));
    const home = clusters.find((c) => c.locale === group.locale && jaccard(c.leader, grams) >= NEAR_DUPLICATE);
    if (home) home.members.push(group.lines);
    else clusters.push({ leader: grams, leaderKey: groupKey, locale: group.locale, members: [group.lines] });
  }
  return clusters
    .map((c) => ({
      id: `c${createHash('sha256').update(c.leaderKey).digest('hex').slice(0, 8)}`,
      locale: c.locale,
      count: c.members.reduce((n, lines) => n + lines.length, 0),
      texts: c.members.map((lines) => (lines[0] as InboxLine).text),
      examples: c.members.slice(0, EXAMPLES).map((lines) => lines.at(-1) as InboxLine),
    }))
    .sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
}

/** The corpus's lines, normalised as the inbox compares them. */
export async function corpusKeys(corpusDir: string): Promise<Set<string>> {
  const { corpus } = await readCorpus(corpusDir);
  return new Set(corpus.utterances.map((u) => key(u.text)));
}

export class InboxAssignError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InboxAssignError';
  }
}

/**
 * Appends the cluster's lines to `<corpusDir>/<intent>.yaml` under the cluster's locale. The file
 * as it would be written is checked like the corpus first; with any error nothing is written.
 */
export async function assignCluster(corpusDir: string, cluster: InboxCluster, intent: string): Promise<{ file: string; added: string[] }> {
  if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(intent)) throw new InboxAssignError(`'${intent}' is not an intent id`);
  const file = join(corpusDir, `${intent}.yaml`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InboxAssignError(`${file}: there is no intent '${intent}' (one file per intent under ${corpusDir}/)`);
  }
  const before = readCorpusFile(file, text).issues.filter((i) => i.severity === 'error');
  if (before.length > 0) throw new InboxAssignError(before.map(formatIssue).join('\n'));
  const doc = parseDocument(text);
  const present = new Set(readCorpusFile(file, text).utterances.map((u) => key(u.text)));
  const added = cluster.texts.filter((t) => !present.has(key(t)));
  let list = doc.getIn(['utterances', cluster.locale]);
  if (!isSeq(list)) {
    list = new YAMLSeq();
    doc.setIn(['utterances', cluster.locale], list);
  }
  for (const line of added) (list as YAMLSeq).add(doc.createNode(line));
  const next = doc.toString();
  const after = readCorpusFile(file, next).issues.filter((i) => i.severity === 'error');
  if (after.length > 0) throw new InboxAssignError(after.map(formatIssue).join('\n'));
  await writeFile(file, next);
  return { file, added };
}
