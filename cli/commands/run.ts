import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PIPELINE_EXECUTOR_ENV, runPhases, withDownstream } from '../../reconciler/index.js';
import { EXIT, type Io, UsageError, parse, styles } from '../cli-context.js';
import { SESSION_HELP, SESSION_OPTIONS, assertExecutors, openSession } from '../reconcile-session.js';
import { PROTECTED_HELP, PROTECTED_OPTIONS, guardProtected } from '../protected-source.js';
import { runInProcess } from '../run-progress.js';

export const runHelp = `Usage: lakespec run <pipeline>[,<pipeline>...] [dir] [options]
       lakespec run --all [dir] [options]

Runs pipelines of the applied specs under dir (default: .) now: a run is recorded in the
state store with one phase per step (one per Spark or dbt pipeline), tied to the commit,
and executed by this process (or, with --queue-only, left for "lakespec worker" processes).

Options:
${SESSION_HELP}
  --all                every pipeline
  --downstream         also the pipelines that read what these write
  --queue-only         create the run and exit without executing it
  --requester NAME     who is running it (default: $USER)
${PROTECTED_HELP}
  -h, --help           show this help

With --engine trino, Spark and dbt pipelines (docs/engines.md) need their executor:
${PIPELINE_EXECUTOR_ENV}

Exit status: 0 run succeeded (or queued), 1 failed, 2 usage error.
`;

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { ...SESSION_OPTIONS, ...PROTECTED_OPTIONS, all: { type: 'boolean' }, downstream: { type: 'boolean' }, 'queue-only': { type: 'boolean' }, requester: { type: 'string' } }, 2);
  if (values.help) {
    io.stdout(runHelp);
    return EXIT.ok;
  }
  const [first, second] = positionals;
  const pipelineArg = values.all ? undefined : first;
  const dir = values.all ? first : second;
  if (!values.all && !pipelineArg) throw new UsageError('name a pipeline: lakespec run <pipeline> [dir] (or lakespec run --all [dir])');
  if (!values.all && second === undefined && isFolder(resolve(io.cwd, pipelineArg!)) && !/^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$/.test(pipelineArg!)) {
    throw new UsageError(`"${pipelineArg}" is a folder; name the pipeline first: lakespec run <pipeline> ${pipelineArg} (or lakespec run --all ${pipelineArg})`);
  }
  if (values.all && second !== undefined) throw new UsageError(`unexpected argument "${second}"`);
  const session = await openSession(io, values, dir);
  if (!session) return EXIT.problems;
  const s = styles(io);
  try {
    const { ir } = session.compiled;
    const known = ir.pipelines.map((p) => p.name);
    let names = pipelineArg ? pipelineArg.split(',').map((x) => x.trim()).filter(Boolean) : known;
    for (const n of names) {
      if (!known.includes(n)) {
        const near = known.filter((k) => k.includes(n) || n.includes(k));
        throw new UsageError(`no pipeline "${n}" in ${ir.workspace}${near.length ? `; did you mean ${near.join(', ')}?` : `; pipelines: ${known.join(', ')}`}`);
      }
    }
    if (values.downstream) names = withDownstream(ir, names);
    await guardProtected(session, io, values, { action: 'run', requester: values.requester ?? io.env.USER ?? 'cli' });
    const applied = await session.state.catalog.applied(ir.workspace, ir.environment);
    const missing = ir.tables.filter((t) => !applied.tables.some((a) => a.name === t.name && a.fingerprint === tableFingerprint(session, t.name)));
    if (missing.length > 0) {
      io.stderr(`${s.red('✖')} the specs are not fully applied in ${ir.environment} (${missing.length} table${missing.length === 1 ? '' : 's'} differ, e.g. ${missing[0]!.name}). Run "lakespec apply" first.\n`);
      return EXIT.problems;
    }
    const requester = values.requester ?? io.env.USER ?? 'cli';
    const phases = runPhases(ir, session.artifacts, session.engine.id, names);
    // Queued for other workers, a run may need executors this process lacks; run here, it may not.
    if (!values['queue-only']) assertExecutors(session, phases);
    const run = await session.state.queue.createRun({
      workspace: ir.workspace,
      environment: ir.environment,
      specSlug: `${ir.workspace}/${names.join(',')}`,
      gitSha: ir.gitSha,
      trigger: 'manual',
      requester,
      phases,
      inputManifest: { manifestHash: session.manifestHash, specHash: ir.specHash, engine: session.engine.id, pipelines: names },
    });
    if (values['queue-only']) {
      io.stdout(values.json ? JSON.stringify({ run }, null, 2) + '\n' : `Run ${run.id} queued (${names.join(', ')}). Start "lakespec worker" to execute it.\n`);
      return EXIT.ok;
    }
    if (!values.json) io.stdout(`Run ${run.id}: ${names.join(', ')} on ${session.engine.id} at ${ir.gitSha.slice(0, 12)}\n\n`);
    const done = await runInProcess(session, run, io, s, values.json === true);
    if (values.json) io.stdout(JSON.stringify({ run: done, phases: await session.state.queue.phases(done.id) }, null, 2) + '\n');
    return done.status === 'succeeded' ? EXIT.ok : EXIT.problems;
  } finally {
    await session.close();
  }
}

function tableFingerprint(session: { desired: { tables: { name: string; fingerprint: string }[] } }, name: string): string | undefined {
  return session.desired.tables.find((t) => t.name === name)?.fingerprint;
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}
