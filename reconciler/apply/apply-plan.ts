// The evaluator: carries out a plan's stages on an engine and records the deployment.
// Blocked plans are refused before anything runs. On an engine with transactional DDL
// (DuckDB) the whole apply is one transaction; elsewhere (Trino) each stage that ran is
// recorded, so a failure halfway leaves the applied state matching the engine.
import type { IRProject } from '../../compiler/index.js';
import type { SqlEngine } from '../engines/sql-engine.js';
import type { CatalogState, DesiredState } from '../plan/catalog-state.js';
import { type Plan, type Stage, stageTable } from '../plan/planner.js';
import type { CatalogStore } from '../state/catalog-store.js';
import { StoreError } from '../state/db.js';
import { stageStatements } from './stage-sql.js';

export class ApplyBlockedError extends Error {
  constructor(readonly plan: Plan) {
    super(`${plan.summary.blocked} destructive change${plan.summary.blocked === 1 ? ' is' : 's are'} blocked: ${plan.stages.filter((s) => s.destructive && !s.allowed).map((s) => s.detail).join('; ')}`);
  }
}

export class ApplyFailedError extends Error {
  constructor(
    message: string,
    readonly deploymentId: string,
    readonly stage: Stage,
  ) {
    super(message);
  }
}

/** Another apply holds the lock of a table this plan touches; nothing was changed. */
export class ApplyLockedError extends Error {}

/**
 * Table locks last a minute and are renewed every 20 s while the apply runs: a crashed
 * holder blocks others for at most a minute, and a long apply keeps its locks.
 */
const LOCK_SECONDS = 60;

export interface ApplyInput {
  ir: IRProject;
  desired: DesiredState;
  applied: CatalogState;
  plan: Plan;
  manifestHash: string;
  requester: string;
  /** Identifies this apply in the table locks (e.g. host:pid). */
  holder: string;
  onStage?: (stage: Stage, statements: string[]) => void;
  /** How long a table lock lasts unless renewed (default 60 s; renewed at a third of it). */
  lockSeconds?: number;
}

export interface ApplyResult {
  deploymentId: string;
  stages: number;
  statements: number;
}

export async function applyPlan(store: CatalogStore, engine: SqlEngine, input: ApplyInput): Promise<ApplyResult> {
  const { ir, desired, applied, plan } = input;
  if (plan.blocked) throw new ApplyBlockedError(plan);
  const tablesByName = new Map(ir.tables.map((t) => [t.name, t]));
  const appliedByName = new Map(applied.tables.map((t) => [t.name, t]));
  const touched = plan.stages.flatMap((s) => stageTable(s) ?? []);
  const lockSeconds = input.lockSeconds ?? LOCK_SECONDS;
  try {
    await store.lockTables(ir.workspace, ir.environment, touched, input.holder, lockSeconds);
  } catch (e) {
    if (e instanceof StoreError && e.code === 'conflict') throw new ApplyLockedError(e.message);
    throw e;
  }
  const renew = setInterval(() => void store.lockTables(ir.workspace, ir.environment, touched, input.holder, lockSeconds).catch(() => {}), (lockSeconds * 1000) / 3);
  try {
    const deploymentId = await store.beginDeployment({
      workspace: ir.workspace,
      environment: ir.environment,
      gitSha: ir.gitSha,
      manifestHash: input.manifestHash,
      specHash: ir.specHash,
      engine: engine.id,
      requester: input.requester,
      plan,
      protected: ir.protected,
    });
    await store.audit(input.requester, ir.workspace, 'apply.start', `${ir.environment}@${ir.gitSha}`, { deployment: deploymentId, summary: plan.summary });
    const catalogs = [...new Set([...ir.tables.map((t) => t.physical.catalog), ...applied.tables.map((t) => t.physical.catalog)])].sort();
    await engine.prepare(catalogs);
    const done = new Set<number>();
    let statements = 0;
    let failure: { stage: Stage; error: string } | undefined;
    if (engine.transactionalDdl) await engine.begin();
    for (const [i, stage] of plan.stages.entries()) {
      const sql = stageStatements(stage, engine.backend, tablesByName, appliedByName);
      input.onStage?.(stage, sql);
      try {
        for (const s of sql) {
          await engine.run(s);
          statements++;
        }
        done.add(i);
      } catch (e) {
        failure = { stage, error: `${stage.detail}: ${(e as Error).message}` };
        break;
      }
    }
    if (engine.transactionalDdl) {
      if (failure) {
        await engine.rollback();
        done.clear();
      } else {
        try {
          await engine.commit();
        } catch (e) {
          failure = { stage: plan.stages[plan.stages.length - 1]!, error: `commit: ${(e as Error).message}` };
          done.clear();
        }
      }
    }
    await store.finishDeployment(deploymentId, desired, plan, done, failure?.error);
    await store.audit(input.requester, ir.workspace, failure ? 'apply.fail' : 'apply.finish', `${ir.environment}@${ir.gitSha}`, { deployment: deploymentId, stages: done.size, error: failure?.error ?? null });
    if (failure) throw new ApplyFailedError(failure.error, deploymentId, failure.stage);
    return { deploymentId, stages: done.size, statements };
  } finally {
    clearInterval(renew);
    await store.unlockTables(ir.workspace, ir.environment, input.holder);
  }
}
