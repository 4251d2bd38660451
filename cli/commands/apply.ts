import { hostname } from 'node:os';
import { PIPELINE_EXECUTOR_ENV, formatPlan, reconcile } from '../../reconciler/index.js';
import { EXIT, type Io, ProblemError, parse, styles } from '../cli-context.js';
import { SESSION_HELP, SESSION_OPTIONS, type Session, openSession } from '../reconcile-session.js';
import { runInProcess } from '../run-progress.js';
import { PROTECTED_HELP, PROTECTED_OPTIONS, guardProtected } from '../protected-source.js';

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
  const outcome = await reconcile({
    ir,
    artifacts: session.artifacts,
    manifestHash: session.manifestHash,
    desired: session.desired,
    catalog: session.state.catalog,
    queue: session.state.queue,
    engine: session.engine,
    executors: session.executors,
    trigger: 'apply',
    requester: o.requester,
    holder: `${hostname()}:${process.pid}`,
    allowAllDestructive: o.allowAll,
    run: o.run === 'all' ? 'all' : o.run ? 'affected' : 'none',
    planned: (p) => {
      if (!o.json) io.stdout(formatPlan(p, s) + '\n');
    },
  });
  const p = outcome.plan;
  switch (outcome.status) {
    case 'missing-executor':
      throw new ProblemError(`cannot run here: ${outcome.missing.join('; ')}. Nothing was started.`);
    case 'blocked':
      io.stderr(`${s.red('✖')} apply refused: ${outcome.error.message}\nNothing was changed. Allow them in the Workspace (spec.allowDestructive) or pass --allow-destructive.\n`);
      if (o.json) io.stdout(JSON.stringify({ plan: p, applied: false, blocked: true }, null, 2) + '\n');
      return EXIT.problems;
    case 'locked':
      io.stderr(`${s.red('✖')} apply refused: ${outcome.error.message}. Nothing was changed.\n`);
      return EXIT.problems;
    case 'apply-failed': {
      const e = outcome.error;
      io.stderr(`${s.red('✖')} apply failed at "${e.stage.detail}": ${e.message}\n${session.engine.transactionalDdl ? 'Nothing was changed (the apply ran in one transaction).' : 'Stages before it are applied and recorded; fix the cause and apply again.'} Deployment ${e.deploymentId}.\n`);
      return EXIT.problems;
    }
    case 'applied':
      break;
  }
  const { deployment, run } = outcome;
  if (deployment && !o.json) io.stdout(`${s.green('✔')} applied ${deployment.stages} stage${deployment.stages === 1 ? '' : 's'} (${deployment.statements} statements) on ${session.engine.id}; deployment ${deployment.id}\n`);
  let runResult: { id: string; status: string } | undefined;
  if (o.run && !run && !o.json) io.stdout('No pipelines affected; nothing to run.\n');
  if (run) {
    if (!o.json) io.stdout(`Run ${run.id}: ${outcome.pipelines.join(', ')} on ${session.engine.id}\n\n`);
    const done = await runInProcess(session, run, io, s, o.json);
    runResult = { id: done.id, status: done.status };
    if (o.after && done.status === 'succeeded') await o.after();
  }
  if (o.json) io.stdout(JSON.stringify({ plan: p, deployment: deployment?.id ?? null, run: runResult ?? null }, null, 2) + '\n');
  return runResult && runResult.status !== 'succeeded' ? EXIT.problems : EXIT.ok;
}
