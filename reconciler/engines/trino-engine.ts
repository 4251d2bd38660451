// Trino through trino-client: the server engine for Iceberg. DDL is not transactional, so
// the applier records stage by stage. Catalogs are configured on the server; prepare()
// only checks that they exist.
import { randomUUID } from 'node:crypto';
import { BasicAuth, type QueryResult, Trino } from 'trino-client';
import { TrinoBackend } from '../../compiler/index.js';
import type { LiveTable } from '../plan/catalog-state.js';
import { type OnceWrite, type SqlEngine, abortError } from './sql-engine.js';

export interface TrinoEngineOptions {
  /** http://host:port */
  server: string;
  user?: string;
  password?: string;
}


/**
 * The response to the POST: the query's id and the URI that starts it. trino-client keeps it
 * inside the iterator it returns and yields only what follows, so it is read from there;
 * the check makes a change in the client fail loudly, not write twice.
 */
function firstResult(iter: unknown): QueryResult {
  const r = (iter as { iter?: { queryResult?: QueryResult } }).iter?.queryResult;
  if (!r || typeof r.id !== 'string') throw new Error('trino-client no longer exposes the query created by POST /v1/statement; writes cannot be made once');
  if (r.error) throw new Error(r.error.message);
  return r;
}

export class TrinoEngine implements SqlEngine {
  readonly id = 'trino' as const;
  readonly backend = new TrinoBackend();
  readonly transactionalDdl = false;
  private readonly client: Trino;
  private readonly headers: Record<string, string>;

  constructor(options: TrinoEngineOptions) {
    const user = options.user ?? 'lakespec';
    this.headers = { 'X-Trino-User': user, Authorization: `Basic ${Buffer.from(`${user}:${options.password ?? ''}`).toString('base64')}` };
    this.client = Trino.create({
      server: options.server,
      catalog: 'system',
      schema: 'runtime',
      ...(options.password !== undefined ? { auth: new BasicAuth(user, options.password) } : { auth: new BasicAuth(user) }),
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

  /**
   * Trino creates a query on POST but starts it only when the client first follows its
   * nextUri. The id and that URI are remembered in between, so a later attempt can always
   * find the query: cancel it if it is still queued or running, and look for its id in the
   * target's Iceberg snapshots (Trino writes `trino_query_id` into each commit's summary).
   */
  async writeOnce(sql: string, w: OnceWrite, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortError(signal);
    const iter = await this.client.query(sql);
    const first = firstResult(iter);
    try {
      await w.remember({ queryId: first.id, nextUri: first.nextUri ?? null });
    } catch (e) {
      // Not remembered, so it must never start: cancel it while it is still queued.
      await this.stopQuery(first.id, first.nextUri);
      throw e;
    }
    const onAbort = () => void this.stopQuery(first.id, first.nextUri).catch(() => {});
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) throw abortError(signal);
      for await (const r of iter) {
        if (signal?.aborted) throw abortError(signal);
        if (r.error) throw new Error(r.error.message);
      }
      if (signal?.aborted) throw abortError(signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async committedOnce(w: { key: string; table: string; recorded: readonly Record<string, unknown>[] }, signal?: AbortSignal): Promise<boolean> {
    const ids = w.recorded.filter((d) => typeof d.queryId === 'string').map((d) => ({ id: d.queryId as string, nextUri: typeof d.nextUri === 'string' ? d.nextUri : undefined }));
    if (ids.length === 0) return false;
    for (const q of ids) await this.stopQuery(q.id, q.nextUri);
    // Stopped means ended: wait until Trino no longer lists any of them as under way.
    const list = ids.map((q) => `'${q.id.replace(/'/g, "''")}'`).join(', ');
    for (let i = 0; ; i++) {
      const busy = await this.rows(`SELECT query_id FROM system.runtime.queries WHERE query_id IN (${list}) AND state NOT IN ('FINISHED', 'FAILED')`, signal);
      if (busy.length === 0) break;
      if (i >= 300) throw new Error(`Trino still runs ${busy.map((r) => r[0]).join(', ')} after it was cancelled; a later attempt looks again`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const [catalog, schema, table] = w.table.split('.') as [string, string, string];
    const dq = (s: string) => '"' + s.replace(/"/g, '""') + '"';
    const found = await this.rows(`SELECT count(*) FROM ${dq(catalog)}.${dq(schema)}.${dq(`${table}$snapshots`)} WHERE summary['trino_query_id'] IN (${list})`, signal);
    return Number(found[0]?.[0] ?? 0) > 0;
  }

  /** Cancels a query whether Trino has started it (DELETE /v1/query/{id}) or still holds it queued (DELETE on its nextUri). */
  private async stopQuery(id: string, nextUri: string | undefined): Promise<void> {
    await this.client.cancel(id).catch(() => {});
    if (nextUri) await fetch(nextUri, { method: 'DELETE', headers: this.headers }).catch(() => {});
  }

  async close(): Promise<void> {}
}

