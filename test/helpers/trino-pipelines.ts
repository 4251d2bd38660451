// Runs compiled Trino pipeline plans on a real Trino, doing the extracts an executor does
// for files connections (rows into the staging table). Shared by tests and benchmarks.
import { join } from 'node:path';
import { type Artifact, type PipelinePlan, TrinoDialect } from '../../compiler/index.js';
import type { TrinoServer } from '../harness/trino-server.js';
import { readCsv } from '../../reconciler/executors/csv-rows.js';

const dialect = new TrinoDialect();

export type FileExtract = { kind: 'extract'; into: string; path?: string; columns: { name: string; type: string }[] };

/** A CSV value as a typed literal; ISO timestamps (2026-03-02T17:00:00) become Trino's form. */
function literal(value: string, type: string): string {
  const v = type.startsWith('timestamp') ? value.replace(/^(\d{4}-\d\d-\d\d)T/, '$1 ') : value;
  return `CAST(${dialect.stringLiteral(v)} AS ${type})`;
}

/**
 * Loads a files extract into its staging table. `filesRoot` resolves relative paths; an
 * absolute path (prod's /srv/exports/odoo) is read from `fallbackDir` by file name, since
 * this machine does not have it.
 */
export async function extractFile(trino: TrinoServer, action: FileExtract, filesRoot: string, fallbackDir = join(filesRoot, 'data')): Promise<number> {
  const file = action.path!.startsWith('/') ? join(fallbackDir, action.path!.split('/').pop()!) : join(filesRoot, action.path!);
  const { header, rows } = readCsv(file);
  const types = new Map(action.columns.map((c) => [c.name, c.type]));
  const cols = action.columns.map((c) => c.name);
  const idx = cols.map((c) => header.indexOf(c));
  for (const [i, c] of cols.entries()) if (idx[i] === -1) throw new Error(`${action.path} has no column ${c}`);
  for (let start = 0; start < rows.length; start += 200) {
    const values = rows
      .slice(start, start + 200)
      .map((r) => `(${idx.map((j, k) => (r[j] === null ? 'NULL' : literal(r[j]!, types.get(cols[k]!)!))).join(', ')})`)
      .join(',\n');
    await trino.query(`INSERT INTO ${action.into} (${cols.map((c) => dialect.quoteIdent(c)).join(', ')}) VALUES\n${values}`);
  }
  return rows.length;
}

export function trinoPlans(artifacts: readonly Artifact[]): PipelinePlan[] {
  return artifacts.filter((x) => x.kind === 'trino.pipeline').map((x) => JSON.parse(x.content) as PipelinePlan);
}

/** Runs one step's actions (SQL and extracts). */
export async function runTrinoStep(trino: TrinoServer, step: PipelinePlan['steps'][number], filesRoot: string): Promise<void> {
  for (const action of step.actions) {
    if (action.kind === 'sql') await trino.query(action.sql);
    else await extractFile(trino, action as unknown as FileExtract, filesRoot);
  }
}
