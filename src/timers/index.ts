export * from './types.ts';
export { createMemoryTimers, type MemoryTimersOptions } from './memory.ts';
export { createPostgresTimers, TIMERS_TABLE, type PostgresTimers, type PostgresTimersOptions, type Queryable } from './postgres.ts';
