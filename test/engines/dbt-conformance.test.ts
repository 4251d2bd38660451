// The emitted dbt project is accepted by real dbt: `dbt parse` and `dbt build` (models and
// data tests) on dbt-duckdb, over bronze loaded by lakespec's own DuckDB plans; and the gold
// tables dbt builds equal those of the native DuckDB pipelines (same hash over sorted rows).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { engines } from '../harness/engines.js';
import { runDbt, writeDbtProject } from '../helpers/dbt-project.js';
import { createTables, duckTableHash, openDuck, runPipelines } from '../helpers/duckdb-pipelines.js';
import { EXAMPLES } from '../helpers/paths.js';

const root = join(EXAMPLES, 'finance');
const GOLD = ['daily_revenue', 'receivables_ageing', 'top_customers'];

for (const env of ['dev', 'pr_42']) {
  describe(`dbt on dbt-duckdb: examples/finance (${env})`, () => {
    it('parses, builds with its tests, and matches the native DuckDB gold tables', async () => {
      const e = engines();
      const r = compile(readSpecFiles(root).files, { environment: env, gitSha: 'abc1234', backends: ['duckdb', 'dbt'] });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const work = mkdtempSync(join(tmpdir(), 'lakespec-dbt-'));
      try {
        const project = join(work, 'project');
        writeDbtProject(r.artifacts, project);
        const catalog = r.ir!.tables[0]!.physical.catalog;
        const duckDir = join(work, 'duck');
        mkdirSync(duckDir);

        // Bronze, loaded by lakespec's DuckDB ingest into the file dbt's profile attaches.
        const loader = await openDuck({ [catalog]: join(duckDir, `${catalog}.duckdb`) }, root);
        await createTables(loader, r.artifacts);
        await runPipelines(loader, r.artifacts, ['erp_ingest']);
        await loader.run('CHECKPOINT');
        loader.close();

        const dbtEnv = { LAKESPEC_DUCKDB_DIR: duckDir, LAKESPEC_DBT_TARGET: 'duckdb' };
        const parse = await runDbt(e.dbt, ['parse'], project, dbtEnv);
        expect(parse.status, parse.output).toBe(0);
        const build = await runDbt(e.dbt, ['build'], project, dbtEnv);
        expect(build.status, build.output.slice(-4000)).toBe(0);
        const results = JSON.parse(readFileSync(join(project, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
        const byStatus = (s: string) => results.results.filter((x) => x.status === s).map((x) => x.unique_id);
        expect(byStatus('error')).toEqual([]);
        expect(byStatus('fail')).toEqual([]);
        expect(byStatus('success').filter((id) => id.startsWith('model.')).length).toBe(8);
        expect(byStatus('pass').length).toBeGreaterThan(25);
        // The sample export is months old: only the warn-level freshness test warns.
        expect(byStatus('warn')).toEqual([expect.stringContaining('odoo_sale_order__freshness_write_date')]);

        // Native DuckDB pipelines, in memory, from the same bronze files.
        const native = await openDuck({ [catalog]: ':memory:' }, root);
        await createTables(native, r.artifacts);
        await runPipelines(native, r.artifacts, ['erp_ingest', 'sales_silver', 'finance_marts', 'customer_marts']);
        const viaDbt = await openDuck({ [catalog]: join(duckDir, `${catalog}.duckdb`) }, root);
        for (const name of GOLD) {
          const t = r.ir!.tables.find((x) => x.name === name)!;
          const fq = `"${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`;
          const cols = t.columns;
          const a = await duckTableHash(native, fq, cols);
          const b = await duckTableHash(viaDbt, fq, cols);
          expect(a.rows, name).toBeGreaterThan(0);
          expect(b, name).toEqual(a);
        }
        native.close();
        viaDbt.close();
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  });
}
