// One "process" of a multi-process test: its own PostgreSQL store, coordination and server on a
// shared database, wired as src/server/assemble.ts wires them, closed once however often stop() is called.
import type { ConfigInput } from '../../src/config/schema.ts';
import type { ServerDeps } from '../../src/server/app.ts';
import { sharedDeps } from '../../src/server/assemble.ts';
import { createLogger } from '../../src/server/logging.ts';
import { createPostgresCoordination, createPostgresStore, type PostgresCoordination, type PostgresStore } from '../../src/store/postgres/index.ts';
import type { Timers } from '../../src/timers/index.ts';
import { type ManualClock, startTestServer, type TestServer } from './helpers.ts';

export type SharedServer = TestServer & { coordination: PostgresCoordination; pgStore: PostgresStore; timers: Timers; stop(): Promise<void> };

export async function startSharedServer(options: { connectionString: string; clock: ManualClock; config: ConfigInput; closers: (() => Promise<void>)[]; deps?: Partial<ServerDeps> }): Promise<SharedServer> {
  const { connectionString, clock } = options;
  const pgStore = await createPostgresStore({ connectionString, poolSize: 4, onPoolError: () => undefined });
  const coordination = await createPostgresCoordination({ connectionString, poolSize: 4, reconnectDelayMs: { first: 20, max: 200 }, onError: () => undefined });
  const deps = sharedDeps(coordination, pgStore, clock, createLogger({ level: 'silent' }), { timerPollIntervalMs: 20 });
  const server = await startTestServer({ clock, store: pgStore, config: options.config, deps: { coordination, ...deps, ...options.deps } });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await server.close();
    await coordination.close();
    await pgStore.close();
  };
  options.closers.push(stop);
  return { ...server, coordination, pgStore, timers: deps.timers as Timers, stop };
}
