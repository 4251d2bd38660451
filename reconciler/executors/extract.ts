// Extracts an executor performs for sources the engine cannot read itself: files (for
// Trino, which reads no local CSV) and PostgreSQL tables. Rows go into the step's staging
// table in batches of typed literals.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import pg from 'pg';
import type { PlanAction } from '../../compiler/index.js';
import type { SqlEngine } from '../engines/sql-engine.js';
import { readCsv } from './csv-rows.js';
import { readFileRows } from './file-rows.js';
import { loadFileAsParquet } from './parquet-load.js';
import { ExecutionError } from '../runs/executor.js';

export type ExtractAction = Extract<PlanAction, { kind: 'extract' }>;

export interface ExtractContext {
  engine: SqlEngine;
  /** Where relative paths of files connections resolve (the spec root of the checkout). */
  filesRoot: string;
  /** The connection's settings, secrets still as references. */
  connection: { type: string; config: Record<string, unknown> };
  env: NodeJS.ProcessEnv;
  /** For incremental extracts: the target's current maximum cursor (null when empty). */
  cursorValue?: unknown;
  /** The phase's abort signal: a timeout or cancel stops the load between and within batches. */
  signal?: AbortSignal;
  /** Told why a file is loaded by batched INSERTs instead of as a Parquet file (Trino). */
  onSlowLoad?: (why: string) => void;
  /** false: batched INSERTs even where a Parquet file could be registered (the benchmark's baseline). */
  parquetLoad?: boolean;
}

const BATCH = 500;

export async function runExtract(action: ExtractAction, ctx: ExtractContext): Promise<number> {
  let header: string[];
  let rows: (string | null)[][];
  if (action.path !== undefined) {
    const file = isAbsolute(action.path) ? action.path : join(ctx.filesRoot, action.path);
    const format = action.format ?? 'csv';
    if (format !== 'csv' && format !== 'parquet' && format !== 'json') throw new ExecutionError(`extract of ${action.path}: unknown file format ${format}`, true);
    if (!existsSync(file)) throw new ExecutionError(`cannot read ${file} for connection ${action.connection}: no such file`, true);
    // Trino: as a Parquet file registered with the staging table, when the deployment allows it.
    if (ctx.engine.id === 'trino' && ctx.parquetLoad !== false) {
      const fast = await loadFileAsParquet(ctx.engine, { file, format, into: action.into, columns: action.columns, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      if (fast.loaded) return fast.rows;
      ctx.onSlowLoad?.(fast.why);
    }
    try {
      ({ header, rows } = format === 'csv' ? readCsv(file) : await readFileRows(file, format));
    } catch (e) {
      throw new ExecutionError(`cannot read ${file} for connection ${action.connection}: ${(e as Error).message}`, (e as NodeJS.ErrnoException).code === 'ENOENT');
    }
  } else if (action.query !== undefined && ctx.connection.type === 'postgres') {
    ({ header, rows } = await readPostgres(action, ctx));
  } else {
    throw new ExecutionError(`extract from a ${action.connectionType} connection (${action.connection}) is not supported by this executor`, true);
  }
  const cols = action.columns.map((c) => c.name);
  const idx = cols.map((c) => header.indexOf(c));
  const missing = cols.filter((_, i) => idx[i] === -1);
  if (missing.length > 0) throw new ExecutionError(`${action.path ?? action.connection} has no column ${missing.join(', ')}`, true);
  const q = (s: string) => ctx.engine.backend.dialect.quoteIdent(s);
  for (let start = 0; start < rows.length; start += BATCH) {
    const values = rows
      .slice(start, start + BATCH)
      .map((r) => `(${idx.map((j, k) => (r[j] === null || r[j] === undefined ? 'NULL' : literal(ctx.engine, r[j]!, action.columns[k]!.type))).join(', ')})`)
      .join(',\n');
    await ctx.engine.run(`INSERT INTO ${action.into} (${cols.map(q).join(', ')}) VALUES\n${values}`, ctx.signal);
  }
  return rows.length;
}

/** A text value as a typed literal. Trino needs explicit casts; DuckDB casts text on insert itself. */
function literal(engine: SqlEngine, value: string, type: string): string {
  const d = engine.backend.dialect;
  if (engine.id !== 'trino') return d.stringLiteral(value);
  const v = type.startsWith('timestamp') ? value.replace(/^(\d{4}-\d\d-\d\d)T/, '$1 ') : value;
  return `CAST(${d.stringLiteral(v)} AS ${type})`;
}

async function readPostgres(action: ExtractAction, ctx: ExtractContext): Promise<{ header: string[]; rows: (string | null)[][] }> {
  const c = ctx.connection.config;
  const client = new pg.Client({
    host: String(c.host ?? 'localhost'),
    port: Number(c.port ?? 5432),
    database: String(c.database ?? 'postgres'),
    user: String(c.user ?? 'postgres'),
    password: resolveSecret(c.password, ctx.env, 'password'),
    ssl: c.sslmode === 'require' ? { rejectUnauthorized: false } : undefined,
    connectionTimeoutMillis: 10_000,
  });
  try {
    await client.connect();
  } catch (e) {
    throw new ExecutionError(`cannot connect to PostgreSQL connection ${action.connection}: ${(e as Error).message}`, false);
  }
  try {
    const params = action.incremental ? [ctx.cursorValue ?? null] : [];
    let sql = action.query!;
    // Incremental with an empty target: every row.
    if (action.incremental && (ctx.cursorValue === null || ctx.cursorValue === undefined)) sql = sql.replace(/\nWHERE [^\n]* > \$1/, '');
    const r = await client.query({ text: sql, values: sql.includes('$1') ? params : [], rowMode: 'array', types: { getTypeParser: () => (v: string) => v } });
    return { header: r.fields.map((f) => f.name), rows: r.rows.map((row: unknown[]) => row.map((v) => (v === null ? null : String(v)))) };
  } catch (e) {
    throw new ExecutionError(`query on PostgreSQL connection ${action.connection} failed: ${(e as Error).message}`, false);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A secret reference's value at run time; the value is used, never stored or logged. */
export function resolveSecret(ref: unknown, env: NodeJS.ProcessEnv, field: string): string | undefined {
  if (ref === undefined || ref === null) return undefined;
  if (typeof ref !== 'object') throw new ExecutionError(`${field} must be a secret reference`, true);
  const r = ref as { fromEnv?: string; fromFile?: string; fromSecret?: { name: string; key: string } };
  if (r.fromEnv) {
    const v = env[r.fromEnv];
    if (v === undefined) throw new ExecutionError(`${field}: environment variable ${r.fromEnv} is not set`, true);
    return v;
  }
  if (r.fromFile) {
    try {
      return readFileSync(r.fromFile, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new ExecutionError(`${field}: cannot read the secret file ${r.fromFile}`, true);
    }
  }
  if (r.fromSecret) throw new ExecutionError(`${field}: Kubernetes secret ${r.fromSecret.name}/${r.fromSecret.key} is only available to jobs running in the cluster`, true);
  throw new ExecutionError(`${field}: unknown secret reference`, true);
}
