// A merge (a push to the default branch): plan, apply and run the affected pipelines for
// exactly that commit, with a "lakespec / apply" check run on it that follows the run's
// phases and ends with its outcome. The plan, apply and run are the reconciler's one
// reconcile(); what is the App's own is around it: merges of one repository and environment
// are applied one after the other (ApplyHeads), and a commit that is an ancestor of the one
// applied last is not applied: an older commit never overwrites a newer one.
import { ApplyHeads, type Executor, type Phase, type Run, Worker, driveRun, executorsFor, isTerminalRun, reconcile } from '../reconciler/index.js';
import type { AppContext } from './app-context.js';
import { annotationsOf, applyProgress, phasesTable, planResult } from './check-output.js';
import { CHECK, CheckRuns } from './check-runs.js';
import { verifyMergeChecks } from './merge-checks.js';
import { projectAtCommit } from './project-at-commit.js';
import type { WorkItem } from './work-item.js';

type ApplyItem = Extract<WorkItem, { kind: 'apply' }>;

export async function applyMerge(ctx: AppContext, item: ApplyItem, runId: string, signal: AbortSignal): Promise<Record<string, unknown>> {
  const api = ctx.github.installation(item.installationId);
  const checks = new CheckRuns(api, ctx.state.db, item.owner, item.repo, runId);
  const checkId = await checks.open(CHECK.apply, item.sha, ctx.detailsUrl ? { detailsUrl: ctx.detailsUrl(runId) } : {});
  const checkout = await ctx.repos.checkout(item.fullName, item.cloneUrl, item.sha, async (refresh) => (await ctx.github.token(item.installationId, refresh)).token);
  try {
    const project = await projectAtCommit(checkout.dir, item.sha, 'merges');
    if (!project.config.merges.apply) {
      await checks.complete(checkId, 'skipped', { title: 'Merges are not applied', summary: '`merges.apply` is false in `.lakespec.yml`: pull request checks only.\n' });
      return { outcome: 'skipped' };
    }
    if (!project.compiled) {
      const errors = project.diagnostics.filter((d) => d.severity === 'error');
      await checks.complete(checkId, 'failure', { title: 'Not applied: the specs have errors', summary: `Nothing was applied: ${errors.length} error${errors.length === 1 ? '' : 's'} in the specs at this commit (annotated).\n` }, annotationsOf(errors));
      return { outcome: 'invalid' };
    }
    const { ir, manifest } = project.compiled;
    const env = ir.environment;
    // A signed push alone is not enough where checks are required: it must be a merged pull request's, and that pull request's checks passed.
    if (project.config.merges.requireChecks ?? ir.protected) {
      const verdict = await verifyMergeChecks(api, ctx.state.db, item);
      if (!verdict.ok) {
        ctx.log('warn', 'merge not applied: checks required', { repository: item.fullName, sha: item.sha, reason: verdict.reason });
        await checks.complete(checkId, 'failure', {
          title: 'Not applied: no passed pull request checks',
          summary: `Nothing was applied to ${env}: merges there need a pull request whose lakespec checks passed${ir.protected ? ` (${env} is protected)` : ' (`merges.requireChecks`)'}, and ${verdict.reason}.\n\n**Fix:** ${verdict.fix}.\n`,
        });
        return { outcome: 'checks-required' };
      }
    }
    const lockKey = { repository: item.fullName, environment: env, holder: `${ctx.holder}:${runId}` };
    const heads = new ApplyHeads(ctx.state.db);

    // One merge at a time per repository and environment.
    await checks.inProgress(checkId, { title: 'Waiting for earlier merges', summary: `Waiting for the apply lock on ${item.fullName} (${env}).\n` });
    const applied = await heads.acquire(lockKey, signal);
    const stopKeeping = heads.keep(lockKey);
    try {
      if (applied === item.sha && !item.rerequested) {
        await checks.complete(checkId, 'success', { title: 'Already applied', summary: `\`${item.sha.slice(0, 12)}\` is already applied to ${env}.\n` });
        return { outcome: 'already-applied' };
      }
      if (applied && applied !== item.sha) {
        const fetched = await ctx.repos.fetch(item.fullName, item.cloneUrl, [applied], async (refresh) => (await ctx.github.token(item.installationId, refresh)).token).then(
          () => true,
          () => false,
        );
        if (fetched && (await ctx.repos.isAncestor(item.fullName, item.sha, applied))) {
          await checks.complete(checkId, 'neutral', { title: 'Superseded by a newer commit', summary: `Not applied: the newer commit \`${applied.slice(0, 12)}\` is already applied to ${env}, and it contains this one.\n` });
          return { outcome: 'superseded', applied };
        }
      }

      // Plan against what is applied and what the engine has, apply, and queue the run of the
      // pipelines the merge affects (or all, or none, as configured). A re-requested apply
      // (GitHub's "Re-run") runs the pipelines again even with nothing to change.
      const mode = project.config.merges.run;
      const executors = executorsOf(ctx, project.specsRoot);
      let planned: ReturnType<typeof planResult> | undefined;
      const outcome = await reconcile({
        ir,
        artifacts: project.artifacts,
        manifestHash: manifest.setHash,
        catalog: ctx.state.catalog,
        queue: ctx.state.queue,
        engine: ctx.engine,
        executors,
        trigger: 'merge',
        requester: `github:${item.requester}`,
        holder: ctx.holder,
        run: mode === 'none' ? 'none' : mode === 'all' || item.rerequested ? 'all' : 'affected',
        filesRoot: project.specsRoot,
        manifest: { repository: item.fullName, deliveryRun: runId },
        planned: (p) => void (planned = planResult(p, manifest.setHash)),
        applying: async () => checks.inProgress(checkId, { title: `Applying: ${planned!.output.title}`, summary: planned!.output.summary }),
      });
      const summary = planned!.output.summary;
      switch (outcome.status) {
        case 'missing-executor':
          // Refused before anything is applied when this server cannot run what the merge needs.
          await checks.complete(checkId, 'failure', { title: 'Not applied: an executor is missing', summary: `Not applied: this lakespec server cannot run the pipelines the merge affects.\n\n${outcome.missing.map((m) => `- ${m}`).join('\n')}\n\n${summary}` });
          return { outcome: 'missing-executor' };
        case 'locked':
          // Another apply (a CLI apply of the same environment) holds a table: the queue retries the delivery.
          throw outcome.error;
        case 'blocked':
          await checks.complete(checkId, 'failure', { title: 'Apply refused: destructive changes blocked', summary: `Not applied: destructive changes are not allowed.\n\n${summary}` });
          return { outcome: 'blocked' };
        case 'apply-failed':
          await checks.complete(checkId, 'failure', { title: 'Apply failed', summary: `Not applied: the apply failed at "${outcome.error.stage.detail}": ${outcome.error.message}.\n\n${summary}` });
          return { outcome: 'apply-failed' };
        case 'applied':
          break;
      }
      await heads.setApplied(lockKey, item.sha);
      const deployment = outcome.deployment?.id;
      const head = `**Applied** \`${item.sha.slice(0, 12)}\` to ${env} on ${ctx.engine.id}${deployment ? ` (deployment \`${deployment}\`)` : ' (nothing to change)'}: ${planned!.output.title}.`;
      const run = outcome.run;
      if (!run) {
        await checks.complete(checkId, 'success', { title: `Applied; no pipelines to run`, summary: `${head}\n\nNo pipelines are affected.\n\n${summary}` });
        return { outcome: 'applied', deployment: deployment ?? null };
      }
      const final = await followRun(ctx, run, executors, async (r, ph) => checks.inProgress(checkId, applyProgress(head, r, ph)), signal);
      const ph = await ctx.state.queue.phases(run.id);
      const ok = final.status === 'succeeded';
      await checks.complete(checkId, ok ? 'success' : final.status === 'cancelled' ? 'cancelled' : 'failure', {
        title: ok ? `Applied; ${ph.length} phase${ph.length === 1 ? '' : 's'} succeeded` : `Run ${final.status}`,
        summary: `${head}\n\nRun \`${run.id}\` ${final.status}${final.error ? `: ${final.error}` : ''}.\n\n${phasesTable(ph)}\n`,
        text: summary,
      });
      return { outcome: ok ? 'applied' : `run-${final.status}`, deployment: deployment ?? null, run: run.id };
    } finally {
      stopKeeping();
      await heads.release(lockKey);
    }
  } finally {
    await checkout.release();
  }
}

/** What runs a merge's phases in this process: SQL steps on the app's engine, plus Spark and dbt when configured. */
function executorsOf(ctx: AppContext, filesRoot: string): Executor[] {
  return executorsFor([ctx.engine], filesRoot, ctx.pipelineExecutors);
}

/** Runs the run's phases here (its files are in this checkout) and reports progress; returns the finished run. */
async function followRun(ctx: AppContext, run: Run, executors: Executor[], report: (r: Run, phases: Phase[]) => Promise<void>, signal: AbortSignal): Promise<Run> {
  const worker = new Worker(ctx.state.queue, executors, { runId: run.id, idleMs: 50, log: ctx.log });
  const every = ctx.progressEveryMs ?? 2000;
  let lastReport = 0;
  let lastShape = '';
  return driveRun(ctx.state.queue, worker, run.id, async (now) => {
    if (signal.aborted) await ctx.state.queue.cancelRun(run.id, 'github-app', String(signal.reason ?? 'the delivery was aborted')).catch(() => {});
    if (isTerminalRun(now.status)) return;
    const phases = await ctx.state.queue.phases(run.id);
    const shape = phases.map((p) => p.status).join();
    if (shape !== lastShape && Date.now() - lastReport >= every) {
      lastShape = shape;
      lastReport = Date.now();
      await report(now, phases);
    }
  });
}
