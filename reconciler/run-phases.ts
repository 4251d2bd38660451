// Turns compiled pipelines into run phases, in dependency order, each carrying the
// executor's whole input: one phase per step for SQL engines, one per pipeline for Spark
// and dbt. Dependencies follow the steps' own order and the datasets they read across
// pipelines. Pure.
import { parse as parseYaml } from 'yaml';
import { type Artifact, type IRPipeline, type IRProject, type IRStep, type PipelinePlan, readPipelinePlans } from '../compiler/index.js';
import { formatSqlType } from '../spec/index.js';
import type { DbtBuildInput } from './executors/dbt-executor.js';
import type { SparkApplicationManifest, SparkJobInput } from './executors/spark-local-executor.js';
import type { SqlStepInput } from './executors/sql-step-executor.js';
import { type Plan, stageTable } from './plan/planner.js';
import type { PhaseSpec } from './state/run-types.js';

export function pipelinePlans(artifacts: readonly Artifact[], engine: string): Map<string, PipelinePlan> {
  return new Map(readPipelinePlans(artifacts, engine).map((p) => [p.pipeline, p]));
}

/** Pipelines a plan affects: created or replaced ones, those writing altered tables, and everything downstream. */
export function affectedPipelines(plan: Plan, ir: IRProject): string[] {
  const direct = new Set<string>();
  const producer = new Map(ir.tables.filter((t) => t.producer).map((t) => [t.name, t.producer!.pipeline]));
  for (const s of plan.stages) {
    if (s.kind === 'create_pipeline' || s.kind === 'replace_pipeline') direct.add(s.target);
    else if (stageTable(s) && producer.has(s.target)) direct.add(producer.get(s.target)!);
  }
  return withDownstream(ir, direct);
}

export function withDownstream(ir: IRProject, names: Iterable<string>): string[] {
  const out = new Set(names);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of ir.pipelines) if (!out.has(p.name) && p.upstream.some((u) => out.has(u))) {
      out.add(p.name);
      grew = true;
    }
  }
  // Keep the IR's order (pipelines are sorted by name; phases carry the real dependencies).
  return ir.pipelines.filter((p) => out.has(p.name)).map((p) => p.name);
}

/**
 * The phases of a run of `pipelines` on `engine` (the run's SQL engine, duckdb or trino).
 * On the embedded DuckDB every pipeline runs as DuckDB SQL steps: it stands in for the
 * whole lakehouse on a laptop. On a server engine each pipeline runs where its spec says:
 * trino pipelines as SQL steps on Trino, a spark pipeline as one `spark-job` phase (the
 * compiled job and SparkApplication), a dbt pipeline as one `dbt-build` phase carrying the
 * compiled dbt project. Each phase carries its whole input, so any worker can run it.
 */
export function runPhases(ir: IRProject, artifacts: readonly Artifact[], engine: string, pipelines: readonly string[]): PhaseSpec[] {
  const plans = pipelinePlans(artifacts, engine);
  const tables = new Map(ir.tables.map((t) => [t.name, t]));
  const wanted = new Set(pipelines);
  const byPipeline = new Map(ir.pipelines.map((p) => [p.name, p]));
  const routeOf = (name: string): 'sql' | 'spark' | 'dbt' => {
    const p = byPipeline.get(name);
    if (!p) throw new Error(`unknown pipeline ${name}`);
    if (engine === 'duckdb' || p.engine === engine) return 'sql';
    if (p.engine === 'spark' || p.engine === 'dbt') return p.engine;
    return 'sql';
  };
  const phaseOf = new Map<string, string>(); // dataset → phase writing it in this run
  for (const name of pipelines) {
    const route = routeOf(name);
    if (route === 'sql') {
      const plan = plans.get(name);
      if (!plan) throw new Error(`no ${engine} plan for pipeline ${name} (engine ${byPipeline.get(name)!.engine})`);
      for (const s of plan.steps) phaseOf.set(s.into, `${name}.${s.name}`);
    } else for (const s of byPipeline.get(name)!.steps) phaseOf.set(s.target, `${name}.${route}`);
  }
  const connections = Object.fromEntries(ir.connections.map((c) => [c.name, { type: c.type, config: c.config as Record<string, unknown> }]));
  const fq = (t: { physical: { catalog: string; schema: string; table: string } }) => `${t.physical.catalog}.${t.physical.schema}.${t.physical.table}`;
  /** Phases this step waits for: those writing what it reads, and the parents of its relationships checks. */
  const upstreamPhases = (self: string, into: string, reads: readonly string[]): string[] => {
    const deps = new Set<string>();
    for (const r of reads) {
      const ph = phaseOf.get(r);
      if (ph && ph !== self) deps.add(ph);
    }
    for (const c of tables.get(into)?.checks ?? []) if (c.type === 'relationships') {
      const ph = phaseOf.get(c.to);
      if (ph && ph !== self) deps.add(ph);
    }
    return [...deps];
  };
  const readsOf = (s: IRStep): readonly string[] => (s.kind === 'transform' ? s.reads : []);
  const lineageOf = (steps: readonly IRStep[], ns: string) => ({
    inputs: steps.flatMap((s) =>
      s.kind === 'ingest'
        ? [{ namespace: `${s.source.connection.type}://${s.source.connection.name}`, name: s.source.path ?? s.source.table ?? s.source.connection.name }]
        : s.reads.map((r) => tables.get(r)).filter((t) => t !== undefined && !steps.some((x) => x !== s && x.target === t.name)).map((t) => ({ namespace: ns, name: fq(t!) })),
    ),
    outputs: steps.map((s) => ({ namespace: ns, name: fq(tables.get(s.target)!) })),
  });

  // Order: pipelines after their upstream, steps in their topological order.
  const ordered: string[] = [];
  const visit = (n: string, seen: Set<string>) => {
    if (ordered.includes(n) || seen.has(n)) return;
    seen.add(n);
    for (const u of byPipeline.get(n)?.upstream ?? []) if (wanted.has(u)) visit(u, seen);
    ordered.push(n);
  };
  for (const n of pipelines) visit(n, new Set());
  const specs: PhaseSpec[] = [];
  for (const name of ordered) {
    const irp = byPipeline.get(name)!;
    const route = routeOf(name);
    if (route !== 'sql') {
      const self = `${name}.${route}`;
      const deps = new Set(irp.steps.flatMap((s) => upstreamPhases(self, s.target, readsOf(s))));
      const lineage = lineageOf(irp.steps, `${engine}://${ir.workspace}`);
      const input: SparkJobInput | DbtBuildInput = route === 'spark' ? sparkJobInput(artifacts, name, lineage) : dbtBuildInput(artifacts, irp, lineage);
      specs.push({ name: self, executor: route, dependsOn: [...deps].sort(), input, maxAttempts: irp.retries + 1, timeoutSeconds: irp.timeoutSeconds });
      continue;
    }
    const plan = plans.get(name)!;
    for (const step of plan.steps) {
      const irStep = irp.steps.find((s) => s.name === step.name)!;
      const self = `${name}.${step.name}`;
      const deps = new Set([...step.dependsOn.map((d) => `${name}.${d}`), ...upstreamPhases(self, step.into, readsOf(irStep))]);
      const target = tables.get(step.into)!;
      const input: SqlStepInput = {
        kind: 'sql-step',
        pipeline: name,
        step,
        columns: target.columns.map((c) => ({ name: c.name, type: formatSqlType(c.type) })),
        connections: Object.fromEntries(step.actions.filter((a) => a.kind === 'extract').map((a) => [a.connection, connections[a.connection]!])),
        lineage: lineageOf([irStep], `${engine}://${ir.workspace}`),
      };
      specs.push({ name: self, executor: engine, dependsOn: [...deps].sort(), input, maxAttempts: step.retries + 1, timeoutSeconds: step.timeoutSeconds });
    }
  }
  return specs;
}

function artifactText(artifacts: readonly Artifact[], path: string): string {
  const a = artifacts.find((x) => x.path === path);
  if (!a) throw new Error(`the compiled artifacts have no ${path}`);
  return a.content;
}

/** The compiled job and SparkApplication (and its ConfigMap, when there is one) of a Spark pipeline. */
function sparkJobInput(artifacts: readonly Artifact[], pipeline: string, lineage: SparkJobInput['lineage']): SparkJobInput {
  const application = parseYaml(artifactText(artifacts, `spark/${pipeline}/sparkapplication.yaml`)) as SparkApplicationManifest;
  const cm = artifacts.find((x) => x.path === `spark/${pipeline}/configmap.yaml`);
  return {
    kind: 'spark-job',
    pipeline,
    job: artifactText(artifacts, `spark/${pipeline}/job.py`),
    sparkConf: application.spec.sparkConf ?? {},
    application,
    ...(cm ? { configMap: parseYaml(cm.content) as Record<string, unknown> } : {}),
    lineage,
  };
}

/** The models a dbt pipeline writes, with the whole compiled dbt project (small text files). */
function dbtBuildInput(artifacts: readonly Artifact[], p: IRPipeline, lineage: DbtBuildInput['lineage']): DbtBuildInput {
  const project: Record<string, string> = {};
  for (const a of artifacts) if (a.path.startsWith('dbt/')) project[a.path.slice('dbt/'.length)] = a.content;
  if (!project['dbt_project.yml']) throw new Error('the compiled artifacts have no dbt project');
  return { kind: 'dbt-build', pipeline: p.name, models: p.steps.map((s) => s.target), project, lineage };
}
