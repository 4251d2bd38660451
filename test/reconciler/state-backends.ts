// The two state-store implementations the contract tests run against: PGlite in memory
// and a real PostgreSQL server (one per test file, a fresh database per store).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, LocalArtifactStore, RunQueue, type QueueOptions, migrate, openPglite, openPostgres } from '../../reconciler/index.js';
import { type PostgresServer, startPostgres } from '../harness/postgres-server.js';

export interface StoreUnderTest {
  db: Db;
  queue: RunQueue;
  close(): Promise<void>;
}

export interface Backend {
  name: 'pglite' | 'postgres';
  open(options?: QueueOptions): Promise<StoreUnderTest>;
}

let server: PostgresServer | undefined;
let counter = 0;

export async function startServer(): Promise<PostgresServer> {
  server ??= await startPostgres();
  return server;
}

export async function stopServer(): Promise<void> {
  await server?.stop();
  server = undefined;
}

async function finish(db: Db, options?: QueueOptions): Promise<StoreUnderTest> {
  await migrate(db);
  const queue = new RunQueue(db, new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'lakespec-artifacts-'))), options);
  return { db, queue, close: () => db.close() };
}

export const BACKENDS: Backend[] = [
  { name: 'pglite', open: async (options) => finish(await openPglite(undefined), options) },
  {
    name: 'postgres',
    open: async (options) => {
      const s = await startServer();
      const name = `store_${process.pid}_${++counter}`;
      await s.createDatabase(name);
      return finish(openPostgres(s.url(name)), options);
    },
  },
];
