// The one database interface the reconciler talks to. Two implementations: PGlite (the
// embedded default, a folder on disk) and PostgreSQL through `pg`. The same SQL and the same
// migrations run on both, so every store test runs against both.
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface QueryOptions {
  prepare?: string;
}

export interface Queryable {
  /**
   * `prepare` names a statement the server keeps parsed per connection (PostgreSQL servers):
   * for the hot, fixed statements of the run queue, whose parsing and planning otherwise cost
   * more than their execution. Never for SQL built from data.
   */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Calls `onNotify` for each NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** Runs `fn` in one transaction; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Errors the store raises for conditions a caller can act on (HTTP maps them to status codes). */
export class StoreError extends Error {
  constructor(
    readonly code: 'conflict' | 'not_found' | 'invalid' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}

/** Transient database failures (connection lost, server restarting, serialization) are retried; others are not. */
export function isTransientDbError(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  if (!err) return false;
  if (typeof err.code === 'string') {
    // 08*: connection exceptions; 57P0x: admin shutdown / crash shutdown / cannot connect now; 40001/40P01: serialization, deadlock.
    if (/^08/.test(err.code) || /^57P0/.test(err.code) || err.code === '40001' || err.code === '40P01' || err.code === '53300') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(err.code)) return true;
  }
  return /Connection terminated|connection closed|Client has encountered a connection error|terminating connection|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i.test(err.message ?? '');
}
