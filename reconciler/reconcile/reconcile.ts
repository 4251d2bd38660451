// The one way a project at a commit reaches an environment: plan desired against applied
// and live, refuse what this process could not finish, apply, and queue the run of the
// pipelines the change affects. `lakespec apply`/`up` and a merge through the GitHub App
// call it; they differ only in how they report the outcome and follow the run.
import type { Artifact, IRProject } from '../../compiler/index.js';
import { ApplyBlockedError, ApplyFailedError, ApplyLockedError, applyPlan } from '../apply/apply-plan.js';
import type { SqlEngine } from '../engines/sql-engine.js';
import type { Executor } from '../runs/executor.js';
import { missingExecutors } from '../executors/pipeline-executors.js';
import { type DesiredState, desiredState } from '../plan/catalog-state.js';
import { planProject } from './plan-project.js';
import type { Plan } from '../plan/planner.js';
import { affectedPipelines, runPhases } from '../run-phases.js';
import type { RunQueue } from '../state/run-queue.js';
import type { PhaseSpec, Run } from '../state/run-types.js';
import type { CatalogStore } from '../state/catalog-store.js';

export interface ReconcileInput {
  /** The project compiled at its commit (ir.gitSha is the commit the run records). */
  ir: IRProject;
  artifacts: Artifact[];
  manifestHash: string;
  /** The desired state of `ir`, when the caller has it already. */
  desired?: DesiredState;
  catalog: CatalogStore;
  queue: RunQueue;
  engine: SqlEngine;
  /** What will run the phases: a run some phase of which nothing can execute is refused before anything is applied. */
  executors: readonly Executor[];
  trigger: 'apply' | 'up' | 'merge';
  requester: string;
  /** Who holds the table locks while applying (process, or process and delivery). */
  holder: string;
  allowAllDestructive?: boolean;
  /** Which pipelines run after the apply: those the plan affects (changed and downstream), all, or none. */
  run: 'affected' | 'all' | 'none';
  /** Where the phases find the project's files when the workers' own folder is not it (a checkout at the commit). */
  filesRoot?: string;
  /** More for the run's input manifest (the repository, the delivery that caused it). */
  manifest?: Record<string, unknown>;
  /** The plan, as soon as it is made (before the executor check). */
  planned?(plan: Plan): void | Promise<void>;
  /** Right before the apply, once nothing stands in its way. */
  applying?(plan: Plan): void | Promise<void>;
}

/** How a reconcile ended. Only an unexpected failure (a lost engine or database) throws. */
export type ReconcileOutcome =
  | { status: 'missing-executor'; plan: Plan; missing: string[] }
  | { status: 'blocked'; plan: Plan; error: ApplyBlockedError }
  | { status: 'locked'; plan: Plan; error: ApplyLockedError }
  | { status: 'apply-failed'; plan: Plan; error: ApplyFailedError }
  | {
      status: 'applied';
      plan: Plan;
      /** The deployment recorded; null when the plan had nothing to change. */
      deployment: { id: string; stages: number; statements: number } | null;
      pipelines: string[];
      /** The run queued for the pipelines; null when none is affected. */
      run: Run | null;
    };

export async function reconcile(input: ReconcileInput): Promise<ReconcileOutcome> {
  const { ir, engine } = input;
  const desired = input.desired ?? desiredState(ir);
  const { plan, applied } = await planProject(input.catalog, engine, ir, desired, input.allowAllDestructive ?? false);
  await input.planned?.(plan);
  const names = input.run === 'none' ? [] : input.run === 'all' ? ir.pipelines.map((p) => p.name) : affectedPipelines(plan, ir);
  const phases = phasesOf(input, names);
  const missing = missingExecutors(phases, input.executors);
  if (missing.length > 0) return { status: 'missing-executor', plan, missing };
  await input.applying?.(plan);
  let deployment: { id: string; stages: number; statements: number } | null = null;
  if (plan.stages.length > 0) {
    try {
      const r = await applyPlan(input.catalog, engine, { ir, desired, applied, plan, manifestHash: input.manifestHash, requester: input.requester, holder: input.holder });
      deployment = { id: r.deploymentId, stages: r.stages, statements: r.statements };
    } catch (e) {
      if (e instanceof ApplyBlockedError) return { status: 'blocked', plan, error: e };
      if (e instanceof ApplyLockedError) return { status: 'locked', plan, error: e };
      if (e instanceof ApplyFailedError) return { status: 'apply-failed', plan, error: e };
      throw e;
    }
  }
  if (names.length === 0) return { status: 'applied', plan, deployment, pipelines: [], run: null };
  const run = await input.queue.createRun({
    workspace: ir.workspace,
    environment: ir.environment,
    specSlug: `${ir.workspace}/${names.length === ir.pipelines.length ? '*' : names.join(',')}`,
    gitSha: ir.gitSha,
    trigger: input.trigger,
    requester: input.requester,
    phases,
    inputManifest: { manifestHash: input.manifestHash, specHash: ir.specHash, deployment: deployment?.id ?? null, engine: engine.id, pipelines: names, ...input.manifest },
  });
  return { status: 'applied', plan, deployment, pipelines: names, run };
}

function phasesOf(input: ReconcileInput, names: readonly string[]): PhaseSpec[] {
  if (names.length === 0) return [];
  const phases = runPhases(input.ir, input.artifacts, input.engine.id, names);
  const root = input.filesRoot;
  return root === undefined ? phases : phases.map((ph) => ({ ...ph, input: { ...(ph.input as object), filesRoot: root } }));
}
