// Runs real dbt on the compiled dbt project: `dbt build --select <models>` (the models and
// the data tests attached to them). dbt's run_results.json and its log are stored as
// artifacts; a failing model or test fails the phase for good, a connection problem is
// retried.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { ExecutionError, type Executor, type PhaseContext, type PhaseLineage } from '../runs/executor.js';

export interface DbtBuildInput {
  kind: 'dbt-build';
  pipeline: string;
  /** Model names (= dataset names) to build, with their tests. */
  models: string[];
  /** The compiled dbt project's files (path → text), when the phase carries it. */
  project?: Record<string, string>;
  lineage?: PhaseLineage;
}

export interface DbtExecutorOptions {
  /** The dbt executable (from the project's virtual environment). */
  dbt: string;
  /**
   * The compiled dbt project of the phase's commit (dbt_project.yml and profiles.yml inside).
   * Without it, the project the phase carries is written under `workDir`.
   */
  projectDir?: string | ((ctx: PhaseContext) => string | Promise<string>);
  /** Where carried projects are written, one folder per project content hash (default: the OS temp folder). */
  workDir?: string;
  /** Environment for dbt: LAKESPEC_DBT_TARGET (duckdb | trino), LAKESPEC_DUCKDB_DIR, LAKESPEC_TRINO_*. */
  env: NodeJS.ProcessEnv;
}

interface RunResults {
  results: { unique_id: string; status: string; message?: string | null; failures?: number | null }[];
}

export class DbtExecutor implements Executor {
  readonly id = 'dbt';
  constructor(private readonly options: DbtExecutorOptions) {}

  async execute(raw: unknown, ctx: PhaseContext): Promise<Record<string, unknown>> {
    const input = raw as DbtBuildInput;
    if (!input || input.kind !== 'dbt-build' || !Array.isArray(input.models) || input.models.length === 0) throw new ExecutionError('phase input is not a dbt-build with models', true);
    const project = await this.projectFor(input, ctx);
    if (!existsSync(join(project, 'dbt_project.yml'))) throw new ExecutionError(`no dbt project at ${project}`, true);
    const args = ['build', '--select', ...input.models, '--project-dir', project, '--profiles-dir', project];
    await ctx.progress(`dbt ${args.slice(0, 2 + input.models.length).join(' ')}`);
    const { code, output } = await run(this.options.dbt, args, { ...this.options.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DO_NOT_TRACK: '1' }, project, ctx.signal);
    await ctx.artifact('dbt.log', 'log', output, 'text/plain');
    const resultsFile = join(project, 'target', 'run_results.json');
    if (!existsSync(resultsFile)) throw new ExecutionError(`dbt exited ${code} without results: ${lastLines(output)}`, !/could not connect|connection refused|timed out/i.test(output));
    const text = readFileSync(resultsFile, 'utf8');
    await ctx.artifact('run_results.json', 'dbt-run-results', text, 'application/json');
    const results = (JSON.parse(text) as RunResults).results;
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const output_ = { models: results.filter((r) => r.unique_id.startsWith('model.')).length, success: count('success'), pass: count('pass'), warn: count('warn'), fail: count('fail'), error: count('error'), skipped: count('skipped') };
    for (const r of results.filter((x) => x.status === 'warn')) await ctx.event('PHASE_PROGRESS', 'warn', `dbt: ${r.unique_id} warned: ${r.message ?? ''}`.trim(), { unique_id: r.unique_id });
    const bad = results.filter((r) => r.status === 'fail' || r.status === 'error');
    if (code !== 0 || bad.length > 0) {
      const what = bad.slice(0, 5).map((r) => `${r.unique_id} ${r.status}${r.failures ? ` (${r.failures} rows)` : ''}`).join(', ');
      throw new ExecutionError(`dbt build failed: ${what || lastLines(output)}`, true, output_);
    }
    return output_;
  }

  private async projectFor(input: DbtBuildInput, ctx: PhaseContext): Promise<string> {
    const given = this.options.projectDir;
    if (given !== undefined) return typeof given === 'function' ? await given(ctx) : given;
    if (!input.project || typeof input.project !== 'object') throw new ExecutionError('the phase carries no dbt project and the executor has no project folder', true);
    return materializeProject(input.project, this.options.workDir ?? join(tmpdir(), 'lakespec-dbt'));
  }
}

/**
 * Writes a carried dbt project into a folder named by its content hash. dbt writes target/
 * and logs/ inside; the same project is reused by later phases (dbt's partial parse then
 * helps), and a different commit gets a folder of its own.
 */
export function materializeProject(files: Record<string, string>, workDir: string): string {
  const h = createHash('sha256');
  for (const path of Object.keys(files).sort()) h.update(path).update('\0').update(files[path]!).update('\0');
  const dir = resolve(workDir, h.digest('hex').slice(0, 16));
  if (existsSync(join(dir, '.complete'))) return dir;
  for (const [path, text] of Object.entries(files)) {
    const target = resolve(dir, path);
    // Paths come from the compiler, but a phase input is data: never write outside the folder.
    if (!target.startsWith(dir + sep)) throw new ExecutionError(`dbt project path escapes its folder: ${path}`, true);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

function lastLines(text: string, n = 5): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

const DBT_STOP_GRACE_MS = 5_000;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, signal: AbortSignal): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // SIGTERM lets dbt cancel its adapter's queries; one that does not exit in time is killed.
    let kill: NodeJS.Timeout | undefined;
    const stop = () => {
      child.kill('SIGTERM');
      kill = setTimeout(() => child.kill('SIGKILL'), DBT_STOP_GRACE_MS);
    };
    signal.addEventListener('abort', stop, { once: true });
    child.on('error', (e) => reject(new ExecutionError(`cannot start dbt (${cmd}): ${e.message}`, true)));
    child.on('close', (code) => {
      clearTimeout(kill);
      signal.removeEventListener('abort', stop);
      resolve({ code: code ?? 1, output });
    });
  });
}
