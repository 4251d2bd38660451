// Runs one compiled pipeline step (a PlanStep of the DuckDB or Trino backend) on a SQL
// engine: its actions, then its quality checks. Stores the query text, a result manifest
// (row count and content hash of the output table) and a preview of sample rows as
// artifacts. A failed error-severity check fails the phase for good, with the offending
// rows as an artifact.
import type { PlanStep } from '../../compiler/index.js';
import { parseSqlType, type SqlType } from '../../spec/index.js';
import type { SqlEngine } from '../engines/sql-engine.js';
import { ExecutionError, type Executor, LeaseLostError, type PhaseContext, type PhaseLineage } from '../runs/executor.js';
import { runExtract } from './extract.js';
import { rowExpression, rowsHash } from './table-hash.js';

export interface SqlStepInput {
  kind: 'sql-step';
  pipeline: string;
  step: PlanStep;
  /** Column names and types of the target (Trino spelling), for the content hash. */
  columns: { name: string; type: string }[];
  connections: Record<string, { type: string; config: Record<string, unknown> }>;
  /** Datasets read and written, for OpenLineage (namespace = engine or connection). */
  lineage?: PhaseLineage;
  /** Where the step's files live when not the executor's own folder (a checkout at the run's commit). */
  filesRoot?: string;
}

export interface SqlStepExecutorOptions {
  engine: SqlEngine;
  filesRoot: string | ((ctx: PhaseContext) => string | Promise<string>);
  env?: NodeJS.ProcessEnv;
  previewRows?: number;
  /** Offending rows kept in the artifact of a failed check. */
  maxOffendingRows?: number;
}

export class SqlStepExecutor implements Executor {
  readonly id: string;
  constructor(private readonly options: SqlStepExecutorOptions) {
    this.id = options.engine.id;
  }

  async execute(raw: unknown, ctx: PhaseContext): Promise<Record<string, unknown>> {
    const input = raw as SqlStepInput;
    if (!input || input.kind !== 'sql-step' || !input.step) throw new ExecutionError('phase input is not a sql-step', true);
    const { engine } = this.options;
    const step = input.step;
    const filesRoot = input.filesRoot ?? (typeof this.options.filesRoot === 'function' ? await this.options.filesRoot(ctx) : this.options.filesRoot);
    await engine.prepare([...new Set([step.table.split('.')[0]!])]);
    // Relative paths in the step's SQL (read_csv('data/…')) resolve in this step's files.
    await engine.useFilesRoot?.(filesRoot);
    await ctx.artifact(`${step.name}.sql`, 'query', step.actions.map((a) => (a.kind === 'sql' ? a.sql + ';\n' : `-- extract from ${a.connection} into ${a.into}\n`)).join('\n'), 'application/sql');

    let extracted = 0;
    const transactional = engine.transactionalDdl;
    // Writes earlier attempts of this phase sent that must not be sent twice (plain appends).
    const earlier = ctx.claim.attempt > 1 && step.actions.some((a) => a.kind === 'sql' && a.once) ? await ctx.writes.earlier() : [];
    if (transactional) await engine.begin();
    try {
      for (const [i, action] of step.actions.entries()) {
        if (ctx.signal.aborted) throw new ExecutionError(String(ctx.signal.reason ?? 'aborted'), false);
        // Without a transaction each statement is a side effect of its own: it runs only
        // while this worker holds the lease (a worker paused past its lease must not write).
        if (!transactional) await ctx.fence();
        if (action.kind === 'sql' && action.once) {
          // Stable across attempts of this phase, unique across runs (the DuckDB ledger's key).
          const key = `${ctx.claim.phaseId}:${i + 1}`;
          const w = { key, table: step.table };
          if (ctx.claim.attempt > 1 && (await engine.committedOnce({ ...w, recorded: earlier.filter((e) => e.key === key).map((e) => e.detail) }, ctx.signal))) {
            await ctx.event('PHASE_PROGRESS', 'info', `${step.into}: an earlier attempt's write committed; it is not written again`, { once: key });
            continue;
          }
          await guarded(() => engine.writeOnce(action.sql, { ...w, remember: (detail) => ctx.writes.record(key, detail) }, ctx.signal), `${step.name} action ${i + 1}`);
        } else if (action.kind === 'sql') {
          await runSql(engine, action.sql, `${step.name} action ${i + 1}`, ctx.signal);
        } else {
          const conn = input.connections[action.connection];
          if (!conn) throw new ExecutionError(`connection ${action.connection} is not in the phase input`, true);
          let cursorValue: unknown;
          if (action.incremental) cursorValue = (await engine.rows(action.incremental.maxQuery, ctx.signal))[0]?.[0] ?? null;
          let slow: string | undefined;
          extracted += await runExtract(action, { engine, filesRoot, connection: conn, env: this.options.env ?? process.env, cursorValue, signal: ctx.signal, onSlowLoad: (why) => (slow = why) });
          if (slow) await ctx.event('PHASE_PROGRESS', 'info', `${step.into}: ${action.path} loaded with batched INSERTs, not as a Parquet file: ${slow}`, { slow_load: slow });
        }
      }
      // The side effect commits only while this worker still holds the lease.
      await ctx.fence();
      if (transactional) await engine.commit();
    } catch (e) {
      if (transactional) await engine.rollback().catch(() => {});
      throw e;
    }

    const types = input.columns.map((c) => ({ name: c.name, type: parseType(c.type) }));
    const hashRows = (await engine.rows(`SELECT ${rowExpression(types, engine.id)} AS r FROM ${quotedTable(engine, step.table)}`, ctx.signal)).map((r) => String(r[0]));
    const result = { table: step.table, ...rowsHash(hashRows) };
    await ctx.artifact(`${step.name}.result.json`, 'result-manifest', JSON.stringify(result, null, 2) + '\n', 'application/json');
    const preview = await engine.records(`SELECT * FROM ${quotedTable(engine, step.table)} ORDER BY ${input.columns.map((_, i) => i + 1).join(', ')} LIMIT ${this.options.previewRows ?? 20}`, ctx.signal);
    await ctx.artifact(`${step.name}.preview.json`, 'preview', JSON.stringify(preview) + '\n', 'application/json');
    await ctx.progress(`${step.name}: ${result.rows} rows in ${step.table}`, { rows: result.rows, hash: result.hash, extracted });

    const checks: Record<string, { severity: string; offending: number }> = {};
    const failed: string[] = [];
    for (const check of step.checks) {
      const r = await runChecked(engine, check.sql, `check ${check.name}`, ctx.signal);
      checks[check.name] = { severity: check.severity, offending: r.rows.length };
      if (r.rows.length === 0) continue;
      await ctx.artifact(`${step.name}.check.${check.name}.json`, 'check-failure', JSON.stringify({ check: check.name, type: check.type, severity: check.severity, columns: r.columns, rows: r.rows.slice(0, this.options.maxOffendingRows ?? 1000), total: r.rows.length }) + '\n', 'application/json');
      if (check.severity === 'error') failed.push(`${check.name} (${r.rows.length} offending row${r.rows.length === 1 ? '' : 's'})`);
      else await ctx.event('PHASE_PROGRESS', 'warn', `${step.into}: warning check ${check.name} found ${r.rows.length} offending row${r.rows.length === 1 ? '' : 's'}`, { check: check.name, offending: r.rows.length });
    }
    const output = { ...result, extracted, checks };
    if (failed.length > 0) throw new ExecutionError(`quality check${failed.length === 1 ? '' : 's'} failed on ${step.into}: ${failed.join(', ')}`, true, output);
    return output;
  }
}

function parseType(text: string): SqlType {
  const r = parseSqlType(text);
  if (!r.ok) throw new ExecutionError(`bad column type ${text} in the phase input`, true);
  return r.type;
}

function quotedTable(engine: SqlEngine, fq: string): string {
  return fq.split('.').map((p) => engine.backend.dialect.quoteIdent(p)).join('.');
}

async function runSql(engine: SqlEngine, sql: string, what: string, signal: AbortSignal): Promise<void> {
  await guarded(() => engine.run(sql, signal), what);
}

async function guarded(fn: () => Promise<void>, what: string): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof LeaseLostError) throw e;
    throw classify(e, what);
  }
}

async function runChecked(engine: SqlEngine, sql: string, what: string, signal: AbortSignal): Promise<{ columns: string[]; rows: unknown[][] }> {
  try {
    return await engine.records(sql, signal);
  } catch (e) {
    throw classify(e, what);
  }
}

/** SQL the engine rejects is a terminal error; lost connections and timeouts are transient. */
function classify(e: unknown, what: string): ExecutionError {
  if (e instanceof ExecutionError) return e;
  const msg = (e as Error).message ?? String(e);
  const transient = /ECONNREFUSED|ECONNRESET|socket hang up|timed? ?out|Connection (closed|lost)|503|502|Service Unavailable|Too many requests|could not set lock|Conflict on tuple|TransactionContext Error/i.test(msg);
  return new ExecutionError(`${what}: ${msg}`, !transient);
}
