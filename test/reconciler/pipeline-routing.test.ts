// Which executor runs which phase, and with what: examples/finance's four pipelines on the
// embedded DuckDB (all SQL steps) and on Trino (SQL steps, one dbt phase carrying the
// compiled project, one Spark phase carrying the SparkApplication); the executors configured
// from the environment and the messages when one is missing or misconfigured; the carried
// dbt project written once per content and never outside its folder.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BackendId, compile } from '../../compiler/index.js';
import {
  type DbtBuildInput,
  DbtExecutor,
  ExecutorSettingsError,
  SparkKubernetesExecutor,
  type SparkJobInput,
  SparkLocalExecutor,
  materializeProject,
  missingExecutors,
  pipelineExecutorsFromEnv,
  runPhases,
} from '../../reconciler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { EXAMPLES } from '../helpers/paths.js';

const root = join(EXAMPLES, 'finance');
const ALL = ['customer_marts', 'erp_ingest', 'finance_marts', 'sales_silver'];

function compiled(backends: BackendId[]) {
  const r = compile(readSpecFiles(root).files, { environment: 'dev', gitSha: 'e'.repeat(40), backends });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r;
}

describe('run phases per engine', () => {
  it('on the embedded DuckDB every pipeline is SQL steps', () => {
    const r = compiled(['duckdb']);
    const phases = runPhases(r.ir!, r.artifacts, 'duckdb', ALL);
    expect(new Set(phases.map((p) => p.executor))).toEqual(new Set(['duckdb']));
    expect(phases.map((p) => p.name)).toContain('customer_marts.top_customers');
    expect(phases.map((p) => p.name)).toContain('finance_marts.daily_revenue');
  });

  it('on Trino, dbt and Spark pipelines are one phase each, after what they read, carrying their whole input', () => {
    const r = compiled(['trino', 'spark', 'dbt']);
    const phases = runPhases(r.ir!, r.artifacts, 'trino', ALL);
    const byName = new Map(phases.map((p) => [p.name, p]));
    const order = phases.map((p) => p.name);
    expect(phases.filter((p) => p.executor !== 'trino').map((p) => [p.name, p.executor])).toEqual(
      expect.arrayContaining([
        ['customer_marts.spark', 'spark'],
        ['finance_marts.dbt', 'dbt'],
      ]),
    );
    expect(phases.filter((p) => p.executor !== 'trino')).toHaveLength(2);
    // Every dependency names a phase of this run that comes earlier.
    for (const p of phases) for (const d of p.dependsOn ?? []) {
      expect(byName.has(d), `${p.name} → ${d}`).toBe(true);
      expect(order.indexOf(d)).toBeLessThan(order.indexOf(p.name));
    }
    // The marts wait for the silver steps they read.
    expect(byName.get('customer_marts.spark')!.dependsOn ?? []).toEqual(expect.arrayContaining(['sales_silver.partners', 'sales_silver.sale_orders']));
    expect((byName.get('finance_marts.dbt')!.dependsOn ?? []).some((d) => d.startsWith('sales_silver.'))).toBe(true);

    const spark = byName.get('customer_marts.spark')!.input as SparkJobInput;
    expect(spark.kind).toBe('spark-job');
    expect(spark.job).toBe(r.artifacts.find((a) => a.path === 'spark/customer_marts/job.py')!.content);
    expect(spark.application?.kind).toBe('SparkApplication');
    expect(spark.application?.metadata.labels?.['lakespec.dev/git-sha']).toBe('e'.repeat(40));
    expect((spark.configMap?.metadata as { name: string }).name).toBe('lakespec-finance-customer-marts-dev-job');
    expect(spark.lineage?.outputs.map((o) => o.name)).toEqual(['dev_lakehouse.finance_gold.top_customers']);

    const dbt = byName.get('finance_marts.dbt')!.input as DbtBuildInput;
    expect(dbt.kind).toBe('dbt-build');
    expect(dbt.models.sort()).toEqual(['daily_revenue', 'receivables_ageing']);
    expect(Object.keys(dbt.project!)).toEqual(expect.arrayContaining(['dbt_project.yml', 'profiles.yml']));
    expect(Object.keys(dbt.project!).every((p) => !p.startsWith('dbt/'))).toBe(true);
  });

  it('a run of one pipeline has no dependencies on phases outside it', () => {
    const r = compiled(['trino', 'spark', 'dbt']);
    const phases = runPhases(r.ir!, r.artifacts, 'trino', ['customer_marts']);
    expect(phases.map((p) => [p.name, p.dependsOn])).toEqual([['customer_marts.spark', []]]);
  });
});

describe('executors from the environment', () => {
  const ctx = { trinoUrl: 'http://trino.internal:8080', workDir: mkdtempSync(join(tmpdir(), 'lakespec-exec-env-')) };

  it('nothing set: no pipeline executors, and a run that needs them is refused with what to set', async () => {
    expect(await pipelineExecutorsFromEnv({}, ctx)).toEqual([]);
    const r = compiled(['trino', 'spark', 'dbt']);
    const missing = missingExecutors(runPhases(r.ir!, r.artifacts, 'trino', ALL), []);
    expect([...missing].sort()).toEqual([
      'pipeline erp_ingest runs on trino, and no trino executor is configured: pass --engine trino --trino-url URL (see docs/engines.md)',
      'pipeline sales_silver runs on trino, and no trino executor is configured: pass --engine trino --trino-url URL (see docs/engines.md)',
      'pipeline finance_marts runs on dbt, and no dbt executor is configured: set LAKESPEC_DBT to the dbt executable (with dbt-trino) (see docs/engines.md)',
      'pipeline customer_marts runs on spark, and no spark executor is configured: set LAKESPEC_SPARK_MODE=local (with LAKESPEC_SPARK_SUBMIT) or LAKESPEC_SPARK_MODE=kubernetes (see docs/engines.md)',
    ].sort());
  });

  it('builds dbt, Spark local and Spark Kubernetes executors', async () => {
    const kubeconfig = join(ctx.workDir, 'kubeconfig');
    writeFileSync(kubeconfig, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster: { server: 'https://k8s.internal:6443' } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' }));
    const a = await pipelineExecutorsFromEnv({ LAKESPEC_DBT: '/opt/dbt/bin/dbt', LAKESPEC_SPARK_MODE: 'kubernetes', KUBECONFIG: kubeconfig, LAKESPEC_SPARK_CONF: '{"spark.a": "b", "spark.c": null}' }, ctx);
    expect(a.map((e) => e.constructor)).toEqual([DbtExecutor, SparkKubernetesExecutor]);
    const b = await pipelineExecutorsFromEnv({ LAKESPEC_SPARK_MODE: 'local', LAKESPEC_SPARK_SUBMIT: '/opt/spark/bin/spark-submit', JAVA_HOME: '/usr/lib/jvm/17' }, ctx);
    expect(b.map((e) => e.constructor)).toEqual([SparkLocalExecutor]);
    expect(missingExecutors([{ name: 'x.spark', executor: 'spark', dependsOn: [], input: {} }], b)).toEqual([]);
  });

  it.each([
    [{ LAKESPEC_SPARK_MODE: 'yarn' }, 'LAKESPEC_SPARK_MODE must be local or kubernetes (got "yarn")'],
    [{ LAKESPEC_SPARK_MODE: 'local' }, 'LAKESPEC_SPARK_MODE=local needs LAKESPEC_SPARK_SUBMIT'],
    [{ LAKESPEC_SPARK_MODE: 'local', LAKESPEC_SPARK_SUBMIT: '/x' }, 'needs LAKESPEC_SPARK_JAVA_HOME (or JAVA_HOME)'],
    [{ LAKESPEC_SPARK_MODE: 'kubernetes', KUBECONFIG: '/nonexistent/kubeconfig' }, 'cannot read the kubeconfig /nonexistent/kubeconfig'],
    [{ LAKESPEC_SPARK_MODE: 'kubernetes', LAKESPEC_SPARK_CONF: '{"a": 1}' }, 'LAKESPEC_SPARK_CONF must be a JSON object of strings'],
    [{ LAKESPEC_SPARK_MODE: 'kubernetes', LAKESPEC_SPARK_CONF: '{oops' }, 'LAKESPEC_SPARK_CONF is not JSON'],
    [{ LAKESPEC_SPARK_MODE: 'kubernetes', LAKESPEC_SPARK_CONF: '@/nonexistent/conf.json' }, 'LAKESPEC_SPARK_CONF: cannot read /nonexistent/conf.json'],
    [{ LAKESPEC_DBT: 'dbt', LAKESPEC_DBT_TARGET: 'snowflake' }, 'LAKESPEC_DBT_TARGET must be trino or duckdb (got "snowflake")'],
  ])('refuses %j with a message naming the variable', async (env, message) => {
    const attempt = () => pipelineExecutorsFromEnv(env as NodeJS.ProcessEnv, ctx);
    await expect(attempt()).rejects.toThrow(ExecutorSettingsError);
    await expect(attempt()).rejects.toThrow(message);
  });

  it('dbt on Trino needs a Trino', async () => {
    await expect(pipelineExecutorsFromEnv({ LAKESPEC_DBT: 'dbt', LAKESPEC_DBT_TARGET: 'trino' }, { workDir: ctx.workDir })).rejects.toThrow('needs a Trino: pass --trino-url');
  });
});

describe('the carried dbt project', () => {
  it('is written once per content, and never outside its folder', () => {
    const work = mkdtempSync(join(tmpdir(), 'lakespec-dbt-carry-'));
    const files = { 'dbt_project.yml': 'name: x\n', 'models/gold/a.sql': 'select 1\n' };
    const dir = materializeProject(files, work);
    expect(readFileSync(join(dir, 'models/gold/a.sql'), 'utf8')).toBe('select 1\n');
    expect(materializeProject({ 'models/gold/a.sql': 'select 1\n', 'dbt_project.yml': 'name: x\n' }, work)).toBe(dir);
    expect(materializeProject({ ...files, 'models/gold/a.sql': 'select 2\n' }, work)).not.toBe(dir);
    expect(() => materializeProject({ '../../escape.sql': 'x' }, work)).toThrow('dbt project path escapes its folder: ../../escape.sql');
    expect(existsSync(join(work, '..', 'escape.sql'))).toBe(false);
  });
});
