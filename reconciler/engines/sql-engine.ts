// A SQL engine the reconciler applies DDL to and runs pipeline steps on. DuckDB (embedded)
// and Trino implement it; the applier and the SQL executor only see this interface.
import type { SqlBackend } from '../../compiler/backends/sql-backend.js';
import type { SqlDialect } from '../../compiler/index.js';
import type { LiveTable } from '../plan/catalog-state.js';

export interface SqlEngine {
  readonly id: 'duckdb' | 'trino';
  readonly backend: SqlBackend<SqlDialect>;
  /** DDL inside a transaction is all-or-nothing (DuckDB yes, Trino/Iceberg no). */
  readonly transactionalDdl: boolean;
  /** Makes sure the physical catalogs exist / are attached. */
  prepare(catalogs: readonly string[]): Promise<void>;
  /**
   * Statements take the phase's abort signal: when it fires (timeout, cancel, lost lease) the
   * engine stops the statement itself — DuckDB interrupts the connection, Trino cancels the
   * query — and the call rejects; the work does not go on behind a phase that has ended.
   */
  run(sql: string, signal?: AbortSignal): Promise<void>;
  /** Rows as arrays of JSON-friendly values. */
  rows(sql: string, signal?: AbortSignal): Promise<unknown[][]>;
  /** Rows with column names. */
  records(sql: string, signal?: AbortSignal): Promise<{ columns: string[]; rows: unknown[][] }>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  liveTables(catalogs: readonly string[]): Promise<LiveTable[]>;
  /** Where relative file paths in statements resolve (engines that read local files; the others ignore it). */
  useFilesRoot?(dir: string): Promise<void>;
  close(): Promise<void>;
}

/** The signal's reason as the error a statement rejects with (an ExecutionError for a timeout keeps its message). */
export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
}
