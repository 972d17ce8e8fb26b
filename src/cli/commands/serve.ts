// `daehwa serve` (`npm start`): loads config, the model (training one if there is none), the
// flows, the shop and the store, then runs the server until SIGINT or SIGTERM.
//   daehwa serve                     run with daehwa.config.json and the environment
//   daehwa serve --hash-password     read a password on stdin, print its scrypt hash for config
import { join } from 'node:path';
import { createCommerceFromConfig } from '../../commerce/index.ts';
import { loadConfig } from '../../config/load.ts';
import { hashPassword } from '../../config/passwords.ts';
import type { DaehwaConfig } from '../../config/schema.ts';
import { createDialogEngine, formatProblems, loadFlowSet } from '../../dialog/index.ts';
import { CURRENT_MODEL_FILE } from '../../nlu/config.ts';
import { loadClassifier } from '../../nlu/index.ts';
import { buildServer } from '../../server/app.ts';
import { createLogger, type Logger } from '../../server/logging.ts';
import type { FlowsLoad } from '../../server/reload.ts';
import { createLowdbStore } from '../../store/lowdb.ts';
import { createMemoryStore } from '../../store/memory.ts';
import type { Store } from '../../store/types.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function openStore(config: DaehwaConfig, log: Logger): Promise<Store> | Store {
  if (config.store.kind === 'memory') return createMemoryStore();
  return createLowdbStore({
    dir: config.store.dir,
    ...(config.store.flushIntervalMs !== undefined ? { flushIntervalMs: config.store.flushIntervalMs } : {}),
    onFlushError: (err) => log.error({ err }, 'store flush failed; retrying'),
  });
}

async function loadFlows(config: DaehwaConfig): Promise<FlowsLoad> {
  const loaded = await loadFlowSet(config.flowsDir);
  if (!loaded.ok) return { ok: false, problems: formatProblems(loaded.problems) };
  const { handoffThreshold } = config.dialog;
  return { ok: true, dialog: createDialogEngine(loaded.flowSet, handoffThreshold !== undefined ? { handoffThreshold } : {}) };
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--hash-password')) {
    const password = await readStdin();
    if (password.length < 8) {
      process.stderr.write('daehwa serve --hash-password: give a password of at least 8 characters on stdin\n');
      return 2;
    }
    process.stdout.write(`${await hashPassword(password)}\n`);
    return 0;
  }

  const loaded = await loadConfig();
  if (!loaded.ok) {
    process.stderr.write(`daehwa serve: invalid configuration\n${loaded.errors.map((e) => `  ${e}`).join('\n')}\n`);
    return 1;
  }
  const { config } = loaded;
  const log = createLogger({ level: config.log.level });
  const modelPath = join(config.modelsDir, CURRENT_MODEL_FILE);
  const nluLog = (line: string): void => log.info({ component: 'nlu' }, line);

  const [store, commerce, classifier, flows] = await Promise.all([
    openStore(config, log),
    createCommerceFromConfig(config.commerce),
    loadClassifier({ modelPath, trainIfMissing: true, log: nluLog }),
    loadFlows(config),
  ]);
  if (!flows.ok) {
    process.stderr.write(`daehwa serve: the flows in ${config.flowsDir}/ are invalid\n${flows.problems}\n`);
    await Promise.all([store.close(), commerce.close()]);
    return 1;
  }

  const server = await buildServer(config, {
    store,
    commerce,
    classifier,
    dialog: flows.dialog,
    logger: log,
    reloaders: {
      loadModel: () => loadClassifier({ modelPath, log: nluLog }),
      loadFlows: () => loadFlows(config),
    },
  });
  const address = await server.listen();
  log.info({ address, config: loaded.source ?? 'defaults', store: config.store.kind, commerce: config.commerce.kind }, 'daehwa is serving');
  process.stderr.write(`daehwa: shop demo ${address}/  agent console ${address}/console\n`);

  return new Promise((resolve) => {
    const stop = async (signal: string): Promise<void> => {
      log.info({ signal }, 'shutting down');
      await server.close();
      // The store's flush makes every accepted write durable before the process ends.
      await Promise.all([store.close(), commerce.close()]);
      resolve(0);
    };
    process.once('SIGINT', (signal) => void stop(signal));
    process.once('SIGTERM', (signal) => void stop(signal));
  });
}
