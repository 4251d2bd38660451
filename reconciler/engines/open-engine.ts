// The one place engines are built from settings: the CLI's session, `serve`/`worker` and the
// GitHub App's merges all open theirs here.
import { join } from 'node:path';
import { DuckDbEngine } from './duckdb-engine.js';
import type { SqlEngine } from './sql-engine.js';
import { TrinoEngine } from './trino-engine.js';

export type EngineId = SqlEngine['id'];

export interface EngineSettings {
  /** The state folder: DuckDB's catalog files are in its duckdb/ folder. */
  stateDir: string;
  /** Where relative file paths of files connections resolve (the spec root). */
  filesRoot: string;
  /** http://host:port of Trino (needed for the trino engine). */
  trinoUrl?: string | undefined;
  trinoUser?: string | undefined;
}

export async function openEngine(id: EngineId, s: EngineSettings): Promise<SqlEngine> {
  if (id === 'trino') return trinoEngine(s);
  return DuckDbEngine.open({ dataDir: join(s.stateDir, 'duckdb'), filesRoot: s.filesRoot });
}

export function trinoEngine(s: Pick<EngineSettings, 'trinoUrl' | 'trinoUser'>): TrinoEngine {
  if (!s.trinoUrl) throw new Error('the trino engine needs a Trino URL (--trino-url or LAKESPEC_TRINO_URL)');
  return new TrinoEngine({ server: s.trinoUrl, ...(s.trinoUser ? { user: s.trinoUser } : {}) });
}
