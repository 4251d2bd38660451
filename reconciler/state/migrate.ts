// Applies the numbered migrations inside one transaction under an advisory lock, so that
// several processes starting together migrate once. A migration whose text changed after it
// was applied is refused: the database would no longer match the code.
import { sha256 } from '../../spec/index.js';
import type { Db } from './db.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

const LOCK_KEY = 7_311_001; // any constant shared by all lakespec processes

export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    // Row-level security is forced on the tables' owner too: a migration that moves data sees all of it.
    await tx.query("SELECT set_config('lakespec.workspace', '*', true)");
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map((await tx.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations')).rows.map((r) => [r.version, r.checksum]));
    const applied: number[] = [];
    for (const m of migrations) {
      const checksum = sha256(m.sql);
      const prior = done.get(m.version);
      if (prior !== undefined) {
        if (prior !== checksum) throw new Error(`migration ${m.version} (${m.name}) changed after it was applied; add a new migration instead`);
        continue;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, checksum]);
      applied.push(m.version);
    }
    const newest = Math.max(0, ...done.keys());
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) throw new Error(`the state store is at migration ${newest}, newer than this lakespec (${known}); upgrade lakespec`);
    return applied;
  });
}
