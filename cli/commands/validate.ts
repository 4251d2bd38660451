import { sourceFileDiagnostics, transformOutputDiagnostics } from '../../reconciler/checks/index.js';
import { analyze, hasErrors, sortDiagnostics } from '../../spec/index.js';
import { EXIT, type Io, displayPathFor, oneOf, parse, styles } from '../cli-context.js';
import { formatJson, formatSarif, formatText, summaryLine } from '../format-diagnostics.js';
import { loadProject } from '../load-project.js';
import { VERSION } from '../cli-context.js';

export const validateHelp = `Usage: lakespec validate [dir] [--env E] [--format text|json|sarif]

Checks the specs under dir (default: .) against the JSON Schemas and the semantic rules,
for one environment or, without --env, for every declared environment.

Options:
  --env E            check only environment E (e.g. dev, prod, pr_42)
  --format F         text (default), json or sarif (for GitHub code scanning)
  --json             same as --format json
  -h, --help         show this help

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error.
`;

export async function validateCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { env: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) {
    io.stdout(validateHelp);
    return EXIT.ok;
  }
  const format = values.json ? 'json' : oneOf(values.format, ['text', 'json', 'sarif'] as const, '--format', 'text');
  const project = loadProject(io.cwd, positionals[0]);
  const analysis = analyze(project.files, values.env !== undefined ? { environment: values.env } : {});
  // What each transform produces against what its dataset declares (DuckDB's SQL parser).
  const outputs = await transformOutputDiagnostics(analysis);
  const diagnostics = sortDiagnostics([...project.readDiagnostics, ...analysis.diagnostics, ...outputs, ...sourceFileDiagnostics(analysis, project.root)]);
  const display = displayPathFor(io, project.root);
  const envs = [...analysis.projects.keys()];
  if (format === 'json') io.stdout(formatJson(diagnostics, display, { files: project.files.length, environments: envs }));
  else if (format === 'sarif') io.stdout(formatSarif(diagnostics, display, VERSION));
  else {
    const s = styles(io);
    const text = formatText(diagnostics, display, project.sourceOf, s);
    if (text) io.stdout(text);
    io.stdout(summaryLine(diagnostics, project.files.length, s, envs.length ? ` (${envs.join(', ')})` : '') + '\n');
  }
  return hasErrors(diagnostics) ? EXIT.problems : EXIT.ok;
}
