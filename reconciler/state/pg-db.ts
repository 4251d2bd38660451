// PostgreSQL servers through `pg`: a pool, one client per transaction.
import pg from 'pg';
import type { Db, QueryOptions, QueryResult, Queryable } from './db.js';

export interface PgOptions {
  max?: number;
  /** Reported in pg_stat_activity; helps operators see which process holds what. */
  applicationName?: string;
}

export function openPostgres(connectionString: string, options: PgOptions = {}): Db {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, application_name: options.applicationName ?? 'lakespec', connectionTimeoutMillis: 10_000 });
  // An idle client losing its server (a restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<QueryResult<T>> {
      const r = options?.prepare ? await c.query({ name: options.prepare, text: sql, values: params as unknown[] }) : await c.query(sql, params as unknown[]);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  const root = wrap(pool);
  return {
    kind: 'postgres',
    query: root.query,
    exec: root.exec,
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      // A checked-out client has no error listener (the pool removes its own); a server
      // restart between two statements would otherwise crash the process. The next
      // statement fails instead, and the caller retries.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw e;
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    },
    // LISTEN needs a connection of its own, outside the pool. If it drops (a restart), the
    // listener is gone and workers fall back to polling until they subscribe again.
    async listen(channel, onNotify) {
      const client = new pg.Client({ connectionString, application_name: `${options.applicationName ?? 'lakespec'} listener` });
      client.on('error', () => {});
      client.on('notification', (m) => {
        if (m.channel === channel) onNotify();
      });
      await client.connect();
      await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      return async () => {
        await client.end().catch(() => {});
      };
    },
    close: () => pool.end(),
  };
}
