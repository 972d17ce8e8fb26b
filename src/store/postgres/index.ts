export { createPostgresStore, DEFAULT_POOL_SIZE, type PostgresStore, type PostgresStoreOptions } from './store.ts';
export { loadMigrations, migrate, MIGRATIONS_DIR, type Migration, type MigrationResult } from './migrate.ts';
export { databaseUrlProblem, redactDatabaseUrl } from './url.ts';
export { BUS_CHANNEL, createPostgresCoordination, LISTENER_APPLICATION_NAME, type CoordinationHealth, type PostgresCoordination, type PostgresCoordinationOptions } from './coordination.ts';
export { createPostgresAuthState, type PostgresAuthState, type PostgresAuthStateOptions } from './auth-state.ts';
export type { PoolStats, StoreHealth } from './health.ts';
