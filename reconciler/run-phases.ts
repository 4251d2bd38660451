// Turns compiled pipelines into run phases: one phase per pipeline step, in dependency
// order, each carrying its compiled step (the executor's whole input). Dependencies follow
// the steps' own order and the datasets they read across pipelines. Pure.
import type { Artifact, IRProject, PipelinePlan } from '../compiler/index.js';
import { formatSqlType } from '../spec/index.js';
import type { SqlStepInput } from './executors/sql-step-executor.js';
import type { Plan } from './plan/planner.js';
import type { PhaseSpec } from './runs/run-types.js';

export function pipelinePlans(artifacts: readonly Artifact[], engine: string): Map<string, PipelinePlan> {
  const out = new Map<string, PipelinePlan>();
  for (const a of artifacts) if (a.kind === `${engine}.pipeline`) {
    const p = JSON.parse(a.content) as PipelinePlan;
    out.set(p.pipeline, p);
  }
  return out;
}

/** Pipelines a plan affects: created or replaced ones, those writing altered tables, and everything downstream. */
export function affectedPipelines(plan: Plan, ir: IRProject): string[] {
  const direct = new Set<string>();
  const producer = new Map(ir.tables.filter((t) => t.producer).map((t) => [t.name, t.producer!.pipeline]));
  for (const s of plan.stages) {
    if (s.kind === 'create_pipeline' || s.kind === 'replace_pipeline') direct.add(s.target);
    else if (s.table && producer.has(s.target)) direct.add(producer.get(s.target)!);
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

export function runPhases(ir: IRProject, plans: ReadonlyMap<string, PipelinePlan>, engine: string, pipelines: readonly string[]): PhaseSpec[] {
  const tables = new Map(ir.tables.map((t) => [t.name, t]));
  const wanted = new Set(pipelines);
  const phaseOf = new Map<string, string>(); // dataset → phase writing it in this run
  const connections = Object.fromEntries(ir.connections.map((c) => [c.name, { type: c.type, config: c.config as Record<string, unknown> }]));
  const specs: PhaseSpec[] = [];
  const byPipeline = new Map(ir.pipelines.map((p) => [p.name, p]));
  for (const name of pipelines) {
    const plan = plans.get(name);
    if (!plan) throw new Error(`no ${engine} plan for pipeline ${name}`);
    for (const s of plan.steps) phaseOf.set(s.into, `${name}.${s.name}`);
  }
  // Order: pipelines after their upstream, steps in their topological order.
  const ordered: string[] = [];
  const visit = (n: string, seen: Set<string>) => {
    if (ordered.includes(n) || seen.has(n)) return;
    seen.add(n);
    for (const u of byPipeline.get(n)?.upstream ?? []) if (wanted.has(u)) visit(u, seen);
    ordered.push(n);
  };
  for (const n of pipelines) visit(n, new Set());
  for (const name of ordered) {
    const plan = plans.get(name)!;
    const irp = byPipeline.get(name)!;
    for (const step of plan.steps) {
      const irStep = irp.steps.find((s) => s.name === step.name)!;
      const reads = irStep.kind === 'transform' ? irStep.reads : [];
      const deps = new Set(step.dependsOn.map((d) => `${name}.${d}`));
      for (const r of reads) {
        const ph = phaseOf.get(r);
        if (ph && ph !== `${name}.${step.name}`) deps.add(ph);
      }
      // Checks of relationships read the parent table: wait for its writer too.
      for (const c of tables.get(step.into)?.checks ?? []) if (c.type === 'relationships') {
        const ph = phaseOf.get(c.to);
        if (ph && ph !== `${name}.${step.name}`) deps.add(ph);
      }
      const target = tables.get(step.into)!;
      const fq = (t: { physical: { catalog: string; schema: string; table: string } }) => `${t.physical.catalog}.${t.physical.schema}.${t.physical.table}`;
      const sources =
        irStep.kind === 'ingest'
          ? [{ namespace: `${irStep.source.connection.type}://${irStep.source.connection.name}`, name: irStep.source.path ?? irStep.source.table ?? irStep.source.connection.name }]
          : reads.map((r) => tables.get(r)).filter((t) => t !== undefined).map((t) => ({ namespace: `${engine}://${ir.workspace}`, name: fq(t!) }));
      const input: SqlStepInput = {
        kind: 'sql-step',
        pipeline: name,
        step,
        columns: target.columns.map((c) => ({ name: c.name, type: formatSqlType(c.type) })),
        connections: Object.fromEntries(step.actions.filter((a) => a.kind === 'extract').map((a) => [a.connection, connections[a.connection]!])),
        lineage: { inputs: sources, outputs: [{ namespace: `${engine}://${ir.workspace}`, name: fq(target) }] },
      };
      specs.push({ name: `${name}.${step.name}`, executor: engine, dependsOn: [...deps].sort(), input, maxAttempts: step.retries + 1, timeoutSeconds: step.timeoutSeconds });
    }
  }
  return specs;
}
