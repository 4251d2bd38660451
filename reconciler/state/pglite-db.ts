// The embedded default: PostgreSQL compiled to WebAssembly (PGlite), stored in a local folder.
// One connection, so transactions are serialised by PGlite itself. A folder can only be
// opened by one process at a time (PGlite is not multi-process): a lock file with the
// owner's pid guards it, and a stale one (its process gone) is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Db, QueryResult, Queryable } from './db.js';

export class StateInUseError extends Error {}

function lock(dir: string): () => void {
  const file = join(dir, 'lakespec.pid');
  for (let i = 0; i < 2; i++) {
    try {
      writeFileSync(file, `${process.pid}\n${process.argv.slice(1).join(' ')}\n`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const [pid, cmd] = readFileSync(file, 'utf8').split('\n');
      if (Number(pid) !== process.pid && alive(Number(pid))) {
        throw new StateInUseError(`the embedded state store ${dir} is in use by process ${pid} (${(cmd ?? '').replace(/^.*?lakespec(\.js)? /, 'lakespec ')}); stop it, or share state through PostgreSQL (--database-url)`);
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new StateInUseError(`could not lock ${dir}`);
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function openPglite(dir: string | undefined): Promise<Db> {
  let unlock = () => {};
  if (dir) {
    mkdirSync(dir, { recursive: true });
    unlock = lock(dir);
  }
  let pg: PGlite;
  try {
    // One process, a small store: PostgreSQL's default 128 MB of shared buffers is most of
    // what every CLI command paid in memory (peak RSS 315 → 175 MB for opening the example's
    // store); the operating system caches the files anyway.
    pg = await PGlite.create(dir ?? 'memory://', { postgresqlconf: ['shared_buffers=16MB'] });
  } catch (e) {
    unlock();
    throw e;
  }
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): Queryable => ({
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const r = await q.query<T>(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const root = wrap(pg);
  return {
    kind: 'pglite',
    query: root.query,
    exec: root.exec,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    listen: async (channel, onNotify) => pg.listen(channel, () => onNotify()),
    close: async () => {
      try {
        await pg.close();
      } finally {
        unlock();
      }
    },
  };
}
