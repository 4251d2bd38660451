// What plan, apply, run, drift and up share: compile the specs, open the state store (PGlite
// in .lakespec/ by default, PostgreSQL with --database-url / DATABASE_URL) and the engine
// (embedded DuckDB by default, Trino with --engine trino).
import { join, relative, resolve } from 'node:path';
import { type Artifact, CompileCache, type CompileResult, type IRProject, compile } from '../compiler/index.js';
import { type DesiredState, type Executor, ExecutorSettingsError, type PhaseSpec, type QueueOptions, type SqlEngine, type State, desiredState, executorsFor, ENGINE_IDS, isEngineId, missingExecutors, openEngine, openState, pipelineExecutorsFromEnv, redactUrl, sourceFileDiagnostics, transformOutputDiagnostics } from '../reconciler/index.js';
import { type Diagnostic, analyze, hasErrors, sortDiagnostics } from '../spec/index.js';
import { type Io, ProblemError, UsageError, displayPathFor, styles } from './cli-context.js';
import { formatText, summaryLine } from './format-diagnostics.js';
import { detectGitSha } from './git-sha.js';
import { type LoadedProject, loadProject } from './load-project.js';

export const SESSION_OPTIONS = {
  env: { type: 'string' },
  state: { type: 'string' },
  'database-url': { type: 'string' },
  engine: { type: 'string' },
  'trino-url': { type: 'string' },
  'git-sha': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const SESSION_HELP = `  --env E              environment (default: the workspace's defaultEnvironment)
  --state DIR          local state folder (default: .lakespec); holds the embedded
                       PGlite store, artifacts and DuckDB files
  --database-url URL   PostgreSQL state store instead (default: $DATABASE_URL)
  --engine E           duckdb (embedded, default) or trino
  --trino-url URL      Trino server for --engine trino (default: $LAKESPEC_TRINO_URL)
  --git-sha SHA        commit to record (default: git rev-parse HEAD of the specs)
  --json               machine-readable output`;

export interface SessionValues {
  env?: string | undefined;
  state?: string | undefined;
  'database-url'?: string | undefined;
  engine?: string | undefined;
  'trino-url'?: string | undefined;
  'git-sha'?: string | undefined;
  json?: boolean | undefined;
}

export interface Session {
  project: LoadedProject;
  compiled: CompileResult & { ir: IRProject };
  artifacts: Artifact[];
  manifestHash: string;
  desired: DesiredState;
  state: State;
  engine: SqlEngine;
  /** What runs phases in this process: SQL steps on the engine, plus Spark and dbt when configured. */
  executors: Executor[];
  stateDir: string;
  close(): Promise<void>;
}

/** Spark and dbt executors from the LAKESPEC_* variables; a setting that cannot be used is a usage error. */
export async function pipelineExecutorsFor(io: Io, ctx: Parameters<typeof pipelineExecutorsFromEnv>[1]): Promise<Executor[]> {
  try {
    return await pipelineExecutorsFromEnv(io.env, ctx);
  } catch (e) {
    if (e instanceof ExecutorSettingsError) throw new UsageError(e.message);
    throw e;
  }
}

/** Refuses a run some of whose phases nothing here can execute (it would wait forever). */
export function assertExecutors(session: Session, phases: readonly PhaseSpec[]): void {
  const missing = missingExecutors(phases, session.executors);
  if (missing.length > 0) throw new ProblemError(`cannot run here: ${missing.join('; ')}. Nothing was started.`);
}

/** Compiles first: with errors, prints them and returns undefined (nothing is opened). */
export async function openSession(io: Io, values: SessionValues, dir: string | undefined): Promise<Session | undefined> {
  const engineId = values.engine ?? 'duckdb';
  if (!isEngineId(engineId)) throw new UsageError(`--engine must be ${ENGINE_IDS.join(' or ')} (got "${engineId}")`);
  const trinoUrl = values['trino-url'] ?? io.env.LAKESPEC_TRINO_URL;
  if (engineId === 'trino' && !trinoUrl) throw new UsageError('--engine trino needs --trino-url http://host:port (or LAKESPEC_TRINO_URL)');
  const sha = values['git-sha'];
  if (sha !== undefined && !/^[0-9a-f]{7,64}$/.test(sha)) throw new UsageError('--git-sha must be a hexadecimal commit id');
  const project = loadProject(io.cwd, dir);
  const gitSha = sha ?? detectGitSha(project.root) ?? 'unknown';
  // Every backend, so the artifact set hash is the one `lakespec compile` reports.
  const cache = new CompileCache();
  const compiled = compile(project.files, { ...(values.env !== undefined ? { environment: values.env } : {}), gitSha, cache });
  const diagnostics: Diagnostic[] = sortDiagnostics([...project.readDiagnostics, ...compiled.diagnostics]);
  if (!hasErrors(diagnostics) && compiled.ir) {
    // What the transforms produce against what their datasets declare, read by DuckDB's parser
    // (the analysis is the one compile just made: the caches make it free).
    const analysis = analyze(project.files, { environment: compiled.ir.environment, cache: cache.parse, resolveCache: cache.resolve });
    diagnostics.push(...(await transformOutputDiagnostics(analysis)), ...sourceFileDiagnostics(analysis, project.root));
  }
  if (hasErrors(diagnostics) || !compiled.ir || !compiled.manifest) {
    const s = styles(io);
    io.stderr(formatText(diagnostics, displayPathFor(io, project.root), project.sourceOf, s));
    io.stderr(summaryLine(diagnostics, project.files.length, s, ' — nothing planned') + '\n');
    return undefined;
  }
  const { stateDir } = stateLocation(io, values);
  const pipelineExecutors = await pipelineExecutorsFor(io, { ...(engineId === 'trino' ? { trinoUrl: trinoUrl! } : {}), workDir: stateDir, filesRoot: project.root });
  const state = await openStateFor(io, values);
  let engine: SqlEngine;
  try {
    engine = await openEngine(engineId, { stateDir, filesRoot: project.root, trinoUrl, trinoUser: io.env.LAKESPEC_TRINO_USER });
  } catch (e) {
    await state.close();
    throw e;
  }
  return {
    project,
    compiled: compiled as CompileResult & { ir: IRProject },
    artifacts: compiled.artifacts,
    manifestHash: compiled.manifest.setHash,
    desired: desiredState(compiled.ir),
    state,
    engine,
    executors: executorsFor([engine], project.root, pipelineExecutors),
    stateDir,
    close: async () => {
      await engine.close().catch(() => {});
      await state.close().catch(() => {});
    },
  };
}

/** Where the state lives: --state / LAKESPEC_STATE_DIR (default .lakespec) and --database-url / DATABASE_URL. */
export function stateLocation(io: Io, values: { state?: string | undefined; 'database-url'?: string | undefined }): { stateDir: string; databaseUrl: string | undefined } {
  return { stateDir: resolve(io.cwd, values.state ?? io.env.LAKESPEC_STATE_DIR ?? '.lakespec'), databaseUrl: values['database-url'] ?? io.env.DATABASE_URL };
}

/** Opens the state store, turning connection failures into a message that says what to check. */
export async function openStateFor(io: Io, values: { state?: string | undefined; 'database-url'?: string | undefined }, queue?: QueueOptions): Promise<State> {
  const { stateDir, databaseUrl } = stateLocation(io, values);
  // Anything a user waits on for more than a second says what it is doing.
  const slow = setTimeout(() => io.stderr(`${styles(io).dim(`… opening the state store (${databaseUrl ? `PostgreSQL at ${redactUrl(databaseUrl)}` : relative(io.cwd, join(stateDir, 'state')) || '.'})`)}\n`), 1000);
  try {
    return await openState({ dir: stateDir, ...(databaseUrl ? { databaseUrl } : {}), ...(queue ? { queue } : {}) });
  } catch (e) {
    const where = databaseUrl ? `PostgreSQL at ${redactUrl(databaseUrl)}` : `the embedded store in ${stateDir}`;
    const hint = databaseUrl ? 'Check --database-url / DATABASE_URL and that the server is running.' : 'Check that the folder is writable and not used by another lakespec process.';
    throw new ProblemError(`cannot open the state store (${where}): ${(e as Error).message}. ${hint}`);
  } finally {
    clearTimeout(slow);
  }
}
