import { hostname } from 'node:os';
import { ApplyBlockedError, ApplyFailedError, ApplyLockedError, PIPELINE_EXECUTOR_ENV, affectedPipelines, applyPlan, formatPlan, runPhases } from '../../reconciler/index.js';
import { EXIT, type Io, parse, styles } from '../cli-context.js';
import { SESSION_HELP, SESSION_OPTIONS, type Session, assertExecutors, openSession } from '../reconcile-session.js';
import { runInProcess } from '../run-progress.js';
import { PROTECTED_HELP, PROTECTED_OPTIONS, guardProtected } from '../protected-source.js';
import { computePlan } from './plan.js';

export const applyHelp = `Usage: lakespec apply [dir] [options]

Plans (see "lakespec plan") and executes the plan on the engine: creates schemas and
tables, evolves columns, records the deployment in the state store. One apply at a time
per table. A plan with blocked destructive stages is refused and nothing is changed.

Options:
${SESSION_HELP}
  --allow-destructive  allow every destructive stage
  --run                then run the affected pipelines (changed ones and downstream)
  --requester NAME     who is applying (default: $USER)
${PROTECTED_HELP}
  -h, --help           show this help

With --engine trino, Spark and dbt pipelines (docs/engines.md) need their executor:
${PIPELINE_EXECUTOR_ENV}

Exit status: 0 applied, 1 spec errors, blocked plan or failed apply/run, 2 usage error.
`;

export async function applyCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { ...SESSION_OPTIONS, ...PROTECTED_OPTIONS, 'allow-destructive': { type: 'boolean' }, run: { type: 'boolean' }, requester: { type: 'string' } });
  if (values.help) {
    io.stdout(applyHelp);
    return EXIT.ok;
  }
  const session = await openSession(io, values, positionals[0]);
  if (!session) return EXIT.problems;
  try {
    const requester = values.requester ?? io.env.USER ?? 'cli';
    await guardProtected(session, io, values, { action: 'apply', requester });
    const r = await applyAndMaybeRun(session, io, { allowAll: values['allow-destructive'] === true, run: values.run === true, requester, json: values.json === true });
    return r;
  } finally {
    await session.close();
  }
}

export async function applyAndMaybeRun(
  session: Session,
  io: Io,
  o: { allowAll: boolean; run: boolean | 'all'; requester: string; json: boolean; after?: () => Promise<void> },
): Promise<number> {
  const s = styles(io);
  const { ir } = session.compiled;
  const p = await computePlan(session, o.allowAll);
  if (!o.json) io.stdout(formatPlan(p, s) + '\n');
  // What the run after the apply will need, checked before anything is applied.
  const names = o.run ? (o.run === 'all' ? ir.pipelines.map((x) => x.name) : affectedPipelines(p, ir)) : [];
  const phases = names.length > 0 ? runPhases(ir, session.artifacts, session.engine.id, names) : [];
  assertExecutors(session, phases);
  const applied = await session.state.catalog.applied(ir.workspace, ir.environment);
  let deploymentId: string | undefined;
  try {
    if (p.stages.length > 0) {
      const r = await applyPlan(session.state.catalog, session.engine, {
        ir,
        desired: session.desired,
        applied,
        plan: p,
        manifestHash: session.manifestHash,
        requester: o.requester,
        holder: `${hostname()}:${process.pid}`,
      });
      deploymentId = r.deploymentId;
      if (!o.json) io.stdout(`${s.green('✔')} applied ${r.stages} stage${r.stages === 1 ? '' : 's'} (${r.statements} statements) on ${session.engine.id}; deployment ${r.deploymentId}\n`);
    }
  } catch (e) {
    if (e instanceof ApplyBlockedError) {
      io.stderr(`${s.red('✖')} apply refused: ${e.message}\nNothing was changed. Allow them in the Workspace (spec.allowDestructive) or pass --allow-destructive.\n`);
      if (o.json) io.stdout(JSON.stringify({ plan: p, applied: false, blocked: true }, null, 2) + '\n');
      return EXIT.problems;
    }
    if (e instanceof ApplyLockedError) {
      io.stderr(`${s.red('✖')} apply refused: ${e.message}. Nothing was changed.\n`);
      return EXIT.problems;
    }
    if (e instanceof ApplyFailedError) {
      io.stderr(`${s.red('✖')} apply failed at "${e.stage.detail}": ${e.message}\n${session.engine.transactionalDdl ? 'Nothing was changed (the apply ran in one transaction).' : 'Stages before it are applied and recorded; fix the cause and apply again.'} Deployment ${e.deploymentId}.\n`);
      return EXIT.problems;
    }
    throw e;
  }
  let runResult: { id: string; status: string } | undefined;
  if (o.run) {
    if (names.length === 0) {
      if (!o.json) io.stdout('No pipelines affected; nothing to run.\n');
    } else {
      const run = await session.state.queue.createRun({
        workspace: ir.workspace,
        environment: ir.environment,
        specSlug: `${ir.workspace}/${names.length === ir.pipelines.length ? '*' : names.join(',')}`,
        gitSha: ir.gitSha,
        trigger: 'apply',
        requester: o.requester,
        phases,
        inputManifest: { manifestHash: session.manifestHash, specHash: ir.specHash, deployment: deploymentId ?? null, engine: session.engine.id, pipelines: names },
      });
      if (!o.json) io.stdout(`Run ${run.id}: ${names.join(', ')} on ${session.engine.id}\n\n`);
      const done = await runInProcess(session, run, io, s, o.json);
      runResult = { id: done.id, status: done.status };
      if (o.after && done.status === 'succeeded') await o.after();
    }
  }
  if (o.json) io.stdout(JSON.stringify({ plan: p, deployment: deploymentId ?? null, run: runResult ?? null }, null, 2) + '\n');
  return runResult && runResult.status !== 'succeeded' ? EXIT.problems : EXIT.ok;
}
