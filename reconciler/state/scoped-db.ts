// A view of the state store in which row-level security holds: every statement runs in a
// transaction as the role `lakespec_scoped`, with `lakespec.workspace` set to one workspace
// (or '*' for the reconciler itself and credentials not limited to one). The policies (see
// migration 10, FORCE ROW LEVEL SECURITY on every table) then let through only that
// workspace's rows, whatever the SQL asks for: a query that forgets its workspace filter
// returns nothing of another workspace's, instead of leaking it. The role also lacks
// TRUNCATE, DDL and DELETE on the append-only tables.
//
// Only migrations use the owner's connection (openState keeps it to itself).
import type { Db, QueryOptions, QueryResult, Queryable } from './db.js';

/** Every workspace: the reconciler's own work and credentials not limited to one workspace. */
export const ALL_WORKSPACES = '*';

export class ScopedDb implements Db {
  readonly kind: Db['kind'];

  private constructor(
    /** The owner's connection; never handed out. */
    private readonly base: Db,
    /** A workspace id, or ALL_WORKSPACES. */
    readonly workspace: string,
  ) {
    this.kind = base.kind;
  }

  static over(db: Db, workspace: string | null): ScopedDb {
    const base = db instanceof ScopedDb ? db.base : db;
    return new ScopedDb(base, workspace ?? ALL_WORKSPACES);
  }

  /** The same store seen by one workspace (or all). */
  within(workspace: string | null): ScopedDb {
    return ScopedDb.over(this.base, workspace);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.base.transaction(async (tx) => {
      // Both local to this transaction: the pooled connection goes back as it came.
      await tx.query("SELECT set_config('role', 'lakespec_scoped', true), set_config('lakespec.workspace', $1, true)", [this.workspace], { prepare: 'lakespec_scope' });
      return fn(tx);
    });
  }

  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<T>> {
    return this.transaction((tx) => tx.query<T>(sql, params, options));
  }

  async exec(): Promise<void> {
    throw new Error('a scoped state-store session does not run DDL: migrations run as the owner');
  }

  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    return this.base.listen(channel, onNotify);
  }

  /** Closes the store itself (scoped views share it). */
  close(): Promise<void> {
    return this.base.close();
  }
}
