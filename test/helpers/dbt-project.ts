// Writes the compiled dbt project to a folder and runs dbt on it. dbt runs asynchronously on
// purpose: the test engines (Trino, PostgreSQL) write their logs into pipes this process
// reads, and a synchronous spawn would stop reading them; once a pipe is full the engine
// blocks on its log and dbt waits on the engine forever.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Artifact } from '../../compiler/index.js';

export function writeDbtProject(artifacts: readonly Artifact[], project: string): void {
  for (const a of artifacts.filter((x) => x.path.startsWith('dbt/'))) {
    const f = join(project, a.path.slice('dbt/'.length));
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, a.content);
  }
}

export interface DbtResult {
  status: number;
  output: string;
}

export function runDbt(dbt: string, args: string[], project: string, env: NodeJS.ProcessEnv): Promise<DbtResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(dbt, [...args, '--project-dir', project, '--profiles-dir', project], {
      cwd: project,
      env: { ...process.env, ...env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DO_NOT_TRACK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? 1, output }));
  });
}

/** The names of the nodes in target/run_results.json that ended with `status` (pass, warn, fail, error …). */
export function dbtResults(project: string): (status: string) => string[] {
  const results = JSON.parse(readFileSync(join(project, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
  return (status) => results.results.filter((x) => x.status === status).map((x) => x.unique_id.split('.')[2]!);
}
