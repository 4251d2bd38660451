// Runs compiled Trino pipeline plans on a real Trino, doing the extracts an executor does
// for files connections (rows into the staging table). Shared by tests and benchmarks.
import { join } from 'node:path';
import { type Artifact, type PipelinePlan, readPipelinePlans } from '../../compiler/index.js';
import { type ExtractAction, TrinoEngine, runExtract } from '../../reconciler/index.js';
import type { TrinoServer } from '../harness/trino-server.js';

/**
 * Loads a files extract into its staging table with the executor's own extract. `filesRoot`
 * resolves relative paths; an absolute path (prod's /srv/exports/odoo) is read from
 * `fallbackDir` by file name, since this machine does not have it.
 */
export async function extractFile(trino: TrinoServer, action: ExtractAction, filesRoot: string, fallbackDir = join(filesRoot, 'data')): Promise<number> {
  const path = action.path!.startsWith('/') ? join(fallbackDir, action.path!.split('/').pop()!) : action.path!;
  const engine = new TrinoEngine({ server: `http://127.0.0.1:${trino.port}` });
  return runExtract({ ...action, path }, { engine, filesRoot, connection: { type: 'files', config: {} }, env: {} });
}

export function trinoPlans(artifacts: readonly Artifact[]): PipelinePlan[] {
  return readPipelinePlans(artifacts, 'trino');
}

/** Runs one step's actions (SQL and extracts). */
export async function runTrinoStep(trino: TrinoServer, step: PipelinePlan['steps'][number], filesRoot: string): Promise<void> {
  for (const action of step.actions) {
    if (action.kind === 'sql') await trino.query(action.sql);
    else await extractFile(trino, action, filesRoot);
  }
}
