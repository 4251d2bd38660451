import { buildGraph, graphDot, graphJson, graphMermaid, lower } from '../../compiler/index.js';
import { analyze, hasErrors } from '../../spec/index.js';
import { EXIT, type Io, displayPathFor, oneOf, parse, styles } from '../cli-context.js';
import { formatText, summaryLine } from '../format-diagnostics.js';
import { loadProject } from '../load-project.js';

export const graphHelp = `Usage: lakespec graph [dir] [--env E] [--format mermaid|dot|json]

Prints the dependency graph of datasets, pipeline steps and source connections.

Options:
  --env E            environment (default: the workspace's defaultEnvironment)
  --format F         mermaid (default), dot (Graphviz) or json
  --json             same as --format json
  -h, --help         show this help
`;

export function graphCommand(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, { env: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) {
    io.stdout(graphHelp);
    return EXIT.ok;
  }
  const format = values.json ? 'json' : oneOf(values.format, ['mermaid', 'dot', 'json'] as const, '--format', 'mermaid');
  const project = loadProject(io.cwd, positionals[0]);
  const analysis = analyze(project.files, values.env !== undefined ? { environment: values.env } : { defaultOnly: true });
  const diags = [...project.readDiagnostics, ...analysis.diagnostics];
  const resolved = [...analysis.projects.values()][0];
  if (!resolved || hasErrors(diags)) {
    const s = styles(io);
    io.stderr(formatText(diags, displayPathFor(io, project.root), project.sourceOf, s) + summaryLine(diags, project.files.length, s) + '\n');
    return EXIT.problems;
  }
  const g = buildGraph(lower(resolved, { gitSha: 'unknown' }));
  io.stdout(format === 'json' ? graphJson(g) : format === 'dot' ? graphDot(g) : graphMermaid(g));
  return EXIT.ok;
}
