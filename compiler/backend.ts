// The plug-in interface every target implements. A backend turns the IR into artifacts;
// what it cannot express it reports as a diagnostic, never by throwing.
import { type Diagnostic, Memo } from '../spec/index.js';
import type { Artifact } from './artifact.js';
import { FileMemo } from './file-memo.js';
import type { IRProject } from './ir.js';

export type BackendId = 'trino' | 'duckdb' | 'spark' | 'dbt';

export interface BackendCapabilities {
  /** Iceberg partition transforms are applied (DuckDB tables are not partitioned). */
  partitioning: boolean;
  /** MERGE on a key. */
  merge: boolean;
  /** Reads files (csv/parquet/json) natively in SQL. */
  readsFiles: boolean;
  /** Column types it cannot store exactly. */
  unsupportedTypes: readonly string[];
}

export interface EmitResult {
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
}

/** Per-backend memo tables for incremental recompiles, keyed by IR object identity. */
export class EmitMemo extends FileMemo {
  readonly tables = new Memo<object, unknown>();
  readonly pipelines = new Memo<object, unknown>();
  /** How a table is referred to (dbt: ref() or source()), by table object. */
  readonly relations = new WeakMap<object, { model: boolean; text: string }>();
}

export interface Backend {
  readonly id: BackendId;
  readonly capabilities: BackendCapabilities;
  /** `memo` lets a recompile reuse what unchanged IR objects produced last time. */
  emit(ir: IRProject, memo?: EmitMemo): EmitResult;
}
