// DuckDB, the embedded default: each physical catalog is a database file in the data
// folder, attached under its name; relative file paths resolve against the spec root.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
// Types only: the native library is loaded when an engine is opened, not by every command
// that imports the reconciler (`lakespec runs` needs no DuckDB).
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DuckDbBackend } from '../../compiler/index.js';
import type { LiveTable } from '../plan/catalog-state.js';
import { type OnceWrite, type SqlEngine, abortError } from './sql-engine.js';

export interface DuckDbEngineOptions {
  /** Folder of the catalog files; undefined keeps everything in memory. */
  dataDir?: string;
  /** Where relative file paths of files connections resolve. */
  filesRoot: string;
}

/** lakespec's own schema in each catalog file: the ledger of writes that must not repeat. */
const LEDGER_SCHEMA = '_lakespec';

const sq = (s: string) => "'" + s.replace(/'/g, "''") + "'";
const dq = (s: string) => '"' + s.replace(/"/g, '""') + '"';

export class DuckDbEngine implements SqlEngine {
  readonly id = 'duckdb' as const;
  readonly backend = new DuckDbBackend();
  readonly transactionalDdl = true;
  private readonly attached = new Set<string>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly options: DuckDbEngineOptions,
  ) {
    this.filesRoot = options.filesRoot;
  }

  private filesRoot: string;

  static async open(options: DuckDbEngineOptions): Promise<DuckDbEngine> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(`SET file_search_path = ${sq(options.filesRoot)}`);
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    return new DuckDbEngine(instance, conn, options);
  }

  async useFilesRoot(dir: string): Promise<void> {
    if (dir === this.filesRoot) return;
    await this.conn.run(`SET file_search_path = ${sq(dir)}`);
    this.filesRoot = dir;
  }

  async prepare(catalogs: readonly string[]): Promise<void> {
    for (const c of catalogs) {
      if (this.attached.has(c)) continue;
      const path = this.options.dataDir ? join(this.options.dataDir, `${c}.duckdb`) : ':memory:';
      await this.conn.run(`ATTACH ${sq(path)} AS ${dq(c)}`);
      this.attached.add(c);
    }
  }

  /** Catalog files that exist in the data folder (for drift and live reads). */
  catalogExists(c: string): boolean {
    return this.attached.has(c) || (this.options.dataDir !== undefined && existsSync(join(this.options.dataDir, `${c}.duckdb`)));
  }

  async run(sql: string, signal?: AbortSignal): Promise<void> {
    await this.interruptible(signal, () => this.conn.run(sql));
  }

  async rows(sql: string, signal?: AbortSignal): Promise<unknown[][]> {
    return (await this.interruptible(signal, () => this.conn.runAndReadAll(sql))).getRowsJson() as unknown[][];
  }

  async records(sql: string, signal?: AbortSignal): Promise<{ columns: string[]; rows: unknown[][] }> {
    const r = await this.interruptible(signal, () => this.conn.runAndReadAll(sql));
    return { columns: r.columnNames(), rows: r.getRowsJson() as unknown[][] };
  }

  /**
   * Runs a statement that `signal` interrupts. The connection runs one statement at a time,
   * so only the statement of the signal's own call is interrupted (a later one that waits
   * for the connection is refused before it starts).
   */
  private async interruptible<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    if (!signal) return fn();
    if (signal.aborted) throw abortError(signal);
    const token = {};
    const onAbort = () => {
      if (this.running === token) this.conn.interrupt();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      this.running = token;
      return await fn();
    } catch (e) {
      throw signal.aborted ? abortError(signal) : e;
    } finally {
      if (this.running === token) this.running = undefined;
      signal.removeEventListener('abort', onAbort);
    }
  }

  private running: object | undefined;

  begin = () => this.run('BEGIN TRANSACTION');
  commit = () => this.run('COMMIT');
  rollback = () => this.run('ROLLBACK');

  // The ledger lives in the target's own catalog file: a DuckDB transaction writes to one
  // attached database only, and the ledger row must commit with the write it proves.
  async writeOnce(sql: string, w: OnceWrite, signal?: AbortSignal): Promise<void> {
    const catalog = dq(w.table.split('.')[0]!);
    await this.run(sql, signal);
    await this.run(`CREATE SCHEMA IF NOT EXISTS ${catalog}.${dq(LEDGER_SCHEMA)}`, signal);
    await this.run(`CREATE TABLE IF NOT EXISTS ${catalog}.${dq(LEDGER_SCHEMA)}.writes (key VARCHAR PRIMARY KEY, written_at TIMESTAMP WITH TIME ZONE NOT NULL)`, signal);
    await this.run(`INSERT INTO ${catalog}.${dq(LEDGER_SCHEMA)}.writes VALUES (${sq(w.key)}, now())`, signal);
    // A retry comes within its run's life; a month of rows is plenty.
    await this.run(`DELETE FROM ${catalog}.${dq(LEDGER_SCHEMA)}.writes WHERE written_at < now() - INTERVAL 30 DAY`, signal);
  }

  async committedOnce(w: { key: string; table: string }, signal?: AbortSignal): Promise<boolean> {
    const catalog = w.table.split('.')[0]!;
    const ledger = await this.rows(`SELECT 1 FROM duckdb_tables() WHERE database_name = ${sq(catalog)} AND schema_name = ${sq(LEDGER_SCHEMA)} AND table_name = 'writes'`, signal);
    if (ledger.length === 0) return false;
    return (await this.rows(`SELECT 1 FROM ${dq(catalog)}.${dq(LEDGER_SCHEMA)}.writes WHERE key = ${sq(w.key)}`, signal)).length > 0;
  }

  async liveTables(catalogs: readonly string[]): Promise<LiveTable[]> {
    const present = catalogs.filter((c) => this.catalogExists(c));
    await this.prepare(present);
    if (present.length === 0) return [];
    const rows = await this.rows(
      `SELECT table_catalog, table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_catalog IN (${present.map(sq).join(', ')}) AND table_schema <> ${sq(LEDGER_SCHEMA)} ORDER BY table_catalog, table_schema, table_name, ordinal_position`,
    );
    const out = new Map<string, LiveTable>();
    for (const [catalog, schema, table, column, type, nullable] of rows as string[][]) {
      const key = `${catalog}.${schema}.${table}`;
      let t = out.get(key);
      if (!t) out.set(key, (t = { physical: { catalog: catalog!, schema: schema!, table: table! }, columns: [] }));
      t.columns.push({ name: column!, type: type!, nullable: nullable === 'YES' });
    }
    return [...out.values()];
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
