// Whether a checkout may apply to (or run in) a protected environment: its specs must be
// exactly a commit of the repository's default branch. An IO edge: it asks git.
//
// The rule: the spec folder is inside a git work tree; nothing under it (nor .lakespec.yml)
// is modified or untracked; HEAD is on the default branch, i.e. reachable from it — from the
// remote's copy of it when there is a remote (so an unpushed local commit does not count);
// and the commit recorded is HEAD. The default branch is `defaultBranch` in .lakespec.yml,
// else what the remote `origin` names as its HEAD.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_CONFIG_FILE, parseRepoConfig } from '../spec/index.js';
import { type Io, ProblemError, UsageError, styles } from './cli-context.js';
import type { Session } from './reconcile-session.js';

export type ProtectedSource =
  | { ok: true; branch: string; sha: string }
  | { ok: false; reason: string; fix: string };

function git(cwd: string, args: string[]): string | undefined {
  try {
    // Only trailing white space goes: porcelain status lines start with a blank.
    return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).toString().trimEnd();
  } catch {
    return undefined;
  }
}

function refExists(cwd: string, ref: string): boolean {
  return git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]) !== undefined;
}

/** The default branch as the repository configuration or the remote names it. */
function defaultBranch(top: string): string | undefined {
  const cfg = join(top, REPO_CONFIG_FILE);
  if (existsSync(cfg)) {
    const { config, diagnostics } = parseRepoConfig(readFileSync(cfg, 'utf8'));
    if (diagnostics.length === 0 && config.defaultBranch) return config.defaultBranch;
  }
  const head = git(top, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']);
  return head?.startsWith('refs/remotes/origin/') ? head.slice('refs/remotes/origin/'.length) : undefined;
}

export function protectedSource(specRoot: string, recordedSha: string | undefined): ProtectedSource {
  const top = git(specRoot, ['rev-parse', '--show-toplevel']);
  if (!top) return { ok: false, reason: 'the specs are not in a git checkout', fix: 'apply from a clone of the repository, on its default branch' };
  const head = git(top, ['rev-parse', 'HEAD']);
  if (!head) return { ok: false, reason: 'the checkout has no commit yet', fix: 'commit the specs and push them to the default branch' };
  const branch = defaultBranch(top);
  if (!branch) {
    return { ok: false, reason: 'the default branch is not known', fix: `set defaultBranch in ${REPO_CONFIG_FILE}, or run "git remote set-head origin --auto"` };
  }
  const rel = relative(top, specRoot) || '.';
  const dirty = git(top, ['status', '--porcelain', '--untracked-files=all', '--', rel, REPO_CONFIG_FILE]);
  if (dirty === undefined || dirty.length > 0) {
    const first = dirty?.split('\n')[0]?.slice(3);
    return { ok: false, reason: `the work tree has uncommitted changes${first ? ` (${first}${dirty!.includes('\n') ? ', …' : ''})` : ''}`, fix: `commit them, merge them to ${branch}, and apply from there` };
  }
  const ref = refExists(top, `refs/remotes/origin/${branch}`) ? `refs/remotes/origin/${branch}` : refExists(top, `refs/heads/${branch}`) ? `refs/heads/${branch}` : undefined;
  if (!ref) return { ok: false, reason: `the default branch ${branch} is not in this checkout`, fix: `fetch it ("git fetch origin ${branch}") and check it out` };
  const onBranch = git(top, ['merge-base', '--is-ancestor', head, ref]) !== undefined;
  if (!onBranch) {
    const current = git(top, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    const where = current && current !== branch ? `branch ${current}` : ref.startsWith('refs/remotes/') ? `a commit that is not on origin/${branch} (not pushed, or not merged)` : `a commit that is not on ${branch}`;
    return { ok: false, reason: `HEAD (${head.slice(0, 12)}) is on ${where}`, fix: `merge the change to ${branch} and apply from ${branch}` };
  }
  if (recordedSha !== undefined && !head.startsWith(recordedSha)) {
    return { ok: false, reason: `--git-sha ${recordedSha} is not the checked-out commit ${head.slice(0, 12)}`, fix: 'leave --git-sha out: the commit recorded is the one checked out' };
  }
  return { ok: true, branch, sha: head };
}

export const PROTECTED_OPTIONS = {
  'break-glass': { type: 'boolean' },
  reason: { type: 'string' },
} as const;

export const PROTECTED_HELP = `  --break-glass        apply or run in a protected environment from anywhere else than
                       its default branch (needs --reason; recorded in the audit log)
  --reason TEXT        why, for --break-glass`;

/**
 * Refuses, before anything runs, to change a protected environment from a checkout that is
 * not a clean commit of the default branch; `--break-glass --reason` overrides it and is
 * written to the audit log with who, why and the commit.
 */
export async function guardProtected(
  session: Session,
  io: Io,
  values: { 'break-glass'?: boolean | undefined; reason?: string | undefined; 'git-sha'?: string | undefined },
  o: { action: 'apply' | 'run' | 'up'; requester: string },
): Promise<void> {
  const { ir } = session.compiled;
  if (values['break-glass'] && !values.reason?.trim()) throw new UsageError('--break-glass needs --reason "why" (it goes to the audit log)');
  if (values.reason !== undefined && !values['break-glass']) throw new UsageError('--reason goes with --break-glass');
  if (!ir.protected) return;
  const verdict = protectedSource(session.project.root, values['git-sha']);
  if (verdict.ok) return;
  if (!values['break-glass']) {
    throw new ProblemError(
      `environment ${ir.environment} is protected and is changed only from a clean checkout of the default branch: ${verdict.reason}. Nothing was ${o.action === 'run' ? 'run' : 'applied'}.\n` +
        `  fix: ${verdict.fix}\n  (an admin can override this with --break-glass --reason "…"; it is recorded in the audit log)`,
    );
  }
  await session.state.catalog.audit(o.requester, ir.workspace, 'protected.break_glass', `${ir.environment}@${ir.gitSha}`, {
    command: o.action,
    reason: values.reason!.trim(),
    refused_because: verdict.reason,
    commit: ir.gitSha,
    os_user: io.env.USER ?? null,
    host: hostname(),
  });
  io.stderr(`${styles(io).yellow('!')} break-glass: ${o.action} in protected environment ${ir.environment} although ${verdict.reason}; recorded in the audit log.\n`);
}
