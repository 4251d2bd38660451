// The queue's executor for GitHub deliveries: the receiver stores a delivery and creates a
// run with one "github" phase for it; a worker claims that phase (lease, heartbeat, retries
// with backoff, timeout — the reconciler's queue), and this executor does the work: checks
// on a pull request's commit, or the apply of a merge. A failure of GitHub or of the
// database is retried by the queue; after the last attempt the delivery is marked failed.
import { ExecutionError, type Executor, type PhaseContext, githubCheckRuns, githubDeliveries } from '../reconciler/index.js';
import type { AppContext } from './app-context.js';
import { CheckRuns } from './check-runs.js';
import { applyMerge } from './merge-apply.js';
import { runPullRequestChecks } from './pull-request-checks.js';
import { workItem } from './work-item.js';

export interface DeliveryInput {
  deliveryId: string;
}

export const GITHUB_EXECUTOR = 'github';

export class DeliveryExecutor implements Executor {
  readonly id = GITHUB_EXECUTOR;

  constructor(private readonly ctx: AppContext) {}

  async execute(raw: unknown, pc: PhaseContext): Promise<Record<string, unknown>> {
    const { deliveryId } = (raw ?? {}) as Partial<DeliveryInput>;
    if (!deliveryId) throw new ExecutionError('phase input names no delivery', true);
    const { db } = this.ctx.state;
    const row = await githubDeliveries.startProcessing(db, deliveryId);
    if (!row) throw new ExecutionError(`delivery ${deliveryId} is not stored`, true);
    const item = workItem(row.event, typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload);
    try {
      let out: Record<string, unknown>;
      if (item.kind === 'none') out = { outcome: 'nothing to do', reason: item.reason };
      else {
        await pc.progress(`${item.kind === 'apply' ? 'applying' : 'checking'} ${item.fullName}@${item.sha.slice(0, 12)}`, { repository: item.fullName, sha: item.sha });
        out = item.kind === 'checks' ? await runPullRequestChecks(this.ctx, item, pc.claim.runId, pc.signal) : await applyMerge(this.ctx, item, pc.claim.runId, pc.signal);
      }
      await githubDeliveries.done(db, deliveryId);
      this.ctx.log('info', 'delivery processed', { delivery: deliveryId, event: row.event, ...out });
      return { delivery: deliveryId, event: row.event, ...out };
    } catch (e) {
      const message = (e as Error).message;
      const last = pc.claim.attempt >= pc.claim.maxAttempts || (e instanceof ExecutionError && e.terminal);
      await githubDeliveries.attemptFailed(db, deliveryId, last, message).catch(() => {});
      if (last && item.kind !== 'none') await this.failOpenChecks(item, pc.claim.runId, message);
      this.ctx.log(last ? 'error' : 'warn', last ? 'delivery failed' : 'delivery attempt failed; the queue retries it', { delivery: deliveryId, event: row.event, attempt: pc.claim.attempt, error: message });
      throw e;
    }
  }

  /** After the last attempt, no check run of this work is left spinning: each says what went wrong. */
  private async failOpenChecks(item: { installationId: number; owner: string; repo: string; fullName: string }, runId: string, message: string): Promise<void> {
    try {
      const ids = await githubCheckRuns.ofRun(this.ctx.state.db, item.fullName, runId);
      const checks = new CheckRuns(this.ctx.github.installation(item.installationId), this.ctx.state.db, item.owner, item.repo, runId);
      for (const id of ids) {
        await checks.complete(id, 'failure', { title: 'lakespec could not finish this check', summary: `The work failed after every retry: ${message}\n\nRe-run the check once the cause is fixed.\n` });
      }
    } catch (e) {
      this.ctx.log('error', 'could not mark the check runs failed', { run: runId, error: (e as Error).message });
    }
  }
}
