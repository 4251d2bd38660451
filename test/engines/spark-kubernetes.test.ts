// The Spark executor's Kubernetes mode against a real Kubernetes API: kube-apiserver 1.34 on
// etcd with the spark-operator's SparkApplication CRD from shared/reference registered.
// Every compiled SparkApplication is accepted by the API server's own validation (a
// server-side dry run), a malformed one is refused with the reason. A mixed run of
// examples/finance goes through the run queue: Trino SQL steps, the dbt pipeline on
// dbt-trino, the Spark pipeline as a SparkApplication. This machine has no nodes to start
// driver pods on, so a stand-in plays the operator's part (test/harness/spark-operator-
// stand-in.ts): it reads the application and its ConfigMap from the API, resolves the
// driver's secrets from the API, runs the driver with pyspark and writes the status the way
// the operator does. Everything lakespec does goes to the real API server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Artifact, compile } from '../../compiler/index.js';
import {
  DbtExecutor,
  LocalArtifactStore,
  RunQueue,
  SparkKubernetesExecutor,
  SparkLocalExecutor,
  type SparkJobInput,
  SqlStepExecutor,
  TrinoEngine,
  Worker,
  migrate,
  openPglite,
  runPhases,
} from '../../reconciler/index.js';
import { readSpecFiles } from '../../spec/index.js';
import { engines } from '../harness/engines.js';
import { type KubernetesServer, startKubernetes } from '../harness/kubernetes-server.js';
import { type DriverRunner, SparkOperatorStandIn } from '../harness/spark-operator-stand-in.js';
import { useTrino } from '../harness/trino-suite.js';
import { createTables, duckTableHash, openDuck, rowExpression, rowsHash, runPipelines } from '../helpers/duckdb-pipelines.js';
import { EXAMPLES, ROOT } from '../helpers/paths.js';
import { recordingContext } from '../helpers/phase-context.js';
import { runCli } from '../helpers/run-cli.js';
import { testCatalogConf } from '../helpers/spark-catalog.js';
import { splitSql } from '../helpers/split-sql.js';

const root = join(EXAMPLES, 'finance');
const CATALOG = 'dev_lakehouse';
const NAMESPACE = 'data-jobs';
const G = { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications' };
const suite = useTrino([CATALOG]);

let k8s: KubernetesServer;
let kc: KubeConfig;
let operator: SparkOperatorStandIn;
/** The driver's outcome can be forced per application (by name prefix), for the failure cases. */
const forcedFailures = new Map<string, string>();
/** Drivers wait here while a test holds the gate (to act while an application is RUNNING). */
let gate: Promise<void> = Promise.resolve();
/** Each table's content hash after the first mixed run, to compare the second run (the CLI's) with. */
const firstRun = new Map<string, { rows: number; hash: string }>();

const runDriver: DriverRunner = async (app, job, env, signal) => {
  await Promise.race([gate, new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
  if (signal.aborted) return { ok: false, message: 'driver killed' };
  for (const [prefix, message] of forcedFailures) if (app.metadata.name.startsWith(prefix)) return { ok: false, message };
  const e = engines();
  const local = new SparkLocalExecutor({ sparkSubmit: e.sparkSubmit, javaHome: e.sparkJavaHome, python: e.sparkPython, jars: e.sparkJars, env, filesRoot: root });
  const ctx = recordingContext({ phase: 'driver', executor: 'spark', signal });
  const spec = app.spec as { sparkConf?: Record<string, string> };
  const input: SparkJobInput = { kind: 'spark-job', pipeline: app.metadata.labels?.['lakespec.dev/pipeline'] ?? app.metadata.name, job, sparkConf: spec.sparkConf ?? {} };
  try {
    await local.execute(input, ctx);
    return { ok: true };
  } catch (err) {
    console.log([...ctx.progressed, ...[...ctx.texts].map(([name, text]) => `${name}: ${text.split('\n').slice(-20).join('\n')}`)].join('\n').slice(-4000));
    return { ok: false, message: (err as Error).message };
  }
};

beforeAll(async () => {
  k8s = await startKubernetes(engines());
  kc = k8s.kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  // The secrets the compiled driver env refers to (the test catalog needs no real values).
  await core.createNamespacedSecret({ namespace: NAMESPACE, body: { metadata: { name: 'iceberg-rest' }, stringData: { token: '' } } });
  await core.createNamespacedSecret({ namespace: NAMESPACE, body: { metadata: { name: 'lakehouse-s3' }, stringData: { 'access-key-id': '', 'secret-access-key': '' } } });
  operator = new SparkOperatorStandIn(kc, NAMESPACE, runDriver, 200);
  operator.start();
}, 180_000);

afterAll(async () => {
  await operator?.stop();
  await k8s?.stop();
});

function financeFiles(variant: 'as-is' | 'all-spark' = 'as-is') {
  const files = readSpecFiles(root).files;
  if (variant === 'as-is') return files;
  return files.map((f) => (f.path.startsWith('pipelines/') ? { ...f, text: f.text.replace(/engine: (trino|dbt)\n/, 'engine: spark\n  connection: spark_k8s\n') } : f));
}

function applications(artifacts: readonly Artifact[]): { path: string; body: Record<string, unknown> }[] {
  return artifacts.filter((a) => a.path.endsWith('/sparkapplication.yaml')).map((a) => ({ path: a.path, body: parseYaml(a.content) as Record<string, unknown> }));
}


function context(runId: string, signal?: AbortSignal) {
  return recordingContext({ runId, phase: 'customer_marts.spark', executor: 'spark', ...(signal ? { signal } : {}) });
}

function sparkInput(artifacts: readonly Artifact[]): SparkJobInput {
  const phases = runPhases(compile(financeFiles(), { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'spark'] }).ir!, artifacts, 'trino', ['customer_marts']);
  return phases[0]!.input as SparkJobInput;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function appState(name: string): Promise<string | undefined | null> {
  try {
    const a = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...G, namespace: NAMESPACE, name })) as { status?: { applicationState?: { state?: string } } };
    return a.status?.applicationState?.state ?? '';
  } catch (e) {
    if (e instanceof ApiException && e.code === 404) return null;
    throw e;
  }
}

const kubeExecutor = () => new SparkKubernetesExecutor({ kubeConfig: kc, confOverrides: testCatalogConf(CATALOG, suite.pg.port, suite.trino.warehouse), pollMs: 200 });

describe('Spark on Kubernetes: the SparkApplications the compiler emits', () => {
  it('are accepted by the API server with the reference CRD (server-side dry run), for every environment and an all-Spark variant', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const seen: string[] = [];
    for (const [env, variant] of [['dev', 'as-is'], ['prod', 'as-is'], ['dev', 'all-spark'], ['prod', 'all-spark']] as const) {
      const r = compile(financeFiles(variant), { environment: env, gitSha: 'abc1234', backends: ['spark'] });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const apps = applications(r.artifacts);
      expect(apps.length).toBe(variant === 'as-is' ? 1 : 4);
      for (const a of apps) {
        const created = (await custom.createNamespacedCustomObject({ ...G, namespace: NAMESPACE, body: a.body, dryRun: 'All' })) as { metadata: { name: string; uid: string } };
        expect(created.metadata.uid, a.path).toBeTruthy();
        seen.push(`${env}/${a.path}`);
      }
    }
    expect(seen.length).toBe(10);
    // Dry runs persist nothing.
    expect(((await custom.listNamespacedCustomObject({ ...G, namespace: NAMESPACE })) as { items: unknown[] }).items).toEqual([]);

    // The API server really validates against the CRD's schema: a malformed application is refused, with the field.
    const bad = applications(compile(financeFiles(), { environment: 'dev', gitSha: 'abc1234', backends: ['spark'] }).artifacts)[0]!.body as { spec: Record<string, unknown> };
    bad.spec.type = 'Ruby';
    bad.spec.driver = { ...(bad.spec.driver as object), cores: 'one' };
    const refused = await custom.createNamespacedCustomObject({ ...G, namespace: NAMESPACE, body: bad, dryRun: 'All' }).then(
      () => undefined,
      (e: ApiException<string>) => e,
    );
    expect(refused?.code).toBe(422);
    expect(String(refused?.body)).toContain('spec.type');
    expect(String(refused?.body)).toContain('spec.driver.cores');
  });
});

describe('Spark on Kubernetes: examples/finance (dev) through the run queue', () => {
  it('runs Trino steps, dbt on Trino and the SparkApplication; the gold tables equal DuckDB', async () => {
    const e = engines();
    const r = compile(financeFiles(), { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'spark', 'dbt', 'duckdb'] });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ir = r.ir!;
    for (const a of r.artifacts.filter((x) => x.kind === 'trino.ddl')) for (const stmt of splitSql(a.content)) await suite.trino.query(stmt);

    const db = await openPglite(undefined);
    await migrate(db);
    const work = mkdtempSync(join(tmpdir(), 'lakespec-k8s-run-'));
    const queue = new RunQueue(db, new LocalArtifactStore(join(work, 'artifacts')));
    const phases = runPhases(ir, r.artifacts, 'trino', ['erp_ingest', 'sales_silver', 'finance_marts', 'customer_marts']);
    expect(phases.filter((p) => p.executor !== 'trino').map((p) => `${p.name}:${p.executor}`).sort()).toEqual(['customer_marts.spark:spark', 'finance_marts.dbt:dbt']);
    const run = await queue.createRun({ workspace: ir.workspace, environment: 'dev', specSlug: 'finance/k8s', gitSha: ir.gitSha, trigger: 'test', requester: 'tests', phases });
    const trino = new TrinoEngine({ server: `http://127.0.0.1:${suite.trino.port}` });
    const dbtEnv = { ...process.env, LAKESPEC_DBT_TARGET: 'trino', LAKESPEC_TRINO_HOST: '127.0.0.1', LAKESPEC_TRINO_PORT: String(suite.trino.port), LAKESPEC_TRINO_USER: 'lakespec' };
    const worker = new Worker(queue, [new SqlStepExecutor({ engine: trino, filesRoot: root }), new DbtExecutor({ dbt: e.dbt, env: dbtEnv, workDir: join(work, 'dbt') }), kubeExecutor()], { idleMs: 10 });
    const before = operator.submissions.length;
    while (await worker.runOnce());
    const done = (await queue.getRun(run.id))!;
    const states = await queue.phases(run.id);
    if (done.status !== 'succeeded') console.log(states.map((p) => `${p.name} ${p.status} ${p.error ?? ''}`).join('\n'));
    expect(done.status).toBe('succeeded');

    // One SparkApplication, named for the run, labelled with it, COMPLETED by the operator; its ConfigMap owned by it.
    expect(operator.submissions.length - before).toBe(1);
    const name = operator.submissions.at(-1)!;
    expect(name).toBe(`lakespec-finance-customer-marts-dev-${run.id.replace(/-/g, '').slice(0, 10)}`);
    const app = (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...G, namespace: NAMESPACE, name })) as { metadata: { labels: Record<string, string> }; spec: { sparkConf: Record<string, string> }; status: { applicationState: { state: string } } };
    expect(app.status.applicationState.state).toBe('COMPLETED');
    expect(app.metadata.labels).toMatchObject({ 'lakespec.dev/run-id': run.id, 'lakespec.dev/phase': 'customer_marts.spark', 'lakespec.dev/git-sha': 'abc1234' });
    expect(app.spec.sparkConf[`spark.sql.catalog.${CATALOG}.type`]).toBe('jdbc');
    expect(app.spec.sparkConf[`spark.sql.catalog.${CATALOG}.s3.endpoint`]).toBeUndefined();
    const cm = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: `${name}-job`, namespace: NAMESPACE });
    expect(cm.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'SparkApplication', name });
    const sparkPhase = states.find((p) => p.name === 'customer_marts.spark')!;
    expect(sparkPhase.output).toMatchObject({ application: name, namespace: NAMESPACE, state: 'COMPLETED', steps: ['top_customers'] });
    const arts = (await queue.runArtifacts(run.id)).filter((a) => a.phase === 'customer_marts.spark').map((a) => a.name);
    expect(arts).toEqual(expect.arrayContaining(['customer_marts.sparkapplication.yaml', 'customer_marts.status.json']));
    const events = (await queue.events(run.id)).filter((x) => x.phase === 'customer_marts.spark').map((x) => x.message);
    expect(events.some((m) => /: RUNNING$/.test(m))).toBe(true);
    expect(events.some((m) => /: COMPLETED$/.test(m))).toBe(true);

    // Every table, read back through Trino, equals the native DuckDB pipelines.
    const native = await openDuck({ [CATALOG]: ':memory:' }, root);
    try {
      await createTables(native, r.artifacts);
      await runPipelines(native, r.artifacts, ['erp_ingest', 'sales_silver', 'finance_marts', 'customer_marts']);
      const report: string[] = [];
      for (const t of ir.tables) {
        const fq = `"${t.physical.catalog}"."${t.physical.schema}"."${t.physical.table}"`;
        const onTrino = rowsHash((await suite.trino.query(`SELECT ${rowExpression(t.columns, 'trino')} AS r FROM ${fq}`)).rows.map((x) => String(x[0])));
        const onDuck = await duckTableHash(native, fq, t.columns);
        report.push(`${t.name} (${ir.pipelines.find((p) => p.name === t.producer?.pipeline)?.engine}): ${onTrino.rows} rows, ${onTrino.hash.slice(0, 12)} = duckdb ${onDuck.hash.slice(0, 12)}`);
        expect(onTrino.rows, t.name).toBeGreaterThan(0);
        expect(onTrino, t.name).toEqual(onDuck);
        firstRun.set(fq, onTrino);
      }
      console.log('mixed run (trino + dbt-trino + Spark on Kubernetes) hashes:\n  ' + report.join('\n  '));
    } finally {
      native.close();
    }
    await db.close();
  });

  it('a second worker on the same run follows the application instead of submitting it again', async () => {
    const r = compile(financeFiles(), { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'spark'] });
    const input = sparkInput(r.artifacts);
    const runId = '11111111-2222-3333-4444-555555555555';
    const before = operator.submissions.length;
    let release!: () => void;
    gate = new Promise((r2) => (release = r2));
    const first = kubeExecutor().execute(input, context(runId));
    const name = `lakespec-finance-customer-marts-dev-1111111122`;
    await waitFor('the application to run', async () => ((await appState(name)) === 'RUNNING' ? true : undefined));
    // The lease of the first worker expired; another claims the phase while the driver runs.
    const secondCtx = context(runId);
    const second = kubeExecutor().execute(input, secondCtx);
    await waitFor('the second worker to find it', async () => (secondCtx.progressed.some((m) => m.includes('exists (RUNNING); following it')) ? true : undefined));
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a).toMatchObject({ application: name, state: 'COMPLETED' });
    expect(b).toMatchObject({ application: name, state: 'COMPLETED' });
    expect(operator.submissions.length - before).toBe(1);
    // And a retry after completion has nothing to do either.
    expect(await kubeExecutor().execute(input, context(runId))).toMatchObject({ state: 'COMPLETED' });
    expect(operator.submissions.length - before).toBe(1);
  });

  it('a stopped phase deletes its application, which stops the driver', async () => {
    const r = compile(financeFiles(), { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'spark'] });
    const runId = '22222222-2222-3333-4444-555555555555';
    const name = 'lakespec-finance-customer-marts-dev-2222222222';
    gate = new Promise(() => {}); // the driver never finishes on its own
    const stop = new AbortController();
    const pending = kubeExecutor().execute(sparkInput(r.artifacts), context(runId, stop.signal));
    await waitFor('the application to run', async () => ((await appState(name)) === 'RUNNING' ? true : undefined));
    stop.abort('run cancelled by tests');
    await expect(pending).rejects.toThrow(/deleted: the phase was stopped \(run cancelled by tests\)/);
    await waitFor('the application to be gone', async () => ((await appState(name)) === null ? true : undefined));
    // Its ConfigMap goes with it only through the garbage collector (not running here): it is owned.
    gate = Promise.resolve();
  });

  it('a failed driver fails the phase with the operator\'s message; the retry deletes it and submits again', async () => {
    const r = compile(financeFiles(), { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'spark'] });
    const runId = '33333333-2222-3333-4444-555555555555';
    const name = 'lakespec-finance-customer-marts-dev-3333333322';
    const before = operator.submissions.length;
    forcedFailures.set(name, 'Job aborted: executor lost\nExitCode 137 (OOMKilled)');
    await expect(kubeExecutor().execute(sparkInput(r.artifacts), context(runId))).rejects.toThrow(`SparkApplication ${NAMESPACE}/${name} FAILED: Job aborted: executor lost | ExitCode 137 (OOMKilled)`);
    expect(await appState(name)).toBe('FAILED');
    forcedFailures.delete(name);
    const retry = context(runId);
    expect(await kubeExecutor().execute(sparkInput(r.artifacts), retry)).toMatchObject({ application: name, state: 'COMPLETED' });
    expect(retry.progressed[0]).toContain('failed before (FAILED); deleting it to submit again');
    expect(operator.submissions.length - before).toBe(2);
  });

  it('a missing driver secret is the operator\'s SUBMISSION_FAILED, final and explained', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await core.deleteNamespacedSecret({ name: 'lakehouse-s3', namespace: NAMESPACE });
    try {
      const r = compile(financeFiles(), { environment: 'dev', gitSha: 'abc1234', backends: ['trino', 'spark'] });
      await expect(kubeExecutor().execute(sparkInput(r.artifacts), context('44444444-2222-3333-4444-555555555555'))).rejects.toThrow(/SUBMISSION_FAILED: driver pod: secret "lakehouse-s3" \(key access-key-id\) not found/);
    } finally {
      await core.createNamespacedSecret({ namespace: NAMESPACE, body: { metadata: { name: 'lakehouse-s3' }, stringData: { 'access-key-id': '', 'secret-access-key': '' } } });
    }
  });
});

describe('Spark on Kubernetes from the CLI', () => {
  it('`lakespec run --engine trino` refuses a run it has no executors for, and runs it with them configured', async () => {
    await suite.pg.createDatabase('k8s_cli_state');
    const e = engines();
    const args = [root, '--env', 'dev', '--engine', 'trino', '--trino-url', `http://127.0.0.1:${suite.trino.port}`, '--database-url', suite.pg.url('k8s_cli_state'), '--git-sha', 'cd'.repeat(20)];
    const apply = await runCli(['apply', ...args], ROOT);
    expect(apply.code, apply.stderr + apply.stdout).toBe(0);

    const bare = await runCli(['run', 'finance_marts,customer_marts', ...args], ROOT);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('pipeline finance_marts runs on dbt, and no dbt executor is configured');
    expect(bare.stderr).toContain('pipeline customer_marts runs on spark, and no spark executor is configured');
    expect(bare.stderr).not.toMatch(/\n\s+at /);

    const env = {
      LAKESPEC_DBT: e.dbt,
      LAKESPEC_TRINO_USER: 'lakespec',
      LAKESPEC_SPARK_MODE: 'kubernetes',
      KUBECONFIG: k8s.kubeConfigFile,
      LAKESPEC_SPARK_CONF: JSON.stringify(testCatalogConf(CATALOG, suite.pg.port, suite.trino.warehouse)),
      PATH: process.env.PATH,
    };
    const bad = await runCli(['run', 'customer_marts', ...args], ROOT, { ...env, LAKESPEC_SPARK_CONF: '{"spark.x": 1}' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('LAKESPEC_SPARK_CONF must be a JSON object of strings');

    const before = operator.submissions.length;
    const run = await runCli(['run', 'erp_ingest,sales_silver,finance_marts,customer_marts', ...args], ROOT, env);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    console.log(run.stdout);
    expect(run.stdout).toMatch(/✔ customer_marts\.spark\s+top_customers \(SparkApplication lakespec-finance-customer-marts-dev-[0-9a-f]{10}\)/);
    expect(run.stdout).toMatch(/✔ finance_marts\.dbt\s+2 models, \d+ tests passed \(dbt\)/);
    expect(operator.submissions.length - before).toBe(1);

    // A second run of the same specs (this one from the CLI) leaves every table with the same content.
    expect(firstRun.size).toBe(13);
    const tables = compile(financeFiles(), { environment: 'dev', gitSha: 'abc1234', backends: ['trino'] }).ir!.tables;
    for (const [fq, first] of firstRun) {
      const t = tables.find((x) => fq === `"${x.physical.catalog}"."${x.physical.schema}"."${x.physical.table}"`)!;
      const again = rowsHash((await suite.trino.query(`SELECT ${rowExpression(t.columns, 'trino')} AS r FROM ${fq}`)).rows.map((x) => String(x[0])));
      expect(again, fq).toEqual(first);
    }
  });
});
