// The backends, one line each. Adding one is its folder of code, its id in BackendId
// (compiler/backend.ts) and its line here: `satisfies` makes the compiler refuse an id
// without a line or a line without an id. The order is the order `compile` lists them in.
import type { Backend, BackendId } from '../backend.js';
import { DbtBackend } from './dbt-backend.js';
import { DuckDbBackend } from './duckdb-backend.js';
import { SparkBackend } from './spark-backend.js';
import { TrinoBackend } from './trino-backend.js';

export const BACKENDS = {
  duckdb: () => new DuckDbBackend(),
  trino: () => new TrinoBackend(),
  spark: () => new SparkBackend(),
  dbt: () => new DbtBackend(),
} as const satisfies Record<BackendId, () => Backend>;

export const ALL_BACKENDS: readonly BackendId[] = Object.keys(BACKENDS) as BackendId[];

export function createBackend(id: BackendId): Backend {
  return BACKENDS[id]();
}

export function isBackendId(id: string): id is BackendId {
  return Object.hasOwn(BACKENDS, id);
}
