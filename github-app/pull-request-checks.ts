// The two checks on a pull request's head commit: "lakespec / validate" (every diagnostic
// as an annotation on its lines) and "lakespec / plan" (what merging would change in the
// target environment, destructive changes flagged and failing the check unless allowed).
// Pull requests from forks get both without any secret: the plan then compares with the
// applied state only, not with the engine's live catalog (which needs credentials).
import { desiredState, githubCheckRuns, planProject } from '../reconciler/index.js';
import type { AppContext } from './app-context.js';
import { planResult, validateResult } from './check-output.js';
import { CHECK, CheckRuns } from './check-runs.js';
import { projectAtCommit } from './project-at-commit.js';
import type { WorkItem } from './work-item.js';

type ChecksItem = Extract<WorkItem, { kind: 'checks' }>;

export async function runPullRequestChecks(ctx: AppContext, item: ChecksItem, runId: string, signal: AbortSignal): Promise<Record<string, unknown>> {
  // GitHub sends both pull_request.synchronize and check_suite.requested for one push: the
  // second to arrive finds the commit checked and does nothing (a re-run always checks).
  if (!item.rerequested) {
    if (await githubCheckRuns.createdByAnother(ctx.state.db, { repository: item.fullName, headSha: item.sha, name: CHECK.validate, runId })) return { outcome: 'already checked' };
  }
  const api = ctx.github.installation(item.installationId);
  const checks = new CheckRuns(api, ctx.state.db, item.owner, item.repo, runId);
  const details = ctx.detailsUrl ? { detailsUrl: ctx.detailsUrl(runId) } : {};
  const wantValidate = item.only !== 'plan';
  const wantPlan = item.only !== 'validate';
  const validateId = wantValidate ? await checks.open(CHECK.validate, item.sha, details) : undefined;
  const planId = wantPlan ? await checks.open(CHECK.plan, item.sha, details) : undefined;
  if (validateId !== undefined) await checks.inProgress(validateId, { title: 'Validating', summary: `Fetching \`${item.sha.slice(0, 12)}\` and validating the specs.` });
  if (planId !== undefined) await checks.inProgress(planId, { title: 'Planning', summary: 'Waiting for the specs to compile.' });

  const checkout = await ctx.repos.checkout(item.fullName, item.cloneUrl, item.sha, async (refresh) => (await ctx.github.token(item.installationId, refresh)).token);
  try {
    if (signal.aborted) throw new Error(String(signal.reason ?? 'aborted'));
    const project = await projectAtCommit(checkout.dir, item.sha, 'pullRequests');
    const v = validateResult(project.diagnostics, project.fileCount);
    if (validateId !== undefined) await checks.complete(validateId, v.conclusion, v.output, v.annotations);
    if (planId === undefined) return { validate: v.conclusion };

    if (!project.compiled) {
      await checks.complete(planId, 'failure', { title: 'Not planned: the specs have errors', summary: 'Nothing was planned because validation failed; see **lakespec / validate** for the errors.\n' });
      return { validate: v.conclusion, plan: 'failure' };
    }
    const { ir, manifest } = project.compiled;
    const desired = desiredState(ir);
    const notes: string[] = [];
    let p;
    if (item.fork) {
      notes.push('_From a fork: planned against the recorded applied state only; the engine was not consulted (no credentials are used for forks)._');
      p = (await planProject(ctx.state.catalog, undefined, ir, desired)).plan;
    } else {
      try {
        p = (await planProject(ctx.state.catalog, ctx.engine, ir, desired)).plan;
      } catch (e) {
        notes.push(`_The engine's live catalog could not be read (${(e as Error).message.split('\n')[0]}); planned against the recorded applied state._`);
        p = (await planProject(ctx.state.catalog, undefined, ir, desired)).plan;
      }
    }
    const r = planResult(p, manifest.setHash, notes);
    await checks.complete(planId, r.conclusion, r.output);
    return { validate: v.conclusion, plan: r.conclusion, summary: p.summary, manifestHash: manifest.setHash };
  } finally {
    await checkout.release();
  }
}
