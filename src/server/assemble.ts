// The real dependencies behind buildServer, chosen by config: the lowdb, PostgreSQL (or memory) store, the
// demo shop or the shop's HTTP API, the trained model (trained first when missing) and the flows.
// `daehwa serve` and the end-to-end tests start the product through this one function.
import { join } from 'node:path';
import { createCommerceFromConfig } from '../commerce/index.ts';
import type { DaehwaConfig } from '../config/schema.ts';
import { createDialogEngine, formatProblems, loadFlowSet } from '../dialog/index.ts';
import type { MessagesSpec } from '../dialog/schema.ts';
import { CURRENT_MODEL_FILE } from '../nlu/config.ts';
import { loadClassifier } from '../nlu/index.ts';
import { createLowdbStore } from '../store/lowdb.ts';
import { createMemoryStore } from '../store/memory.ts';
import { createPostgresCoordination, createPostgresStore, type PostgresCoordination, type PostgresStore } from '../store/postgres/index.ts';
import { catalogueOf, loadProactive, PROACTIVE_DIR } from '../proactive/loader.ts';
import type { Store } from '../store/types.ts';
import { loadSurveyTexts } from '../surveys/index.ts';
import { buildServer, type DaehwaServer, type ServerDeps, type StoreHealthReport } from './app.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Logger } from './logging.ts';
import type { FlowsLoad } from './reload.ts';

export interface AssembledDaehwa {
  server: DaehwaServer;
  store: Store;
  /** Closes the server, then makes every accepted write durable and releases the shop. */
  close(): Promise<void>;
}

/** The flows in config.flowsDir could not be loaded; `problems` has file:line:column for each. */
export class InvalidFlowsError extends Error {
  constructor(
    readonly flowsDir: string,
    readonly problems: string,
  ) {
    super(`the flows in ${flowsDir}/ are invalid\n${problems}`);
    this.name = 'InvalidFlowsError';
  }
}

/** The store config names (also used by `daehwa privacy`). */
export function openStore(config: DaehwaConfig, log: Logger): Promise<Store> | Store {
  if (config.store.kind === 'memory') return createMemoryStore();
  if (config.store.kind === 'postgres') {
    return createPostgresStore({
      connectionString: config.store.url,
      poolSize: config.store.poolSize,
      onPoolError: (err) => log.error({ err }, 'an idle PostgreSQL connection failed'),
    });
  }
  return createLowdbStore({
    dir: config.store.dir,
    maxCachedConversations: config.store.maxCachedConversations,
    ...(config.store.flushIntervalMs !== undefined ? { flushIntervalMs: config.store.flushIntervalMs } : {}),
    onFlushError: (err) => log.error({ err }, 'store flush failed; retrying'),
  });
}

/** The flows as the server loads them: always with their messages file. */
export type ShopFlowsLoad = (Extract<FlowsLoad, { ok: true }> & { messages: MessagesSpec }) | Extract<FlowsLoad, { ok: false }>;

/** The flows, messages, proactive rules and survey texts of config.flowsDir, and the dialog engine as the server runs it (also `daehwa replay`'s). */
export async function loadFlows(config: DaehwaConfig): Promise<ShopFlowsLoad> {
  const loaded = await loadFlowSet(config.flowsDir);
  if (!loaded.ok) return { ok: false, problems: formatProblems(loaded.problems) };
  const proactive = await loadProactive(config.flowsDir, catalogueOf(loaded.flowSet.flows));
  if (!proactive.ok) return { ok: false, problems: `${formatProblems(proactive.problems)}\n(in ${config.flowsDir}/${PROACTIVE_DIR}/)` };
  const surveys = await loadSurveyTexts(config.flowsDir);
  if (!surveys.ok) return { ok: false, problems: formatProblems(surveys.problems) };
  const timeZone = config.handoff.businessHours.timeZone; // the shop's one calendar
  return {
    ok: true,
    // The upper edge of the hand-off band; the NLU's classifier has the lower one.
    dialog: createDialogEngine(loaded.flowSet, { handoffThreshold: config.handoff.band.upper, timeZone }),
    messages: loaded.flowSet.messages,
    proactive: proactive.config,
    surveys: surveys.texts,
  };
}

function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

export async function assembleDaehwa(config: DaehwaConfig, options: { logger: Logger; clock?: Clock }): Promise<AssembledDaehwa> {
  const log = options.logger;
  const modelPath = join(config.modelsDir, CURRENT_MODEL_FILE);
  const nluLog = (line: string): void => log.info({ component: 'nlu' }, line);
  // The shop's one calendar: "내일", "next Tuesday" in a message are read in it.
  const timeZone = config.handoff.businessHours.timeZone;
  // The lower edge of the hand-off band (config handoff.band): below it the NLU answers None.
  const decision = { threshold: config.handoff.band.lower };

  // Loaded side by side: the model and the flows dominate cold start. All settle before a
  // failure is thrown (the database unreachable, a locked data directory), so that whatever did
  // open is closed again and nothing is left running.
  const settled = await Promise.allSettled([
    openStore(config, log),
    createCommerceFromConfig(config.commerce, { timeZone }),
    loadClassifier({ modelPath, corpusDir: config.corpusDir, timeZone, decision, trainIfMissing: true, log: nluLog }),
    loadFlows(config),
  ]);
  const [storeResult, commerceResult, classifierResult, flowsResult] = settled;
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.allSettled([
      storeResult.status === 'fulfilled' ? storeResult.value.close() : undefined,
      commerceResult.status === 'fulfilled' ? commerceResult.value.close() : undefined,
    ]);
    throw failed.reason;
  }
  const [store, commerce, classifier, flows] = [valueOf(storeResult), valueOf(commerceResult), valueOf(classifierResult), valueOf(flowsResult)];
  if (!flows.ok) {
    await Promise.all([store.close(), commerce.close()]);
    throw new InvalidFlowsError(config.flowsDir, flows.problems);
  }
  // On PostgreSQL other processes may share the database: turns take its lock, frames and queue
  // changes travel through it. Opened after the store, whose migrations create its tables.
  let coordination: PostgresCoordination | undefined;
  if (config.store.kind === 'postgres') {
    try {
      coordination = await createPostgresCoordination({
        connectionString: config.store.url,
        poolSize: config.store.poolSize,
        onError: (err) => log.error({ err }, 'PostgreSQL coordination'),
        onReconnected: () => log.info('the PostgreSQL notification connection is back; catching up'),
      });
    } catch (err) {
      await Promise.all([store.close(), commerce.close()]);
      throw err;
    }
  }
  const server = await buildServer(config, {
    ...(coordination ? sharedDeps(coordination, store as PostgresStore, options.clock ?? systemClock, log) : {}),
    store,
    commerce,
    classifier,
    dialog: flows.dialog,
    messages: flows.messages,
    ...(flows.proactive ? { proactive: flows.proactive } : {}),
    ...(flows.surveys !== undefined ? { surveys: flows.surveys } : {}),
    logger: log,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(coordination ? { coordination } : {}),
    reloaders: {
      loadModel: () => loadClassifier({ modelPath, corpusDir: config.corpusDir, timeZone, decision, log: nluLog }),
      loadFlows: () => loadFlows(config),
    },
  });
  return {
    server,
    store,
    async close() {
      await server.close();
      await Promise.all([store.close(), commerce.close(), coordination?.close()]);
    },
  };
}

/**
 * issue 13: what the processes on one PostgreSQL database share beyond the coordination: the
 * sign-in state, the durable timers (on the coordination's pool) and the database's health.
 */
export function sharedDeps(
  coordination: PostgresCoordination,
  store: PostgresStore,
  clock: Clock,
  log: Logger,
  options: { timerPollIntervalMs?: number } = {},
): Pick<ServerDeps, 'authState' | 'timers' | 'health'> {
  return {
    authState: coordination.createAuthState({
      nowMs: () => clock.nowMs(),
      onError: (err) => log.error({ err }, 'PostgreSQL sign-in state'),
    }),
    timers: coordination.createTimers({
      clock,
      onError: (err) => log.error({ err }, 'a timer failed'),
      ...(options.timerPollIntervalMs !== undefined ? { pollIntervalMs: options.timerPollIntervalMs } : {}),
    }),
    health: async (): Promise<StoreHealthReport> => ({ ...(await store.health()), coordination: coordination.health() }),
  };
}
