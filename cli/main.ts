// The composition point: parses the command line and wires spec, compiler (and later
// reconciler and GitHub App) together. User errors end with a message and an exit code,
// never a stack trace.
import { closest } from '../spec/index.js';
import { EXIT, type Io, ProblemError, UsageError, VERSION, defaultIo } from './cli-context.js';

type Command = (argv: string[], io: Io) => number | Promise<number>;

// Commands load on demand: `validate` should not pay for loading the compiler's backends.
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  validate: { load: async () => (await import('./commands/validate.js')).validateCommand, summary: 'check specs: JSON Schema and semantic rules, with file:line:col' },
  compile: { load: async () => (await import('./commands/compile.js')).compileCommand, summary: 'compile specs to Trino, DuckDB, Spark and dbt artifacts with a manifest' },
  graph: { load: async () => (await import('./commands/graph.js')).graphCommand, summary: 'print the dependency graph (Mermaid, DOT or JSON)' },
  plan: { load: async () => (await import('./commands/plan.js')).planCommand, summary: 'show what an apply would change (desired vs applied vs live)' },
  apply: { load: async () => (await import('./commands/apply.js')).applyCommand, summary: 'apply the plan to the engine and record the deployment' },
  run: { load: async () => (await import('./commands/run.js')).runCommand, summary: 'run pipelines now, recorded as a run with phases and events' },
  runs: { load: async () => (await import('./commands/runs.js')).runsCommand, summary: 'list runs, or show one with its phases, artifacts and events' },
  drift: { load: async () => (await import('./commands/drift.js')).driftCommand, summary: 'report differences between the applied state and the engine' },
  serve: { load: async () => (await import('./commands/serve.js')).serveCommand, summary: 'the ops HTTP API (OpenAPI, metrics, health) with a worker' },
  worker: { load: async () => (await import('./commands/serve.js')).workerCommand, summary: 'claim and run phases from the shared state store' },
  token: { load: async () => (await import('./commands/token.js')).tokenCommand, summary: 'create or revoke API tokens for the ops API' },
  up: { load: async () => (await import('./commands/up.js')).upCommand, summary: 'plan, apply and run everything locally, then preview the gold tables' },
};

export const mainHelp = `lakespec ${VERSION} — a Git-driven control plane for the lakehouse

Usage: lakespec <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run "lakespec <command> --help" for a command's options. Docs: docs/cli.md
`;

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(mainHelp);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(VERSION + '\n');
    return EXIT.ok;
  }
  const cmd = COMMANDS[command];
  if (!cmd) {
    const near = closest(command, Object.keys(COMMANDS));
    io.stderr(near ? `lakespec: unknown command "${command}"; did you mean "${near}"?\nRun "lakespec --help" for the commands.\n` : `lakespec: unknown command "${command}"\n\n${mainHelp}`);
    return EXIT.usage;
  }
  try {
    return await (await cmd.load())(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`lakespec ${command}: ${e.message}\nRun "lakespec ${command} --help" for usage.\n`);
      return EXIT.usage;
    }
    if (e instanceof ProblemError) {
      io.stderr(`lakespec ${command}: ${e.message}\n`);
      return EXIT.problems;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)) {
      io.stderr(`lakespec ${command}: ${err.message}\n`);
      return EXIT.problems;
    }
    // An internal bug: say so plainly; the stack only with LAKESPEC_DEBUG=1.
    io.stderr(`lakespec ${command}: internal error: ${(e as Error).message}\nPlease report this. Set LAKESPEC_DEBUG=1 for details.\n`);
    if (io.env.LAKESPEC_DEBUG === '1') io.stderr(String((e as Error).stack) + '\n');
    return 70;
  }
}
