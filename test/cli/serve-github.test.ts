// `lakespec serve` as a user runs it for the GitHub App (docs/github-app.md): a real process
// on the embedded state store, configured only through the documented environment
// variables, receiving signed deliveries from the simulated GitHub, checking a pull request
// and applying a merge. Also: a half-configured app is refused with a message naming the
// missing setting, and the private key never shows up in the logs.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, SECRET, type SimRepo, startSimRepo } from '../helpers/github-fixture.js';
import { ROOT } from '../helpers/paths.js';

const BIN = join(ROOT, 'bin', 'lakespec.js');
let repo: SimRepo;
let child: ChildProcess | undefined;
let out = '';

beforeAll(async () => {
  repo = await startSimRepo();
}, 60_000);
afterAll(async () => {
  child?.kill('SIGKILL');
  await repo?.close();
});

async function until<T>(what: string, fn: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('lakespec serve with the GitHub App', () => {
  it('refuses a half-configured app, naming what is missing', async () => {
    const r = spawn(process.execPath, [BIN, 'serve', '--state', join(repo.tmp, 'state-x'), '--port', '0'], { env: { ...process.env, LAKESPEC_GITHUB_APP_ID: String(APP_ID), DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    r.stderr!.on('data', (c) => (err += c));
    const code = await new Promise<number>((res) => r.on('close', (c) => res(c ?? -1)));
    expect(code).toBe(1);
    expect(err).toMatch(/LAKESPEC_GITHUB_PRIVATE_KEY/);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('checks a pull request and applies a merge, configured by environment variables only', async () => {
    const keyFile = join(repo.tmp, 'app.private-key.pem');
    writeFileSync(keyFile, repo.privateKey, { mode: 0o600 });
    child = spawn(process.execPath, [BIN, 'serve', '--state', join(repo.tmp, 'state'), '--port', '0'], {
      cwd: repo.tmp,
      env: {
        ...process.env,
        DATABASE_URL: '',
        LAKESPEC_GITHUB_APP_ID: String(APP_ID),
        LAKESPEC_GITHUB_PRIVATE_KEY_FILE: keyFile,
        LAKESPEC_GITHUB_WEBHOOK_SECRET: SECRET,
        LAKESPEC_GITHUB_API_URL: repo.sim.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    const url = await until('the server', () => /lakespec serve: (http:\/\/\S+)/.exec(out)?.[1]);
    repo.sim.webhookUrl = `${url}/github/webhooks`;
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(doc.paths).toHaveProperty('/github/webhooks');

    const pr = repo.commit({ 'README.md': 'a pull request\n' }, 'pr', 'feature');
    const d = await repo.sim.deliver('pull_request', repo.payload('pull_request', 'opened', (p) => ((p.pull_request.head.sha = pr), (p.pull_request.base.ref = 'main'))));
    expect(d.status_code).toBe(202);
    const validate = await until('the validate check', () => repo.sim.checkRunsFor(pr, 'lakespec / validate').find((c) => c.status === 'completed'));
    expect(validate.conclusion).toBe('success');
    const plan = await until('the plan check', () => repo.sim.checkRunsFor(pr, 'lakespec / plan').find((c) => c.status === 'completed'));
    expect(plan.conclusion).toBe('success');

    const merge = repo.commit({ 'README.md': 'merged\n' }, 'merge');
    await repo.sim.deliver('push', repo.payload('push', undefined, (p) => ((p.ref = 'refs/heads/main'), (p.after = merge), (p.deleted = false))));
    const apply = await until('the apply check', () => repo.sim.checkRunsFor(merge, 'lakespec / apply').find((c) => c.status === 'completed'), 120_000);
    expect(apply.conclusion).toBe('success');
    expect(apply.output.summary).toMatch(/succeeded/);
    expect(repo.sim.violations).toEqual([]);

    child.kill('SIGTERM');
    const code = await new Promise<number>((res) => child!.on('close', (c) => res(c ?? -1)));
    expect(code).toBe(0);
    // The key is read from its file and never logged; neither are installation tokens.
    const keyBody = repo.privateKey.split('\n')[1]!;
    expect(out).not.toContain(keyBody);
    for (const t of repo.sim.tokens.keys()) expect(out).not.toContain(t);
  }, 180_000);
});
