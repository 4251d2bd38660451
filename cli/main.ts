// The composition point: parses the command line and wires spec, compiler (and later
// reconciler and GitHub App) together. User errors end with a message and an exit code,
// never a stack trace.
import { EXIT, type Io, UsageError, VERSION, defaultIo } from './cli-context.js';
import { compileCommand } from './commands/compile.js';
import { graphCommand } from './commands/graph.js';
import { validateCommand } from './commands/validate.js';

const COMMANDS: Record<string, { run: (argv: string[], io: Io) => number | Promise<number>; summary: string }> = {
  validate: { run: validateCommand, summary: 'check specs: JSON Schema and semantic rules, with file:line:col' },
  compile: { run: compileCommand, summary: 'compile specs to Trino, DuckDB, Spark and dbt artifacts with a manifest' },
  graph: { run: graphCommand, summary: 'print the dependency graph (Mermaid, DOT or JSON)' },
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
    io.stderr(`lakespec: unknown command "${command}"\n\n${mainHelp}`);
    return EXIT.usage;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`lakespec ${command}: ${e.message}\nRun "lakespec ${command} --help" for usage.\n`);
      return EXIT.usage;
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
