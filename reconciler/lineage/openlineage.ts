// OpenLineage run events (START, COMPLETE, FAIL) for each phase, with the datasets it reads
// and writes, sent to an OpenLineage endpoint (OPENLINEAGE_URL, e.g. Marquez) or appended
// to a file as JSON lines. Lineage is best effort: a failing sink never fails a phase.
import { appendFileSync } from 'node:fs';

export const OPENLINEAGE_SCHEMA = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
export const PRODUCER = 'https://github.com/lakespec/lakespec';

export interface LineageDataset {
  namespace: string;
  name: string;
}

export interface LineageRun {
  /** The phase id: one OpenLineage run per phase. */
  runId: string;
  /** The lakespec run it belongs to (parent run facet). */
  parentRunId: string;
  workspace: string;
  environment: string;
  job: string;
  gitSha: string;
  inputs: LineageDataset[];
  outputs: LineageDataset[];
}

export interface LineageSink {
  emit(event: Record<string, unknown>): Promise<void>;
}

export class FileLineageSink implements LineageSink {
  constructor(private readonly path: string) {}
  async emit(event: Record<string, unknown>): Promise<void> {
    appendFileSync(this.path, JSON.stringify(event) + '\n');
  }
}

export class HttpLineageSink implements LineageSink {
  constructor(
    private readonly url: string,
    private readonly apiKey?: string,
  ) {}
  async emit(event: Record<string, unknown>): Promise<void> {
    const res = await fetch(new URL('/api/v1/lineage', this.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`OpenLineage endpoint answered ${res.status}`);
  }
}

/** The sink the environment asks for: OPENLINEAGE_URL (HTTP) or LAKESPEC_OPENLINEAGE_FILE (JSON lines), else none. */
export function lineageSinkFromEnv(env: NodeJS.ProcessEnv): LineageSink | undefined {
  if (env.OPENLINEAGE_URL) return new HttpLineageSink(env.OPENLINEAGE_URL, env.OPENLINEAGE_API_KEY);
  if (env.LAKESPEC_OPENLINEAGE_FILE) return new FileLineageSink(env.LAKESPEC_OPENLINEAGE_FILE);
  return undefined;
}

export function runEvent(type: 'START' | 'COMPLETE' | 'FAIL', run: LineageRun, at: Date, error?: string): Record<string, unknown> {
  const namespace = `lakespec://${run.workspace}/${run.environment}`;
  return {
    eventType: type,
    eventTime: at.toISOString(),
    producer: PRODUCER,
    schemaURL: OPENLINEAGE_SCHEMA,
    run: {
      runId: run.runId,
      facets: {
        parent: {
          _producer: PRODUCER,
          _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/ParentRunFacet.json#/$defs/ParentRunFacet',
          run: { runId: run.parentRunId },
          job: { namespace, name: run.workspace },
        },
        ...(error
          ? { errorMessage: { _producer: PRODUCER, _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet', message: error, programmingLanguage: 'SQL' } }
          : {}),
      },
    },
    job: {
      namespace,
      name: run.job,
      facets: {
        sourceCodeLocation: { _producer: PRODUCER, _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet', type: 'git', url: 'lakespec', version: run.gitSha },
      },
    },
    inputs: run.inputs,
    outputs: run.outputs,
  };
}
