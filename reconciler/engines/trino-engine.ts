// Trino through trino-client: the server engine for Iceberg. DDL is not transactional, so
// the applier records stage by stage. Catalogs are configured on the server; prepare()
// only checks that they exist.
import { randomUUID } from 'node:crypto';
import { BasicAuth, Trino } from 'trino-client';
import { TrinoBackend } from '../../compiler/index.js';
import type { LiveTable } from '../plan/catalog-state.js';
import { type SqlEngine, abortError } from './sql-engine.js';

export interface TrinoEngineOptions {
  /** http://host:port */
  server: string;
  user?: string;
  password?: string;
}


export class TrinoEngine implements SqlEngine {
  readonly id = 'trino' as const;
  readonly backend = new TrinoBackend();
  readonly transactionalDdl = false;
  private readonly client: Trino;

  constructor(options: TrinoEngineOptions) {
    this.client = Trino.create({
      server: options.server,
      catalog: 'system',
      schema: 'runtime',
      ...(options.password !== undefined ? { auth: new BasicAuth(options.user ?? 'lakespec', options.password) } : { auth: new BasicAuth(options.user ?? 'lakespec') }),
    });
  }

  /**
   * With a signal, an abort cancels the query on the server (Trino then lists it as FAILED,
   * USER_CANCELED). The client only hands back results that carry rows, so the query is found
   * by a source name of its own (X-Trino-Source) in system.runtime.queries.
   */
  async records(sql: string, signal?: AbortSignal): Promise<{ columns: string[]; rows: unknown[][] }> {
    if (signal?.aborted) throw abortError(signal);
    const source = signal ? `lakespec-${randomUUID()}` : undefined;
    const onAbort = () => void this.cancelSource(source!).catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const iter = await this.client.query(source ? { query: sql, extraHeaders: { 'X-Trino-Source': source } } : sql);
      const rows: unknown[][] = [];
      let columns: string[] = [];
      for await (const r of iter) {
        if (signal?.aborted) throw abortError(signal);
        if (r.error) throw new Error(r.error.message);
        if (r.columns) columns = r.columns.map((c) => c.name);
        if (r.data) rows.push(...r.data);
      }
      if (signal?.aborted) throw abortError(signal);
      return { columns, rows };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Cancels the query sent under `source`; an abort right after sending may come before Trino lists it, so it looks again for a few seconds. */
  private async cancelSource(source: string): Promise<void> {
    for (let i = 0; i < 25; i++) {
      const running = await this.rows(`SELECT query_id FROM system.runtime.queries WHERE source = '${source.replace(/'/g, "''")}' AND state NOT IN ('FINISHED', 'FAILED')`);
      if (running.length > 0) {
        await Promise.all(running.map((r) => this.client.cancel(String(r[0]))));
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async rows(sql: string, signal?: AbortSignal): Promise<unknown[][]> {
    return (await this.records(sql, signal)).rows;
  }

  async run(sql: string, signal?: AbortSignal): Promise<void> {
    await this.records(sql, signal);
  }

  async prepare(catalogs: readonly string[]): Promise<void> {
    const have = new Set((await this.rows('SHOW CATALOGS')).map((r) => String(r[0])));
    const missing = catalogs.filter((c) => !have.has(c));
    if (missing.length > 0) throw new Error(`Trino has no catalog ${missing.join(', ')}; configure an Iceberg catalog of that name (etc/catalog/<name>.properties)`);
  }

  // Trino/Iceberg statements autocommit; a step's statements are ordered so that a retry is safe.
  begin = async () => {};
  commit = async () => {};
  rollback = async () => {};

  async liveTables(catalogs: readonly string[]): Promise<LiveTable[]> {
    const have = new Set((await this.rows('SHOW CATALOGS')).map((r) => String(r[0])));
    const out = new Map<string, LiveTable>();
    for (const c of catalogs.filter((x) => have.has(x))) {
      const rows = await this.rows(
        `SELECT table_schema, table_name, column_name, data_type, is_nullable FROM "${c.replace(/"/g, '""')}".information_schema.columns
         WHERE table_schema NOT IN ('information_schema', 'system') ORDER BY table_schema, table_name, ordinal_position`,
      );
      for (const [schema, table, column, type, nullable] of rows as string[][]) {
        const key = `${c}.${schema}.${table}`;
        let t = out.get(key);
        if (!t) out.set(key, (t = { physical: { catalog: c, schema: schema!, table: table! }, columns: [] }));
        t.columns.push({ name: column!, type: type!, nullable: nullable === 'YES' });
      }
    }
    return [...out.values()];
  }

  async close(): Promise<void> {}
}

