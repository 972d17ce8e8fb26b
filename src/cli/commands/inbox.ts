// `daehwa inbox [--from D --to D] [--json]`: the trainers' inbox, clusters of lines the bot did
// not understand (masked), biggest first. `daehwa inbox assign <cluster> <intent>` appends the
// cluster's lines to intents/<intent>.yaml (checked like the corpus; file:line:column on error),
// which marks the cluster done. Retraining (`daehwa train`) stays the trainer's own step.
import { assignCluster, InboxAssignError } from '../../analytics/inbox.ts';
import { AnalyticsService, rangeQuerySchema } from '../../analytics/service.ts';
import { describeIssues } from '../../shared/zod-issues.ts';
import { openConfiguredStore } from './report.ts';
import { readConfig, readOptions } from './options.ts';

const USAGE = `usage: daehwa inbox [--from YYYY-MM-DD --to YYYY-MM-DD] [--json]
       daehwa inbox assign <cluster> <intent> [--from YYYY-MM-DD --to YYYY-MM-DD]

Without dates: the last 30 days.
`;

export async function run(args: string[]): Promise<number> {
  const [first, ...rest] = args;
  const assigning = first === 'assign';
  const parsed = readOptions('inbox', USAGE, assigning ? rest.slice(2) : args, { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } });
  if (parsed.exitCode !== undefined) return parsed.exitCode;
  const [clusterId, intent] = rest;
  if (assigning && (!clusterId || !intent)) {
    process.stderr.write(`daehwa inbox assign: name the cluster and the intent\n\n${USAGE}`);
    return 2;
  }
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  const range = rangeQuerySchema.safeParse({ from: parsed.values.from ?? monthAgo, to: parsed.values.to ?? today });
  if (!range.success) {
    process.stderr.write(`daehwa inbox: ${describeIssues(range.error, 'options')}\n\n${USAGE}`);
    return 2;
  }
  const loaded = await readConfig('inbox');
  if (!loaded) return 1;
  const { config } = loaded;
  const store = await openConfiguredStore(config);
  try {
    const service = new AnalyticsService({ facts: store, timeZone: config.handoff.businessHours.timeZone, idleMs: config.sessions.idleTimeoutMs, now: () => new Date(), corpusDir: config.corpusDir });
    const { clusters } = await service.inbox(range.data);
    if (!assigning) {
      if (parsed.values.json) process.stdout.write(`${JSON.stringify(clusters, null, 2)}\n`);
      else if (clusters.length === 0) process.stdout.write('the inbox is empty\n');
      else for (const c of clusters) process.stdout.write(`${c.id}  ${String(c.count).padStart(5)}  ${c.locale}  ${c.texts.slice(0, 3).join(' | ')}\n`);
      return 0;
    }
    const cluster = clusters.find((c) => c.id === clusterId);
    if (!cluster) {
      process.stderr.write(`daehwa inbox assign: no open cluster ${clusterId} in ${range.data.from}..${range.data.to} (see \`daehwa inbox\`)\n`);
      return 1;
    }
    const { file, added } = await assignCluster(config.corpusDir, cluster, intent as string);
    process.stdout.write(`${file}: added ${added.length} ${cluster.locale} line(s); retrain with \`daehwa train\`\n`);
    return 0;
  } catch (err) {
    if (err instanceof InboxAssignError) {
      process.stderr.write(`daehwa inbox assign: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}
