// A SQL engine the reconciler applies DDL to and runs pipeline steps on. DuckDB (embedded)
// and Trino implement it; the applier and the SQL executor only see this interface.
import type { SqlBackend } from '../../compiler/index.js';
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
  /**
   * Sends a write that must not happen twice for one phase (a plain append) so that a later
   * attempt can tell whether it committed. DuckDB writes `key` into a ledger table in the
   * same transaction (call it inside the step's transaction); Trino hands `remember` the
   * query's id before the query can start, and Iceberg records that id in its commit.
   */
  writeOnce(sql: string, w: OnceWrite, signal?: AbortSignal): Promise<void>;
  /**
   * Whether a write sent by an earlier attempt committed. A write still under way is stopped
   * first, so the answer is final: the write cannot commit after this returns false.
   */
  committedOnce(w: { key: string; table: string; recorded: readonly Record<string, unknown>[] }, signal?: AbortSignal): Promise<boolean>;
  /** Where relative file paths in statements resolve (engines that read local files; the others ignore it). */
  useFilesRoot?(dir: string): Promise<void>;
  close(): Promise<void>;
}

export interface OnceWrite {
  /** Names the write within its phase (stable across attempts). */
  key: string;
  /** The target, catalog.schema.table. */
  table: string;
  /** Keeps what the engine needs to find the write again; the write does not start before it returns. */
  remember(detail: Record<string, unknown>): Promise<void>;
}

/** The signal's reason as the error a statement rejects with (an ExecutionError for a timeout keeps its message). */
export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
}
