// Reads `daehwa.config.json` (optional) and the environment, validates the merge with the schema,
// and reports every problem by the key (and the env variable or file position) that caused it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { DEFAULT_BUSINESS_HOURS } from '../handoff/hours.ts';
import { DEFAULT_CORPUS_DIR } from '../nlu/config.ts';
import { bundledDir } from '../shared/package-paths.ts';
import { verifyPassword } from './passwords.ts';
import { configSchema, DEFAULT_AGENT_PASSWORD, DEFAULT_CUSTOMER_SECRET, DEFAULT_SECRET, type DaehwaConfig } from './schema.ts';

export const DEFAULT_CONFIG_FILE = 'daehwa.config.json';

type EnvBinding = { path: string[]; type: 'string' | 'number' | 'boolean' };

/** Environment variables and the config key each one sets. */
export const ENV_BINDINGS: Record<string, EnvBinding> = {
  NODE_ENV: { path: ['env'], type: 'string' },
  PORT: { path: ['server', 'port'], type: 'number' },
  HOST: { path: ['server', 'host'], type: 'string' },
  LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
  DAEHWA_SECRET: { path: ['secret'], type: 'string' },
  DAEHWA_SSO_ISSUER: { path: ['sso', 'issuer'], type: 'string' },
  DAEHWA_SSO_CLIENT_ID: { path: ['sso', 'clientId'], type: 'string' },
  DAEHWA_SSO_CLIENT_SECRET: { path: ['sso', 'clientSecret'], type: 'string' },
  DAEHWA_SSO_REDIRECT_URL: { path: ['sso', 'redirectUrl'], type: 'string' },
  DAEHWA_MAX_LOOP_DELAY_MS: { path: ['server', 'maxLoopDelayMs'], type: 'number' },
  DAEHWA_CUSTOMER_SECRET: { path: ['shopper', 'customerTokenSecret'], type: 'string' },
  DAEHWA_TRUST_CUSTOMER_ID: { path: ['shopper', 'trustCustomerId'], type: 'boolean' },
  DAEHWA_STORE: { path: ['store', 'kind'], type: 'string' },
  DAEHWA_STORE_DIR: { path: ['store', 'dir'], type: 'string' },
  DAEHWA_STORE_FLUSH_MS: { path: ['store', 'flushIntervalMs'], type: 'number' },
  DAEHWA_STORE_CACHE: { path: ['store', 'maxCachedConversations'], type: 'number' },
  DAEHWA_STORE_POOL_SIZE: { path: ['store', 'poolSize'], type: 'number' },
  DAEHWA_SHOP_DIR: { path: ['commerce', 'dataDir'], type: 'string' },
  DAEHWA_SHOP_API_URL: { path: ['commerce', 'baseUrl'], type: 'string' },
  DAEHWA_SHOP_WEBHOOK_SECRET: { path: ['commerce', 'webhookSecret'], type: 'string' },
  DAEHWA_FLOWS_DIR: { path: ['flowsDir'], type: 'string' },
  DAEHWA_CORPUS_DIR: { path: ['corpusDir'], type: 'string' },
  DAEHWA_MODELS_DIR: { path: ['modelsDir'], type: 'string' },
  DAEHWA_NLU_THRESHOLD: { path: ['handoff', 'band', 'lower'], type: 'number' },
  DAEHWA_HANDOFF_THRESHOLD: { path: ['handoff', 'band', 'upper'], type: 'number' },
  DAEHWA_IDLE_TIMEOUT_MS: { path: ['sessions', 'idleTimeoutMs'], type: 'number' },
  DAEHWA_AGENT_GRACE_MS: { path: ['handoff', 'agentGraceMs'], type: 'number' },
  DAEHWA_BUSINESS_TZ: { path: ['handoff', 'businessHours', 'timeZone'], type: 'string' },
  DAEHWA_WATCH: { path: ['reload', 'watch'], type: 'boolean' },
  DAEHWA_RETENTION_DAYS: { path: ['privacy', 'retentionDays'], type: 'number' }, // privacy (issue 18)
  DAEHWA_ANALYTICS_RECORD_FACTS: { path: ['analytics', 'recordFacts'], type: 'boolean' }, // analytics (issue 12)
  // channels (issue 15)
  DAEHWA_KAKAO_ENABLED: { path: ['channels', 'kakao', 'enabled'], type: 'boolean' },
  DAEHWA_KAKAO_SECRET: { path: ['channels', 'kakao', 'secret'], type: 'string' },
  DAEHWA_WEBHOOK_SECRET: { path: ['channels', 'webhook', 'secret'], type: 'string' },
  DAEHWA_SURVEYS: { path: ['surveys', 'enabled'], type: 'boolean' },
  DAEHWA_SURVEY_QUIET_SECONDS: { path: ['surveys', 'quietSeconds'], type: 'number' },
};

export type ConfigResult = { ok: true; config: DaehwaConfig; source: string | null } | { ok: false; errors: string[] };

export interface LoadConfigOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Explicit file; otherwise DAEHWA_CONFIG, otherwise daehwa.config.json when it exists. */
  file?: string;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(target: JsonObject, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!isObject(next)) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[keys[keys.length - 1]!] = value;
}

function convertEnv(raw: string, type: EnvBinding['type']): unknown {
  // Values that do not convert stay strings so the schema names the key and what it expected.
  if (type === 'number' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (type === 'boolean' && /^(true|false|1|0)$/i.test(raw)) return /^(true|1)$/i.test(raw);
  return raw;
}

function positionOf(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

async function readConfigFile(file: string, explicit: boolean): Promise<{ data: JsonObject } | { error: string } | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return null;
    return { error: `${file}: cannot read (${(err as Error).message})` };
  }
  try {
    const data: unknown = JSON.parse(text);
    if (!isObject(data)) return { error: `${file}: expected a JSON object at the top level` };
    return { data };
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    return { error: `${file}${at ? `:${positionOf(text, Number(at[1]))}` : ''}: invalid JSON (${message})` };
  }
}

function describeIssue(issue: z.core.$ZodIssue, envByKey: Map<string, string>, file: string | null): string {
  const key = issue.path.map(String).join('.') || '(root)';
  const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => (key === '(root)' ? k : `${key}.${k}`)) : [key];
  const envVar = envByKey.get(key);
  const origin = envVar ? ` (from env ${envVar})` : file ? ` (in ${file})` : '';
  return `config ${keys.join(', ')}${origin}: ${issue.message}`;
}

/** Production must not run with the secrets that ship in the source. */
async function productionProblems(config: DaehwaConfig): Promise<string[]> {
  if (config.env !== 'production') return [];
  const problems: string[] = [];
  if (config.secret === DEFAULT_SECRET) {
    problems.push('config secret: the default secret is refused when NODE_ENV=production; set DAEHWA_SECRET');
  }
  if (config.shopper.customerTokenSecret === DEFAULT_CUSTOMER_SECRET) {
    problems.push(
      'config shopper.customerTokenSecret: the default secret is refused when NODE_ENV=production; set DAEHWA_CUSTOMER_SECRET to the secret your shop signs customer tokens with',
    );
  }
  if (config.shopper.trustCustomerId) {
    problems.push(
      'config shopper.trustCustomerId: a plain customerId lets anyone read any customer\'s orders and is refused when NODE_ENV=production; have the shop sign customer tokens (docs/server.md)',
    );
  }
  // channels (issue 15): an open skill endpoint would let anyone talk as any Kakao user.
  if (config.channels.kakao.enabled && config.channels.kakao.secret === undefined) {
    problems.push(
      'config channels.kakao.secret: the Kakao skill endpoint needs a shared secret when NODE_ENV=production; set DAEHWA_KAKAO_SECRET (and the same value in the skill\'s X-Daehwa-Skill-Secret header), or turn it off with DAEHWA_KAKAO_ENABLED=false',
    );
  }
  for (const [i, agent] of config.agents.entries()) {
    if (agent.passwordHash !== undefined && (await verifyPassword(DEFAULT_AGENT_PASSWORD, agent.passwordHash))) {
      problems.push(`config agents.${i}.passwordHash: agent '${agent.id}' uses the demo password, refused in production`);
    }
  }
  if (config.sso && new URL(config.sso.issuer).protocol !== 'https:') {
    problems.push(`config sso.issuer: ${config.sso.issuer} is not https; single sign-on over plain http is refused when NODE_ENV=production`);
  }
  return problems;
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<ConfigResult> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const explicitFile = options.file ?? env.DAEHWA_CONFIG;
  const file = path.resolve(cwd, explicitFile ?? DEFAULT_CONFIG_FILE);

  const read = await readConfigFile(file, explicitFile !== undefined);
  if (read && 'error' in read) return { ok: false, errors: [`config ${read.error}`] };
  const merged: JsonObject = structuredClone(read?.data ?? {});

  const envByKey = new Map<string, string>();
  for (const [name, binding] of Object.entries(ENV_BINDINGS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(merged, binding.path, convertEnv(raw, binding.type));
    envByKey.set(binding.path.join('.'), name);
  }
  // DATABASE_URL is read for the PostgreSQL store only: many hosts set it for other programs.
  const store = merged.store;
  if (env.DATABASE_URL && isObject(store) && store.kind === 'postgres') {
    store.url = env.DATABASE_URL;
    envByKey.set('store.url', 'DATABASE_URL');
  }
  // A shop API URL in the environment switches the commerce adapter to HTTP.
  if (env.DAEHWA_SHOP_API_URL) setPath(merged, ['commerce', 'kind'], 'http');
  // `"store": { "dir": "x" }` (or DAEHWA_STORE_DIR alone) means the default kind with that dir.
  for (const [section, kind] of [['store', 'lowdb'], ['commerce', 'demo']] as const) {
    const value = merged[section];
    if (isObject(value) && value.kind === undefined) value.kind = kind;
  }
  // DAEHWA_BUSINESS_TZ (or a file giving only the zone or holidays) keeps the default week.
  const handoff = merged.handoff;
  if (isObject(handoff) && isObject(handoff.businessHours) && handoff.businessHours.weekly === undefined) {
    handoff.businessHours.weekly = DEFAULT_BUSINESS_HOURS.weekly;
  }
  // The demo's flows and corpus ship in the package: used when the working directory has none.
  if (merged.flowsDir === undefined) merged.flowsDir = bundledDir('flows', cwd);
  if (merged.corpusDir === undefined) merged.corpusDir = bundledDir(DEFAULT_CORPUS_DIR, cwd);
  const parsed = configSchema.safeParse(merged);
  // Named as the user wrote it: relative to the working directory, or absolute.
  const source = read ? (explicitFile ?? DEFAULT_CONFIG_FILE) : null;
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((issue) => describeIssue(issue, envByKey, source)) };
  }
  const problems = await productionProblems(parsed.data);
  if (problems.length > 0) return { ok: false, errors: problems };
  return { ok: true, config: parsed.data, source };
}
