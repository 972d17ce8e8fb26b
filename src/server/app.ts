// buildServer(config, deps): the whole support desk as one fastify instance. Everything with state
// or I/O comes in through `deps`, so tests start it in-process on port 0 with a memory store and
// a manual clock, and `daehwa serve` wires the real model, flows, shop and lowdb store.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../shared/package-paths.ts';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import type { CommercePort } from '../commerce/types.ts';
import type { DaehwaConfig } from '../config/schema.ts';
import type { MessagesSpec } from '../dialog/schema.ts';
import type { DialogEngine } from '../dialog/types.ts';
import { PROACTIVE_DIR, type ProactiveConfig } from '../proactive/loader.ts';
import { HandoffQueue } from '../handoff/queue.ts';
import type { Coordination } from '../store/coordination.ts';
import type { Store } from '../store/types.ts';
import type { AuthState } from '../store/auth-state.ts';
import { createMemoryTimers, type Timers } from '../timers/index.ts';
import { AgentAuth } from './agent-auth.ts';
import { agentOnly, agentRoutes } from './agent-routes.ts';
import { registerAgentSocket } from './agent-socket.ts';
import { type Clock, systemClock } from './clock.ts';
import { Conversations } from './conversation.ts';
import { CustomerVerifier, demoCustomerTokens } from './customers.ts';
import { type DescribedClassifier, EngineSlot } from './engines.ts';
import { HandoffDesk } from './handoff-desk.ts';
import { HttpError, installErrorHandler, sendFrameworkError } from './http-errors.ts';
import { registerOpenApi } from './openapi.ts';
import { CoordinatedLanes, InProcessLanes, type SerialLanes } from './lanes.ts';
import { createLogger, type Logger } from './logging.ts';
import { createMetrics, type ServerMetrics } from './metrics.ts';
import { MAX_TEXT_LENGTH } from './protocol.ts';
import { Reloader, type Reloaders, watchDirectory } from './reload.ts';
import { PUBLIC } from './route-security.ts';
import { sessionRoutes } from './session-routes.ts';
import { SessionDirectory } from './sessions.ts';
import { ProactiveDesk } from './proactive.ts';
import { SurveyDesk } from './surveys.ts';
import { CaseDesk } from './cases.ts';
import { NotificationDesk } from './notifications.ts';
import { orderEventRoutes } from './order-event-routes.ts';
import type { SurveyTexts } from '../surveys/index.ts';
import { registerShopperSocket } from './shopper-socket.ts';
import { withMaskedOutbox, withMaskedShopperLines } from './masked-store.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { ssoRoutes } from '../sso/routes.ts';
import { type AdmissionGauge, LISTEN_BACKLOG, loopDelayGauge } from './admission.ts';
// ---- privacy (issue 18) ----
import { AuditLog } from '../audit/audit-log.ts';
import type { PersonalDataHolder } from '../privacy/holders.ts';
import { PrivacyDesk } from '../privacy/privacy-desk.ts';
import { type RetentionJob, startRetentionJob } from '../privacy/retention.ts';
import { createPersonalDataRegistry } from '../privacy/store-holders.ts';
import { privacyRoutes } from './privacy-routes.ts';
// ---- end privacy ----
// channels (issue 15)
import { registerChannels } from '../channels/index.ts';
import { deskRoutes } from '../desk/index.ts'; // desk (issue 14)
import { LiveSignals } from '../desk/live/signals.ts';
import { Attachments } from '../attachments/attachments.ts';
import { SlaWatch } from '../desk/sla/watch.ts';
import { DeskRuntime } from '../desk/runtime.ts';
import { teamOf } from '../desk/routing/teams.ts';
import { attachmentRoutes } from '../attachments/routes.ts';
import { type AttachmentStorage, directoryStorage, memoryStorage } from '../attachments/storage.ts';
// analytics (issue 12)
import { AnalyticsService } from '../analytics/service.ts';
import { FactRecorder, withoutFactRecording } from '../analytics/recorder.ts';
import { type AnalyticsJob, startAnalyticsJob } from '../analytics/job.ts';
import type { SurveySource } from '../analytics/surveys.ts';
import { analyticsRoutes } from './analytics-routes.ts';

export interface ServerDeps {
  store: Store;
  commerce: CommercePort;
  classifier: DescribedClassifier;
  dialog: DialogEngine;
  /** The messages file loaded with the flows (flows/messages.yaml): what the hand-off desk and the channels say themselves. */
  messages: MessagesSpec;
  /** Proactive rules and contextual FAQ (flows/proactive/); none by default. */
  proactive?: ProactiveConfig;
  /** What the surveys say (flows/surveys.yaml); none by default, and then no surveys. */
  surveys?: SurveyTexts | null;
  logger?: Logger;
  clock?: Clock;
  reloaders?: Reloaders;
  /** Process metrics (CPU, memory, event loop) on /metrics; off in tests. Default true. */
  processMetrics?: boolean;
  /** Decides when new sessions are refused as `busy`; default: the event-loop delay against `server.maxLoopDelayMs`. */
  admission?: AdmissionGauge;
  /**
   * Other server processes share the store (PostgreSQL): the turn lock, the bus and the outbox
   * they share. Absent, this process is the only one (lowdb, memory).
   */
  coordination?: Coordination;
  /**
   * issue 13: sign-out revocations and sign-in lockouts, and timers that outlive the process (the
   * agent grace period), shared with the other processes (PostgreSQL, src/store/postgres/).
   * Absent, this process keeps them in memory. The server starts and stops the timers.
   */
  authState?: AuthState;
  timers?: Timers;
  /** issue 13: the store's state for /healthz (an unreachable database answers 503); by default the store's kind. */
  health?: () => Promise<StoreHealthReport>;
  /**
   * privacy (issue 18): more holders of personal data (surveys, analytics facts) for customer
   * export and erase and for retention, run before the queue's and the conversations' own.
   */
  personalDataHolders?: PersonalDataHolder[];
  /** desk (issue 14): where shoppers' photos go; by default as config desk.attachments.storage says. */
  attachmentStorage?: AttachmentStorage;
  // analytics (issue 12): the VOC themes file (voc/themes.yaml by default) and the survey records.
  analytics?: { vocFile?: string; surveys?: SurveySource };
}

/** The store's part of /healthz: `reachable: false` makes it answer 503. */
export interface StoreHealthReport {
  kind: string;
  reachable: boolean;
  [detail: string]: unknown;
}

export interface DaehwaServer {
  app: FastifyInstance;
  metrics: ServerMetrics;
  reloader: Reloader;
  sessions: SessionDirectory;
  desk: HandoffDesk;
  /** privacy (issue 18): customer export and erase, retention; the audit log. */
  privacy: PrivacyDesk;
  audit: AuditLog;
  /** The daily retention job; null when privacy.retentionDays is null. */
  retention: RetentionJob | null;
  /** Starts listening on config.server.{host,port}; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, closes sockets and timers. The store is the caller's to close. */
  close(): Promise<void>;
}

/**
 * Websocket frames larger than this are refused by ws before any parsing (close code 1009).
 * Below it a frame is read, so an over-long pasted message gets a `text_too_long` answer; the
 * bound keeps what one connection can make the server buffer small.
 */
const MAX_WS_PAYLOAD_BYTES = 1024 * 1024;
/** Agent messages and sign-ins are small; fastify answers larger bodies with 413. */
const MAX_BODY_BYTES = 64 * 1024;
const PUBLIC_DIR = packagePath('public');

export async function buildServer(config: DaehwaConfig, deps: ServerDeps): Promise<DaehwaServer> {
  const clock = deps.clock ?? systemClock;
  // Shopper lines are masked (RRN, card numbers) on their way into the store.
  deps = { ...deps, store: withMaskedShopperLines(deps.store) };
  const log = deps.logger ?? createLogger({ level: config.log.level });
  const metrics = createMetrics({ defaultMetrics: deps.processMetrics ?? true });
  const engines = new EngineSlot({ classifier: deps.classifier, dialog: deps.dialog, messages: deps.messages, proactive: deps.proactive, surveys: deps.surveys });
  // privacy (issue 18): the PostgreSQL outbox keeps frames with RRNs and card numbers masked.
  const coordination = deps.coordination ? withMaskedOutbox(deps.coordination) : undefined;
  const lanes: SerialLanes = coordination
    ? new CoordinatedLanes(coordination.locks, (sessionId): Promise<void> => sessions.reload(sessionId))
    : new InProcessLanes();
  const admission = deps.admission ?? loopDelayGauge(config.server.maxLoopDelayMs);
  const timers = deps.timers ?? createMemoryTimers({ clock, onError: (err) => log.error({ err }, 'a timer failed') });
  const sessions = new SessionDirectory({
    store: deps.store,
    clock,
    lanes,
    log,
    idleTimeoutMs: config.sessions.idleTimeoutMs,
    timers,
    dialog: () => engines.current.dialog,
    awaitsShopper: (record): Promise<boolean> => desk.awaitsShopper(record),
    beforeIdleClose: (live): Promise<void> => surveys.beforeClose(live, engines.current.surveys),
    ...(coordination ? { shared: { origin: coordination.origin, bus: coordination.bus, outbox: coordination.outbox } } : {}),
  });
  const queue = new HandoffQueue({
    store: deps.store,
    now: () => clock.now(),
    onListenerError: (err) => log.error({ err }, 'queue listener failed'),
    laneOf: teamOf, // desk (issue 14): each team's queue has its own places
  });
  // desk (issue 14): teams and routing, presence, auto-assignment, wait estimates, next-response SLA
  const deskRuntime: DeskRuntime = new DeskRuntime({
    config,
    queue,
    store: deps.store,
    clock,
    log,
    timers,
    messages: () => engines.current.messages,
    ...(coordination ? { shared: { bus: coordination.bus, origin: coordination.origin } } : {}),
    desk: () => desk,
  });
  const cases = new CaseDesk({ store: deps.store, log });
  const surveys = new SurveyDesk({
    store: deps.store,
    clock,
    settings: config.surveys,
    metrics,
    log,
    conversations: () => conversations,
  });
  // analytics (issue 12): turn facts go through the recorder; the desk records its own, unless recording is off.
  const facts = new FactRecorder({ store: deps.store, enabled: config.analytics.recordFacts, log });
  const desk = new HandoffDesk({
    queue,
    store: config.analytics.recordFacts ? deps.store : withoutFactRecording(deps.store),
    sessions,
    lanes,
    clock,
    commerce: deps.commerce,
    hours: config.handoff.businessHours,
    messages: () => engines.current.messages,
    metrics,
    log,
    agentGraceMs: config.handoff.agentGraceMs,
    timers,
    ...(coordination ? { bus: coordination.bus } : {}),
    slaOf: (item) => (item.status === 'waiting' ? sla.summary(item) : deskRuntime.nextResponse.summary(item)), // desk (issue 14)
    desk: deskRuntime.hooks,
    onResolved: (live, agentId) => surveys.agentResolved(live, agentId),
    onItemChange: (item) => cases.follow(item),
  });
  // desk (issue 14): first-response SLA timers and breach records
  const sla: SlaWatch = new SlaWatch({
    queue,
    store: deps.store,
    clock,
    targets: config.desk.sla,
    teams: deskRuntime.teams,
    timers,
    log,
    announceBreach: (breach) => desk.announceBreach(breach),
    refreshQueue: () => desk.refreshQueueEverywhere(), // issue 13: its timers fire on one process
    ...(deskRuntime.onBreach ? { onBreach: deskRuntime.onBreach } : {}),
  });
  const conversations: Conversations = new Conversations({
    store: deps.store,
    clock,
    lanes,
    sessions,
    engines,
    commerce: deps.commerce,
    metrics,
    handoff: desk,
    log,
    labelOf: (live, payload): string | undefined => notifications.labelOf(live, payload) ?? proactive.labelOf(live, payload),
    surveys,
    cases,
    pages: { pageOf: (live) => proactive.pageOf(live), count: (fact) => proactive.count(fact) },
    facts,
  });
  const proactive: ProactiveDesk = new ProactiveDesk({
    config: () => engines.current.proactive,
    sessions,
    conversations,
    lanes,
    store: deps.store,
    clock,
    commerce: deps.commerce,
    hours: config.handoff.businessHours,
    messages: () => engines.current.messages,
    metrics,
    log,
  });
  const notifications = new NotificationDesk({
    config: () => engines.current.proactive,
    store: deps.store,
    sessions,
    lanes,
    clock,
    commerce: deps.commerce,
    metrics,
    log,
  });
  const customers = new CustomerVerifier({
    secret: config.shopper.customerTokenSecret,
    trustCustomerId: config.shopper.trustCustomerId,
    clock,
  });
  const auth = new AgentAuth(config.agents, config.secret, config.agentTokenTtlMs, clock, deps.authState);
  // ---- privacy (issue 18) ----
  const audit = new AuditLog({
    store: deps.store,
    now: () => clock.now(),
    onError: (err, entry) => log.error({ err, action: entry.action }, 'an audit event could not be written'),
  });
  const privacy = new PrivacyDesk({
    store: deps.store,
    registry: createPersonalDataRegistry(deps.store, deps.personalDataHolders ?? []),
    audit,
    now: () => clock.now(),
    onSessionErased: (sessionId) => sessions.drop(sessionId),
  });
  // ---- end privacy ----
  const reloader = new Reloader(engines, deps.reloaders ?? {}, metrics, log);

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // One line per HTTP request would dominate the log under load; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    frameworkErrors: sendFrameworkError,
  });
  // Route schemas are zod (fastify-type-provider-zod); their refusals get the documented codes (http-errors.ts).
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandler(app);
  await registerOpenApi(app);
  await registerSecurityHeaders(app, config.server.frameAncestors);
  await app.register(fastifyWebsocket, {
    // UTF-8 is checked by the frame parser, so that bad bytes get an error frame, not a dropped connection.
    options: { maxPayload: MAX_WS_PAYLOAD_BYTES, skipUTF8Validation: true },
  });
  await app.register(fastifyStatic, { root: PUBLIC_DIR, index: ['index.html'] });
  app.get('/console', (_request, reply) => reply.sendFile('console.html'));

  // issue 13: the store's state too; a load balancer takes a process whose database is away out of rotation.
  const storeHealth = deps.health ?? (async (): Promise<StoreHealthReport> => ({ kind: config.store.kind, reachable: true }));
  app.get('/healthz', { schema: { security: PUBLIC } }, async (_request, reply) => {
    const store = await storeHealth().catch((err: unknown): StoreHealthReport => ({ kind: config.store.kind, reachable: false, error: (err as Error).message }));
    if (!store.reachable) reply.code(503);
    return {
      status: store.reachable ? 'ok' : 'unavailable',
      pid: process.pid,
      sessionsInMemory: sessions.size,
      model: engines.current.classifier.modelInfo ?? null,
      store,
    };
  });
  app.get('/metrics', { schema: { security: PUBLIC } }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  // desk (issue 14): typing both ways, read receipts
  const signals = new LiveSignals({ queue, sessions, clock, toAgents: (frame) => desk.toAgents(frame) });
  registerShopperSocket(app, {
    signals,
    sessions,
    conversations,
    customers,
    desk,
    proactive,
    notifications,
    clock,
    metrics,
    log,
    maxTextLength: Math.min(config.sessions.maxTextLength, MAX_TEXT_LENGTH),
    rateLimit: config.sessions.rateLimit,
    origins: { allowed: config.server.allowedOrigins ?? null, production: config.env === 'production' },
    admission,
  });
  // ---- channels (issue 15): the Kakao skill and the signed webhook, on the same conversations ----
  registerChannels(app, {
    config,
    metrics,
    sessions,
    conversations,
    lanes,
    store: deps.store,
    clock,
    log,
    maxTextLength: Math.min(config.sessions.maxTextLength, MAX_TEXT_LENGTH),
    messages: () => engines.current.messages,
  });
  // ---- end channels ----
  await app.register(sessionRoutes, { store: deps.store, sessions });
  await app.register(demoCustomerTokens, { customers });
  await app.register(agentRoutes, { auth, desk, clock, audit });
  await app.register(ssoRoutes, { config: config.sso, auth, audit, secret: config.secret, nowMs: () => clock.nowMs(), production: config.env === 'production' });
  registerAgentSocket(app, { auth, desk, clock, log, audit, signals, presence: deskRuntime.presence });
  await app.register(reloadRoutes, { auth, reloader });
  await app.register(privacyRoutes, { auth, audit, privacy });
  // desk (issue 14): canned replies, typing, attachments
  await app.register(deskRoutes, { config: config.desk, store: deps.store, auth, desk, clock, signals });
  const attachments = new Attachments({
    store: deps.store,
    storage: deps.attachmentStorage ?? attachmentStorageFor(config),
    sessions,
    lanes,
    queue,
    clock,
    maxBytes: config.desk.attachments.maxBytes,
    relay: async (sessionId, entries) => {
      const live = await sessions.get(sessionId);
      if (live) desk.relay(live, entries);
    },
  });
  await app.register(attachmentRoutes, { attachments, store: deps.store, auth });
  // analytics (issue 12): report, drill-down, CSV, inbox and /dashboard for admins.
  const analytics = new AnalyticsService({
    facts: deps.store,
    timeZone: config.handoff.businessHours.timeZone,
    idleMs: config.sessions.idleTimeoutMs,
    now: () => clock.now(),
    ...(deps.analytics?.vocFile ? { vocFile: deps.analytics.vocFile } : {}),
    surveys: deps.analytics?.surveys ?? ((filter) => deps.store.listSurveys(filter)),
    corpusDir: config.corpusDir,
  });
  await app.register(analyticsRoutes, { auth, clock, audit, store: deps.store, service: analytics, inbox: (query) => analytics.inbox(query) });
  // Closed days' aggregates kept hourly, so that a report finds them (docs/analytics.md#daily-aggregates).
  const analyticsJob: AnalyticsJob = startAnalyticsJob({
    clock,
    run: async () => {
      const computed = await analytics.closeDays();
      if (computed > 0) log.info({ days: computed }, 'analytics days aggregated');
    },
    onError: (err) => log.error({ err }, 'the analytics day aggregates could not be computed; tried again in an hour'),
  });
  await app.register(orderEventRoutes, { notifications, commerce: deps.commerce, auth, webhookSecret: config.commerce.webhookSecret });

  const stopWatching: (() => void)[] = [];
  if (config.reload.watch) {
    if (deps.reloaders?.loadModel) {
      stopWatching.push(watchDirectory(config.modelsDir, () => void reloader.reloadModel(), log));
    }
    if (deps.reloaders?.loadFlows) {
      stopWatching.push(watchDirectory(config.flowsDir, () => void reloader.reloadFlows(), log));
      // The proactive rules sit in a folder of their own, which a watch of flowsDir does not see into.
      if (existsSync(join(config.flowsDir, PROACTIVE_DIR))) {
        stopWatching.push(watchDirectory(join(config.flowsDir, PROACTIVE_DIR), () => void reloader.reloadFlows(), log));
      }
    }
  }
  timers.start(); // issue 13: after the desk registered its handlers
  await desk.start();
  // privacy (issue 18): purge expired conversations now and then daily.
  const { retentionDays } = config.privacy;
  const retention =
    retentionDays === null
      ? null
      : startRetentionJob({
          clock,
          run: async () => {
            const report = await privacy.purgeExpired(retentionDays);
            if (Object.values(report.removed).some((count) => count > 0)) log.info({ retention: report }, 'expired conversations purged');
          },
          onError: (err) => log.error({ err }, 'the retention job failed; it runs again tomorrow'),
        });
  await sla.start(); // desk (issue 14)
  await deskRuntime.start();
  notifications.start();
  proactive.start();

  return {
    app,
    metrics,
    reloader,
    sessions,
    desk,
    privacy,
    audit,
    retention,
    async listen() {
      return app.listen({ port: config.server.port, host: config.server.host, backlog: LISTEN_BACKLOG });
    },
    async close() {
      for (const stop of stopWatching) stop();
      retention?.stop();
      await retention?.idle;
      analyticsJob.stop(); // analytics (issue 12)
      await analyticsJob.idle;
      desk.stop();
      await timers.stop(); // issue 13: on PostgreSQL the pending ones stay for the other processes
      sla.stop(); // desk (issue 14)
      deskRuntime.stop();
      surveys.stop();
      notifications.stop();
      proactive.stop();
      sessions.stop();
      admission.stop();
      await app.close();
      await facts.flush(); // analytics (issue 12): what the last turns recorded
    },
  };
}

/** desk (issue 14): the configured attachment storage, or the one that goes with the store. */
function attachmentStorageFor(config: DaehwaConfig): AttachmentStorage {
  const chosen = config.desk.attachments.storage;
  if (chosen?.kind === 'memory' || (!chosen && config.store.kind === 'memory')) return memoryStorage();
  if (chosen) return directoryStorage(chosen.dir);
  return directoryStorage(config.store.kind === 'lowdb' ? join(config.store.dir, 'attachments') : 'data/attachments');
}

/** POST /api/admin/reload/{model,flows}: hot reload, for admin agents. */
const reloadRoutes: FastifyPluginAsyncZod<{ auth: AgentAuth; reloader: Reloader }> = async (app, { auth, reloader }) => {
  agentOnly(app, auth, { admin: 'reloading needs an admin agent' });
  const answer = (outcome: Awaited<ReturnType<Reloader['reloadModel']>>) => {
    if (outcome.ok) return { ok: true, info: outcome.info ?? null };
    throw new HttpError(outcome.code === 'not_configured' ? 501 : 422, `reload_${outcome.code}`, outcome.message);
  };
  app.post('/api/admin/reload/model', async () => answer(await reloader.reloadModel()));
  app.post('/api/admin/reload/flows', async () => answer(await reloader.reloadFlows()));
};
