// Whether a merge may be applied when the repository requires checks (`merges.requireChecks`
// in .lakespec.yml; on by default for protected environments): the pushed commit must be the
// merge of a pull request into the default branch, and that pull request's head must have
// passed lakespec's validate and plan checks. Only check runs this app created count (their
// ids are in github_check_runs: another app can name a check "lakespec / validate" too), and
// their conclusions are read from GitHub now (a check can be re-run after it was posted).
// A signed push alone — a direct push, or an old payload sent again — is not enough.
import { type Queryable, githubCheckRuns } from '../reconciler/index.js';
import { CHECK } from './check-runs.js';
import type { GitHubApi } from './github-client.js';
import type { WorkItem } from './work-item.js';

type ApplyItem = Extract<WorkItem, { kind: 'apply' }>;

export type MergeVerdict = { ok: true; pullRequest: number; head: string } | { ok: false; reason: string; fix: string };

const REQUIRED = [CHECK.validate, CHECK.plan] as const;

export async function verifyMergeChecks(api: GitHubApi, db: Queryable, item: ApplyItem): Promise<MergeVerdict> {
  const bypass = 'or, to apply merges without it, set merges.requireChecks: false in .lakespec.yml';
  const prs = (await api.rest.repos.listPullRequestsAssociatedWithCommit({ owner: item.owner, repo: item.repo, commit_sha: item.sha, per_page: 100 })).data;
  const pr = prs.find((p) => p.merged_at && p.base.ref === item.defaultBranch && p.merge_commit_sha === item.sha);
  if (!pr) {
    return { ok: false, reason: `\`${item.sha.slice(0, 12)}\` is not the merge of a pull request into ${item.defaultBranch} (pushed directly?)`, fix: `change ${item.defaultBranch} through pull requests whose lakespec checks pass, ${bypass}` };
  }
  const head = pr.head.sha;
  const ours = await githubCheckRuns.onCommit(db, item.fullName, head);
  const runs = (await api.rest.checks.listForRef({ owner: item.owner, repo: item.repo, ref: head, per_page: 100 })).data.check_runs.filter((r) => ours.has(String(r.id)));
  for (const name of REQUIRED) {
    const latest = runs.filter((r) => r.name === name).sort((a, b) => b.id - a.id)[0];
    const where = `pull request #${pr.number} (head \`${head.slice(0, 12)}\`)`;
    if (!latest) return { ok: false, reason: `${name} never ran on ${where}`, fix: `let lakespec check the pull request before merging (require its checks in branch protection), ${bypass}` };
    if (latest.status !== 'completed') return { ok: false, reason: `${name} had not finished on ${where} when it was merged`, fix: `wait for the check and re-run the apply, ${bypass}` };
    if (latest.conclusion !== 'success') return { ok: false, reason: `${name} ended "${latest.conclusion}" on ${where}`, fix: `fix what the check reports in a new pull request, ${bypass}` };
  }
  return { ok: true, pullRequest: pr.number, head };
}
