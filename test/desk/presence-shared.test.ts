// Presence across two servers on one PostgreSQL database (standing for two processes): an agent
// connected to one is online, away and offline on the other's consoles, and a process that stops
// repeating its agents (it died) lets them lapse to offline. Skipped without PostgreSQL binaries.
import { expect, it } from 'vitest';
import { DEFAULT_AGENT } from '../../src/config/schema.ts';
import { PRESENCE_HEARTBEAT_MS } from '../../src/desk/presence/service.ts';
import { createPostgresCoordination, createPostgresStore } from '../../src/store/postgres/index.ts';
import { describeWithPostgres, findPostgresBinDir, useDatabasePerTest } from '../store/pg-cluster.ts';
import { agentSocket, login, startTestServer, type Frame, type TestServer } from '../server/helpers.ts';

const BIN_DIR = findPostgresBinDir();
const AGENTS = [DEFAULT_AGENT, { id: 'mina', name: '미나', passwordHash: DEFAULT_AGENT.passwordHash, role: 'agent' as const }];

describeWithPostgres('presence shared by processes', () => {
  const db = useDatabasePerTest(BIN_DIR as string);

  const startShared = async (): Promise<TestServer> => {
    const pgStore = await createPostgresStore({ connectionString: db.url, poolSize: 4 });
    const coordination = await createPostgresCoordination({ connectionString: db.url, poolSize: 4, onError: () => undefined });
    const server = await startTestServer({ store: pgStore, deps: { coordination }, config: { agents: AGENTS } });
    db.closers.push(async () => {
      await server.close();
      await coordination.close();
      await pgStore.close();
    });
    return server;
  };

  const minaIn = (frame: Frame): string | undefined => (frame['agents'] as { id: string; status: string }[]).find((agent) => agent.id === 'mina')?.status;

  it('shows an agent connected to one process on the other\'s consoles, and lets them lapse when that process goes quiet', async () => {
    const [a, b] = [await startShared(), await startShared()];
    const lead = (await agentSocket(b.wsUrl, await login(b.url))).socket;
    expect(minaIn(await lead.nextOfType('roster'))).toBe('offline');

    const mina = (await agentSocket(a.wsUrl, await login(a.url, 'mina'))).socket;
    await lead.next((f) => f.type === 'roster' && minaIn(f) === 'online', 'mina online on B');
    mina.send({ type: 'presence', status: 'away' });
    await lead.next((f) => f.type === 'roster' && minaIn(f) === 'away', 'mina away on B');

    // A stops repeating (its clock stands still, as a dead process's would): B lets her lapse.
    b.clock.advance(3 * PRESENCE_HEARTBEAT_MS);
    await lead.next((f) => f.type === 'roster' && minaIn(f) === 'offline', 'mina lapsed on B');
    // A repeats again: she is back.
    a.clock.advance(PRESENCE_HEARTBEAT_MS);
    await lead.next((f) => f.type === 'roster' && minaIn(f) === 'away', 'mina back on B');

    mina.close();
    await lead.next((f) => f.type === 'roster' && minaIn(f) === 'offline', 'mina signed off');
    lead.close();
  });
});
