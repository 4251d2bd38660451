// Every Trino statement the compiler emits for examples/finance runs on a real Trino 476
// with Iceberg: tables are checked through Trino's metadata (columns, types, nullability,
// partitioning), the Trino pipelines run and produce rows, and every check query runs with
// no offending rows for error-severity checks.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrinoDialect, compile, readPipelinePlans } from '../../compiler/index.js';
import { formatSqlType, readSpecFiles } from '../../spec/index.js';
import { useTrino } from '../harness/trino-suite.js';
import { extractFile } from '../helpers/trino-pipelines.js';
import { createTables, duckTableHash, openDuck, rowExpression, rowsHash, runPipelines } from '../helpers/duckdb-pipelines.js';
import { EXAMPLES } from '../helpers/paths.js';
import { splitSql } from '../helpers/split-sql.js';

const root = join(EXAMPLES, 'finance');
const ENVS = ['dev', 'prod'];
const dialect = new TrinoDialect();

const suite = useTrino(ENVS.map((env) => `${env}_lakehouse`));

for (const env of ENVS) {
  describe(`Trino conformance: examples/finance (${env})`, () => {
    const r = compile(readSpecFiles(root).files, { environment: env, gitSha: 'abc1234', backends: ['trino'] });
    const ir = r.ir!;

    it('compiles without errors', () => {
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    });

    it('creates every schema and Iceberg table with the declared columns, types and partitioning', async () => {
      for (const a of r.artifacts.filter((x) => x.kind === 'trino.ddl')) for (const stmt of splitSql(a.content)) await suite.trino.query(stmt);
      // Running the DDL again is a no-op (IF NOT EXISTS).
      for (const a of r.artifacts.filter((x) => x.kind === 'trino.ddl')) for (const stmt of splitSql(a.content)) await suite.trino.query(stmt);
      for (const t of ir.tables) {
        const { catalog, schema, table } = t.physical;
        const cols = await suite.trino.query(
          `SELECT column_name, data_type, is_nullable FROM "${catalog}".information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
        );
        expect(cols.rows, `${catalog}.${schema}.${table}`).toEqual(t.columns.map((c) => [c.name, formatSqlType(c.type).replace(/, /g, ','), c.nullable ? 'YES' : 'NO']));
        const ddl = String((await suite.trino.query(`SHOW CREATE TABLE "${catalog}"."${schema}"."${table}"`)).rows[0]![0]);
        expect(ddl).toContain("format = 'PARQUET'");
        if (t.partitioning.length > 0) expect(ddl).toContain(`partitioning = ARRAY[${t.partitioning.map((p) => `'${dialect.partitionField(p)}'`).join(',')}]`);
        if (t.storage.sortedBy.length > 0) expect(ddl).toContain(`sorted_by = ARRAY[${t.storage.sortedBy.map((c) => `'${c} ASC NULLS FIRST'`).join(',')}]`);
        if (t.description) expect(ddl).toContain(`COMMENT '${t.description.replace(/'/g, "''")}'`);
      }
    });

    it('runs the Trino pipelines: rows land in bronze and silver, and the checks pass', async () => {
      const plans = readPipelinePlans(r.artifacts, 'trino');
      expect(plans.map((p) => p.pipeline).sort()).toEqual(['erp_ingest', 'sales_silver']);
      for (const name of ['erp_ingest', 'sales_silver']) {
        const plan = plans.find((p) => p.pipeline === name)!;
        for (const step of plan.steps) {
          for (const action of step.actions) {
            if (action.kind === 'sql') await suite.trino.query(action.sql);
            else expect(await extractFile(suite.trino, action, root)).toBeGreaterThan(0);
          }
          const [catalog, schema, table] = step.table.split('.');
          const count = (await suite.trino.query(`SELECT count(*) FROM "${catalog}"."${schema}"."${table}"`)).rows[0]![0] as number;
          expect(count, step.table).toBeGreaterThan(0);
          for (const check of step.checks) {
            const offending = (await suite.trino.query(check.sql)).rows.length;
            if (check.severity === 'error') expect(offending, `${step.into}.${check.name}`).toBe(0);
          }
        }
      }
    });

    it('incremental ingest is idempotent: a second run adds nothing', async () => {
      const plan = readPipelinePlans(r.artifacts, 'trino').find((p) => p.pipeline === 'erp_ingest')!;
      const step = plan.steps.find((s) => s.name === 'sale_orders')!;
      const [catalog, schema, table] = step.table.split('.');
      const before = (await suite.trino.query(`SELECT count(*), sum(amount_total) FROM "${catalog}"."${schema}"."${table}"`)).rows[0];
      for (const action of step.actions) {
        if (action.kind === 'sql') await suite.trino.query(action.sql);
        else await extractFile(suite.trino, action, root);
      }
      const after = (await suite.trino.query(`SELECT count(*), sum(amount_total) FROM "${catalog}"."${schema}"."${table}"`)).rows[0];
      expect(after).toEqual(before);
    });

    it('runs every check query of every table', async () => {
      for (const a of r.artifacts.filter((x) => x.kind === 'trino.checks')) for (const stmt of splitSql(a.content)) await suite.trino.query(stmt);
    });
  });
}

describe('cross-engine equivalence: gold tables on Trino and on DuckDB (dev)', () => {
  it('have identical content hashes', async () => {
    // For this comparison the marts run on Trino too (they are dbt and Spark pipelines in the example).
    const files = readSpecFiles(root).files.map((f) =>
      f.path.startsWith('pipelines/') ? { ...f, text: f.text.replace('engine: dbt', 'engine: trino').replace('engine: spark\n  connection: spark_k8s', 'engine: trino') } : f,
    );
    const r = compile(files, { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'duckdb'] });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const plans = readPipelinePlans(r.artifacts, 'trino');
    // Bronze and silver were loaded by the conformance tests above; run them again (idempotent) and the marts.
    for (const name of ['erp_ingest', 'sales_silver', 'finance_marts', 'customer_marts']) {
      for (const step of plans.find((p) => p.pipeline === name)!.steps) {
        for (const action of step.actions) {
          if (action.kind === 'sql') await suite.trino.query(action.sql);
          else await extractFile(suite.trino, action, root);
        }
      }
    }
    const duck = await openDuck({ dev_lakehouse: ':memory:' }, root);
    try {
      await createTables(duck, r.artifacts);
      await runPipelines(duck, r.artifacts, ['erp_ingest', 'sales_silver', 'finance_marts', 'customer_marts']);
      const report: string[] = [];
      for (const name of ['sale_orders', 'invoices', 'daily_revenue', 'receivables_ageing', 'top_customers']) {
        const t = r.ir!.tables.find((x) => x.name === name)!;
        const fq = `"${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`;
        const cols = t.columns;
        const trinoRows = (await suite.trino.query(`SELECT ${rowExpression(cols, 'trino')} AS r FROM ${fq}`)).rows.map((x) => String(x[0]));
        const onTrino = rowsHash(trinoRows);
        const onDuck = await duckTableHash(duck, fq, cols);
        if (onTrino.hash !== onDuck.hash) {
          const duckRows = (await duck.rows(`SELECT ${rowExpression(cols, 'duckdb')} AS r FROM ${fq}`)).map((x) => String(x[0]));
          const only = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
          console.log(`${name} differs:\n  only on Trino: ${only(trinoRows, duckRows).join('\n                 ')}\n  only on DuckDB: ${only(duckRows, trinoRows).join('\n                  ')}`);
        }
        report.push(`${name}: ${onTrino.rows} rows, trino ${onTrino.hash.slice(0, 12)} duckdb ${onDuck.hash.slice(0, 12)}`);
        expect(onTrino, name).toEqual(onDuck);
      }
      console.log('cross-engine hashes (dev):\n  ' + report.join('\n  '));
    } finally {
      duck.close();
    }
  });
});
