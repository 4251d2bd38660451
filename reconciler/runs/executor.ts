// The executor plug-in interface: one phase in, an output manifest out. Executors never
// touch the state store directly; they report through the context, which checks the lease.
import type { Claim, EventLevel, PhaseWrite } from '../state/run-types.js';

export interface PhaseContext {
  readonly claim: Claim;
  /** Aborted when the lease is lost, the run is cancelled or the phase times out. */
  readonly signal: AbortSignal;
  progress(message: string, payload?: Record<string, unknown>): Promise<void>;
  event(type: string, level: EventLevel, message: string, payload?: Record<string, unknown>): Promise<void>;
  /** Stores bytes as a content-addressed artifact of this phase; returns the digest. */
  artifact(name: string, kind: string, bytes: string | Uint8Array, mediaType?: string): Promise<string>;
  /** Throws LeaseLostError unless this worker still holds the lease: call right before committing a side effect. */
  fence(): Promise<void>;
  /** The phase's write ledger: what its attempts sent that must not be sent twice. */
  readonly writes: PhaseWrites;
}

/**
 * A phase's attempt may commit a write and die before the run queue hears of it; the next
 * attempt must not write it again (an append would add its rows twice). An executor that
 * cannot keep the proof of a commit in the commit itself records each such write here just
 * before sending it, and a later attempt asks the engine whether a recorded write committed.
 */
export interface PhaseWrites {
  /** Records a write about to be sent (refused, like a fence, once the lease is lost). */
  record(key: string, detail: Record<string, unknown>): Promise<void>;
  /** Writes recorded by this phase's earlier attempts, oldest first. */
  earlier(): Promise<PhaseWrite[]>;
}

/** What a phase reads and writes, carried in its input for OpenLineage (every executor's input may have it). */
export interface PhaseLineage {
  inputs: { namespace: string; name: string }[];
  outputs: { namespace: string; name: string }[];
}

export interface Executor {
  readonly id: string;
  execute(input: unknown, ctx: PhaseContext): Promise<Record<string, unknown>>;
}

/** A failure an executor knows the kind of. Terminal ones (bad SQL, failed checks) are never retried. */
export class ExecutionError extends Error {
  constructor(
    message: string,
    readonly terminal: boolean,
    readonly output?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class LeaseLostError extends Error {
  constructor(message = 'the lease on this phase was lost') {
    super(message);
  }
}
