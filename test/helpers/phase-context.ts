// A phase context for calling an executor directly, outside the run queue: it records the
// progress messages and the artifacts (names in order, texts by name) for the test to read.
import type { Claim, PhaseContext } from '../../reconciler/index.js';

export interface RecordingContext extends PhaseContext {
  progressed: string[];
  /** Artifact names in the order they were stored. */
  artifacts: string[];
  texts: Map<string, string>;
}

export function recordingContext(o: { runId?: string; phase?: string; executor?: string; environment?: string; signal?: AbortSignal } = {}): RecordingContext {
  const progressed: string[] = [];
  const artifacts: string[] = [];
  const texts = new Map<string, string>();
  const claim = {
    runId: o.runId ?? 'r',
    phaseId: 'p',
    phase: o.phase ?? 'phase',
    executor: o.executor ?? 'test',
    input: {},
    token: 't',
    attempt: 1,
    maxAttempts: 1,
    timeoutSeconds: 600,
    leaseExpiresAt: new Date(),
    run: { workspace_id: 'finance', environment: o.environment ?? 'dev', spec_slug: 'finance/test', git_sha: 'abc1234' },
  } as Claim;
  return {
    claim,
    signal: o.signal ?? new AbortController().signal,
    progressed,
    artifacts,
    texts,
    progress: async (m) => void progressed.push(m),
    event: async () => {},
    artifact: async (name, _kind, bytes) => (artifacts.push(name), texts.set(name, String(bytes)), 'sha'),
    fence: async () => {},
    // Direct calls are one attempt each: nothing earlier to find.
    writes: { record: async () => {}, earlier: async () => [] },
  };
}
