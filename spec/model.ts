// Types of the spec language: the resources as written (after schema validation) and the
// project as resolved for one environment (overlays merged, names and types resolved).
import type { SqlPart } from './sql-template.js';
import type { SqlType } from './sql-type.js';
import type { LoadedDocument } from './yaml-loader.js';

export type Kind = 'Workspace' | 'Connection' | 'Dataset' | 'Pipeline';
export type Layer = 'bronze' | 'silver' | 'gold';
export type Engine = 'trino' | 'spark' | 'dbt';
export type Materialization = 'append' | 'merge' | 'replace';
export type ConnectionType = 'trino' | 'spark-k8s' | 'postgres' | 's3' | 'iceberg-rest' | 'files';
export type PartitionTransform = 'identity' | 'year' | 'month' | 'day' | 'hour' | 'bucket' | 'truncate';

export type SecretRef = { fromEnv: string } | { fromSecret: { name: string; key: string } } | { fromFile: string };

export interface NamingSpec {
  catalog?: string;
  schema?: string;
  table?: string;
}

export interface EnvironmentSpec {
  description?: string;
  variables?: Record<string, string>;
  naming?: NamingSpec;
  defaults?: { dataset?: Record<string, unknown>; pipeline?: Record<string, unknown> };
  protected?: boolean;
}

export interface WorkspaceSpec {
  owners?: string[];
  catalog: string;
  naming?: NamingSpec;
  defaultEnvironment?: string;
  defaults?: { dataset?: Record<string, unknown>; pipeline?: Record<string, unknown> };
  environments: Record<string, EnvironmentSpec>;
  previews?: { basedOn: string; naming?: NamingSpec };
  allowDestructive?: DestructiveAllowance[];
}

export type DestructiveChange = 'drop_table' | 'drop_column' | 'narrow_type' | 'change_primary_key';

export interface DestructiveAllowance {
  dataset: string;
  changes: DestructiveChange[];
  columns?: string[];
  environments?: string[];
  reason: string;
}

export interface ConnectionSpec {
  type: ConnectionType;
  description?: string;
  overrides?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface ColumnSpec {
  name: string;
  type: string;
  nullable?: boolean;
  renamedFrom?: string;
  description?: string;
  tags?: string[];
}

export interface PartitionSpec {
  column: string;
  transform?: PartitionTransform;
  width?: number;
}

interface CheckBase {
  name?: string;
  severity?: 'error' | 'warn';
  description?: string;
}
export type CheckSpec = CheckBase &
  (
    | { type: 'not_null'; columns: string[] }
    | { type: 'unique'; columns: string[] }
    | { type: 'accepted_values'; column: string; values: (string | number | boolean)[] }
    | { type: 'relationships'; column: string; to: string; field?: string }
    | { type: 'freshness'; column: string; maxAge: string }
    | { type: 'volume'; min?: number; max?: number }
  );

export interface StorageSpec {
  fileFormat?: 'parquet' | 'orc' | 'avro';
  formatVersion?: 1 | 2;
  sortedBy?: string[];
}

export interface DatasetSpec {
  layer: Layer;
  renamedFrom?: string;
  owner?: string;
  description?: string;
  tags?: string[];
  format?: 'iceberg';
  storage?: StorageSpec;
  columns: ColumnSpec[];
  primaryKey?: string[];
  partitioning?: PartitionSpec[];
  checks?: CheckSpec[];
  overrides?: Record<string, Partial<DatasetSpec>>;
}

export interface StepSpec {
  name: string;
  type: 'ingest' | 'transform';
  description?: string;
  into: string;
  materialization?: Materialization;
  mergeKey?: string[];
  dependsOn?: string[];
  retries?: number;
  timeout?: string;
  from?: { connection: string; table?: string; path?: string };
  mode?: 'full' | 'incremental';
  cursor?: string;
  sql?: string;
}

export interface PipelineSpec {
  description?: string;
  owner?: string;
  engine?: Engine;
  connection?: string;
  schedule?: string;
  retries?: number;
  timeout?: string;
  steps: StepSpec[];
  overrides?: Record<string, Partial<PipelineSpec>>;
}

export interface SpecOf {
  Workspace: WorkspaceSpec;
  Connection: ConnectionSpec;
  Dataset: DatasetSpec;
  Pipeline: PipelineSpec;
}

/** A schema-valid resource as written, with the document it came from. */
export interface Resource<K extends Kind = Kind> {
  kind: K;
  name: string;
  description?: string;
  labels: Record<string, string>;
  spec: SpecOf[K];
  doc: LoadedDocument;
  /** sha256 of the resource's canonical JSON (the canonical text itself is not kept: it is as large as the specs). */
  fingerprint: string;
}

// ---- resolved for one environment ----

export interface PhysicalName {
  catalog: string;
  schema: string;
  table: string;
}

// The resolved column, partition field and check carry the IR's `kind` tags and key order,
// so that lowering shares them instead of copying them (see compiler/ir.ts).
export interface ResolvedColumn {
  kind: 'column';
  name: string;
  type: SqlType;
  nullable: boolean;
  description?: string;
  /** Present only when written. */
  tags?: string[];
  /** The column's name before a rename (present only when written). */
  renamedFrom?: string;
}

export interface ResolvedPartitionField {
  kind: 'partition';
  column: string;
  transform: PartitionTransform;
  width?: number;
}

/** Keys in code-unit order, so that serialising it needs no sorting. */
export type ResolvedCheck = CheckSpec & { kind: 'check'; name: string; severity: 'error' | 'warn' };

export interface ResolvedDataset {
  name: string;
  layer: Layer;
  owner?: string;
  description?: string;
  tags: string[];
  format: 'iceberg';
  storage: { fileFormat: 'parquet' | 'orc' | 'avro'; formatVersion: 1 | 2; sortedBy: string[] };
  columns: ResolvedColumn[];
  primaryKey: string[];
  partitioning: ResolvedPartitionField[];
  checks: ResolvedCheck[];
  physical: PhysicalName;
  labels: Record<string, string>;
  /** The dataset's name before a rename (present only when written). */
  renamedFrom?: string;
}

export interface ResolvedStep {
  name: string;
  pipeline: string;
  type: 'ingest' | 'transform';
  description?: string;
  into: string;
  materialization: Materialization;
  mergeKey: string[];
  /** Steps of the same pipeline that must run first (explicit and implied by ref()). */
  dependsOn: string[];
  /** Datasets read (ref() targets). */
  reads: string[];
  retries: number;
  timeoutSeconds: number;
  sql?: SqlPart[];
  source?: { connection: string; table?: string; path?: string };
  mode?: 'full' | 'incremental';
  cursor?: string;
}

export interface ResolvedPipeline {
  name: string;
  description?: string;
  owner?: string;
  engine: Engine;
  connection?: string;
  schedule?: string;
  retries: number;
  timeoutSeconds: number;
  labels: Record<string, string>;
  /** Topologically ordered (ties keep declaration order). */
  steps: ResolvedStep[];
  /** Pipelines whose outputs this one reads. */
  upstream: string[];
}

export interface ResolvedConnection {
  name: string;
  type: ConnectionType;
  description?: string;
  /** Settings with secrets still as references. */
  config: Record<string, unknown>;
}

export interface ResolvedProject {
  workspace: { name: string; description?: string; owners: string[]; catalog: string; protected: boolean };
  /** Destructive changes the specs allow in this environment. */
  allowDestructive: DestructiveAllowance[];
  environment: string;
  connections: ResolvedConnection[];
  datasets: ResolvedDataset[];
  pipelines: ResolvedPipeline[];
  /** The step that writes each dataset. */
  producedBy: ReadonlyMap<string, { pipeline: string; step: string }>;
  /** sha256 over the canonical form of every resource (file order and layout do not matter). */
  specHash: string;
}
