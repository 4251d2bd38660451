// What a delivery asks the app to do, read from its payload (pure): check a commit (pull
// requests, check suites, re-requested checks), apply a merge (a push to the default
// branch), or nothing (with the reason, for the log).
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

interface Repository {
  full_name?: string;
  name?: string;
  owner?: { login?: string };
  clone_url?: string;
  default_branch?: string;
}

const ZERO = /^0+$/;

export function workItem(event: string, payload: Record<string, unknown>): WorkItem {
  const repo = payload.repository as Repository | undefined;
  const installationId = (payload.installation as { id?: number } | undefined)?.id;
  const sender = (payload.sender as { login?: string } | undefined)?.login ?? 'github';
  const action = payload.action as string | undefined;
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
      const pr = payload.pull_request as { number?: number; draft?: boolean; head?: { sha?: string; repo?: { full_name?: string } | null }; base?: { ref?: string; repo?: { full_name?: string } } } | undefined;
      if (!pr?.head?.sha) return { kind: 'none', reason: 'pull_request without a head commit' };
      // A head in another repository (or a deleted fork) is untrusted: no secrets, no apply.
      // Reopened and ready-for-review pull requests are checked again (the applied state may have moved).
      const fork = !pr.head.repo || pr.head.repo.full_name !== (pr.base?.repo?.full_name ?? repo.full_name);
      return { ...ref, kind: 'checks', sha: pr.head.sha, requester: sender, ...(pr.number !== undefined ? { pullRequest: pr.number } : {}), ...(pr.base?.ref ? { baseRef: pr.base.ref } : {}), fork, rerequested: action === 'reopened' || action === 'ready_for_review' };
    }
    case 'check_suite': {
      const suite = payload.check_suite as { head_sha?: string; head_branch?: string | null; pull_requests?: { number: number; head?: { repo?: { url?: string } }; base?: { repo?: { url?: string } } }[] } | undefined;
      if (!suite?.head_sha) return { kind: 'none', reason: 'check_suite without a head commit' };
      const pr = suite.pull_requests?.[0];
      const fork = pr ? pr.head?.repo?.url !== pr.base?.repo?.url : false;
      return { ...ref, kind: 'checks', sha: suite.head_sha, requester: sender, ...(pr ? { pullRequest: pr.number } : {}), fork, rerequested: action === 'rerequested' };
    }
    case 'check_run': {
      const run = payload.check_run as { name?: string; head_sha?: string; check_suite?: { head_branch?: string | null } } | undefined;
      if (!run?.head_sha || !run.name) return { kind: 'none', reason: 'check_run without a head commit' };
      if (run.name === 'lakespec / apply') {
        if (run.check_suite?.head_branch !== ref.defaultBranch) return { kind: 'none', reason: `apply re-requested on ${run.check_suite?.head_branch ?? 'a commit'} outside the default branch` };
        return { ...ref, kind: 'apply', sha: run.head_sha, requester: sender, rerequested: true };
      }
      if (!run.name.startsWith('lakespec / ')) return { kind: 'none', reason: `check run "${run.name}" is not lakespec's` };
      return { ...ref, kind: 'checks', sha: run.head_sha, requester: sender, fork: false, rerequested: true, only: run.name === 'lakespec / plan' ? 'plan' : 'validate' };
    }
    case 'push': {
      const after = payload.after as string | undefined;
      const pushRef = payload.ref as string | undefined;
      if (payload.deleted === true || !after || ZERO.test(after)) return { kind: 'none', reason: `push deleting ${pushRef ?? 'a ref'}` };
      if (pushRef !== `refs/heads/${ref.defaultBranch}`) return { kind: 'none', reason: `push to ${pushRef}, not the default branch ${ref.defaultBranch}` };
      const pusher = (payload.pusher as { name?: string } | undefined)?.name ?? sender;
      const before = payload.before as string | undefined;
      return { ...ref, kind: 'apply', sha: after, requester: pusher, ...(before && !ZERO.test(before) ? { before } : {}), rerequested: false };
    }
    default:
      return { kind: 'none', reason: `${event} needs no work` };
  }
}
