// Runs compiled DuckDB artifacts on a real DuckDB: tables, then pipelines in order, with
// their checks. What the DuckDB executor will do; shared by the tests.
import { DuckDBInstance } from '@duckdb/node-api';
import { type Artifact, readPipelinePlans } from '../../compiler/index.js';
import { rowExpression, rowsHash } from '../../reconciler/index.js';
import type { SqlType } from '../../spec/index.js';
import { splitSql } from './split-sql.js';

export interface DuckRun {
  run(sql: string): Promise<void>;
  rows(sql: string): Promise<unknown[][]>;
  close(): void;
}

/** `catalogs` maps each physical catalog to a database file (or ':memory:'). */
export async function openDuck(catalogs: Record<string, string>, filesRoot: string): Promise<DuckRun> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  for (const [name, path] of Object.entries(catalogs)) await db.run(`ATTACH '${path.replace(/'/g, "''")}' AS "${name}"`);
  await db.run(`SET file_search_path = '${filesRoot.replace(/'/g, "''")}'`);
  return {
    run: async (sql) => void (await db.run(sql)),
    rows: async (sql) => (await db.runAndReadAll(sql)).getRowsJson() as unknown[][],
    close: () => {
      db.closeSync();
      instance.closeSync();
    },
  };
}

export async function createTables(duck: DuckRun, artifacts: readonly Artifact[]): Promise<void> {
  for (const a of artifacts.filter((x) => x.kind === 'duckdb.ddl')) for (const s of splitSql(a.content)) await duck.run(s);
}

/** Runs the named pipelines; returns the checks that found rows (error-severity ones throw). */
export async function runPipelines(duck: DuckRun, artifacts: readonly Artifact[], names: string[]): Promise<string[]> {
  const plans = readPipelinePlans(artifacts, 'duckdb');
  const warnings: string[] = [];
  for (const name of names) {
    const plan = plans.find((p) => p.pipeline === name);
    if (!plan) throw new Error(`no DuckDB plan for pipeline ${name}`);
    for (const step of plan.steps) {
      await duck.run('BEGIN TRANSACTION');
      for (const action of step.actions) {
        if (action.kind !== 'sql') throw new Error(`step ${step.name} needs an executor extract (${action.connectionType})`);
        await duck.run(action.sql);
      }
      await duck.run('COMMIT');
      for (const check of step.checks) {
        const n = (await duck.rows(check.sql)).length;
        if (n > 0 && check.severity === 'error') throw new Error(`check ${step.into}.${check.name} found ${n} offending rows`);
        if (n > 0) warnings.push(`${step.into}.${check.name}`);
      }
    }
  }
  return warnings;
}

// The content hash is the reconciler's (one normalisation for every engine and the run artifacts).
export { rowExpression, rowsHash } from '../../reconciler/index.js';

export async function duckTableHash(duck: DuckRun, fq: string, columns: readonly { name: string; type: SqlType }[]): Promise<{ rows: number; hash: string }> {
  return rowsHash((await duck.rows(`SELECT ${rowExpression(columns, 'duckdb')} AS r FROM ${fq}`)).map((r) => String(r[0])));
}
