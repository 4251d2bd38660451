// Repositories fetched at an exact commit, with the installation token, into a cache folder:
// one bare repository per GitHub repository (fetches only bring what is new), and one
// detached worktree per checkout, removed when the work is done. The token travels in an
// HTTP header given through git's environment, never in a URL, a config file or argv.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { simpleGit } from 'simple-git';

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
  async checkout(fullName: string, cloneUrl: string, sha: string, token: string | (() => Promise<string>)): Promise<Checkout> {
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
    const bare = this.barePath(fullName);
    try {
      await simpleGit(bare).raw(['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  /** Makes sure the commits are in the cache (fetching them by id); returns the bare repository. */
  async fetch(fullName: string, cloneUrl: string, shas: readonly string[], token: string | (() => Promise<string>)): Promise<string> {
    const bare = this.barePath(fullName);
    return this.serial(fullName, async () => {
      mkdirSync(bare, { recursive: true });
      const git = simpleGit(bare);
      if (!existsSync(join(bare, 'HEAD'))) await git.init(true);
      const missing: string[] = [];
      for (const sha of shas) {
        try {
          await git.raw(['cat-file', '-e', `${sha}^{commit}`]);
        } catch {
          missing.push(sha);
        }
      }
      if (missing.length === 0) return bare;
      const t = typeof token === 'string' ? token : await token();
      const header = `Authorization: Basic ${Buffer.from(`x-access-token:${t}`).toString('base64')}`;
      try {
        await simpleGit(bare)
          .env({
            ...gitEnv(),
            GIT_TERMINAL_PROMPT: '0',
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

/** The process environment without anything that would point git elsewhere. */
function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('GIT_')) env[k] = v;
  return env;
}
