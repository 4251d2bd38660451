// What Trino and DuckDB share: DDL per table, an executor plan and a readable script per
// pipeline, and the quality checks as queries that return offending rows.
import { byString, type Diagnostic, flat } from '../../spec/index.js';
import { type Artifact, type ArtifactKind, pushSeparated, regeneratedArtifact } from '../artifact.js';
import { type Backend, type BackendCapabilities, type BackendId, EmitMemo, type EmitResult } from '../backend.js';
import { type IRIngestStep, type IRPipeline, type IRProject, type IRStep, type IRTable, tablesByName } from '../ir.js';
import { PIPELINE_PLAN_FORMAT, type PipelinePlan, type PlanAction, type PlanStep, pipelinePlanJson, pipelineScript } from '../pipeline-plan.js';
import { type SqlDialect, enclose, indent } from '../sql-dialect.js';

/** What a pipeline's plan needs of the project besides its tables. */
export type PlanContext = Pick<IRProject, 'workspace' | 'environment'>;

/** How a step reads its source: a relation the engine can query, or a staging table the executor fills. */
export interface SourceAccess {
  before: PlanAction[];
  relation: string;
  after: PlanAction[];
}

export abstract class SqlBackend<D extends SqlDialect> implements Backend {
  abstract readonly id: BackendId & ('trino' | 'duckdb');
  abstract readonly capabilities: BackendCapabilities;
  constructor(readonly dialect: D) {}

  /** Which pipelines this engine runs. */
  abstract runsPipeline(p: IRPipeline): boolean;

  abstract sourceAccess(step: IRIngestStep, target: IRTable, pipeline: IRPipeline, ir: PlanContext): SourceAccess;

  /** Statements that create a table (schema first). */
  tableStatements(t: IRTable): string[] {
    return [this.dialect.createSchema(t), this.dialect.createTable(t)];
  }

  emit(ir: IRProject, memo: EmitMemo = new EmitMemo()): EmitResult {
    const artifacts: Artifact[] = [];
    const diagnostics: Diagnostic[] = [];
    const tables = tablesByName(ir);
    // Made once per emit, not a new string per artifact.
    const kinds = { ddl: `${this.id}.ddl`, checks: `${this.id}.checks`, pipeline: `${this.id}.pipeline`, 'pipeline-sql': `${this.id}.pipeline-sql` } as Record<string, ArtifactKind>;
    const kind = (k: keyof typeof kinds) => kinds[k]!;
    const header = this.header(ir);
    // One DDL file and one checks file per layer rather than per table: at 10 000 datasets,
    // 40 000 small files cost more to hash, list and write than their contents (a one-file
    // recompile re-joins its layer's file from memoized pieces).
    const layers = new Map<string, { schemas: Set<string>; ddl: string[]; checks: string[] }>();
    for (const t of ir.tables) {
      // A table's pieces depend on it and on the parents its checks join to.
      const deps = t.checks.map((c) => (c.type === 'relationships' ? tables.get(c.to) : undefined));
      const piece = memo.tables.get(t, deps, () => {
        const [schema, ...rest] = this.tableStatements(t);
        const checks = this.dialect.checkQueries(t, tables);
        return {
          schema: flat(`${schema};\n`),
          ddl: flat(`-- table ${t.name}\n${rest.map((x) => x + ';\n').join('\n')}`),
          checks: checks.length > 0 ? flat(`-- table ${t.name}\n${checks.map((c) => `-- check ${c.name} (${c.severity}): returns offending rows\n${c.sql};\n`).join('\n')}`) : undefined,
        };
      }) as { schema: string; ddl: string; checks?: string };
      let layer = layers.get(t.layer);
      if (!layer) layers.set(t.layer, (layer = { schemas: new Set(), ddl: [], checks: [] }));
      layer.schemas.add(piece.schema);
      layer.ddl.push(piece.ddl);
      if (piece.checks !== undefined) layer.checks.push(piece.checks);
    }
    for (const [name, layer] of [...layers].sort((a, b) => byString(a[0], b[0]))) {
      artifacts.push(memo.file(`${this.id}/tables/${name}.sql`, kind('ddl'), pushSeparated([header, ...[...layer.schemas].sort(byString), '\n'], layer.ddl, '\n')));
      if (layer.checks.length > 0) artifacts.push(memo.file(`${this.id}/checks/${name}.sql`, kind('checks'), pushSeparated([header], layer.checks, '\n')));
    }
    const project = { workspace: ir.workspace, environment: ir.environment };
    for (const p of ir.pipelines) {
      if (!this.runsPipeline(p)) continue;
      // The tables the plan reads: its targets, the parents their checks join to, and what transforms read.
      const read: (IRTable | undefined)[] = [];
      for (const s of p.steps) {
        const target = tables.get(s.target);
        read.push(target);
        for (const c of target?.checks ?? []) if (c.type === 'relationships') read.push(tables.get(c.to));
        if (s.kind === 'transform') for (const r of s.reads) read.push(tables.get(r));
      }
      // The plan depends on the project's names and, by identity, on each table it reads.
      const deps: unknown[] = [ir.workspace, ir.environment, ...read];
      const made = memo.pipelines.get(p, deps, () => {
        const touched = new Map<string, IRTable>();
        for (const t of read) if (t) touched.set(t.name, t);
        // Rendered now to be hashed, then again whenever read: only the pipeline, its
        // tables and the two digests are kept (see regeneratedArtifact).
        const render = () => {
          const plan = this.pipelinePlan(p, project, touched);
          return { plan, script: pipelineScript(plan) };
        };
        const { plan, script } = render();
        const json = (r: ReturnType<typeof render>) => pipelinePlanJson(r.plan, `${p.name}.sql`, r.script.ranges);
        return [
          regeneratedArtifact(flat(`${this.id}/pipelines/${p.name}.json`), kind('pipeline'), json({ plan, script }), () => json(render())),
          regeneratedArtifact(flat(`${this.id}/pipelines/${p.name}.sql`), kind('pipeline-sql'), script.parts.join(''), () => render().script.parts.join('')),
        ];
      }) as Artifact[];
      artifacts.push(...made);
    }
    return { artifacts, diagnostics };
  }

  header(ir: IRProject): string {
    return `-- lakespec ${ir.workspace} (${ir.environment}) for ${this.id}; generated, do not edit\n\n`;
  }

  pipelinePlan(p: IRPipeline, ir: PlanContext, tables: ReadonlyMap<string, IRTable>): PipelinePlan {
    const steps: PlanStep[] = p.steps.map((s) => this.planStep(s, p, ir, tables));
    const plan: PipelinePlan = {
      format: PIPELINE_PLAN_FORMAT,
      engine: this.id,
      workspace: ir.workspace,
      environment: ir.environment,
      pipeline: p.name,
      declaredEngine: p.engine,
      retries: p.retries,
      timeoutSeconds: p.timeoutSeconds,
      upstream: [...p.upstream],
      steps,
    };
    if (p.schedule) plan.schedule = p.schedule;
    return plan;
  }

  planStep(s: IRStep, p: IRPipeline, ir: PlanContext, tables: ReadonlyMap<string, IRTable>): PlanStep {
    const target = tables.get(s.target)!;
    const d = this.dialect;
    let actions: PlanAction[];
    if (s.kind === 'transform') {
      const select = d.shapeQuery(target, d.renderQuery(s.query, tables));
      actions = writeActions(d.writeStatements(target, select, s.write), s.write.kind === 'append');
    } else {
      const access = this.sourceAccess(s, target, p, ir);
      let query = `SELECT *\nFROM ${access.relation} AS ${d.quoteIdent('src')}`;
      if (s.mode === 'incremental' && s.cursor) query += '\n' + d.incrementalFilter(target, s.cursor, 'src');
      const select = d.shapeQuery(target, query, 'ingested');
      // An incremental append reads only rows past the target's cursor: run again, it adds nothing.
      const once = s.write.kind === 'append' && !(s.mode === 'incremental' && s.cursor);
      actions = [...access.before, ...writeActions(d.writeStatements(target, select, s.write), once), ...access.after];
    }
    return {
      name: s.name,
      type: s.kind,
      into: s.target,
      table: `${target.physical.catalog}.${target.physical.schema}.${target.physical.table}`,
      dependsOn: [...s.dependsOn].sort(byString),
      retries: s.retries,
      timeoutSeconds: s.timeoutSeconds,
      actions,
      checks: d.checkQueries(target, tables),
    };
  }

  /** An extract from a connection into a staging table (for sources the engine cannot query). */
  stagedExtract(step: IRIngestStep, target: IRTable, stage: string, create: string, drop: string): SourceAccess {
    const d = this.dialect;
    const conn = step.source.connection;
    const columns = target.columns.map((c) => ({ name: c.name, type: d.describeType(c.type) }));
    const extract: PlanAction = {
      kind: 'extract',
      connection: conn.name,
      connectionType: conn.type,
      into: stage,
      columns,
    };
    if (step.source.table) {
      const [schema, table] = step.source.table.includes('.') ? step.source.table.split('.') : [(conn.config.schema as string | undefined) ?? 'public', step.source.table];
      const pg = (s: string) => enclose(s, '"');
      let q = `SELECT ${target.columns.map((c) => pg(c.name)).join(', ')}\nFROM ${pg(schema!)}.${pg(table!)}`;
      if (step.mode === 'incremental' && step.cursor) q += `\nWHERE ${pg(step.cursor)} > $1`;
      if (step.cursor) q += `\nORDER BY ${pg(step.cursor)}`;
      extract.query = q;
    }
    if (step.source.path) {
      extract.path = filesPath(step);
      extract.format = step.source.format ?? 'csv';
    }
    if (step.mode === 'incremental' && step.cursor) {
      extract.incremental = { cursor: step.cursor, maxQuery: `SELECT max(${d.quoteIdent(step.cursor)}) FROM ${d.tableRef(target)}` };
    }
    return { before: [{ kind: 'sql', sql: drop }, { kind: 'sql', sql: create }, extract], relation: stage, after: [{ kind: 'sql', sql: drop }] };
  }
}

/** The statements that write a step's target; `once` marks those that must not run twice (plain appends). */
function writeActions(statements: string[], once: boolean): PlanAction[] {
  return statements.map((sql): PlanAction => (once ? { kind: 'sql', sql, once: true } : { kind: 'sql', sql }));
}

/** A files connection's path joined with the step's path: relative to the spec root, or absolute when the connection's path is. */
export function filesPath(step: IRIngestStep): string {
  const base = String(step.source.connection.config.path ?? '.');
  const joined = `${base}/${step.source.path}`.split('/').filter((p) => p !== '' && p !== '.');
  return (base.startsWith('/') ? '/' : '') + joined.join('/');
}

export { indent };
