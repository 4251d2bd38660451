// Reading compiled pipeline plans back from artifacts: each `<engine>/pipelines/<name>.json`
// with the script beside it that its line ranges point into.
import type { Artifact } from './artifact.js';
import { type PipelinePlan, readPipelinePlan } from './pipeline-plan.js';

/** Every `engine` plan among `artifacts`, in artifact order. Throws when a plan's script is missing or does not match. */
export function readPipelinePlans(artifacts: readonly Artifact[], engine: string): PipelinePlan[] {
  const scripts = new Map<string, Artifact>();
  for (const a of artifacts) if (a.kind === `${engine}.pipeline-sql`) scripts.set(a.path, a);
  const out: PipelinePlan[] = [];
  for (const a of artifacts) {
    if (a.kind !== `${engine}.pipeline`) continue;
    const scriptPath = a.path.replace(/\.json$/, '.sql');
    const script = scripts.get(scriptPath);
    if (!script) throw new Error(`${a.path}: its script ${scriptPath} is not among the artifacts`);
    out.push(readPipelinePlan(a.content, script.content, a.path));
  }
  return out;
}
