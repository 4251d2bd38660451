// The reconciler against the real engines: plan and apply examples/finance on Trino 476 +
// Iceberg with the state in a real PostgreSQL, evolve a table, check drift, and run the
// Trino pipelines through the run queue with the SQL executor. The output hashes of every
// phase equal those of the same phases on the embedded DuckDB.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import {
  type CatalogState,
  CatalogStore,
  type Db,
  DuckDbEngine,
  LocalArtifactStore,
  RunQueue,
  type SqlEngine,
  SqlStepExecutor,
  TrinoEngine,
  Worker,
  applyPlan,
  desiredState,
  detectDrift,
  migrate,
  openPglite,
  openPostgres,
  plan,
  runPhases,
} from '../../reconciler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { useTrino } from '../harness/trino-suite.js';
import { EXAMPLES, ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const root = join(EXAMPLES, 'finance');
const suite = useTrino(['dev_lakehouse']);

async function applyAndRun(db: Db, engine: SqlEngine, files = readSpecFiles(root).files) {
  await migrate(db);
  const store = new CatalogStore(db);
  const queue = new RunQueue(db, new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'lakespec-trino-art-'))));
  const r = compile(files, { environment: 'dev', gitSha: 'd'.repeat(40), backends: [engine.id] });
  const ir = r.ir!;
  const desired = desiredState(ir);
  const applied: CatalogState = await store.applied(ir.workspace, 'dev');
  const live = await engine.liveTables(['dev_lakehouse']);
  const p = plan(desired, applied, { live });
  await applyPlan(store, engine, { ir, desired, applied, plan: p, manifestHash: r.manifest!.setHash, requester: 'tests', holder: 'tests' });
  const names = ['erp_ingest', 'sales_silver'];
  const run = await queue.createRun({ workspace: ir.workspace, environment: 'dev', specSlug: 'finance/trino', gitSha: ir.gitSha, trigger: 'test', requester: 'tests', phases: runPhases(ir, r.artifacts, engine.id, names) });
  const worker = new Worker(queue, [new SqlStepExecutor({ engine, filesRoot: root })], { idleMs: 10 });
  while (await worker.runOnce());
  return { plan: p, run: (await queue.getRun(run.id))!, phases: await queue.phases(run.id), store, ir };
}

describe('reconciler on Trino + Iceberg with PostgreSQL state', () => {
  it('works from the CLI: plan, apply, run, runs and drift against Trino and PostgreSQL', async () => {
    await suite.pg.createDatabase('cli_state');
    const base = ['--env', 'prod', '--engine', 'trino', '--trino-url', `http://127.0.0.1:${suite.trino.port}`, '--database-url', suite.pg.url('cli_state'), '--git-sha', 'ab'.repeat(20)];
    // prod's catalog is not configured on this Trino: a clear error, nothing applied.
    const missing = await runCli(['apply', root, ...base], ROOT);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr + missing.stdout).toContain('Trino has no catalog prod_lakehouse');
    const dev = base.map((a) => (a === 'prod' ? 'dev' : a));
    const plan1 = await runCli(['plan', root, ...dev], ROOT);
    expect(plan1.code).toBe(0);
    expect(plan1.stdout).toMatch(/Plan: \d+ to create/);
    const apply = await runCli(['apply', root, ...dev], ROOT);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('on trino; deployment');
    const run = await runCli(['run', 'erp_ingest,sales_silver', root, ...dev], ROOT);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toMatch(/✔ sales_silver\.invoices\s+30 rows/);
    const runs = await runCli(['runs', '--database-url', suite.pg.url('cli_state'), '--json'], ROOT);
    expect(JSON.parse(runs.stdout).runs[0]).toMatchObject({ status: 'succeeded', git_sha: 'ab'.repeat(20) });
    const drift = await runCli(['drift', root, ...dev], ROOT);
    expect(drift.stdout).toContain('No drift');
    expect((await runCli(['plan', root, ...dev], ROOT)).stdout).toContain('No changes.');
  }, 600_000);

  it('applies, runs the Trino pipelines with equal hashes to DuckDB, evolves and reports drift', async () => {
    await suite.pg.createDatabase('state');
    const db = openPostgres(suite.pg.url('state'));
    const engine = new TrinoEngine({ server: `http://127.0.0.1:${suite.trino.port}` });
    try {
      const t = await applyAndRun(db, engine);
      expect(t.plan.summary.create).toBeGreaterThan(13);
      expect(t.run.error).toBeNull();
      expect(t.run.status).toBe('succeeded');
      expect(t.phases).toHaveLength(10);

      const local = await openPglite(undefined);
      const duck = await DuckDbEngine.open({ filesRoot: root });
      try {
        const d = await applyAndRun(local, duck);
        const hashes = (x: typeof t) => Object.fromEntries(x.phases.map((p) => [p.name, (p.output as { rows: number; hash: string }).hash]));
        expect(hashes(t)).toEqual(hashes(d));
      } finally {
        await duck.close();
        await local.close();
      }

      // Evolve: a new nullable column on a silver table is an ALTER on Iceberg, recorded.
      const files = readSpecFiles(root).files.map((f) =>
        f.path === 'datasets/silver.yaml' ? { ...f, text: f.text.replace('    - { name: country_code, type: varchar, description: "ISO 3166-1 alpha-2, upper case." }', '    - { name: country_code, type: varchar, description: "ISO 3166-1 alpha-2, upper case." }\n    - { name: segment, type: varchar }') } : f,
      );
      expect(files.find((f) => f.path === 'datasets/silver.yaml')!.text).toContain('segment');
      const r = compile(files, { environment: 'dev', gitSha: 'e'.repeat(40), backends: ['trino'] });
      const desired = desiredState(r.ir!);
      const applied = await t.store.applied('finance', 'dev');
      const p = plan(desired, applied, { live: await engine.liveTables(['dev_lakehouse']) });
      expect(p.stages.map((s) => `${s.kind}:${s.target}${s.column ? '.' + s.column : ''}`)).toEqual(['add_column:partners.segment', 'replace_pipeline:sales_silver']);
      await applyPlan(t.store, engine, { ir: r.ir!, desired, applied, plan: p, manifestHash: r.manifest!.setHash, requester: 'tests', holder: 'tests' });
      const live = await engine.liveTables(['dev_lakehouse']);
      expect(live.find((x) => x.physical.table === 'partners')!.columns.map((c) => c.name)).toContain('segment');
      const nowApplied = await t.store.applied('finance', 'dev');
      expect(detectDrift(nowApplied, live, engine.backend.dialect)).toEqual([]);
      // A column dropped behind lakespec's back is drift.
      await engine.run('ALTER TABLE "dev_lakehouse"."finance_silver"."partners" DROP COLUMN "segment"');
      const drift = detectDrift(nowApplied, await engine.liveTables(['dev_lakehouse']), engine.backend.dialect);
      expect(drift.map((x) => `${x.kind} ${x.column}`)).toEqual(['missing_column segment']);
    } finally {
      await db.close();
    }
  }, 600_000);

  it('an aborted statement is cancelled on the Trino server, not left running', async () => {
    const engine = new TrinoEngine({ server: `http://127.0.0.1:${suite.trino.port}` });
    const abort = new AbortController();
    const sql = 'SELECT count(*) AS n FROM tpch.sf10000.lineitem WHERE comment LIKE \'%lakespec-cancel-probe%\'';
    const started = Date.now();
    setTimeout(() => abort.abort(new Error('timed out after 2 s')), 2000);
    await expect(engine.run(sql, abort.signal)).rejects.toThrow('timed out after 2 s');
    expect(Date.now() - started).toBeLessThan(5_000);
    // Trino lists the query as failed by the user's cancel within a few seconds.
    let state: unknown[][] = [];
    for (let i = 0; i < 50; i++) {
      state = await engine.rows("SELECT state, error_code FROM system.runtime.queries WHERE query LIKE '%lakespec-cancel-probe%' AND query NOT LIKE '%system.runtime.queries%'");
      if (state.length > 0 && state.every((r) => r[0] === 'FAILED')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(state).toEqual([['FAILED', 'USER_CANCELED']]);
  });
});
