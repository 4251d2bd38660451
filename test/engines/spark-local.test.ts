// Spark in local mode on the real engines: the job the compiler emits for examples/finance's
// Spark pipeline (customer_marts) runs with pyspark 4.0 through the Spark executor, with its
// SparkApplication's sparkConf pointed at the same Iceberg JDBC catalog and warehouse as the
// test Trino. Bronze and silver are loaded by Trino; Spark writes the gold table; Trino reads
// it through the catalog, and its content hash equals the one DuckDB computes.
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { type PipelinePlan, compile } from '../../compiler/index.js';
import { type Claim, type PhaseContext, SparkLocalExecutor, type SparkJobInput } from '../../reconciler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { engines } from '../harness/engines.js';
import { useTrino } from '../harness/trino-suite.js';
import { createTables, duckTableHash, openDuck, rowExpression, rowsHash, runPipelines } from '../helpers/duckdb-pipelines.js';
import { EXAMPLES } from '../helpers/paths.js';
import { splitSql } from '../helpers/split-sql.js';
import { extractFile } from '../helpers/trino-pipelines.js';

const root = join(EXAMPLES, 'finance');
const CATALOG = 'dev_lakehouse';
const suite = useTrino([CATALOG]);

function context(): PhaseContext & { progressed: string[]; artifacts: string[] } {
  const progressed: string[] = [];
  const artifacts: string[] = [];
  return {
    claim: { runId: 'r', phaseId: 'p', phase: 'customer_marts', executor: 'spark', input: {}, token: 't', attempt: 1, maxAttempts: 1, timeoutSeconds: 600, leaseExpiresAt: new Date(), run: { workspace_id: 'finance', environment: 'dev', spec_slug: 'x', git_sha: 'abc1234' } } as Claim,
    signal: new AbortController().signal,
    progressed,
    artifacts,
    progress: async (m) => void progressed.push(m),
    event: async () => {},
    artifact: async (name) => (artifacts.push(name), 'sha'),
    fence: async () => {},
  };
}

describe('Spark local mode: examples/finance customer_marts (dev)', () => {
  it('runs the emitted job with pyspark, writing an Iceberg table Trino reads, identical to DuckDB', async () => {
    const e = engines();
    const r = compile(readSpecFiles(root).files, { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'spark'] });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);

    // The apply (Trino DDL), then bronze and silver on Trino.
    for (const a of r.artifacts.filter((x) => x.kind === 'trino.ddl')) for (const stmt of splitSql(a.content)) await suite.trino.query(stmt);
    const plans = r.artifacts.filter((x) => x.kind === 'trino.pipeline').map((x) => JSON.parse(x.content) as PipelinePlan);
    for (const name of ['erp_ingest', 'sales_silver']) {
      for (const step of plans.find((p) => p.pipeline === name)!.steps) {
        for (const action of step.actions) {
          if (action.kind === 'sql') await suite.trino.query(action.sql);
          else await extractFile(suite.trino, action, root);
        }
      }
    }

    // The gold marts on Spark: the job and the SparkApplication exactly as compiled.
    const job = r.artifacts.find((x) => x.path === 'spark/customer_marts/job.py')!.content;
    const app = parseYaml(r.artifacts.find((x) => x.path === 'spark/customer_marts/sparkapplication.yaml')!.content) as { spec: { sparkConf: Record<string, string> } };
    const secretEnv = Object.fromEntries([...job.matchAll(/\\"spark\.sql\.catalog\.[^"\\]+\\": \\"([A-Z_]+)\\"/g)].map((m) => [m[1]!, '']));
    const executor = new SparkLocalExecutor({
      sparkSubmit: e.sparkSubmit,
      javaHome: e.sparkJavaHome,
      python: e.sparkPython,
      jars: e.sparkJars,
      // This machine's catalog instead of the cluster's REST catalog on S3: the JDBC catalog
      // and file warehouse the test Trino uses.
      confOverrides: {
        [`spark.sql.catalog.${CATALOG}.type`]: 'jdbc',
        [`spark.sql.catalog.${CATALOG}.uri`]: `jdbc:postgresql://127.0.0.1:${suite.pg.port}/iceberg_catalog`,
        [`spark.sql.catalog.${CATALOG}.jdbc.user`]: 'lakespec',
        [`spark.sql.catalog.${CATALOG}.jdbc.password`]: 'lakespec',
        [`spark.sql.catalog.${CATALOG}.warehouse`]: `file://${suite.trino.warehouse}/${CATALOG}`,
        [`spark.sql.catalog.${CATALOG}.io-impl`]: 'org.apache.iceberg.hadoop.HadoopFileIO',
        [`spark.sql.catalog.${CATALOG}.s3.endpoint`]: null,
        [`spark.sql.catalog.${CATALOG}.s3.path-style-access`]: null,
        [`spark.sql.catalog.${CATALOG}.client.region`]: null,
      },
      env: secretEnv,
      filesRoot: root,
    });
    const ctx = context();
    const input: SparkJobInput = { kind: 'spark-job', pipeline: 'customer_marts', job, sparkConf: app.spec.sparkConf };
    let out: Record<string, unknown>;
    try {
      out = await executor.execute(input, ctx);
    } catch (err) {
      console.log(ctx.progressed.join('\n'));
      throw err;
    }
    expect(out.steps).toEqual(['top_customers']);
    expect(ctx.progressed.some((m) => /PHASE_SUCCEEDED/.test(m))).toBe(true);
    expect(ctx.artifacts).toEqual(['customer_marts.job.py', 'customer_marts.events.jsonl']);

    // Trino reads what Spark wrote, through the same catalog.
    const t = r.ir!.tables.find((x) => x.name === 'top_customers')!;
    const fq = `"${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`;
    const onTrino = rowsHash((await suite.trino.query(`SELECT ${rowExpression(t.columns, 'trino')} AS r FROM ${fq}`)).rows.map((x) => String(x[0])));
    expect(onTrino.rows).toBe(10);

    // The same marts on DuckDB (the Spark pipeline compiled for DuckDB instead).
    const files = readSpecFiles(root).files.map((f) => (f.path.startsWith('pipelines/') ? { ...f, text: f.text.replace('engine: spark\n  connection: spark_k8s', 'engine: trino') } : f));
    const rd = compile(files, { environment: 'dev', gitSha: 'abc1234', backends: ['duckdb'] });
    const duck = await openDuck({ [CATALOG]: ':memory:' }, root);
    try {
      await createTables(duck, rd.artifacts);
      await runPipelines(duck, rd.artifacts, ['erp_ingest', 'sales_silver', 'customer_marts']);
      const onDuck = await duckTableHash(duck, fq, t.columns);
      console.log(`top_customers: ${onTrino.rows} rows, spark→trino ${onTrino.hash.slice(0, 12)} duckdb ${onDuck.hash.slice(0, 12)}`);
      expect(onTrino).toEqual(onDuck);
    } finally {
      duck.close();
    }
  });
});
