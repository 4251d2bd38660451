import { detectDrift, formatDrift } from '../../reconciler/index.js';
import { EXIT, type Io, parse } from '../cli-context.js';
import { SESSION_HELP, SESSION_OPTIONS, openSession } from '../reconcile-session.js';

export const driftHelp = `Usage: lakespec drift [dir] [options]

Compares what lakespec applied in the environment with the engine's live catalog: tables
or columns missing in the engine, columns added outside lakespec, types changed by hand,
and tables in managed schemas that lakespec does not know.

Options:
${SESSION_HELP}
  -h, --help           show this help

Exit status: 0 no drift, 1 drift found (or spec errors), 2 usage error.
`;

export async function driftCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, SESSION_OPTIONS);
  if (values.help) {
    io.stdout(driftHelp);
    return EXIT.ok;
  }
  const session = await openSession(io, values, positionals[0]);
  if (!session) return EXIT.problems;
  try {
    const { ir } = session.compiled;
    const applied = await session.state.catalog.applied(ir.workspace, ir.environment);
    const live = await session.engine.liveTables([...new Set(applied.tables.map((t) => t.physical.catalog))]);
    const drift = detectDrift(applied, live, session.engine.backend.dialect);
    if (values.json) io.stdout(JSON.stringify({ workspace: ir.workspace, environment: ir.environment, drift }, null, 2) + '\n');
    else if (applied.tables.length === 0) io.stdout(`Nothing is applied in ${ir.environment} yet.\n`);
    else io.stdout(formatDrift(drift));
    return drift.length > 0 ? EXIT.problems : EXIT.ok;
  } finally {
    await session.close();
  }
}
