// A merge (a push to the default branch): plan, apply and run the affected pipelines for
// exactly that commit, with a "lakespec / apply" check run on it that follows the run's
// phases and ends with its outcome. Merges of one repository and environment are applied
// one after the other (a lease on github_apply_heads), and a commit that is an ancestor of
// the one applied last is not applied: an older commit never overwrites a newer one.
import { ApplyBlockedError, ApplyFailedError, ApplyLockedError, type Executor, type Phase, type Run, SqlStepExecutor, Worker, affectedPipelines, applyPlan, desiredState, driveRun, isTerminalRun, missingExecutors, planProject, runPhases, sleep } from '../reconciler/index.js';
import type { AppContext } from './app-context.js';
import { annotationsOf, applyProgress, phasesTable, planResult } from './check-output.js';
import { CHECK, CheckRuns } from './check-runs.js';
import { verifyMergeChecks } from './merge-checks.js';
import { projectAtCommit } from './project-at-commit.js';
import type { WorkItem } from './work-item.js';

type ApplyItem = Extract<WorkItem, { kind: 'apply' }>;

const LEASE_SECONDS = 60;

interface HeadKey {
  repository: string;
  environment: string;
  /** This merge (process and queue run): re-entry by the same merge after a retry is allowed. */
  holder: string;
}

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

    // One merge at a time per repository and environment.
    await checks.inProgress(checkId, { title: 'Waiting for earlier merges', summary: `Waiting for the apply lock on ${item.fullName} (${env}).\n` });
    const applied = await acquireHead(ctx, lockKey, signal);
    const renew = setInterval(() => void renewHead(ctx, lockKey).catch(() => {}), (LEASE_SECONDS * 1000) / 3);
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

      // Plan against what is applied and what the engine has, then apply.
      const desired = desiredState(ir);
      const { plan: p, applied: appliedState } = await planProject(ctx.state.catalog, ctx.engine, ir, desired);
      const planned = planResult(p, manifest.setHash);
      // Run the pipelines the merge affects (or all, or none, as configured).
      const mode = project.config.merges.run;
      // A re-requested apply (GitHub's "Re-run") runs the pipelines again even with nothing to change.
      const names = mode === 'none' ? [] : mode === 'all' || item.rerequested ? ir.pipelines.map((x) => x.name) : affectedPipelines(p, ir);
      const phases = runPhases(ir, project.artifacts, ctx.engine.id, names).map((ph) => ({ ...ph, input: { ...(ph.input as object), filesRoot: project.specsRoot } }));
      // Refused before anything is applied when this server cannot run what the merge needs.
      const missing = missingExecutors(phases, executorsOf(ctx, project.specsRoot));
      if (missing.length > 0) {
        await checks.complete(checkId, 'failure', { title: 'Not applied: an executor is missing', summary: `Not applied: this lakespec server cannot run the pipelines the merge affects.\n\n${missing.map((m) => `- ${m}`).join('\n')}\n\n${planned.output.summary}` });
        return { outcome: 'missing-executor' };
      }
      await checks.inProgress(checkId, { title: `Applying: ${planned.output.title}`, summary: planned.output.summary });
      let deployment: string | undefined;
      try {
        if (p.stages.length > 0) {
          const r = await applyPlan(ctx.state.catalog, ctx.engine, { ir, desired, applied: appliedState, plan: p, manifestHash: manifest.setHash, requester: `github:${item.requester}`, holder: ctx.holder });
          deployment = r.deploymentId;
        }
      } catch (e) {
        // Another apply (a CLI apply of the same environment) holds a table: the queue retries the delivery.
        if (e instanceof ApplyLockedError) throw e;
        if (e instanceof ApplyBlockedError || e instanceof ApplyFailedError) {
          const why = e instanceof ApplyBlockedError ? 'destructive changes are not allowed' : `the apply failed at "${e.stage.detail}": ${e.message}`;
          await checks.complete(checkId, 'failure', { title: e instanceof ApplyBlockedError ? 'Apply refused: destructive changes blocked' : 'Apply failed', summary: `Not applied: ${why}.\n\n${planned.output.summary}` });
          return { outcome: e instanceof ApplyBlockedError ? 'blocked' : 'apply-failed' };
        }
        throw e;
      }
      await setApplied(ctx, lockKey, item.sha);

      const head = `**Applied** \`${item.sha.slice(0, 12)}\` to ${env} on ${ctx.engine.id}${deployment ? ` (deployment \`${deployment}\`)` : ' (nothing to change)'}: ${planned.output.title}.`;
      if (names.length === 0) {
        await checks.complete(checkId, 'success', { title: `Applied; no pipelines to run`, summary: `${head}\n\nNo pipelines are affected.\n\n${planned.output.summary}` });
        return { outcome: 'applied', deployment: deployment ?? null };
      }
      const run = await ctx.state.queue.createRun({
        workspace: ir.workspace,
        environment: env,
        specSlug: `${ir.workspace}/${names.length === ir.pipelines.length ? '*' : names.join(',')}`,
        gitSha: item.sha,
        trigger: 'merge',
        requester: `github:${item.requester}`,
        phases,
        inputManifest: { manifestHash: manifest.setHash, specHash: ir.specHash, deployment: deployment ?? null, engine: ctx.engine.id, pipelines: names, repository: item.fullName, deliveryRun: runId },
      });
      const final = await followRun(ctx, run, project.specsRoot, async (r, ph) => checks.inProgress(checkId, applyProgress(head, r, ph)), signal);
      const ph = await ctx.state.queue.phases(run.id);
      const ok = final.status === 'succeeded';
      await checks.complete(checkId, ok ? 'success' : final.status === 'cancelled' ? 'cancelled' : 'failure', {
        title: ok ? `Applied; ${ph.length} phase${ph.length === 1 ? '' : 's'} succeeded` : `Run ${final.status}`,
        summary: `${head}\n\nRun \`${run.id}\` ${final.status}${final.error ? `: ${final.error}` : ''}.\n\n${phasesTable(ph)}\n`,
        text: planned.output.summary,
      });
      return { outcome: ok ? 'applied' : `run-${final.status}`, deployment: deployment ?? null, run: run.id };
    } finally {
      clearInterval(renew);
      await releaseHead(ctx, lockKey);
    }
  } finally {
    await checkout.release();
  }
}

/** What runs a merge's phases in this process: SQL steps on the app's engine, plus Spark and dbt when configured. */
function executorsOf(ctx: AppContext, filesRoot: string): Executor[] {
  return [new SqlStepExecutor({ engine: ctx.engine, filesRoot }), ...(ctx.pipelineExecutors ?? [])];
}

/** Runs the run's phases here (its files are in this checkout) and reports progress; returns the finished run. */
async function followRun(ctx: AppContext, run: Run, filesRoot: string, report: (r: Run, phases: Phase[]) => Promise<void>, signal: AbortSignal): Promise<Run> {
  const worker = new Worker(ctx.state.queue, executorsOf(ctx, filesRoot), { runId: run.id, idleMs: 50, log: ctx.log });
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

async function acquireHead(ctx: AppContext, key: HeadKey, signal: AbortSignal): Promise<string | null> {
  for (;;) {
    const r = await ctx.state.db.query<{ applied_sha: string | null }>(
      `INSERT INTO github_apply_heads (repository, environment, holder, lease_expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       ON CONFLICT (repository, environment) DO UPDATE SET holder = EXCLUDED.holder, lease_expires_at = EXCLUDED.lease_expires_at
         WHERE github_apply_heads.holder IS NULL OR github_apply_heads.lease_expires_at < now() OR github_apply_heads.holder = EXCLUDED.holder
       RETURNING applied_sha`,
      [key.repository, key.environment, key.holder, LEASE_SECONDS],
    );
    if (r.rows[0]) return r.rows[0].applied_sha;
    if (signal.aborted) throw new Error(`gave up waiting for the apply lock on ${key.repository} (${key.environment})`);
    await sleep(250);
  }
}

async function renewHead(ctx: AppContext, key: HeadKey): Promise<void> {
  await ctx.state.db.query('UPDATE github_apply_heads SET lease_expires_at = now() + make_interval(secs => $3) WHERE repository = $1 AND environment = $2 AND holder = $4', [key.repository, key.environment, LEASE_SECONDS, key.holder]);
}

async function setApplied(ctx: AppContext, key: HeadKey, sha: string): Promise<void> {
  await ctx.state.db.query('UPDATE github_apply_heads SET applied_sha = $3, applied_at = now() WHERE repository = $1 AND environment = $2', [key.repository, key.environment, sha]);
}

async function releaseHead(ctx: AppContext, key: HeadKey): Promise<void> {
  await ctx.state.db.query('UPDATE github_apply_heads SET holder = NULL, lease_expires_at = NULL WHERE repository = $1 AND environment = $2 AND holder = $3', [key.repository, key.environment, key.holder]);
}
