// Phase inputs for the executor contract, compiled from specs for one SQL engine: a step
// that succeeds, one the engine refuses (a value that does not convert), and one that would
// run for hours (a cross join of four series), with their tables applied.
import { compile } from '../../compiler/index.js';
import { CatalogStore, type SqlEngine, applyPlan, desiredState, migrate, openPglite, plan, runPhases } from '../../reconciler/index.js';

const SERIES = { duckdb: (n: number) => `generate_series(1, ${n})`, trino: (n: number) => `unnest(sequence(1, ${n}))` };

function specs(engine: 'duckdb' | 'trino', catalog: string, pipelineEngine = 'trino'): string {
  const series = SERIES[engine];
  const dataset = (name: string) => `---
apiVersion: lakespec.dev/v1
kind: Dataset
metadata: { name: ${name} }
spec:
  layer: gold
  columns: [{ name: id, type: bigint }]
`;
  const pipeline = (name: string, sql: string, materialization?: string) => `---
apiVersion: lakespec.dev/v1
kind: Pipeline
metadata: { name: ${name} }
spec:
  engine: ${pipelineEngine}
  steps:
    - name: ${name}
      type: transform
      into: ${name}
      sql: "${sql}"${materialization ? `\n      materialization: ${materialization}` : ''}
`;
  return `apiVersion: lakespec.dev/v1
kind: Workspace
metadata: { name: contract }
spec:
  catalog: ${catalog}
  environments: { dev: {} }
${dataset('ok')}${dataset('bad')}${dataset('slow')}${dataset('log')}${pipeline('ok', 'select cast(42 as bigint) as id')}${pipeline('log', 'select cast(7 as bigint) as id', 'append')}${pipeline('bad', "select cast('not a number' as bigint) as id")}${pipeline(
    'slow',
    // Four series of 10 000 (Trino's sequence() stops there): 10¹⁶ rows.
    `select cast(count(*) % 1000 as bigint) as id from ${series(10000)} as w(i) cross join ${series(10000)} as x(i) cross join ${series(10000)} as y(i) cross join ${series(10000)} as z(i)`,
  )}`;
}

/**
 * Applies the contract's tables on `engine` and returns the phase inputs: the three above and
 * a plain append of one row, with a count of the rows its target holds.
 */
export async function contractInputs(engine: SqlEngine, catalog: string): Promise<{ success: unknown; terminal: unknown; slow: unknown; append: { input: unknown; rows: () => Promise<number> } }> {
  const id = engine.id === 'trino' ? 'trino' : 'duckdb';
  const r = compile([{ path: 'contract.yaml', text: specs(id, catalog) }], { environment: 'dev', gitSha: 'c'.repeat(40), backends: [id] });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('; '));
  const ir = r.ir!;
  const db = await openPglite(undefined);
  try {
    await migrate(db);
    const store = new CatalogStore(db);
    const desired = desiredState(ir);
    const applied = await store.applied(ir.workspace, 'dev');
    await applyPlan(store, engine, { ir, desired, applied, plan: plan(desired, applied), manifestHash: r.manifest!.setHash, requester: 'tests', holder: 'tests' });
  } finally {
    await db.close();
  }
  const input = (name: string) => runPhases(ir, r.artifacts, id, [name])[0]!.input;
  const log = input('log') as { step: { table: string } };
  const table = log.step.table.split('.').map((p) => engine.backend.dialect.quoteIdent(p)).join('.');
  return { success: input('ok'), terminal: input('bad'), slow: input('slow'), append: { input: log, rows: async () => Number((await engine.rows(`SELECT count(*) FROM ${table}`))[0]![0]) } };
}

/** The same three steps as dbt models (dbt-duckdb), in a dbt project written to `dir`. */
export function contractDbtProject(): { artifacts: import('../../compiler/index.js').Artifact[] } {
  const r = compile([{ path: 'contract.yaml', text: specs('duckdb', 'lake', 'dbt') }], { environment: 'dev', gitSha: 'c'.repeat(40), backends: ['dbt'] });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('; '));
  return { artifacts: r.artifacts };
}
