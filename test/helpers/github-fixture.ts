// The GitHub App wired to the simulated GitHub for tests: a real PostgreSQL state store, a
// real repository (examples/finance and a .lakespec.yml) served over git's HTTP protocol,
// the app's webhook endpoint on a real HTTP server, a worker on the reconciler's queue, and
// GitHub's example payloads rewritten to point at the repository.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { GITHUB_EXECUTOR, GitHubApp } from '../../github-app/index.js';
import { DuckDbEngine, type State, Worker, openState } from '../../reconciler/index.js';
import { GitHubSim } from '../harness/github-sim.js';
import type { PostgresServer } from '../harness/postgres-server.js';
import { ROOT } from './paths.js';

const require = createRequire(import.meta.url);
export const EXAMPLES = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[];

export const APP_ID = 424242;
export const INSTALLATION = 7777;
export const OWNER = 'octo-org';
export const REPO = 'lakehouse';
export const FULL = `${OWNER}/${REPO}`;
export const SECRET = 'webhook secret: shh';

export interface Fixture {
  sim: GitHubSim;
  app: GitHubApp;
  state: State;
  engine: DuckDbEngine;
  appUrl: string;
  work: string;
  logs(): string;
  /** Commits files (null deletes) on a branch and pushes it; returns the commit id. */
  commit(files: Record<string, string | null>, message: string, branch?: string): string;
  /** Runs queued GitHub work until none is left. */
  drain(timeoutMs?: number): Promise<void>;
  /** An example payload of GitHub's, pointed at this repository, with `patch` applied. */
  payload(event: string, action: string | undefined, patch?: (p: Record<string, any>) => void): Record<string, any>;
  close(): Promise<void>;
}

export interface SimRepo {
  sim: GitHubSim;
  privateKey: string;
  tmp: string;
  work: string;
  commit: Fixture['commit'];
  payload: Fixture['payload'];
  close(): Promise<void>;
}

/** The simulated GitHub with the app installed on one repository holding examples/finance. */
export async function startSimRepo(o: { tokenTtlSeconds?: number } = {}): Promise<SimRepo> {
  const tmp = mkdtempSync(join(tmpdir(), 'lakespec-gh-'));
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const sim = await GitHubSim.start({ appId: APP_ID, publicKeyPem: publicKey, webhookSecret: SECRET, gitRoot: join(tmp, 'github'), ...(o.tokenTtlSeconds ? { tokenTtlSeconds: o.tokenTtlSeconds } : {}) });
  sim.addInstallation(INSTALLATION, OWNER, [FULL]);
  const bare = sim.bareRepo(FULL);

  // The user's repository: examples/finance and the app's configuration.
  const work = join(tmp, 'work');
  mkdirSync(work);
  const git = (...args: string[]) => execFileSync('git', ['-C', work, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Octo Cat', GIT_AUTHOR_EMAIL: 'octo@example.com', GIT_COMMITTER_NAME: 'Octo Cat', GIT_COMMITTER_EMAIL: 'octo@example.com' } }).trim();
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', bare);
  cpSync(join(ROOT, 'examples', 'finance'), join(work, 'examples', 'finance'), { recursive: true });
  writeFileSync(join(work, '.lakespec.yml'), 'specs: examples/finance\npullRequests:\n  environment: dev\nmerges:\n  environment: dev\n  run: affected\n');
  const commit = (files: Record<string, string | null>, message: string, branch = 'main') => {
    const current = git('symbolic-ref', '--short', 'HEAD');
    if (current !== branch) {
      const exists = git('branch', '--list', branch) !== '';
      git('checkout', '-q', ...(exists ? [branch] : ['-b', branch]));
    }
    for (const [f, text] of Object.entries(files)) {
      const full = join(work, f);
      if (text === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
    git('push', '-q', '--force', 'origin', branch);
    const sha = git('rev-parse', 'HEAD');
    if (branch !== 'main') git('checkout', '-q', 'main');
    return sha;
  };
  commit({}, 'initial specs');
  const payload: Fixture['payload'] = (event, action, patch) => {
    const group = EXAMPLES.find((g) => g.name === event);
    const ex = group?.examples.find((e) => action === undefined || e.action === action);
    if (!ex) throw new Error(`no example payload for ${event}.${action}`);
    const p = structuredClone(ex) as Record<string, any>;
    retarget(p, sim.cloneUrl(FULL));
    patch?.(p);
    return p;
  };
  return {
    sim,
    privateKey,
    tmp,
    work,
    commit,
    payload,
    async close() {
      await sim.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export async function startFixture(o: { pg: PostgresServer; database: string; tokenTtlSeconds?: number; writeSpacingMs?: number }): Promise<Fixture> {
  const repo = await startSimRepo(o);
  const { sim, privateKey, tmp, work, commit } = repo;
  let logs = '';
  const log = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => ((logs += c.toString()), cb()) }));
  const state = await openState({ dir: join(tmp, 'state'), databaseUrl: o.pg.url(o.database), queue: { leaseSeconds: 30, retryBaseMs: 200, retryMaxMs: 1000 } });
  const engine = await DuckDbEngine.open({ dataDir: join(tmp, 'duckdb'), filesRoot: work });
  const app = new GitHubApp({
    settings: { appId: String(APP_ID), privateKey, webhookSecret: SECRET, apiUrl: sim.url, cacheDir: join(tmp, 'cache'), redeliverEveryMs: 0, bodyTimeoutMs: 30_000, maxPayloadAgeSeconds: 72 * 3600 },
    state,
    engine,
    log,
    // Tests space GitHub writes 20 ms apart; the app's default (500 ms) is for GitHub's secondary limits.
    client: { retryBaseMs: 50, writeSpacingMs: o.writeSpacingMs ?? 20 },
    progressEveryMs: 0,
  });
  const http = new Hono();
  app.mount(http);
  let closeServer: () => void = () => {};
  const appUrl = await new Promise<string>((ready) => {
    const server = serve({ fetch: http.fetch, port: 0, hostname: '127.0.0.1' }, (info) => ready(`http://127.0.0.1:${info.port}`));
    closeServer = () => server.close();
  });
  sim.webhookUrl = `${appUrl}/github/webhooks`;
  let workers = 0;

  return {
    sim,
    app,
    state,
    engine,
    appUrl,
    work,
    logs: () => logs,
    commit,
    async drain(timeoutMs = 120_000) {
      const until = Date.now() + timeoutMs;
      // Each call is its own worker (two drains at once are two racing workers).
      const worker = new Worker(state.queue, [app.executor], { id: `test-worker-${++workers}`, idleMs: 20 });
      for (;;) {
        if (await worker.runOnce()) continue;
        if ((await state.queue.pending([GITHUB_EXECUTOR])) === 0) return;
        if (Date.now() > until) throw new Error('GitHub work did not finish in time');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    payload: repo.payload,
    async close() {
      closeServer();
      await engine.close().catch(() => {});
      await state.close().catch(() => {});
      await repo.close();
    },
  };
}

/** Points an example payload at the fixture's installation and repository, dated now (as GitHub sends it). */
export function retarget(p: Record<string, any>, cloneUrl: string): void {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  if (p.repository && 'pushed_at' in p.repository) p.repository.pushed_at = typeof p.repository.pushed_at === 'number' ? Math.floor(Date.now() / 1000) : now;
  if (p.pull_request) p.pull_request.updated_at = now;
  if (p.head_commit) p.head_commit.timestamp = now;
  p.installation = { ...(p.installation ?? {}), id: INSTALLATION, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc3Nw==' };
  if (p.repository) {
    Object.assign(p.repository, { name: REPO, full_name: FULL, clone_url: cloneUrl, default_branch: 'main' });
    p.repository.owner = { ...(p.repository.owner ?? {}), login: OWNER };
  }
  const pr = p.pull_request;
  if (pr) {
    if (pr.head?.repo) pr.head.repo = { ...pr.head.repo, full_name: FULL, name: REPO };
    if (pr.base?.repo) pr.base.repo = { ...pr.base.repo, full_name: FULL, name: REPO };
  }
}
