// The emitted dbt project on dbt-trino against the real Trino (Iceberg, JDBC catalog): `dbt
// parse`, then `dbt build` of every silver and gold model with its data tests through
// lakespec's dbt executor. Bronze is loaded by the compiled Trino ingest. The tables dbt
// builds are read back through Trino and equal the native DuckDB pipelines' (same hash over
// sorted rows), for dev and prod.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { DbtExecutor } from '../../reconciler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { engines } from '../harness/engines.js';
import { useTrino } from '../harness/trino-suite.js';
import { runDbt, writeDbtProject } from '../helpers/dbt-project.js';
import { createTables, duckTableHash, openDuck, rowExpression, rowsHash, runPipelines } from '../helpers/duckdb-pipelines.js';
import { EXAMPLES } from '../helpers/paths.js';
import { recordingContext } from '../helpers/phase-context.js';
import { splitSql } from '../helpers/split-sql.js';
import { runTrinoStep, trinoPlans } from '../helpers/trino-pipelines.js';

const root = join(EXAMPLES, 'finance');
const ENVS = ['dev', 'prod'];
const suite = useTrino(ENVS.map((env) => `${env}_lakehouse`));


for (const env of ENVS) {
  describe(`dbt on dbt-trino: examples/finance (${env})`, () => {
    it('parses, builds every model with its tests on Trino, and matches the native DuckDB tables', async () => {
      const e = engines();
      const r = compile(readSpecFiles(root).files, { environment: env, gitSha: 'abc1234', backends: ['trino', 'dbt', 'duckdb'] });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const ir = r.ir!;

      // The apply (Trino DDL), then bronze through the compiled Trino ingest.
      for (const a of r.artifacts.filter((x) => x.kind === 'trino.ddl')) for (const stmt of splitSql(a.content)) await suite.trino.query(stmt);
      for (const step of trinoPlans(r.artifacts).find((p) => p.pipeline === 'erp_ingest')!.steps) await runTrinoStep(suite.trino, step, root);

      const work = mkdtempSync(join(tmpdir(), 'lakespec-dbt-trino-'));
      try {
        const project = join(work, 'project');
        writeDbtProject(r.artifacts, project);
        const dbtEnv = { LAKESPEC_DBT_TARGET: 'trino', LAKESPEC_TRINO_HOST: '127.0.0.1', LAKESPEC_TRINO_PORT: String(suite.trino.port), LAKESPEC_TRINO_USER: 'lakespec' };
        const parse = await runDbt(e.dbt, ['parse'], project, dbtEnv);
        expect(parse.status, parse.output.slice(-4000)).toBe(0);

        // dbt build through lakespec's dbt executor, as a run's phase would.
        const models = ir.tables.filter((t) => t.layer !== 'bronze').map((t) => t.name);
        const ctx = recordingContext({ phase: 'dbt.build', executor: 'dbt', environment: env });
        const executor = new DbtExecutor({ dbt: e.dbt, projectDir: project, env: { ...process.env, ...dbtEnv } });
        let out: Record<string, unknown>;
        try {
          out = await executor.execute({ kind: 'dbt-build', pipeline: 'all', models }, ctx);
        } catch (err) {
          console.log(ctx.texts.get('dbt.log')?.slice(-6000));
          throw err;
        }
        expect(out).toMatchObject({ models: models.length, success: models.length, fail: 0, error: 0 });
        expect(out.pass as number).toBeGreaterThan(15);
        const results = JSON.parse(readFileSync(join(project, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; adapter_response?: { query_id?: string } }[] };
        // dbt really ran on Trino: every model reports the Trino query that built it.
        expect(results.results.filter((x) => x.unique_id.startsWith('model.')).every((x) => /^\d{8}_\d{6}_\d{5}_\w+$/.test(x.adapter_response?.query_id ?? ''))).toBe(true);

        // Read back through Trino; the same tables computed natively on DuckDB.
        // (prod reads its exports from /srv/exports/odoo; here, from the sample data the example ships.)
        const sample = readSpecFiles(root).files.map((f) => (f.path === 'connections.yaml' ? { ...f, text: f.text.replace('path: /srv/exports/odoo', 'path: data') } : f));
        const reference = compile(sample, { environment: env, gitSha: 'abc1234', backends: ['duckdb'] }).artifacts;
        const native = await openDuck({ [ir.tables[0]!.physical.catalog]: ':memory:' }, root);
        try {
          await createTables(native, reference);
          await runPipelines(native, reference, ['erp_ingest', 'sales_silver', 'finance_marts', 'customer_marts']);
          const report: string[] = [];
          for (const t of ir.tables.filter((x) => x.layer !== 'bronze')) {
            const fq = `"${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`;
            const onTrino = rowsHash((await suite.trino.query(`SELECT ${rowExpression(t.columns, 'trino')} AS r FROM ${fq}`)).rows.map((x) => String(x[0])));
            const onDuck = await duckTableHash(native, fq, t.columns);
            report.push(`${t.name}: ${onTrino.rows} rows, dbt-trino ${onTrino.hash.slice(0, 12)} duckdb ${onDuck.hash.slice(0, 12)}`);
            expect(onTrino.rows, t.name).toBeGreaterThan(0);
            expect(onTrino, t.name).toEqual(onDuck);
          }
          console.log(`dbt-trino hashes (${env}):\n  ` + report.join('\n  '));
        } finally {
          native.close();
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  });
}
