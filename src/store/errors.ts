// Errors a store raises, with stable codes callers can branch on (like fastify's FST_ERR_*).

export type StoreErrorCode =
  /** appendTranscript for a session that was never put. */
  | 'session_not_found'
  /** An id that cannot be stored (lowdb uses ids as file names). */
  | 'invalid_id'
  /** A file on disk does not parse or does not match its schema; the file is left untouched. */
  | 'corrupt'
  /** The store was used after close(). */
  | 'closed'
  /** Another process (or another store in this one) holds the lowdb data directory. */
  | 'locked'
  /** The database cannot be reached or refuses the connection. */
  | 'unavailable'
  /** A schema migration failed; it was rolled back. */
  | 'migration_failed'
  /** The database was migrated by a newer daehwa than this one. */
  | 'schema_too_new';

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** Socket errors of a database connection that went away or cannot be made. */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether `error` (or an error it was caused by) says the store cannot be reached now: a
 * StoreError `unavailable`, a connection's socket error, PostgreSQL's connection exceptions
 * (SQLSTATE class 08) and shutdowns (57P01-57P03), or the pg driver's lost connection. A caller
 * answers "try again shortly" to these, and "failed" to anything else.
 */
export function isStoreUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof StoreError) return current.code === 'unavailable';
    const code: unknown = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_ERRORS.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code))) return true;
    if (/^Connection terminated|timeout exceeded when trying to connect/.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

/** Ids become file names in the lowdb store, so every store accepts the same safe alphabet. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function assertStorableId(kind: 'session' | 'queue item' | 'canned reply' | 'attachment' | 'survey' | 'case', id: string): void {
  if (!SAFE_ID.test(id)) {
    throw new StoreError(
      'invalid_id',
      `${kind} id ${JSON.stringify(id)} is not storable: use 1-128 characters from A-Z, a-z, 0-9, "_" and "-"`,
    );
  }
}

/** For `.catch()` on a file operation: a missing file is null, anything else is thrown on. */
export function nullIfMissing(error: unknown): null {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw error;
}
