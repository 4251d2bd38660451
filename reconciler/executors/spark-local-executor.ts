// The Spark executor's local mode: runs the job the compiler emits for a Spark pipeline
// (job.py, the same program the SparkApplication's driver runs) with pyspark's spark-submit
// on this machine (--master local[N]), with the SparkApplication's sparkConf and local
// overrides (a catalog this machine reaches instead of the cluster's). The job prints one
// JSON event per line (PHASE_STARTED, CHECK_FAILED, PHASE_FAILED, PHASE_SUCCEEDED per step);
// they become the phase's progress events, and the job text and its event log artifacts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecutionError, type Executor, type PhaseContext, type PhaseLineage } from '../runs/executor.js';

export interface SparkJobInput {
  kind: 'spark-job';
  pipeline: string;
  /** The job program (job.py as compiled). */
  job: string;
  /** The SparkApplication's spec.sparkConf. */
  sparkConf: Record<string, string>;
  /** Where the job's file sources are (LAKESPEC_FILES_ROOT). */
  filesRoot?: string;
  /** The compiled SparkApplication (the Kubernetes mode creates it; local mode reads its sparkConf). */
  application?: SparkApplicationManifest;
  /** The ConfigMap holding job.py, created beside the SparkApplication. */
  configMap?: Record<string, unknown>;
  lineage?: PhaseLineage;
}

/** `conf` with the overrides laid over it: a string sets a key, null removes it. */
export function withConfOverrides(conf: Record<string, string>, overrides: Record<string, string | null> = {}): Record<string, string> {
  const out = { ...conf };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The parts of a compiled SparkApplication the executors read. */
export interface SparkApplicationManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { sparkConf?: Record<string, string>; [key: string]: unknown };
}

export interface SparkLocalOptions {
  sparkSubmit: string;
  /** Java 17 or 21 for Spark 4.0. */
  javaHome: string;
  /** The Python that has pyspark (the driver's and the workers'). */
  python: string;
  /** Extra jars: the Iceberg Spark runtime, JDBC drivers. */
  jars: readonly string[];
  /** local[N] (default local[2]). */
  master?: string;
  /** Conf set on top of the application's (a string) or removed from it (null). */
  confOverrides?: Record<string, string | null>;
  /** Environment the job reads its secrets from (names in the job's secretConf). */
  env?: Record<string, string>;
  filesRoot?: string;
  /** Lines of the job's stderr kept for the error message. */
  tailLines?: number;
}

export class SparkLocalExecutor implements Executor {
  readonly id = 'spark';

  constructor(private readonly o: SparkLocalOptions) {}

  async execute(raw: unknown, ctx: PhaseContext): Promise<Record<string, unknown>> {
    const input = raw as SparkJobInput;
    if (!input || input.kind !== 'spark-job' || typeof input.job !== 'string') throw new ExecutionError('phase input is not a spark-job', true);
    await ctx.artifact(`${input.pipeline}.job.py`, 'query', input.job, 'text/x-python');
    const conf = withConfOverrides({ ...input.sparkConf, 'spark.ui.enabled': 'false' }, this.o.confOverrides);
    const dir = mkdtempSync(join(tmpdir(), 'lakespec-spark-'));
    const jobFile = join(dir, 'job.py');
    writeFileSync(jobFile, input.job);
    const args = ['--master', this.o.master ?? 'local[2]', ...(this.o.jars.length ? ['--jars', this.o.jars.join(',')] : [])];
    for (const [k, v] of Object.entries(conf).sort(([a], [b]) => (a < b ? -1 : 1))) args.push('--conf', `${k}=${v}`);
    args.push(jobFile);
    const events: Record<string, unknown>[] = [];
    const stderrTail: string[] = [];
    const sparkErrors: string[] = [];
    const keep = this.o.tailLines ?? 400;
    try {
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(this.o.sparkSubmit, args, {
          cwd: dir,
          env: {
            PATH: `${join(this.o.javaHome, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
            HOME: process.env.HOME ?? dir,
            JAVA_HOME: this.o.javaHome,
            PYSPARK_PYTHON: this.o.python,
            PYSPARK_DRIVER_PYTHON: this.o.python,
            SPARK_LOCAL_IP: '127.0.0.1',
            LAKESPEC_FILES_ROOT: input.filesRoot ?? this.o.filesRoot ?? '.',
            ...(this.o.env ?? {}),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const onAbort = () => child.kill('SIGKILL');
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          let nl: number;
          while ((nl = out.indexOf('\n')) >= 0) {
            const line = out.slice(0, nl).trim();
            out = out.slice(nl + 1);
            if (!line.startsWith('{')) continue;
            try {
              const e = JSON.parse(line) as Record<string, unknown>;
              // Spark 4 logs structured JSON on the same stream; its errors explain a failure.
              if (e.event === undefined) {
                if (e.level === 'ERROR' && typeof e.msg === 'string') sparkErrors.push(e.msg);
                continue;
              }
              events.push(e);
              void ctx.progress(`${String(e.step ?? input.pipeline)}: ${String(e.event)}${e.check ? ` ${String(e.check)}` : ''}`, e).catch(() => {});
            } catch {
              /* not an event line */
            }
          }
        });
        child.stderr.on('data', (d: Buffer) => {
          for (const l of d.toString().split('\n')) if (l.trim() && !/^\s*(WARN|INFO)\b|^\d{2}\/\d{2}\/\d{2} .* (WARN|INFO) /.test(l)) stderrTail.push(l);
          if (stderrTail.length > keep) stderrTail.splice(0, stderrTail.length - keep);
        });
        child.on('error', reject);
        child.on('close', (c) => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve(c ?? 1);
        });
      });
      await ctx.artifact(`${input.pipeline}.events.jsonl`, 'spark-events', events.map((e) => JSON.stringify(e)).join('\n') + '\n', 'application/x-ndjson');
      if (ctx.signal.aborted) throw new ExecutionError(String(ctx.signal.reason ?? 'aborted'), false);
      const failedChecks = events.filter((e) => e.event === 'CHECK_FAILED' && e.severity === 'error').map((e) => String(e.check));
      if (code !== 0) {
        await ctx.artifact(`${input.pipeline}.stderr.log`, 'spark-log', [...sparkErrors, ...stderrTail].join('\n') + '\n', 'text/plain');
        // Python's own report ends the output: its last exception line says what went wrong.
        const errorLine = [...stderrTail].reverse().find((l) => /^[\w.]*(Exception|Error)(: |$)|^\[[A-Z_]+\]/.test(l.trim()));
        const why = failedChecks.length ? `quality checks failed: ${failedChecks.join(', ')}` : sparkErrors.at(-1) ?? errorLine ?? stderrTail.at(-1) ?? `exit ${code}`;
        // A failed check or an error in the job's SQL does not pass on a retry; a crashed JVM may.
        const terminal = failedChecks.length > 0 || sparkErrors.some((m) => /^\[[A-Z_.]+\]/.test(m)) || /AnalysisException|ParseException|SparkException: \[/.test(stderrTail.join('\n'));
        throw new ExecutionError(`spark job ${input.pipeline} failed (exit ${code}): ${why.trim()}`, terminal, { events: events.length });
      }
      return { steps: events.filter((e) => e.event === 'PHASE_SUCCEEDED').map((e) => e.step), warnings: events.filter((e) => e.event === 'CHECK_FAILED').length };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
