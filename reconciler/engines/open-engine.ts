// The engines, one entry each, and the one place they are built from settings: the CLI's
// session, `serve`/`worker` and the GitHub App's merges all open theirs here. Adding one is
// its file implementing SqlEngine, its id in SqlEngine['id'] and its entry below.
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

interface EngineEntry {
  open(s: EngineSettings): Promise<SqlEngine>;
  /** How a user makes it available (for messages about a pipeline nothing here can run). */
  enable: string;
}

export const ENGINES = {
  duckdb: { open: (s) => DuckDbEngine.open({ dataDir: join(s.stateDir, 'duckdb'), filesRoot: s.filesRoot }), enable: 'it is embedded: pass --engine duckdb' },
  trino: { open: async (s) => trinoEngine(s), enable: 'pass --engine trino --trino-url URL' },
} as const satisfies Record<EngineId, EngineEntry>;

export const ENGINE_IDS: readonly EngineId[] = Object.keys(ENGINES) as EngineId[];

export function isEngineId(id: string): id is EngineId {
  return Object.hasOwn(ENGINES, id);
}

export function openEngine(id: EngineId, s: EngineSettings): Promise<SqlEngine> {
  return ENGINES[id].open(s);
}

export function trinoEngine(s: Pick<EngineSettings, 'trinoUrl' | 'trinoUser'>): TrinoEngine {
  if (!s.trinoUrl) throw new Error('the trino engine needs a Trino URL (--trino-url or LAKESPEC_TRINO_URL)');
  return new TrinoEngine({ server: s.trinoUrl, ...(s.trinoUser ? { user: s.trinoUser } : {}) });
}
