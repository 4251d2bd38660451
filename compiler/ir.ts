// The engine-neutral intermediate representation. Every node has a `kind` tag and the
// whole tree is frozen: backends read it, never change it.
import type {
  Engine,
  PhysicalName,
  ResolvedCheck,
  ResolvedConnection,
  ResolvedProject,
  SqlPart,
  SqlType,
} from '../spec/index.js';

export interface IRColumn {
  readonly kind: 'column';
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  readonly description?: string;
}

export interface IRPartitionField {
  readonly kind: 'partition';
  readonly column: string;
  readonly transform: 'identity' | 'year' | 'month' | 'day' | 'hour' | 'bucket' | 'truncate';
  readonly width?: number;
}

export type IRCheck = ResolvedCheck & { readonly kind: 'check' };

export interface IRTable {
  readonly kind: 'table';
  readonly name: string;
  readonly layer: 'bronze' | 'silver' | 'gold';
  readonly physical: PhysicalName;
  readonly description?: string;
  readonly owner?: string;
  readonly tags: readonly string[];
  readonly columns: readonly IRColumn[];
  readonly primaryKey: readonly string[];
  readonly partitioning: readonly IRPartitionField[];
  readonly storage: { readonly fileFormat: 'parquet' | 'orc' | 'avro'; readonly formatVersion: 1 | 2; readonly sortedBy: readonly string[] };
  readonly checks: readonly IRCheck[];
  /** Who writes it: an ingest step (a source for dbt) or a transform. */
  readonly producer?: { readonly pipeline: string; readonly step: string; readonly type: 'ingest' | 'transform' };
}

export type IRWrite = { readonly kind: 'append' } | { readonly kind: 'replace' } | { readonly kind: 'merge'; readonly key: readonly string[] };

export interface IRSource {
  readonly kind: 'source';
  readonly connection: ResolvedConnection;
  readonly table?: string;
  readonly path?: string;
  readonly format?: 'csv' | 'parquet' | 'json';
}

interface IRStepBase {
  readonly name: string;
  readonly pipeline: string;
  readonly target: string;
  readonly dependsOn: readonly string[];
  readonly write: IRWrite;
  readonly retries: number;
  readonly timeoutSeconds: number;
  readonly description?: string;
}

export interface IRIngestStep extends IRStepBase {
  readonly kind: 'ingest';
  readonly source: IRSource;
  readonly mode: 'full' | 'incremental';
  readonly cursor?: string;
}

export interface IRTransformStep extends IRStepBase {
  readonly kind: 'transform';
  readonly query: readonly SqlPart[];
  readonly reads: readonly string[];
}

export type IRStep = IRIngestStep | IRTransformStep;

export interface IRPipeline {
  readonly kind: 'pipeline';
  readonly name: string;
  readonly engine: Engine;
  readonly description?: string;
  readonly owner?: string;
  readonly connection?: ResolvedConnection;
  readonly schedule?: string;
  readonly retries: number;
  readonly timeoutSeconds: number;
  readonly upstream: readonly string[];
  readonly steps: readonly IRStep[];
}

export interface IRProject {
  readonly kind: 'project';
  readonly workspace: string;
  readonly catalog: string;
  readonly environment: string;
  readonly gitSha: string;
  readonly specHash: string;
  readonly tables: readonly IRTable[];
  readonly pipelines: readonly IRPipeline[];
  readonly connections: readonly ResolvedConnection[];
}

export interface LowerOptions {
  gitSha: string;
}

/** Resolved specs → IR. Pure; the result is deeply frozen. */
export function lower(project: ResolvedProject, options: LowerOptions): IRProject {
  const connections = new Map(project.connections.map((c) => [c.name, c]));
  const stepTypes = new Map<string, 'ingest' | 'transform'>();
  for (const p of project.pipelines) for (const s of p.steps) stepTypes.set(`${p.name}.${s.name}`, s.type);

  const tables: IRTable[] = project.datasets.map((d) => {
    const t: IRTable = {
      kind: 'table',
      name: d.name,
      layer: d.layer,
      physical: d.physical,
      tags: d.tags,
      columns: d.columns.map((c) => ({ kind: 'column', name: c.name, type: c.type, nullable: c.nullable, ...(c.description ? { description: c.description } : {}) })),
      primaryKey: d.primaryKey,
      partitioning: d.partitioning.map((p) => ({ kind: 'partition', ...p })),
      storage: d.storage,
      checks: d.checks.map((c) => ({ ...c, kind: 'check' }) as IRCheck),
      ...(d.description ? { description: d.description } : {}),
      ...(d.owner ? { owner: d.owner } : {}),
      ...(d.producedBy ? { producer: { ...d.producedBy, type: stepTypes.get(`${d.producedBy.pipeline}.${d.producedBy.step}`) ?? 'transform' } } : {}),
    };
    return t;
  });

  const pipelines: IRPipeline[] = project.pipelines.map((p) => ({
    kind: 'pipeline',
    name: p.name,
    engine: p.engine,
    retries: p.retries,
    timeoutSeconds: p.timeoutSeconds,
    upstream: p.upstream,
    ...(p.description ? { description: p.description } : {}),
    ...(p.owner ? { owner: p.owner } : {}),
    ...(p.schedule ? { schedule: p.schedule } : {}),
    ...(p.connection && connections.get(p.connection) ? { connection: connections.get(p.connection)! } : {}),
    steps: p.steps.map((s): IRStep => {
      const write: IRWrite = s.materialization === 'merge' ? { kind: 'merge', key: s.mergeKey } : { kind: s.materialization };
      const base = {
        name: s.name,
        pipeline: p.name,
        target: s.into,
        dependsOn: s.dependsOn,
        write,
        retries: s.retries,
        timeoutSeconds: s.timeoutSeconds,
        ...(s.description ? { description: s.description } : {}),
      };
      if (s.type === 'ingest') {
        const conn = connections.get(s.source!.connection)!;
        const fmt = (conn.config.format as 'csv' | 'parquet' | 'json' | undefined) ?? (s.source!.path ? formatFromPath(s.source!.path) : undefined);
        return {
          ...base,
          kind: 'ingest',
          source: { kind: 'source', connection: conn, ...(s.source!.table ? { table: s.source!.table } : {}), ...(s.source!.path ? { path: s.source!.path } : {}), ...(fmt ? { format: fmt } : {}) },
          mode: s.mode ?? 'full',
          ...(s.cursor ? { cursor: s.cursor } : {}),
        };
      }
      return { ...base, kind: 'transform', query: s.sql ?? [], reads: s.reads };
    }),
  }));

  return deepFreeze({
    kind: 'project',
    workspace: project.workspace.name,
    catalog: project.workspace.catalog,
    environment: project.environment,
    gitSha: options.gitSha,
    specHash: project.specHash,
    tables,
    pipelines,
    connections: project.connections,
  });
}

function formatFromPath(path: string): 'csv' | 'parquet' | 'json' {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.(json|jsonl|ndjson)$/i.test(path)) return 'json';
  return 'csv';
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
