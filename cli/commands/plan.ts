import { formatPlan, type Plan, planProject } from '../../reconciler/index.js';
import { EXIT, type Io, parse, styles } from '../cli-context.js';
import { SESSION_HELP, SESSION_OPTIONS, type Session, openSession } from '../reconcile-session.js';

export const planHelp = `Usage: lakespec plan [dir] [options]

Compares the specs under dir (default: .) with what is applied in the environment and
with the engine's live catalog, and prints the stages an apply would run, like
"terraform plan". Destructive stages (drop table or column, narrowing a type, changing a
primary key) are blocked unless the Workspace's spec.allowDestructive or
--allow-destructive allows them. Nothing is changed.

Options:
${SESSION_HELP}
  --allow-destructive  allow every destructive stage
  -h, --help           show this help

Exit status: 0 plan can be applied, 1 spec errors or blocked destructive changes, 2 usage error.
`;

export async function planCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { ...SESSION_OPTIONS, 'allow-destructive': { type: 'boolean' } });
  if (values.help) {
    io.stdout(planHelp);
    return EXIT.ok;
  }
  const session = await openSession(io, values, positionals[0]);
  if (!session) return EXIT.problems;
  try {
    const p = await computePlan(session, values['allow-destructive'] === true);
    if (values.json) io.stdout(JSON.stringify({ plan: p, manifestHash: session.manifestHash }, null, 2) + '\n');
    else io.stdout(formatPlan(p, styles(io)) + `Artifact set: ${session.manifestHash}\n`);
    return p.blocked ? EXIT.problems : EXIT.ok;
  } finally {
    await session.close();
  }
}

/** Desired vs applied vs live (the planner only reads). */
export async function computePlan(session: Session, allowAllDestructive: boolean): Promise<Plan> {
  return (await planProject(session.state.catalog, session.engine, session.compiled.ir, session.desired, allowAllDestructive)).plan;
}
