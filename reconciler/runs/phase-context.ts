// The context an executor works in for one claimed phase. What it records goes through the
// phase's own workspace view of the store (`q`) and under the phase's lease: a refused
// lease is reported through `leaseError` (the worker then aborts the phase), and once the
// lease is lost, fence() and writes.record() throw LeaseLostError before any side effect.
import type { RunQueue } from '../state/run-queue.js';
import type { Claim } from '../state/run-types.js';
import { LeaseLostError, type PhaseContext } from './executor.js';
import { retryDb } from './retry-db.js';

export function phaseContext(claim: Claim, q: RunQueue, signal: AbortSignal, o: { isLost(): boolean; leaseError(e: unknown): void }): PhaseContext {
  const lease = { phaseId: claim.phaseId, token: claim.token };
  return {
    claim,
    signal,
    progress: async (message, payload) => {
      await retryDb(() => q.heartbeat(claim.phaseId, claim.token, { message, ...(payload ? { payload } : {}) })).catch((e) => o.leaseError(e));
    },
    event: async (type, level, message, payload) => {
      await retryDb(() => q.appendEvent(claim.runId, { eventId: `${claim.phaseId}:${type}:${claim.attempt}:${message}`, phase: claim.phase, type, level, message, payload: payload ?? {} }, lease)).catch((e) => o.leaseError(e));
    },
    artifact: async (name, kind, bytes, mediaType) => {
      const r = await retryDb(() => q.registerArtifact(claim.runId, { phase: claim.phase, name, kind, bytes, ...(mediaType ? { mediaType } : {}) }, lease));
      return r.sha256;
    },
    writes: {
      record: async (key, detail) => {
        if (o.isLost()) throw new LeaseLostError();
        try {
          await retryDb(() => q.appendEvent(claim.runId, { eventId: `${claim.phaseId}:PHASE_WRITE:${claim.attempt}:${key}`, phase: claim.phase, type: 'PHASE_WRITE', level: 'debug', message: `attempt ${claim.attempt} sends write ${key}`, payload: { key, attempt: claim.attempt, detail } }, lease));
        } catch (e) {
          o.leaseError(e);
          throw new LeaseLostError();
        }
      },
      earlier: () => retryDb(() => q.phaseWrites(claim.runId, claim.phase, claim.attempt)),
    },
    fence: async () => {
      if (o.isLost()) throw new LeaseLostError();
      try {
        await retryDb(() => q.heartbeat(claim.phaseId, claim.token));
      } catch (e) {
        o.leaseError(e);
        throw new LeaseLostError();
      }
    },
  };
}
