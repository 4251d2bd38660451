// The executors a process runs phases with: SQL steps on its engines, and for pipelines that
// do not run as SQL steps on the run's engine, Spark (local mode or Kubernetes) and dbt. Configured from the environment, the same way for `lakespec
// run`/`apply`/`up` (in process), `serve` and `worker`. Nothing configured means no such
// executor: a run that needs one is refused before it starts (see missingExecutors).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { DbtExecutor } from './dbt-executor.js';
import type { Executor } from '../runs/executor.js';
import { SparkKubernetesExecutor } from './spark-kubernetes-executor.js';
import { SparkLocalExecutor } from './spark-local-executor.js';
import type { PhaseSpec } from '../state/run-types.js';
import type { SqlEngine } from '../engines/sql-engine.js';
import { ENGINES, isEngineId } from '../engines/open-engine.js';
import { SqlStepExecutor } from './sql-step-executor.js';

/** What runs phases in a process: SQL steps on each of its engines, then Spark and dbt as configured. */
export function executorsFor(engines: readonly SqlEngine[], filesRoot: string, pipelineExecutors: readonly Executor[] = []): Executor[] {
  return [...engines.map((engine) => new SqlStepExecutor({ engine, filesRoot })), ...pipelineExecutors];
}

/** A setting that cannot be used: the message names the variable and what it should be. */
export class ExecutorSettingsError extends Error {}

export interface PipelineExecutorContext {
  /** The run's Trino, if any: dbt targets it unless LAKESPEC_DBT_TARGET says otherwise. */
  trinoUrl?: string;
  /** Where carried dbt projects are written (one folder per project). */
  workDir: string;
  /** Where file sources are, for Spark local mode. */
  filesRoot?: string;
}

export const PIPELINE_EXECUTOR_ENV = `  LAKESPEC_DBT             the dbt executable (with dbt-trino or dbt-duckdb): enables dbt pipelines
  LAKESPEC_DBT_TARGET      trino (default with a Trino) or duckdb
  LAKESPEC_SPARK_MODE      local (spark-submit on this machine) or kubernetes (a SparkApplication
                           through the spark-operator): enables Spark pipelines
  LAKESPEC_SPARK_SUBMIT, LAKESPEC_SPARK_JAVA_HOME, LAKESPEC_SPARK_PYTHON, LAKESPEC_SPARK_JARS
                           (comma-separated), LAKESPEC_SPARK_MASTER: local mode
  LAKESPEC_SPARK_NAMESPACE kubernetes mode (default: the compiled manifest's); the cluster comes
                           from KUBECONFIG, ~/.kube/config or the pod's service account
  LAKESPEC_SPARK_CONF      JSON object (or @file) of sparkConf set on top of the compiled one
                           (null removes a key), e.g. a catalog this cluster reaches`;

interface PipelineExecutorEntry {
  /** The executor id phases name (run-phases routes a pipeline's engine to it). */
  id: string;
  /** How a user enables it (for messages about a pipeline nothing here can run). */
  enable: string;
  /** The executor these settings configure; undefined when they configure none. Throws ExecutorSettingsError on a setting that cannot be used. */
  fromEnv(env: NodeJS.ProcessEnv, ctx: PipelineExecutorContext): Promise<Executor | undefined>;
}

/** The executors of pipelines that are not SQL steps on the run's engine, one entry each. */
export const PIPELINE_EXECUTORS: readonly PipelineExecutorEntry[] = [
  {
    id: 'dbt',
    enable: 'set LAKESPEC_DBT to the dbt executable (with dbt-trino)',
    fromEnv: async (env, ctx) => {
      const dbt = env.LAKESPEC_DBT?.trim();
      if (!dbt) return undefined;
      const target = env.LAKESPEC_DBT_TARGET ?? (ctx.trinoUrl ? 'trino' : 'duckdb');
      if (target !== 'trino' && target !== 'duckdb') throw new ExecutorSettingsError(`LAKESPEC_DBT_TARGET must be trino or duckdb (got "${target}")`);
      const dbtEnv: NodeJS.ProcessEnv = { ...env, LAKESPEC_DBT_TARGET: target };
      if (target === 'trino') {
        if (!ctx.trinoUrl && !env.LAKESPEC_TRINO_HOST) throw new ExecutorSettingsError('LAKESPEC_DBT_TARGET=trino needs a Trino: pass --trino-url (or set LAKESPEC_TRINO_URL)');
        if (ctx.trinoUrl && !env.LAKESPEC_TRINO_HOST) {
          const u = new URL(ctx.trinoUrl);
          dbtEnv.LAKESPEC_TRINO_HOST = u.hostname;
          dbtEnv.LAKESPEC_TRINO_PORT = u.port || (u.protocol === 'https:' ? '443' : '80');
        }
      }
      return new DbtExecutor({ dbt, env: dbtEnv, workDir: join(ctx.workDir, 'dbt') });
    },
  },
  {
    id: 'spark',
    enable: 'set LAKESPEC_SPARK_MODE=local (with LAKESPEC_SPARK_SUBMIT) or LAKESPEC_SPARK_MODE=kubernetes',
    fromEnv: async (env, ctx) => {
      const mode = env.LAKESPEC_SPARK_MODE?.trim();
      if (!mode) return undefined;
      const confOverrides = sparkConf(env.LAKESPEC_SPARK_CONF);
      if (mode === 'local') {
        const sparkSubmit = env.LAKESPEC_SPARK_SUBMIT;
        const javaHome = env.LAKESPEC_SPARK_JAVA_HOME ?? env.JAVA_HOME;
        if (!sparkSubmit) throw new ExecutorSettingsError('LAKESPEC_SPARK_MODE=local needs LAKESPEC_SPARK_SUBMIT (the spark-submit of a pyspark install)');
        if (!javaHome) throw new ExecutorSettingsError('LAKESPEC_SPARK_MODE=local needs LAKESPEC_SPARK_JAVA_HOME (or JAVA_HOME): Java 17 or 21 for Spark 4');
        return new SparkLocalExecutor({
          sparkSubmit,
          javaHome,
          python: env.LAKESPEC_SPARK_PYTHON ?? 'python3',
          jars: (env.LAKESPEC_SPARK_JARS ?? '').split(',').map((x) => x.trim()).filter(Boolean),
          ...(env.LAKESPEC_SPARK_MASTER ? { master: env.LAKESPEC_SPARK_MASTER } : {}),
          ...(confOverrides ? { confOverrides } : {}),
          ...(ctx.filesRoot ? { filesRoot: ctx.filesRoot } : {}),
        });
      }
      if (mode === 'kubernetes') {
        return new SparkKubernetesExecutor({ kubeConfig: kubeConfigFrom(env, new (await import('@kubernetes/client-node')).KubeConfig()), ...(env.LAKESPEC_SPARK_NAMESPACE ? { namespace: env.LAKESPEC_SPARK_NAMESPACE } : {}), ...(confOverrides ? { confOverrides } : {}) });
      }
      throw new ExecutorSettingsError(`LAKESPEC_SPARK_MODE must be local or kubernetes (got "${mode}")`);
    },
  },
];

export async function pipelineExecutorsFromEnv(env: NodeJS.ProcessEnv, ctx: PipelineExecutorContext): Promise<Executor[]> {
  const out: Executor[] = [];
  for (const entry of PIPELINE_EXECUTORS) {
    const e = await entry.fromEnv(env, ctx);
    if (e) out.push(e);
  }
  return out;
}

/** The cluster: the KUBECONFIG of these settings (not necessarily this process's), else the usual defaults. */
function kubeConfigFrom(env: NodeJS.ProcessEnv, kc: KubeConfig): KubeConfig {
  try {
    if (env.KUBECONFIG) kc.loadFromFile(env.KUBECONFIG);
    else kc.loadFromDefault();
  } catch (e) {
    throw new ExecutorSettingsError(`LAKESPEC_SPARK_MODE=kubernetes: cannot read the kubeconfig${env.KUBECONFIG ? ` ${env.KUBECONFIG}` : ''}: ${(e as Error).message}`);
  }
  if (!kc.getCurrentCluster()) throw new ExecutorSettingsError('LAKESPEC_SPARK_MODE=kubernetes needs a cluster: set KUBECONFIG (or ~/.kube/config), or run inside a pod with a service account');
  return kc;
}

function sparkConf(value: string | undefined): Record<string, string | null> | undefined {
  if (!value) return undefined;
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (e) {
      throw new ExecutorSettingsError(`LAKESPEC_SPARK_CONF: cannot read ${value.slice(1)}: ${(e as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ExecutorSettingsError(`LAKESPEC_SPARK_CONF is not JSON: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => v !== null && typeof v !== 'string')) {
    throw new ExecutorSettingsError('LAKESPEC_SPARK_CONF must be a JSON object of strings (or null to remove a key), e.g. {"spark.sql.catalog.x.uri": "http://…"}');
  }
  return parsed as Record<string, string | null>;
}

/** How to enable an executor id: a pipeline executor's entry, or an engine's (SQL steps run on the engine of that id). */
function howToEnable(id: string): string | undefined {
  return PIPELINE_EXECUTORS.find((e) => e.id === id)?.enable ?? (isEngineId(id) ? ENGINES[id].enable : undefined);
}

/** Phases no executor here can run, as one line each saying which pipeline and how to enable it. */
export function missingExecutors(phases: readonly PhaseSpec[], executors: readonly Executor[]): string[] {
  const have = new Set(executors.map((e) => e.id));
  const out: string[] = [];
  for (const p of phases) if (!have.has(p.executor)) {
    const pipeline = p.name.split('.')[0];
    out.push(`pipeline ${pipeline} runs on ${p.executor}, and no ${p.executor} executor is configured: ${howToEnable(p.executor) ?? `configure a ${p.executor} executor`} (see docs/engines.md)`);
  }
  return [...new Set(out)];
}
