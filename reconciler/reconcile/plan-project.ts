// The plan of a compiled project: its desired state against what the store says is applied
// and, when an engine is given, what the engine's catalog holds. The planner only reads.
import type { IRProject } from '../../compiler/index.js';
import type { SqlEngine } from '../engines/sql-engine.js';
import type { CatalogStore } from '../state/catalog-store.js';
import type { CatalogState, DesiredState } from '../plan/catalog-state.js';
import { type Plan, plan } from '../plan/planner.js';

export async function planProject(
  store: CatalogStore,
  /** Without an engine (a fork's pull request, an unreachable engine) the live catalog is not consulted. */
  engine: SqlEngine | undefined,
  ir: IRProject,
  desired: DesiredState,
  allowAllDestructive = false,
): Promise<{ plan: Plan; applied: CatalogState }> {
  const applied = await store.applied(ir.workspace, ir.environment);
  const live = engine ? await engine.liveTables([...new Set(ir.tables.map((t) => t.physical.catalog))]) : undefined;
  return { plan: plan(desired, applied, { allowAllDestructive, allowances: ir.allowDestructive, ...(live ? { live } : {}) }), applied };
}
