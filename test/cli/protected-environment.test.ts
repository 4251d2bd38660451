// `protected: true` holds: prod of examples/finance is applied or run by the CLI only from a
// clean checkout of the default branch as the remote has it. A feature branch, a checkout
// outside git, a dirty work tree, an unpushed commit and a --git-sha that is not HEAD are each
// refused before any statement runs (no deployment, no table); --break-glass --reason goes
// through and is in the audit log with who, why and the commit. Real git repositories.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openState } from '../../reconciler/index.js';
import { EXAMPLES, ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).toString().trim();
}

/** A new repository at `dir` holding examples/finance, committed on `branch`. */
function seedRepo(dir: string, branch: string): void {
  cpSync(join(EXAMPLES, 'finance'), dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), '.lakespec/\n');
  git(dir, 'init', '-q', '-b', branch);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'specs');
}

/** A clone of a repository holding examples/finance, its origin a bare repository with main as HEAD. */
function repo(): { dir: string; state: string; base: string } {
  const base = mkdtempSync(join(tmpdir(), 'lakespec-protected-'));
  const seed = join(base, 'seed');
  seedRepo(seed, 'main');
  git(base, 'clone', '-q', '--bare', seed, 'origin.git');
  git(base, 'clone', '-q', join(base, 'origin.git'), 'work');
  return { dir: join(base, 'work'), state: join(base, 'state'), base };
}

async function applied(state: string): Promise<{ deployments: number; audit: { action: string; actor: string; details: Record<string, unknown> }[] }> {
  const s = await openState({ dir: state });
  try {
    const deployments = (await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM deployments')).rows[0]!.n;
    const audit = (await s.db.query<{ action: string; actor: string; details: Record<string, unknown> }>("SELECT action, actor, details FROM audit_log WHERE action LIKE 'protected.%' ORDER BY seq")).rows;
    return { deployments, audit };
  } finally {
    await s.close();
  }
}

describe('protected environments from the CLI', () => {
  it('refuses every source but a clean, pushed commit of the default branch, and records break-glass', async () => {
    const { dir, state, base } = repo();
    const prod = ['--env', 'prod', '--state', state];

    // A feature branch with a commit of its own.
    git(dir, 'checkout', '-q', '-b', 'feature');
    appendFileSync(join(dir, 'workspace.yaml'), '\n# a feature\n');
    git(dir, 'commit', '-q', '-am', 'feature');
    const feature = await runCli(['apply', dir, ...prod], ROOT);
    expect(feature.code).toBe(1);
    expect(feature.stderr).toContain('environment prod is protected and is changed only from a clean checkout of the default branch: HEAD');
    expect(feature.stderr).toContain('is on branch feature. Nothing was applied.');
    expect(feature.stderr).toContain('fix: merge the change to main and apply from main');
    expect(feature.stderr).toContain('--break-glass --reason');
    for (const cmd of [['up', dir], ['run', '--all', dir]]) {
      const r = await runCli([...cmd, ...prod], ROOT);
      expect(r.code, cmd[0]).toBe(1);
      expect(r.stderr, cmd[0]).toContain('environment prod is protected');
    }
    // dev is not protected: the same branch applies it.
    expect((await runCli(['apply', dir, '--env', 'dev', '--state', join(base, 'dev-state')], ROOT)).code).toBe(0);

    // Outside git.
    const plain = join(base, 'plain');
    cpSync(join(EXAMPLES, 'finance'), plain, { recursive: true });
    const outside = await runCli(['apply', plain, ...prod], ROOT);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('the specs are not in a git checkout');

    // main, but with an edit, then with an unpushed commit, then with a --git-sha that is not HEAD.
    git(dir, 'checkout', '-q', 'main');
    appendFileSync(join(dir, 'datasets', 'gold.yaml'), '\n# edited\n');
    const dirty = await runCli(['apply', dir, ...prod], ROOT);
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toContain('the work tree has uncommitted changes (datasets/gold.yaml)');
    git(dir, 'commit', '-q', '-am', 'edit');
    const unpushed = await runCli(['apply', dir, ...prod], ROOT);
    expect(unpushed.code).toBe(1);
    expect(unpushed.stderr).toContain('is on a commit that is not on origin/main (not pushed, or not merged)');
    git(dir, 'push', '-q', 'origin', 'main');
    const otherSha = await runCli(['apply', dir, ...prod, '--git-sha', 'abcdef1234567'], ROOT);
    expect(otherSha.code).toBe(1);
    expect(otherSha.stderr).toContain('--git-sha abcdef1234567 is not the checked-out commit');
    expect(await applied(state)).toEqual({ deployments: 0, audit: [] });

    // The pushed commit of main applies.
    const ok = await runCli(['apply', dir, ...prod], ROOT);
    expect(ok.stderr.replace(/^… opening the state store .*\n/m, '')).toBe(''); // a slow open says so; nothing else
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/✔ applied \d+ stages/);

    // Break-glass from the feature branch: needs a reason, then goes through and is audited.
    git(dir, 'checkout', '-q', 'feature');
    writeFileSync(join(dir, 'datasets', 'extra.yaml'), 'apiVersion: lakespec.dev/v1\nkind: Dataset\nmetadata: { name: hotfix }\nspec:\n  layer: gold\n  columns: [{ name: id, type: bigint }]\n');
    const noReason = await runCli(['apply', dir, ...prod, '--break-glass'], ROOT);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--break-glass needs --reason');
    const glass = await runCli(['apply', dir, ...prod, '--break-glass', '--reason', 'INC-42: gold table needed now', '--requester', 'alice'], ROOT);
    expect(glass.code, glass.stderr).toBe(0);
    expect(glass.stderr).toContain('break-glass: apply in protected environment prod');
    const after = await applied(state);
    expect(after.deployments).toBe(2);
    expect(after.audit).toEqual([
      {
        action: 'protected.break_glass',
        actor: 'alice',
        details: expect.objectContaining({ command: 'apply', reason: 'INC-42: gold table needed now', commit: git(dir, 'rev-parse', 'HEAD'), refused_because: expect.stringContaining('the work tree has uncommitted changes') }),
      },
    ]);
  });

  it('takes the default branch from .lakespec.yml when there is no remote, and refuses when nothing names it', async () => {
    const base = mkdtempSync(join(tmpdir(), 'lakespec-protected-local-'));
    const dir = join(base, 'repo');
    seedRepo(dir, 'trunk');
    const prod = ['--env', 'prod', '--state', join(base, 'state')];
    // No remote and no configuration: the default branch is not known.
    const unknown = await runCli(['apply', dir, ...prod], ROOT);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('the default branch is not known');
    expect(unknown.stderr).toContain('set defaultBranch in .lakespec.yml');
    // Named in .lakespec.yml (committed): trunk applies, another branch does not.
    writeFileSync(join(dir, '.lakespec.yml'), 'defaultBranch: trunk\n');
    git(dir, 'add', '.lakespec.yml');
    git(dir, 'commit', '-q', '-m', 'default branch');
    const ok = await runCli(['apply', dir, ...prod], ROOT);
    expect(ok.code, ok.stderr).toBe(0);
    git(dir, 'checkout', '-q', '-b', 'main');
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'on main');
    const other = await runCli(['apply', dir, ...prod], ROOT);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('is on branch main');
    expect(other.stderr).toContain('merge the change to trunk and apply from trunk');
  }, 120_000);
});
