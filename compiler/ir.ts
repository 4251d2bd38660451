// The engine-neutral intermediate representation. Every node has a `kind` tag and every
// field is read-only: backends read it, never change it (tests run them on a frozen IR).
import {
  type Engine,
  type PhysicalName,
  type ResolvedCheck,
  type DestructiveAllowance,
  type ResolvedConnection,
  type ResolvedDataset,
  type ResolvedPipeline,
  type ResolvedProject,
  Memo,
  type SqlPart,
  type SqlType,
  canonicalJson,
  formatSqlType,
  sortedKeys,
  withProps,
} from '../spec/index.js';
import { pushSeparated } from './artifact.js';

export interface IRColumn {
  readonly kind: 'column';
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  readonly description?: string;
  /** What the column was called before (the planner renames it instead of dropping it). */
  readonly renamedFrom?: string;
}

export interface IRPartitionField {
  readonly kind: 'partition';
  readonly column: string;
  readonly transform: 'identity' | 'year' | 'month' | 'day' | 'hour' | 'bucket' | 'truncate';
  readonly width?: number;
}

export type IRCheck = ResolvedCheck;

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
  /** What the dataset was called before (the planner renames the table instead of dropping it). */
  readonly renamedFrom?: string;
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
  /** Protected environments apply only from the default branch. */
  readonly protected: boolean;
  /** Destructive changes the specs allow in this environment (the planner reads them). */
  readonly allowDestructive: readonly DestructiveAllowance[];
}

export interface LowerOptions {
  gitSha: string;
  /**
   * Deep-freeze the IR, so that any code that changes it throws (tests do this). Off by
   * default: the types already make every field read-only, and V8 iterates frozen arrays
   * (for…of) through its generic, allocating path — at 10 000 datasets freezing cost about
   * 90 ms of a cold compile and 20 ms of every recompile.
   */
  freeze?: boolean;
}

/** Memo tables so that a recompile lowers only what changed (identity of resolved objects). */
export class LowerCache {
  readonly tables = new Memo<ResolvedDataset, IRTable>();
  readonly pipelines = new Memo<ResolvedPipeline, IRPipeline>();
  readonly connections = new Memo<ResolvedConnection, ResolvedConnection>();
  /** The last IR and what it was lowered from: the same resolved project gives the same IR object. */
  last?: { project: ResolvedProject; gitSha: string; freeze: boolean; ir: IRProject };
}

/** Resolved specs → IR. Pure; the result is read-only (deeply frozen on request). */
export function lower(project: ResolvedProject, options: LowerOptions, cache: LowerCache = new LowerCache()): IRProject {
  const freeze = options.freeze === true;
  if (cache.last?.project === project && cache.last.gitSha === options.gitSha && cache.last.freeze === freeze) return cache.last.ir;
  const ir = lowerFresh(project, options, cache);
  if (freeze) deepFreeze(ir);
  cache.last = { project, gitSha: options.gitSha, freeze, ir };
  return ir;
}

function lowerFresh(project: ResolvedProject, options: LowerOptions, cache: LowerCache): IRProject {
  // Connection settings are key-sorted here so that serialising the IR needs no sorting.
  const connections = new Map(project.connections.map((c) => [c.name, cache.connections.get(c, [], () => JSON.parse(canonicalJson(c)) as ResolvedConnection)]));
  // Looked up per table on every compile, memo hit or not: built without a key string per step.
  const pipelinesByName = new Map<string, ResolvedPipeline>();
  for (const p of project.pipelines) pipelinesByName.set(p.name, p);
  let byName: Map<string, ResolvedDataset> | undefined; // only for relationships checks

  const tables: IRTable[] = project.datasets.map((d) => {
    const prod = project.producedBy.get(d.name);
    const type = prod ? (pipelinesByName.get(prod.pipeline)?.steps.find((s) => s.name === prod.step)?.type ?? 'transform') : undefined;
    // A relationships check without `field` points at the parent's single-column key.
    const deps: unknown[] = [prod?.pipeline, prod?.step, type];
    const fields: (string | undefined)[] = [];
    for (const c of d.checks) {
      if (c.type === 'relationships') byName ??= new Map(project.datasets.map((x) => [x.name, x]));
      fields.push(c.type === 'relationships' ? (c.field ?? byName!.get(c.to)?.primaryKey[0]) : undefined);
    }
    deps.push(...fields);
    return cache.tables.get(d, deps, () => {
      const producer = prod ? { pipeline: prod.pipeline, step: prod.step, type: type! } : undefined;
      return {
        kind: 'table',
        name: d.name,
        layer: d.layer,
        physical: d.physical,
        tags: d.tags,
        // Resolved columns, partition fields and checks already have the IR's shape: shared, not copied.
        columns: d.columns,
        primaryKey: d.primaryKey,
        partitioning: d.partitioning,
        storage: d.storage,
        checks: withDefaultFields(d.checks, fields),
        ...(d.description ? { description: d.description } : {}),
        ...(d.owner ? { owner: d.owner } : {}),
        ...(d.renamedFrom ? { renamedFrom: d.renamedFrom } : {}),
        ...(producer ? { producer } : {}),
      };
    });
  });

  const pipelines: IRPipeline[] = project.pipelines.map((p) => {
    const conns = [p.connection, ...p.steps.map((s) => s.source?.connection)].map((n) => (n ? connections.get(n) : undefined));
    return cache.pipelines.get(p, conns, () => ({
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
          return withProps(base, {
            kind: 'ingest' as const,
            source: { kind: 'source' as const, connection: conn, ...(s.source!.table ? { table: s.source!.table } : {}), ...(s.source!.path ? { path: s.source!.path } : {}), ...(fmt ? { format: fmt } : {}) },
            mode: s.mode ?? 'full',
            ...(s.cursor ? { cursor: s.cursor } : {}),
          });
        }
        return withProps(base, { kind: 'transform' as const, query: s.sql ?? [], reads: s.reads });
      }),
    }));
  });

  return {
    kind: 'project',
    workspace: project.workspace.name,
    catalog: project.workspace.catalog,
    environment: project.environment,
    gitSha: options.gitSha,
    specHash: project.specHash,
    tables,
    pipelines,
    connections: [...connections.values()],
    protected: project.workspace.protected,
    allowDestructive: project.allowDestructive.map((a) => sortedKeys({ ...a })),
  };
}

/**
 * A relationships check without `field` gets the parent's key (keys stay in code-unit
 * order); the resolved list itself is shared when no check needs that.
 */
function withDefaultFields(checks: readonly IRCheck[], fields: readonly (string | undefined)[]): readonly IRCheck[] {
  const missing = (c: IRCheck, i: number) => fields[i] !== undefined && (c as { field?: string }).field === undefined;
  if (!checks.some(missing)) return checks;
  return checks.map((c, i) => (missing(c, i) ? (sortedKeys(withProps(c, { field: fields[i] })) as IRCheck) : c));
}

const byNameOf = new WeakMap<IRProject, ReadonlyMap<string, IRTable>>();

/**
 * The project's tables by name, built once per IR (it is read-only) and shared by every
 * backend: each built its own 10 000-entry map on every compile.
 */
export function tablesByName(ir: IRProject): ReadonlyMap<string, IRTable> {
  let m = byNameOf.get(ir);
  if (!m) {
    const built = new Map<string, IRTable>();
    for (const t of ir.tables) built.set(t.name, t);
    byNameOf.set(ir, (m = built));
  }
  return m;
}

function formatFromPath(path: string): 'csv' | 'parquet' | 'json' {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.(json|jsonl|ndjson)$/i.test(path)) return 'json';
  return 'csv';
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    // for…in rather than Object.values: no array per object (30 MB over a 10k project).
    for (const k in v) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

/**
 * The IR as an artifact (lakespec/ir.json): the desired state a planner compares with what
 * is applied. Compact and canonical: types in their Trino spelling, connections by name.
 */
export function irJson(ir: IRProject, fragments: WeakMap<object, string> = new WeakMap()): string {
  return irJsonParts(ir, fragments).join('');
}

/** irJson's text as pieces: the memoized fragments and the separators between them. */
export function irJsonParts(ir: IRProject, fragments: WeakMap<object, string> = new WeakMap()): string[] {
  const conn = (c: ResolvedConnection | undefined) => c?.name;
  // Each table's and pipeline's JSON is kept per IR object, so a recompile re-serialises only what changed.
  const frag = <T extends object>(o: T, make: (o: T) => unknown): string => {
    let f = fragments.get(o);
    if (f === undefined) {
      f = JSON.stringify(make(o));
      fragments.set(o, f);
    }
    return f;
  };
  // Every object below is built in a fixed key order (user-written parts were key-sorted
  // by lower()), so plain JSON.stringify is deterministic — and much faster than sorting.
  const head = JSON.stringify({
    format: 'lakespec.dev/ir/v1',
    workspace: ir.workspace,
    catalog: ir.catalog,
    environment: ir.environment,
    gitSha: ir.gitSha,
    specHash: ir.specHash,
    connections: ir.connections,
    protected: ir.protected,
    allowDestructive: ir.allowDestructive,
  });
  const tables = ir.tables.map((table) => frag(table, (t) => ({
        name: t.name,
        layer: t.layer,
        physical: { catalog: t.physical.catalog, schema: t.physical.schema, table: t.physical.table },
        description: t.description,
        owner: t.owner,
        tags: t.tags,
        columns: t.columns.map((c) => ({ name: c.name, type: formatSqlType(c.type), nullable: c.nullable, description: c.description })),
        primaryKey: t.primaryKey,
        partitioning: t.partitioning.map((p) => ({ column: p.column, transform: p.transform, width: p.width })),
        storage: { fileFormat: t.storage.fileFormat, formatVersion: t.storage.formatVersion, sortedBy: t.storage.sortedBy },
        checks: t.checks.map((c) => ({ ...c, kind: undefined })),
        producer: t.producer && { pipeline: t.producer.pipeline, step: t.producer.step, type: t.producer.type },
      })));
  const pipelines = ir.pipelines.map((pipeline) => frag(pipeline, (p) => ({
        name: p.name,
        engine: p.engine,
        description: p.description,
        owner: p.owner,
        connection: conn(p.connection),
        schedule: p.schedule,
        retries: p.retries,
        timeoutSeconds: p.timeoutSeconds,
        upstream: p.upstream,
        steps: p.steps.map((s) => ({
          name: s.name,
          kind: s.kind,
          target: s.target,
          dependsOn: s.dependsOn,
          write: s.write.kind === 'merge' ? { kind: s.write.kind, key: s.write.key } : { kind: s.write.kind },
          retries: s.retries,
          timeoutSeconds: s.timeoutSeconds,
          description: s.description,
          ...(s.kind === 'ingest'
            ? { source: { connection: conn(s.source.connection), table: s.source.table, path: s.source.path, format: s.source.format }, mode: s.mode, cursor: s.cursor }
            : { query: s.query.map((q) => (q.kind === 'text' ? { kind: q.kind, text: q.text } : { kind: q.kind, dataset: q.dataset })), reads: s.reads }),
        })),
      })));
  const out = [`${head.slice(0, -1)},"tables":[`];
  pushSeparated(out, tables, ',');
  out.push('],"pipelines":[');
  pushSeparated(out, pipelines, ',');
  out.push(']}\n');
  return out;
}
