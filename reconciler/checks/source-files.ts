// The files a pipeline ingests from a files connection inside the repository must be there:
// otherwise validate accepts what the first run fails on ("No files found that match the
// pattern data/orders.csv") after the apply. LS1324, at the step's `from`. A glob in the
// file name must match at least one file. Paths outside the spec folder (an absolute path, as
// a production landing folder usually is) are the deployment's: they are not checked here.
//
// An IO edge (it reads the spec folder), so it is not part of compile(): validate, plan,
// apply, up and the App's checks run it after the pure analysis.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { type AnalyzeResult, type Diagnostic, Locator, type Resource, diagnostic, sortDiagnostics } from '../../spec/index.js';

export function sourceFileDiagnostics(analysis: AnalyzeResult, root: string): Diagnostic[] {
  const pipelines = new Map<string, Resource<'Pipeline'>>();
  for (const r of analysis.parsed.resources) if (r.kind === 'Pipeline') pipelines.set(r.name, r as Resource<'Pipeline'>);
  const out = new Map<string, Diagnostic>();
  const base = resolve(root);
  for (const project of analysis.projects.values()) {
    const connections = new Map(project.connections.map((c) => [c.name, c]));
    for (const pipeline of project.pipelines) {
      pipeline.steps.forEach((step) => {
        const path = step.source?.path;
        const conn = step.source ? connections.get(step.source.connection) : undefined;
        if (!path || !conn || conn.type !== 'files') return;
        const folder = String(conn.config.path ?? '.');
        if (folder.startsWith('/') || path.startsWith('/')) return;
        const full = resolve(base, folder, path);
        if (full !== base && !full.startsWith(base + sep)) return; // outside the spec folder: not ours to check
        if (matches(full)) return;
        const resource = pipelines.get(pipeline.name);
        const index = (resource?.spec as { steps?: { name?: string }[] } | undefined)?.steps?.findIndex((s) => s.name === step.name) ?? -1;
        const location = resource && index >= 0 ? new Locator(resource, project.environment).at(['steps', index, 'from', 'path']) : undefined;
        const shown = join(folder, path);
        const d = diagnostic('LS1324', `step "${step.name}" of pipeline "${pipeline.name}" ingests ${shown} (connection "${conn.name}"${project.environment ? `, environment ${project.environment}` : ''}), and no file in the spec folder matches it: add the file, or fix the path`, location ? { location } : {});
        out.set(`${d.file}\u0000${d.range?.start.line}:${d.range?.start.column}\u0000${shown}`, d);
      });
    }
  }
  return sortDiagnostics([...out.values()]);
}

/** Whether the path names a file, or its last segment is a glob (*, ?, [...]) that matches one. */
function matches(full: string): boolean {
  const name = full.slice(dirname(full).length + 1);
  if (!/[*?[]/.test(name)) return existsSync(full) && statSync(full).isFile();
  const dir = dirname(full);
  if (/[*?[]/.test(dir)) return true; // a glob above the file name: not resolved here, not reported
  if (!existsSync(dir)) return false;
  const re = new RegExp(`^${name.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return readdirSync(dir).some((f) => re.test(f));
}
