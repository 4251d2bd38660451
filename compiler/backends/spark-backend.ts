// Spark on Kubernetes: per spark pipeline, a SparkApplication (sparkoperator.k8s.io/v1beta2)
// with the Iceberg catalog configuration, a ConfigMap holding the job, and the job itself:
// a PySpark program that runs the pipeline's statements and checks.
import { type Diagnostic, byString, diagnostic } from '../../spec/index.js';
import type { Artifact } from '../artifact.js';
import { toYaml } from '../yaml-writer.js';
import type { Backend, BackendCapabilities, EmitResult } from '../backend.js';
import { SparkDialect } from '../dialects/spark-dialect.js';
import { type IRPipeline, type IRProject, type IRTable, tablesByName } from '../ir.js';
import type { CheckQuery } from '../sql-dialect.js';
import { filesPath } from './sql-backend.js';

const JOB_DIR = '/opt/lakespec/job';

interface SparkSource {
  view: string;
  kind: 'file' | 'jdbc';
  path?: string;
  format?: string;
  schema?: string;
  url?: string;
  table?: string;
  user?: string;
  passwordEnv?: string;
}

interface SparkJobStep {
  name: string;
  into: string;
  sources: SparkSource[];
  statements: string[];
  checks: CheckQuery[];
}

export interface SparkJobPlan {
  format: 'lakespec.dev/spark-job/v1';
  appName: string;
  workspace: string;
  environment: string;
  pipeline: string;
  gitSha: string;
  /** Spark conf keys whose values come from environment variables (secrets). */
  secretConf: Record<string, string>;
  setup: string[];
  steps: SparkJobStep[];
}

export class SparkBackend implements Backend {
  readonly id = 'spark' as const;
  readonly capabilities: BackendCapabilities = { partitioning: true, merge: true, readsFiles: true, unsupportedTypes: ['time'] };
  readonly dialect = new SparkDialect();

  emit(ir: IRProject): EmitResult {
    const artifacts: Artifact[] = [];
    const diagnostics: Diagnostic[] = [];
    const tables = tablesByName(ir);
    for (const p of ir.pipelines) {
      if (p.engine !== 'spark') continue;
      const before = diagnostics.length;
      diagnostics.push(...this.check(p, tables));
      if (diagnostics.slice(before).some((d) => d.severity === 'error')) continue;
      const { plan, env } = this.jobPlan(p, ir, tables);
      const app = this.appName(ir, p);
      const job = jobPy(plan);
      artifacts.push({ path: `spark/${p.name}/job.py`, kind: 'spark.job', content: job });
      artifacts.push({ path: `spark/${p.name}/configmap.yaml`, kind: 'spark.configmap', content: yamlDoc(this.configMap(ir, p, app, job)) });
      artifacts.push({ path: `spark/${p.name}/sparkapplication.yaml`, kind: 'spark.application', content: yamlDoc(this.application(ir, p, app, env, tables)) });
    }
    return { artifacts, diagnostics };
  }

  private check(p: IRPipeline, tables: ReadonlyMap<string, IRTable>): Diagnostic[] {
    const out: Diagnostic[] = [];
    if (!p.connection || p.connection.type !== 'spark-k8s') {
      out.push(diagnostic('LS1401', `pipeline "${p.name}" runs on spark but names no spark-k8s connection; set spec.connection`));
    }
    for (const s of p.steps) {
      const t = tables.get(s.target)!;
      for (const c of t.columns) {
        if (c.type.kind === 'time') out.push(diagnostic('LS1401', `Spark has no time type: column ${t.name}.${c.name} cannot be written by spark pipeline "${p.name}"`));
        if (c.type.kind === 'uuid') out.push(diagnostic('LS1402', `Spark has no uuid type: ${t.name}.${c.name} is handled as a string by spark pipeline "${p.name}"`));
      }
      if (s.kind === 'ingest' && !['files', 'postgres', 's3'].includes(s.source.connection.type)) {
        out.push(diagnostic('LS1401', `Spark cannot ingest from a ${s.source.connection.type} connection (step ${p.name}.${s.name})`));
      }
    }
    return out;
  }

  appName(ir: IRProject, p: IRPipeline): string {
    return dnsName(`lakespec-${ir.workspace}-${p.name}-${ir.environment}`);
  }

  jobPlan(p: IRPipeline, ir: IRProject, tables: ReadonlyMap<string, IRTable>): { plan: SparkJobPlan; env: { name: string; secret: { name: string; key: string } | undefined }[] } {
    const d = this.dialect;
    const env: { name: string; secret: { name: string; key: string } | undefined }[] = [];
    const secretEnv = (ref: unknown, fallback: string): string => {
      const r = ref as { fromEnv?: string; fromSecret?: { name: string; key: string } } | undefined;
      if (r?.fromEnv) return r.fromEnv;
      const name = fallback.toUpperCase().replace(/[^A-Z0-9]/g, '_');
      if (r?.fromSecret && !env.some((e) => e.name === name)) env.push({ name, secret: r.fromSecret });
      return name;
    };
    const setup: string[] = [];
    const seenSchemas = new Set<string>();
    const steps: SparkJobStep[] = p.steps.map((s) => {
      const target = tables.get(s.target)!;
      const schemaKey = `${target.physical.catalog}.${target.physical.schema}`;
      if (!seenSchemas.has(schemaKey)) {
        seenSchemas.add(schemaKey);
        setup.push(`CREATE NAMESPACE IF NOT EXISTS ${d.schemaRef(target)}`);
      }
      setup.push(d.createTable(target));
      const order = d.sortOrder(target);
      if (order) setup.push(order);
      const sources: SparkSource[] = [];
      let statements: string[];
      if (s.kind === 'transform') {
        statements = d.writeStatements(target, d.shapeQuery(target, d.renderQuery(s.query, tables)), s.write);
      } else {
        const view = `__ls_src_${s.name}`;
        const conn = s.source.connection;
        if (s.source.path) {
          sources.push({ view, kind: 'file', path: filesPath(s), format: s.source.format ?? 'csv', schema: d.plainColumns(target, ', ') });
        } else {
          const c = conn.config as { host?: string; port?: number; database?: string; user?: string; password?: unknown; schema?: string };
          const table = s.source.table!.includes('.') ? s.source.table! : `${c.schema ?? 'public'}.${s.source.table}`;
          const src: SparkSource = { view, kind: 'jdbc', url: `jdbc:postgresql://${c.host}:${c.port ?? 5432}/${c.database}`, table, user: c.user ?? '' };
          if (c.password) src.passwordEnv = secretEnv(c.password, `${conn.name}_password`);
          sources.push(src);
        }
        let query = `SELECT *\nFROM ${d.quoteIdent(view)} AS ${d.quoteIdent('src')}`;
        if (s.mode === 'incremental' && s.cursor) query += '\n' + d.incrementalFilter(target, s.cursor, 'src');
        statements = d.writeStatements(target, d.shapeQuery(target, query, 'ingested'), s.write);
      }
      return { name: s.name, into: s.target, sources, statements, checks: d.checkQueries(target, tables) };
    });
    const secretConf: Record<string, string> = {};
    const catalogConn = this.icebergConnection(p, ir);
    if (catalogConn) {
      const cfg = catalogConn.config as { token?: unknown; credential?: unknown };
      for (const cat of this.catalogs(p, tables)) {
        if (cfg.token) secretConf[`spark.sql.catalog.${cat}.token`] = secretEnv(cfg.token, `${catalogConn.name}_token`);
        if (cfg.credential) secretConf[`spark.sql.catalog.${cat}.credential`] = secretEnv(cfg.credential, `${catalogConn.name}_credential`);
      }
    }
    const storage = this.storageConnection(p, ir);
    if (storage) {
      const cfg = storage.config as { accessKeyId?: unknown; secretAccessKey?: unknown };
      for (const cat of this.catalogs(p, tables)) {
        if (cfg.accessKeyId) secretConf[`spark.sql.catalog.${cat}.s3.access-key-id`] = secretEnv(cfg.accessKeyId, `${storage.name}_access_key_id`);
        if (cfg.secretAccessKey) secretConf[`spark.sql.catalog.${cat}.s3.secret-access-key`] = secretEnv(cfg.secretAccessKey, `${storage.name}_secret_access_key`);
      }
    }
    const plan: SparkJobPlan = {
      format: 'lakespec.dev/spark-job/v1',
      appName: this.appName(ir, p),
      workspace: ir.workspace,
      environment: ir.environment,
      pipeline: p.name,
      gitSha: ir.gitSha,
      secretConf,
      setup,
      steps,
    };
    return { plan, env };
  }

  private catalogs(p: IRPipeline, tables: ReadonlyMap<string, IRTable>): string[] {
    const set = new Set<string>();
    for (const s of p.steps) {
      set.add(tables.get(s.target)!.physical.catalog);
      if (s.kind === 'transform') for (const r of s.reads) set.add(tables.get(r)!.physical.catalog);
    }
    for (const s of p.steps) for (const c of tables.get(s.target)!.checks) if (c.type === 'relationships') set.add(tables.get(c.to)!.physical.catalog);
    return [...set].sort(byString);
  }

  private icebergConnection(p: IRPipeline, ir: IRProject) {
    const name = p.connection?.config.icebergCatalog as string | undefined;
    return name ? ir.connections.find((c) => c.name === name && c.type === 'iceberg-rest') : undefined;
  }

  private storageConnection(p: IRPipeline, ir: IRProject) {
    const name = p.connection?.config.storage as string | undefined;
    return name ? ir.connections.find((c) => c.name === name && c.type === 's3') : undefined;
  }

  private labels(ir: IRProject, p: IRPipeline): Record<string, string> {
    return {
      'app.kubernetes.io/managed-by': 'lakespec',
      'app.kubernetes.io/name': 'lakespec-pipeline',
      'lakespec.dev/workspace': labelValue(ir.workspace),
      'lakespec.dev/pipeline': labelValue(p.name),
      'lakespec.dev/environment': labelValue(ir.environment),
      'lakespec.dev/git-sha': labelValue(ir.gitSha),
      'lakespec.dev/spec-hash': ir.specHash.slice(0, 63),
    };
  }

  configMap(ir: IRProject, p: IRPipeline, app: string, job: string): object {
    const conn = p.connection?.config as { namespace?: string } | undefined;
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: dnsName(`${app}-job`), namespace: conn?.namespace ?? 'default', labels: this.labels(ir, p) },
      data: { 'job.py': job },
    };
  }

  application(ir: IRProject, p: IRPipeline, app: string, env: { name: string; secret: { name: string; key: string } | undefined }[], tables: ReadonlyMap<string, IRTable>): object {
    const conn = (p.connection?.config ?? {}) as {
      namespace?: string;
      image?: string;
      sparkVersion?: string;
      serviceAccount?: string;
      driver?: { cores?: number; memory?: string };
      executor?: { cores?: number; memory?: string; instances?: number };
    };
    const sparkConf: Record<string, string> = {
      'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
      'spark.sql.session.timeZone': 'UTC',
    };
    const iceberg = this.icebergConnection(p, ir);
    const storage = this.storageConnection(p, ir);
    for (const cat of this.catalogs(p, tables)) {
      const k = `spark.sql.catalog.${cat}`;
      sparkConf[k] = 'org.apache.iceberg.spark.SparkCatalog';
      if (iceberg) {
        sparkConf[`${k}.type`] = 'rest';
        sparkConf[`${k}.uri`] = String(iceberg.config.uri);
        if (iceberg.config.warehouse) sparkConf[`${k}.warehouse`] = String(iceberg.config.warehouse);
      }
      if (storage) {
        sparkConf[`${k}.io-impl`] = 'org.apache.iceberg.aws.s3.S3FileIO';
        if (storage.config.endpoint) sparkConf[`${k}.s3.endpoint`] = String(storage.config.endpoint);
        if (storage.config.pathStyle) sparkConf[`${k}.s3.path-style-access`] = 'true';
        if (storage.config.region) sparkConf[`${k}.client.region`] = String(storage.config.region);
      }
    }
    const labels = this.labels(ir, p);
    const podEnv = env.filter((e) => e.secret).map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secret!.name, key: e.secret!.key } } }));
    const pod = (r: { cores?: number; memory?: string } | undefined) => ({
      cores: r?.cores ?? 1,
      memory: r?.memory ?? '1g',
      labels,
      ...(podEnv.length > 0 ? { env: podEnv } : {}),
    });
    return {
      apiVersion: 'sparkoperator.k8s.io/v1beta2',
      kind: 'SparkApplication',
      metadata: {
        name: app,
        namespace: conn.namespace ?? 'default',
        labels,
        annotations: { 'lakespec.dev/spec-hash': ir.specHash, 'lakespec.dev/git-sha': ir.gitSha },
      },
      spec: {
        type: 'Python',
        pythonVersion: '3',
        mode: 'cluster',
        image: conn.image ?? 'apache/spark:latest',
        imagePullPolicy: 'IfNotPresent',
        mainApplicationFile: `local://${JOB_DIR}/job.py`,
        sparkVersion: conn.sparkVersion ?? '4.0.1',
        sparkConf,
        restartPolicy:
          p.retries > 0
            ? { type: 'OnFailure', onFailureRetries: p.retries, onFailureRetryInterval: 30, onSubmissionFailureRetries: p.retries, onSubmissionFailureRetryInterval: 30 }
            : { type: 'Never' },
        driver: {
          ...pod(conn.driver),
          ...(conn.serviceAccount ? { serviceAccount: conn.serviceAccount } : {}),
          configMaps: [{ name: dnsName(`${app}-job`), path: JOB_DIR }],
        },
        executor: { ...pod(conn.executor), instances: conn.executor?.instances ?? 1 },
      },
    };
  }
}

function yamlDoc(v: object): string {
  return '# generated by lakespec; do not edit\n' + toYaml(v);
}

/** A DNS-1123 name of at most 63 characters (long names keep a hash suffix for uniqueness). */
export function dnsName(s: string): string {
  const clean = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  if (clean.length <= 63) return clean;
  let h = 0;
  for (let i = 0; i < clean.length; i++) h = (h * 31 + clean.charCodeAt(i)) >>> 0;
  return clean.slice(0, 54).replace(/-$/, '') + '-' + h.toString(16).padStart(8, '0');
}

function labelValue(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

function jobPy(plan: SparkJobPlan): string {
  // A JSON string literal is also a valid Python string literal.
  const literal = JSON.stringify(JSON.stringify(plan, null, 1));
  return `#!/usr/bin/env python3
"""lakespec Spark job: pipeline ${plan.pipeline} of ${plan.workspace} (${plan.environment}).

Generated by lakespec from commit ${plan.gitSha}; do not edit.
Runs the pipeline's statements in order, then each step's quality checks. Secrets come
from environment variables only. LAKESPEC_FILES_ROOT is where file sources are found.
"""
import json
import os
import sys

from pyspark.sql import SparkSession

PLAN = json.loads(${literal})


def register_source(spark, source, files_root):
    if source["kind"] == "file":
        reader = spark.read.schema(source["schema"])
        path = os.path.join(files_root, source["path"])
        if source["format"] == "csv":
            df = reader.option("header", "true").csv(path)
        elif source["format"] == "json":
            df = reader.json(path)
        else:
            df = spark.read.parquet(path)
    else:
        reader = (
            spark.read.format("jdbc")
            .option("url", source["url"])
            .option("dbtable", source["table"])
            .option("user", source["user"])
        )
        if source.get("passwordEnv"):
            reader = reader.option("password", os.environ[source["passwordEnv"]])
        df = reader.load()
    df.createOrReplaceTempView(source["view"])


def main():
    files_root = os.environ.get("LAKESPEC_FILES_ROOT", ".")
    builder = SparkSession.builder.appName(PLAN["appName"])
    for key, env in sorted(PLAN["secretConf"].items()):
        builder = builder.config(key, os.environ[env])
    spark = builder.getOrCreate()
    for statement in PLAN["setup"]:
        spark.sql(statement)
    for step in PLAN["steps"]:
        print(json.dumps({"event": "PHASE_STARTED", "step": step["name"]}), flush=True)
        for source in step["sources"]:
            register_source(spark, source, files_root)
        for statement in step["statements"]:
            spark.sql(statement)
        failed = []
        for check in step["checks"]:
            offending = spark.sql(check["sql"]).limit(1000).count()
            if offending:
                print(json.dumps({"event": "CHECK_FAILED", "step": step["name"], "check": check["name"], "severity": check["severity"], "rows": offending}), flush=True)
                if check["severity"] == "error":
                    failed.append(check["name"])
        if failed:
            print(json.dumps({"event": "PHASE_FAILED", "step": step["name"], "checks": failed}), flush=True)
            spark.stop()
            sys.exit(1)
        print(json.dumps({"event": "PHASE_SUCCEEDED", "step": step["name"]}), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
`;
}
