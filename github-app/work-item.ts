// What a delivery asks the app to do, read from its payload (pure): check a commit (pull
// requests, check suites, re-requested checks), apply a merge (a push to the default
// branch), or nothing (with the reason, for the log).
import type { CheckRunEvent, CheckSuiteEvent, PullRequestEvent, PushEvent } from '@octokit/webhooks-types';
export interface RepoRef {
  installationId: number;
  owner: string;
  repo: string;
  fullName: string;
  cloneUrl: string;
  defaultBranch: string;
}

export type WorkItem =
  | (RepoRef & { kind: 'checks'; sha: string; requester: string; pullRequest?: number; baseRef?: string; fork: boolean; rerequested: boolean; only?: 'validate' | 'plan' })
  | (RepoRef & { kind: 'apply'; sha: string; requester: string; before?: string; rerequested: boolean })
  | { kind: 'none'; reason: string };

/**
 * A payload as GitHub's published types describe it (@octokit/webhooks-types), with every
 * field optional: it is data from outside, so each field is checked as it is read, but its
 * names and shapes are GitHub's, not ours.
 */
type Untrusted<T> = T extends (infer U)[] ? Untrusted<U>[] : T extends object ? { [K in keyof T]?: Untrusted<T[K]> } : T;

type Common = Untrusted<Pick<PushEvent, 'repository' | 'installation' | 'sender'>> & { action?: string };

const ZERO = /^0+$/;

export function workItem(event: string, payload: Record<string, unknown>): WorkItem {
  const common = payload as Common;
  const repo = common.repository;
  const installationId = common.installation?.id;
  const sender = common.sender?.login ?? 'github';
  const action = common.action;
  if (!repo?.full_name || !repo.owner?.login || !repo.name) return { kind: 'none', reason: `${event} without a repository` };
  if (!installationId) return { kind: 'none', reason: `${event} without an installation (is it a repository webhook instead of the app's?)` };
  const ref: RepoRef = {
    installationId,
    owner: repo.owner.login,
    repo: repo.name,
    fullName: repo.full_name,
    cloneUrl: repo.clone_url ?? `https://github.com/${repo.full_name}.git`,
    defaultBranch: repo.default_branch ?? 'main',
  };
  switch (event) {
    case 'pull_request': {
      const pr = (payload as Untrusted<PullRequestEvent>).pull_request;
      if (!pr?.head?.sha) return { kind: 'none', reason: 'pull_request without a head commit' };
      // A head in another repository (or a deleted fork) is untrusted: no secrets, no apply.
      // Reopened and ready-for-review pull requests are checked again (the applied state may have moved).
      const fork = !pr.head.repo || pr.head.repo.full_name !== (pr.base?.repo?.full_name ?? repo.full_name);
      return { ...ref, kind: 'checks', sha: pr.head.sha, requester: sender, ...(pr.number !== undefined ? { pullRequest: pr.number } : {}), ...(pr.base?.ref ? { baseRef: pr.base.ref } : {}), fork, rerequested: action === 'reopened' || action === 'ready_for_review' };
    }
    case 'check_suite': {
      const suite = (payload as Untrusted<CheckSuiteEvent>).check_suite;
      if (!suite?.head_sha) return { kind: 'none', reason: 'check_suite without a head commit' };
      const pr = suite.pull_requests?.[0];
      const fork = pr ? pr.head?.repo?.url !== pr.base?.repo?.url : false;
      return { ...ref, kind: 'checks', sha: suite.head_sha, requester: sender, ...(pr?.number !== undefined ? { pullRequest: pr.number } : {}), fork, rerequested: action === 'rerequested' };
    }
    case 'check_run': {
      const run = (payload as Untrusted<CheckRunEvent>).check_run;
      if (!run?.head_sha || !run.name) return { kind: 'none', reason: 'check_run without a head commit' };
      if (run.name === 'lakespec / apply') {
        if (run.check_suite?.head_branch !== ref.defaultBranch) return { kind: 'none', reason: `apply re-requested on ${run.check_suite?.head_branch ?? 'a commit'} outside the default branch` };
        return { ...ref, kind: 'apply', sha: run.head_sha, requester: sender, rerequested: true };
      }
      if (!run.name.startsWith('lakespec / ')) return { kind: 'none', reason: `check run "${run.name}" is not lakespec's` };
      return { ...ref, kind: 'checks', sha: run.head_sha, requester: sender, fork: false, rerequested: true, only: run.name === 'lakespec / plan' ? 'plan' : 'validate' };
    }
    case 'push': {
      const push = payload as Untrusted<PushEvent>;
      const after = push.after;
      const pushRef = push.ref;
      if (push.deleted === true || !after || ZERO.test(after)) return { kind: 'none', reason: `push deleting ${pushRef ?? 'a ref'}` };
      if (pushRef !== `refs/heads/${ref.defaultBranch}`) return { kind: 'none', reason: `push to ${pushRef}, not the default branch ${ref.defaultBranch}` };
      const pusher = push.pusher?.name ?? sender;
      const before = push.before;
      return { ...ref, kind: 'apply', sha: after, requester: pusher, ...(before && !ZERO.test(before) ? { before } : {}), rerequested: false };
    }
    default:
      return { kind: 'none', reason: `${event} needs no work` };
  }
}
