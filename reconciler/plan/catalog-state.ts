// The shape of "what exists": the same for the desired state (from the compiled IR), the
// applied state (from the state store) and, partly, the live state (from the engine).
import type { IRProject, IRTable } from '../../compiler/index.js';
import { type SqlType, canonicalJson, sha256 } from '../../spec/index.js';

export interface ColumnState {
  name: string;
  type: SqlType;
  nullable: boolean;
}

export interface TableState {
  name: string;
  physical: { catalog: string; schema: string; table: string };
  layer: string;
  owner?: string;
  description?: string;
  tags: string[];
  format: 'iceberg';
  columns: ColumnState[];
  primaryKey: string[];
  /** Iceberg partition fields in Trino's spelling: `day(order_date)`, `bucket(id, 16)`. */
  partitioning: string[];
  storage: { fileFormat: string; formatVersion: number; sortedBy: string[] };
  fingerprint: string;
  /**
   * Desired state only, and not part of the fingerprint (a rename already applied is no
   * change): the dataset's name before, and each renamed column's name before.
   */
  renamedFrom?: string;
  columnsRenamedFrom?: Record<string, string>;
}

export interface PipelineState {
  name: string;
  engine: string;
  /** Hash of what the pipeline does (its IR), so a change of SQL or steps is a replace. */
  fingerprint: string;
}

export interface ConnectionState {
  name: string;
  type: string;
  /** Settings; secret fields are references ({ fromEnv } / { fromSecret } / { fromFile }), never values. */
  config: Record<string, unknown>;
  fingerprint: string;
}

export interface CatalogState {
  tables: TableState[];
  pipelines: PipelineState[];
  connections: ConnectionState[];
}

export interface DesiredState extends CatalogState {
  workspace: string;
  environment: string;
  gitSha: string;
  specHash: string;
}

/** A table as the engine reports it (information_schema). Types are the engine's own spelling. */
export interface LiveTable {
  physical: { catalog: string; schema: string; table: string };
  columns: { name: string; type: string; nullable?: boolean }[];
}

export function qualified(p: { catalog: string; schema: string; table: string }): string {
  return `${p.catalog}.${p.schema}.${p.table}`;
}

export function partitionSpelling(t: Pick<IRTable, 'partitioning'>): string[] {
  return t.partitioning.map((p) => (p.transform === 'identity' ? p.column : p.width !== undefined ? `${p.transform}(${p.column}, ${p.width})` : `${p.transform}(${p.column})`));
}

export function tableState(t: IRTable): TableState {
  const s: Omit<TableState, 'fingerprint'> = {
    name: t.name,
    physical: { catalog: t.physical.catalog, schema: t.physical.schema, table: t.physical.table },
    layer: t.layer,
    tags: [...t.tags],
    format: 'iceberg',
    columns: t.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
    primaryKey: [...t.primaryKey],
    partitioning: partitionSpelling(t),
    storage: { fileFormat: t.storage.fileFormat, formatVersion: t.storage.formatVersion, sortedBy: [...t.storage.sortedBy] },
    ...(t.owner ? { owner: t.owner } : {}),
    ...(t.description ? { description: t.description } : {}),
  };
  const renamedColumns = t.columns.filter((c) => c.renamedFrom !== undefined);
  return {
    ...s,
    fingerprint: sha256(canonicalJson(s)),
    ...(t.renamedFrom ? { renamedFrom: t.renamedFrom } : {}),
    ...(renamedColumns.length > 0 ? { columnsRenamedFrom: Object.fromEntries(renamedColumns.map((c) => [c.name, c.renamedFrom!])) } : {}),
  };
}

/** The desired state of a compiled project. Pure. */
export function desiredState(ir: IRProject): DesiredState {
  const tables = ir.tables.map(tableState);
  const byName = new Map(tables.map((t) => [t.name, t.fingerprint]));
  return {
    workspace: ir.workspace,
    environment: ir.environment,
    gitSha: ir.gitSha,
    specHash: ir.specHash,
    tables,
    // A pipeline's compiled statements also depend on the shape of the tables it writes.
    pipelines: ir.pipelines.map((p) => ({ name: p.name, engine: p.engine, fingerprint: sha256(canonicalJson(p) + p.steps.map((s) => byName.get(s.target) ?? '').join(',')) })),
    connections: ir.connections.map((c) => ({ name: c.name, type: c.type, config: c.config, fingerprint: sha256(canonicalJson(c)) })),
  };
}
