// Opens the state store: PostgreSQL when a URL is given, else PGlite in a local folder
// (the embedded default), migrated to the current schema, with the artifact folder beside.
import { join } from 'node:path';
import { type ArtifactStore, LocalArtifactStore } from './artifacts/artifact-store.js';
import { RunQueue, type QueueOptions } from './runs/run-queue.js';
import { CatalogStore } from './state/catalog-store.js';
import type { Db } from './state/db.js';
import { migrate } from './state/migrate.js';
import { openPostgres } from './state/pg-db.js';
import { openPglite } from './state/pglite-db.js';

export interface StateOptions {
  /** postgres://… — a PostgreSQL server; otherwise the embedded PGlite store. */
  databaseUrl?: string;
  /** Folder of the embedded store, the artifacts and the local engine's files. */
  dir: string;
  queue?: QueueOptions;
  artifactsDir?: string;
}

export interface State {
  db: Db;
  queue: RunQueue;
  catalog: CatalogStore;
  artifacts: ArtifactStore;
  describe: string;
  close(): Promise<void>;
}

export async function openState(options: StateOptions): Promise<State> {
  const db = options.databaseUrl ? openPostgres(options.databaseUrl) : await openPglite(join(options.dir, 'state'));
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
  const artifacts = new LocalArtifactStore(options.artifactsDir ?? join(options.dir, 'artifacts'));
  return {
    db,
    queue: new RunQueue(db, artifacts, options.queue),
    catalog: new CatalogStore(db),
    artifacts,
    describe: options.databaseUrl ? `PostgreSQL ${redactUrl(options.databaseUrl)}` : `PGlite ${join(options.dir, 'state')}`,
    close: () => db.close(),
  };
}

/** A database URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
