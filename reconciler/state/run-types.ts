// The run contract's vocabulary: fixed statuses and event types, shared by the in-process
// queue, the HTTP API and the executors.
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run in one of these states is over: nothing of it runs again (a rerun is a new run). */
export function isTerminalRun(status: RunStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

export const PHASE_STATUSES = ['blocked', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

export const EVENT_TYPES = [
  'RUN_CREATED',
  'PHASE_CLAIMED',
  'PHASE_STARTED',
  'PHASE_PROGRESS',
  /** A write an attempt is about to send that must not be sent twice (executor-reported, under the lease). */
  'PHASE_WRITE',
  'ARTIFACT_REPLACED',
  'PHASE_FAILED',
  'PHASE_RETRY_SCHEDULED',
  'PHASE_LEASE_EXPIRED',
  'PHASE_SUCCEEDED',
  'RUN_SUCCEEDED',
  'RUN_FAILED',
  'RUN_CANCELLED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The lifecycle events only the queue itself writes (claims, completions, the run's end):
 * an executor or a client reports progress (PHASE_PROGRESS), the writes it sends
 * (PHASE_WRITE, under the lease) or events of its own types, and can never forge that a
 * phase or run ended.
 */
export function isLifecycleEvent(type: string): boolean {
  return (EVENT_TYPES as readonly string[]).includes(type) && type !== 'PHASE_PROGRESS' && type !== 'PHASE_WRITE';
}
export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

export interface PhaseSpec {
  name: string;
  /** Which executor runs it (duckdb, trino, spark, dbt, …). */
  executor: string;
  /** Names of phases of the same run that must succeed first. */
  dependsOn?: string[];
  input: unknown;
  maxAttempts?: number;
  timeoutSeconds?: number;
}

export interface CreateRunInput {
  workspace: string;
  environment: string;
  specSlug: string;
  gitSha: string;
  trigger: string;
  requester: string;
  phases: PhaseSpec[];
  inputManifest?: unknown;
  rerunOf?: string;
}

export interface Run {
  id: string;
  workspace_id: string;
  environment: string;
  spec_slug: string;
  git_sha: string;
  trigger: string;
  requester: string;
  status: RunStatus;
  input_manifest: unknown;
  output_manifest: unknown;
  rerun_of: string | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface Phase {
  id: string;
  run_id: string;
  workspace_id: string;
  position: number;
  name: string;
  executor: string;
  depends_on: number[];
  input: unknown;
  status: PhaseStatus;
  attempts: number;
  max_attempts: number;
  timeout_seconds: number;
  lease_expires_at: Date | null;
  heartbeat_at: Date | null;
  available_at: Date;
  worker: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  output: unknown;
}

export interface RunEvent {
  seq: string;
  event_id: string;
  run_id: string;
  phase: string | null;
  at: Date;
  level: EventLevel;
  type: string;
  message: string;
  payload: Record<string, unknown>;
}

export interface Claim {
  runId: string;
  phaseId: string;
  phase: string;
  executor: string;
  input: unknown;
  token: string;
  attempt: number;
  maxAttempts: number;
  timeoutSeconds: number;
  leaseExpiresAt: Date;
  run: Pick<Run, 'workspace_id' | 'environment' | 'spec_slug' | 'git_sha'>;
}

/** A write a phase's attempt recorded before sending it (see PhaseWrites). */
export interface PhaseWrite {
  attempt: number;
  key: string;
  detail: Record<string, unknown>;
}

export interface NewEvent {
  eventId: string;
  phase?: string;
  level?: EventLevel;
  type: string;
  message: string;
  payload?: Record<string, unknown>;
}
