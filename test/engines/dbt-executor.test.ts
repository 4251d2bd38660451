// The dbt executor through the run queue: bronze loaded by the DuckDB executor into a file,
// then one phase that runs real dbt (dbt-duckdb) on the compiled project — models and tests —
// with run_results.json and the log stored as artifacts and the outcome in the phase output.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { DbtExecutor, DuckDbEngine, LocalArtifactStore, RunQueue, SqlStepExecutor, Worker, migrate, openPglite, runPhases } from '../../reconciler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { engines } from '../harness/engines.js';
import { writeDbtProject } from '../helpers/dbt-project.js';
import { EXAMPLES } from '../helpers/paths.js';

const root = join(EXAMPLES, 'finance');

describe('dbt executor (dbt-duckdb) through the run queue', () => {
  it('builds the silver and gold models with their tests as one phase', async () => {
    const e = engines();
    const r = compile(readSpecFiles(root).files, { environment: 'dev', gitSha: 'c'.repeat(40), backends: ['duckdb', 'dbt'] });
    const ir = r.ir!;
    const work = mkdtempSync(join(tmpdir(), 'lakespec-dbt-exec-'));
    const project = join(work, 'project');
    writeDbtProject(r.artifacts, project);
    const duckDir = join(work, 'duck');
    const db = await openPglite(undefined);
    await migrate(db);
    const queue = new RunQueue(db, new LocalArtifactStore(join(work, 'artifacts')));
    try {
      // Bronze through the DuckDB executor, into the file dbt's profile attaches.
      const duck = await DuckDbEngine.open({ dataDir: duckDir, filesRoot: root });
      await duck.prepare(['dev_lakehouse']);
      for (const t of ir.tables) for (const s of duck.backend.tableStatements(t)) await duck.run(s);
      const ingest = await queue.createRun({ workspace: 'finance', environment: 'dev', specSlug: 'finance/erp_ingest', gitSha: ir.gitSha, trigger: 'test', requester: 't', phases: runPhases(ir, r.artifacts, 'duckdb', ['erp_ingest']) });
      const w1 = new Worker(queue, [new SqlStepExecutor({ engine: duck, filesRoot: root })], { idleMs: 10 });
      while (await w1.runOnce());
      expect((await queue.getRun(ingest.id))!.status).toBe('succeeded');
      await duck.run('CHECKPOINT');
      await duck.close(); // DuckDB files have one writer: hand it to dbt

      const models = ir.tables.filter((t) => t.layer !== 'bronze').map((t) => t.name);
      const run = await queue.createRun({ workspace: 'finance', environment: 'dev', specSlug: 'finance/dbt', gitSha: ir.gitSha, trigger: 'test', requester: 't', phases: [{ name: 'dbt.build', executor: 'dbt', input: { kind: 'dbt-build', pipeline: 'finance_marts', models }, timeoutSeconds: 600 }] });
      const dbt = new DbtExecutor({ dbt: e.dbt, projectDir: project, env: { ...process.env, LAKESPEC_DBT_TARGET: 'duckdb', LAKESPEC_DUCKDB_DIR: duckDir } });
      const w2 = new Worker(queue, [dbt], { idleMs: 10 });
      while (await w2.runOnce());
      const done = (await queue.getRun(run.id))!;
      const phase = (await queue.phases(run.id))[0]!;
      expect(done.status, phase.error ?? '').toBe('succeeded');
      expect(phase.output).toMatchObject({ models: 8, success: 8, fail: 0, error: 0 });
      expect((phase.output as { pass: number }).pass).toBeGreaterThan(15);
      expect((await queue.runArtifacts(run.id)).map((a) => a.kind).sort()).toEqual(['dbt-run-results', 'log']);
    } finally {
      await db.close();
    }
  }, 300_000);
});
