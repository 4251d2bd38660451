// Spark in local mode on the real engines: the job the compiler emits for examples/finance's
// Spark pipeline (customer_marts) runs with pyspark 4.0 through the Spark executor, with its
// SparkApplication's sparkConf pointed at the same Iceberg JDBC catalog and warehouse as the
// test Trino. Bronze and silver are loaded by Trino; Spark writes the gold table; Trino reads
// it through the catalog, and its content hash equals the one DuckDB computes.
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compile, readPipelinePlans } from '../../compiler/index.js';
import { SparkLocalExecutor, type SparkJobInput } from '../../reconciler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { engines } from '../harness/engines.js';
import { useTrino } from '../harness/trino-suite.js';
import { createTables, duckTableHash, openDuck, rowExpression, rowsHash, runPipelines } from '../helpers/duckdb-pipelines.js';
import { EXAMPLES } from '../helpers/paths.js';
import { type RecordingContext, recordingContext } from '../helpers/phase-context.js';
import { testCatalogConf } from '../helpers/spark-catalog.js';
import { splitSql } from '../helpers/split-sql.js';
import { extractFile } from '../helpers/trino-pipelines.js';

const root = join(EXAMPLES, 'finance');
const CATALOG = 'dev_lakehouse';
const ALL_SPARK = 'dev_sparkhouse';
const suite = useTrino([CATALOG, ALL_SPARK]);



/** The Spark executor in local mode, with the catalog pointed at the test Trino's JDBC catalog and file warehouse. */
function sparkExecutor(catalog: string, job: string): SparkLocalExecutor {
  const e = engines();
  // The job reads each secret of its secretConf from the environment; this catalog needs none.
  const secretEnv = Object.fromEntries([...job.matchAll(/\\"spark\.sql\.catalog\.[^"\\]+\\": \\"([A-Z_]+)\\"/g)].map((m) => [m[1]!, '']));
  return new SparkLocalExecutor({
    sparkSubmit: e.sparkSubmit,
    javaHome: e.sparkJavaHome,
    python: e.sparkPython,
    jars: e.sparkJars,
    // This machine's catalog instead of the cluster's REST catalog on S3.
    confOverrides: testCatalogConf(catalog, suite.pg.port, suite.trino.warehouse),
    env: secretEnv,
    filesRoot: root,
  });
}

async function runSparkJob(r: ReturnType<typeof compile>, catalog: string, pipeline: string): Promise<{ out: Record<string, unknown>; ctx: RecordingContext }> {
  const job = r.artifacts.find((x) => x.path === `spark/${pipeline}/job.py`)!.content;
  const app = parseYaml(r.artifacts.find((x) => x.path === `spark/${pipeline}/sparkapplication.yaml`)!.content) as { spec: { sparkConf: Record<string, string> } };
  const ctx = recordingContext({ phase: 'customer_marts', executor: 'spark' });
  const input: SparkJobInput = { kind: 'spark-job', pipeline, job, sparkConf: app.spec.sparkConf };
  try {
    return { out: await sparkExecutor(catalog, job).execute(input, ctx), ctx };
  } catch (err) {
    console.log(ctx.progressed.join('\n'));
    console.log(ctx.texts.get(`${pipeline}.events.jsonl`));
    console.log(ctx.texts.get(`${pipeline}.stderr.log`)?.split('\n').slice(-60).join('\n'));
    throw err;
  }
}

/** examples/finance computed on DuckDB (its Spark pipeline compiled for DuckDB instead): the reference hashes. */
async function onDuckDb<T>(pipelines: string[], fn: (duck: Awaited<ReturnType<typeof openDuck>>) => Promise<T>): Promise<T> {
  const files = readSpecFiles(root).files.map((f) => (f.path.startsWith('pipelines/') ? { ...f, text: f.text.replace('engine: spark\n  connection: spark_k8s', 'engine: trino') } : f));
  const rd = compile(files, { environment: 'dev', gitSha: 'abc1234', backends: ['duckdb'] });
  const duck = await openDuck({ [CATALOG]: ':memory:' }, root);
  try {
    await createTables(duck, rd.artifacts);
    await runPipelines(duck, rd.artifacts, pipelines);
    return await fn(duck);
  } finally {
    duck.close();
  }
}

describe('Spark local mode: examples/finance (dev)', () => {
  it('runs the emitted job with pyspark, writing an Iceberg table Trino reads, identical to DuckDB', async () => {
    const r = compile(readSpecFiles(root).files, { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'spark'] });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);

    // The apply (Trino DDL), then bronze and silver on Trino.
    for (const a of r.artifacts.filter((x) => x.kind === 'trino.ddl')) for (const stmt of splitSql(a.content)) await suite.trino.query(stmt);
    const plans = readPipelinePlans(r.artifacts, 'trino');
    for (const name of ['erp_ingest', 'sales_silver']) {
      for (const step of plans.find((p) => p.pipeline === name)!.steps) {
        for (const action of step.actions) {
          if (action.kind === 'sql') await suite.trino.query(action.sql);
          else await extractFile(suite.trino, action, root);
        }
      }
    }

    // The gold marts on Spark: the job and the SparkApplication exactly as compiled.
    const { out, ctx } = await runSparkJob(r, CATALOG, 'customer_marts');
    expect(out.steps).toEqual(['top_customers']);
    expect(ctx.progressed.some((m) => /PHASE_SUCCEEDED/.test(m))).toBe(true);
    expect(ctx.artifacts).toEqual(['customer_marts.job.py', 'customer_marts.events.jsonl']);

    // Trino reads what Spark wrote, through the same catalog.
    const t = r.ir!.tables.find((x) => x.name === 'top_customers')!;
    const fq = `"${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`;
    const onTrino = rowsHash((await suite.trino.query(`SELECT ${rowExpression(t.columns, 'trino')} AS r FROM ${fq}`)).rows.map((x) => String(x[0])));
    expect(onTrino.rows).toBe(10);

    // The same marts on DuckDB.
    await onDuckDb(['erp_ingest', 'sales_silver', 'customer_marts'], async (duck) => {
      const onDuck = await duckTableHash(duck, fq, t.columns);
      console.log(`top_customers: ${onTrino.rows} rows, spark→trino ${onTrino.hash.slice(0, 12)} duckdb ${onDuck.hash.slice(0, 12)}`);
      expect(onTrino).toEqual(onDuck);
    });
  });

  it('every pipeline on Spark from empty tables: bronze, silver and gold read by Trino equal DuckDB', async () => {
    // The whole example on Spark, in a catalog of its own: ingest from the CSV exports, silver, gold.
    const files = readSpecFiles(root).files.map((f) => {
      if (f.path === 'workspace.yaml') return { ...f, text: f.text.replace('catalog: lakehouse', 'catalog: sparkhouse') };
      if (!f.path.startsWith('pipelines/')) return f;
      return { ...f, text: f.text.replace(/engine: (trino|dbt)\n/, 'engine: spark\n  connection: spark_k8s\n') };
    });
    const r = compile(files, { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'spark'] });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const a of r.artifacts.filter((x) => x.kind === 'trino.ddl')) for (const stmt of splitSql(a.content)) await suite.trino.query(stmt);
    const order = ['erp_ingest', 'sales_silver', 'finance_marts', 'customer_marts'];
    expect(r.artifacts.filter((x) => x.kind === 'spark.job').map((x) => x.path.split('/')[1]).sort()).toEqual([...order].sort());
    for (const p of order) await runSparkJob(r, ALL_SPARK, p);

    await onDuckDb(order, async (duck) => {
      const report: string[] = [];
      for (const t of r.ir!.tables) {
        const onTrino = rowsHash((await suite.trino.query(`SELECT ${rowExpression(t.columns, 'trino')} AS r FROM "${ALL_SPARK}"."${t.physical.schema}"."${t.physical.table}"`)).rows.map((x) => String(x[0])));
        const onDuck = await duckTableHash(duck, `"${CATALOG}"."${t.physical.schema}"."${t.physical.table}"`, t.columns);
        report.push(`${t.name}: ${onTrino.rows} rows, spark→trino ${onTrino.hash.slice(0, 12)} duckdb ${onDuck.hash.slice(0, 12)}`);
        expect(onTrino, t.name).toEqual(onDuck);
      }
      console.log('all-Spark hashes (dev):\n  ' + report.join('\n  '));
    });
  });
});
