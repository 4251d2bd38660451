// Opens the state store: PostgreSQL when a URL is given, else PGlite in a local folder
// (the embedded default), migrated to the current schema, with the artifact folder beside.
import { join } from 'node:path';
import { type ArtifactStore, LocalArtifactStore } from './artifacts/artifact-store.js';
import { RunQueue, type QueueOptions } from './state/run-queue.js';
import { CatalogStore } from './state/catalog-store.js';
import type { Db } from './state/db.js';
import { migrate } from './state/migrate.js';
import { openPostgres } from './state/pg-db.js';
import { openPglite } from './state/pglite-db.js';
import { ScopedDb } from './state/scoped-db.js';

export interface StateOptions {
  /** postgres://… — a PostgreSQL server; otherwise the embedded PGlite store. */
  databaseUrl?: string;
  /** Folder of the embedded store, the artifacts and the local engine's files. */
  dir: string;
  queue?: QueueOptions;
  artifactsDir?: string;
}

/** The stores as one workspace sees them (or every workspace, for `null`). */
export interface ScopedState {
  /** Row-level security holds on every statement (state/scoped-db.ts). */
  db: ScopedDb;
  queue: RunQueue;
  catalog: CatalogStore;
  artifacts: ArtifactStore;
}

export interface State extends ScopedState {
  describe: string;
  /** The same stores limited to one workspace: what a request or a claim of that workspace uses. */
  scoped(workspace: string | null): ScopedState;
  close(): Promise<void>;
}

export async function openState(options: StateOptions): Promise<State> {
  const owner: Db = options.databaseUrl ? openPostgres(options.databaseUrl) : await openPglite(join(options.dir, 'state'));
  try {
    await migrate(owner);
  } catch (e) {
    await owner.close().catch(() => {});
    throw e;
  }
  const artifacts = new LocalArtifactStore(options.artifactsDir ?? join(options.dir, 'artifacts'));
  // Past the migrations, nothing uses the owner's session: every statement runs under the
  // row-level security of the application's role.
  const view = (workspace: string | null): ScopedState => {
    const scoped = ScopedDb.over(owner, workspace);
    return { db: scoped, queue: new RunQueue(scoped, artifacts, options.queue), catalog: new CatalogStore(scoped), artifacts };
  };
  return {
    ...view(null),
    scoped: view,
    describe: options.databaseUrl ? `PostgreSQL ${redactUrl(options.databaseUrl)}` : `PGlite ${join(options.dir, 'state')}`,
    close: () => owner.close(),
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
