// Repositories fetched at an exact commit, with the installation token, into a cache folder:
// one bare repository per GitHub repository (fetches only bring what is new), and one
// detached worktree per checkout, removed when the work is done. The token travels in an
// HTTP header given through git's environment, never in a URL, a config file or argv.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { simpleGit } from 'simple-git';

/** The installation token, or a function giving it (refresh: a new one, the last was refused). */
export type TokenSource = string | ((refresh: boolean) => Promise<string>);

export interface Checkout {
  dir: string;
  sha: string;
  release(): Promise<void>;
}

export class RepoCache {
  // Git takes locks on a bare repository's refs and config: one git operation at a time per
  // repository in this process.
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  /** A worktree of `fullName` at exactly `sha`, fetched from `cloneUrl` if not cached yet. */
  async checkout(fullName: string, cloneUrl: string, sha: string, token: TokenSource): Promise<Checkout> {
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw new Error(`not a full commit id: ${sha}`);
    const bare = await this.fetch(fullName, cloneUrl, [sha], token);
    const dir = join(this.root, 'worktrees', `${sha.slice(0, 12)}-${randomUUID().slice(0, 8)}`);
    await this.serial(fullName, () => simpleGit(bare).raw(['worktree', 'add', '--detach', '--force', dir, sha]));
    return {
      dir,
      sha,
      release: () =>
        this.serial(fullName, async () => {
          await simpleGit(bare).raw(['worktree', 'remove', '--force', dir]).catch(() => rmSync(dir, { recursive: true, force: true }));
          await simpleGit(bare).raw(['worktree', 'prune']).catch(() => {});
        }),
    };
  }

  /** True when `ancestor` is an ancestor of (or equal to) `descendant`; both must be fetched. */
  async isAncestor(fullName: string, ancestor: string, descendant: string): Promise<boolean> {
    // simple-git treats a non-zero exit without stderr as success, so `merge-base
    // --is-ancestor` (exit 1, silent) cannot be used: compare the merge base instead.
    const base = await simpleGit(this.barePath(fullName)).raw(['merge-base', ancestor, descendant]).catch(() => '');
    return base.trim() === ancestor;
  }

  private async hasCommit(bare: string, sha: string): Promise<boolean> {
    const type = await simpleGit(bare).raw(['cat-file', '-t', sha]).catch(() => '');
    return type.trim() === 'commit';
  }

  /** Makes sure the commits are in the cache (fetching them by id); returns the bare repository. */
  async fetch(fullName: string, cloneUrl: string, shas: readonly string[], token: TokenSource): Promise<string> {
    const bare = this.barePath(fullName);
    return this.serial(fullName, async () => {
      mkdirSync(bare, { recursive: true });
      const git = simpleGit(bare);
      if (!existsSync(join(bare, 'HEAD'))) await git.init(true);
      const missing: string[] = [];
      for (const sha of shas) if (!(await this.hasCommit(bare, sha))) missing.push(sha);
      if (missing.length === 0) return bare;
      const attempt = async (refresh: boolean) => {
        const t = typeof token === 'string' ? token : await token(refresh);
        const header = `Authorization: Basic ${Buffer.from(`x-access-token:${t}`).toString('base64')}`;
        try {
          // The config set through the environment is ours (the token header, no credential
          // helper), never taken from a payload: simple-git's guard against it can be lifted.
          await simpleGit(bare, { allowEnvironment: GIT_ENV_KEYS, unsafe: { allowUnsafeConfigEnvCount: true, allowUnsafeCredentialHelper: true } })
            .env({
              ...gitEnv(),
              GIT_TERMINAL_PROMPT: '0',
              GIT_CONFIG_NOSYSTEM: '1',
              GIT_CONFIG_COUNT: '2',
              GIT_CONFIG_KEY_0: 'http.extraHeader',
              GIT_CONFIG_VALUE_0: header,
              GIT_CONFIG_KEY_1: 'credential.helper',
              GIT_CONFIG_VALUE_1: '',
            })
            .raw(['fetch', '--no-tags', '--quiet', cloneUrl, ...missing]);
        } catch (e) {
          // git's message can echo the URL; never the header. Scrub the token anyway.
          throw new Error(`cannot fetch ${missing.map((s) => s.slice(0, 12)).join(', ')} from ${fullName}: ${String((e as Error).message).split(t).join('***').trim()}`);
        }
      };
      try {
        await attempt(false);
      } catch (e) {
        // A token that expired or was revoked since it was cached: once more with a fresh one.
        if (typeof token === 'string' || !/401|Authentication failed|could not read Username/i.test((e as Error).message)) throw e;
        await attempt(true);
      }
      return bare;
    });
  }

  private barePath(fullName: string): string {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(fullName) || fullName.includes('..')) throw new Error(`not a repository name: ${fullName}`);
    return join(this.root, 'repos', `${fullName}.git`);
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.chains.set(key, next.catch(() => {}));
    return next;
  }
}

const GIT_ENV_KEYS = ['GIT_TERMINAL_PROMPT', 'GIT_CONFIG_NOSYSTEM', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0', 'GIT_CONFIG_KEY_1', 'GIT_CONFIG_VALUE_1'];

/** A minimal environment for git: nothing from the caller's that would point git elsewhere (or that simple-git refuses). */
function gitEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const k of ['HOME', 'TMPDIR', 'LANG', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}
