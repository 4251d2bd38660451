import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BackendId, ALL_BACKENDS, compile, isBackendId } from '../../compiler/index.js';
import { hasErrors, sortDiagnostics } from '../../spec/index.js';
import { EXIT, type Io, UsageError, displayPathFor, parse, styles } from '../cli-context.js';
import { formatJson, formatText, summaryLine } from '../format-diagnostics.js';
import { detectGitSha } from '../git-sha.js';
import { loadProject } from '../load-project.js';
import { writeArtifacts } from '../write-artifacts.js';

export const compileHelp = `Usage: lakespec compile [dir] --out DIR [--env E] [--backend B,...] [--git-sha SHA]

Compiles the specs under dir (default: .) for one environment into artifacts:
Trino SQL, DuckDB SQL, Spark applications and a dbt project, plus DIR/manifest.json
listing every artifact with its sha256 and a hash of the whole set. The output is
byte-identical for the same specs and commit. Nothing is written when there are errors.

Options:
  --out DIR          where to write (an empty folder or an earlier lakespec output)
  --env E            environment (default: the workspace's defaultEnvironment)
  --backend LIST     comma-separated subset of ${ALL_BACKENDS.join(',')} (default: all)
  --git-sha SHA      commit to record (default: git rev-parse HEAD of dir, else "unknown")
  --json             print the manifest and diagnostics as JSON
  -h, --help         show this help

Exit status: 0 compiled, 1 errors found (nothing written), 2 usage error.
`;

export function compileCommand(argv: string[], io: Io): number {
  const { values, positionals } = parse(argv, {
    out: { type: 'string', short: 'o' },
    env: { type: 'string' },
    backend: { type: 'string' },
    'git-sha': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    io.stdout(compileHelp);
    return EXIT.ok;
  }
  if (!values.out) throw new UsageError('--out DIR is required');
  if (statSync(resolve(io.cwd, values.out), { throwIfNoEntry: false })?.isDirectory() === false) throw new UsageError(`--out ${values.out} is a file; name a folder (new, empty, or an earlier lakespec output)`);
  const backends = values.backend ? values.backend.split(',').map((b) => b.trim()).filter(Boolean) : [...ALL_BACKENDS];
  for (const b of backends) if (!isBackendId(b)) throw new UsageError(`unknown backend "${b}"; choose from ${ALL_BACKENDS.join(', ')}`);
  const sha = values['git-sha'];
  if (sha !== undefined && !/^[0-9a-f]{7,64}$/.test(sha)) throw new UsageError('--git-sha must be a hexadecimal commit id');
  const project = loadProject(io.cwd, positionals[0]);
  const gitSha = sha ?? detectGitSha(project.root) ?? 'unknown';
  const result = compile(project.files, { ...(values.env !== undefined ? { environment: values.env } : {}), gitSha, backends: backends as BackendId[] });
  const diagnostics = sortDiagnostics([...project.readDiagnostics, ...result.diagnostics]);
  const display = displayPathFor(io, project.root);
  const out = resolve(io.cwd, values.out);
  const ok = !hasErrors(diagnostics) && result.manifest !== undefined;
  const written = ok ? writeArtifacts(out, result.artifacts, result.manifest) : undefined;
  if (values.json) {
    io.stdout(formatJson(diagnostics, display, ok ? { out, manifest: result.manifest } : {}));
  } else {
    const s = styles(io);
    const text = formatText(diagnostics, display, project.sourceOf, s);
    if (text) io.stdout(text);
    if (ok) {
      const m = result.manifest!;
      const counts = new Map<string, number>();
      for (const a of m.artifacts) counts.set(a.kind.split('.')[0]!, (counts.get(a.kind.split('.')[0]!) ?? 0) + 1);
      io.stdout(
        `${s.green('✔')} compiled ${m.workspace} for ${s.bold(m.environment)}: ${m.artifacts.length + 1} artifacts (${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')})\n` +
          `  out:      ${display(out).startsWith('..') ? out : display(out)} (${written!.written} written, ${written!.reused} unchanged and kept)\n  commit:   ${m.gitSha}\n  specs:    ${m.specHash}\n  set hash: ${m.setHash}\n`,
      );
    } else io.stdout(summaryLine(diagnostics, project.files.length, s, ' — nothing written') + '\n');
  }
  return ok ? EXIT.ok : EXIT.problems;
}
