// npm run demo:github — the walkthrough of docs/github-app.md against the simulated GitHub:
// a repository with examples/finance, `lakespec serve` started as its own process with the
// GitHub App configured by environment variables, a pull request with a mistake, its fix,
// and the merge; the checks printed as GitHub would show them.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ID, SECRET, type SimRepo, startSimRepo } from '../helpers/github-fixture.js';
import type { SimCheckRun } from '../harness/github-sim.js';
import { ROOT } from '../helpers/paths.js';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const c = (code: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const [bold, dim, red, green, yellow] = [c(1), c(2), c(31), c(32), c(33)];

async function waitFor<T>(fn: () => T | undefined, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function show(run: SimCheckRun): string {
  const icon = run.conclusion === 'success' ? green('✔') : run.conclusion === 'failure' ? red('✖') : yellow('●');
  const lines = [`  ${icon} ${bold(run.name)} — ${run.output.title ?? ''} ${dim(`(${run.history.map((h) => h.status).filter((s, i, a) => a[i - 1] !== s).join(' → ')})`)}`];
  for (const a of run.annotations) {
    const level = a.annotation_level === 'failure' ? red('failure') : yellow(String(a.annotation_level));
    lines.push(`      ${a.path}:${a.start_line}${a.start_column ? `:${a.start_column}` : ''}  ${level}  ${a.title}`);
    lines.push(`        ${String(a.message).split('\n').join('\n        ')}`);
  }
  return lines.join('\n');
}

async function checks(repo: SimRepo, sha: string, names: string[]): Promise<SimCheckRun[]> {
  return Promise.all(names.map((n) => waitFor(() => repo.sim.checkRunsFor(sha, n).find((r) => r.status === 'completed'))));
}

async function main() {
  const repo = await startSimRepo();
  let serve: ChildProcess | undefined;
  try {
    const keyFile = join(repo.tmp, 'app.pem');
    writeFileSync(keyFile, repo.privateKey, { mode: 0o600 });
    console.log(bold('\n1. A repository with examples/finance and .lakespec.yml'));
    console.log(dim(readFileSync(join(repo.work, '.lakespec.yml'), 'utf8').replace(/^/gm, '   ')));
    console.log(bold('2. lakespec serve, with the GitHub App configured by environment variables'));
    const env = {
      LAKESPEC_GITHUB_APP_ID: String(APP_ID),
      LAKESPEC_GITHUB_PRIVATE_KEY_FILE: keyFile,
      LAKESPEC_GITHUB_WEBHOOK_SECRET: SECRET,
      LAKESPEC_GITHUB_API_URL: repo.sim.url,
    };
    for (const [k, v] of Object.entries(env)) console.log(dim(`   ${k}=${v}`));
    let out = '';
    serve = spawn(process.execPath, [join(ROOT, 'bin', 'lakespec.js'), 'serve', '--state', join(repo.tmp, 'state'), '--port', '0'], { cwd: repo.tmp, env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    serve.stdout!.on('data', (d) => (out += d));
    serve.stderr!.on('data', (d) => (out += d));
    const url = await waitFor(() => /lakespec serve: (http:\/\/\S+)/.exec(out)?.[1], 30_000);
    repo.sim.webhookUrl = `${url}/github/webhooks`;
    console.log(`   ${out.split('\n').find((l) => l.startsWith('lakespec serve:'))}`);

    console.log(bold('\n3. A pull request with a mistake: primaryKey: [partner_idd]'));
    const file = 'examples/finance/datasets/silver.yaml';
    const text = readFileSync(join(repo.work, file), 'utf8');
    const bad = repo.commit({ [file]: text.replace('primaryKey: [partner_id]', 'primaryKey: [partner_idd]') }, 'partners: key', 'feature');
    const pr = (sha: string, action: string) => repo.payload('pull_request', action, (p) => ((p.pull_request.head.sha = sha), (p.pull_request.base.ref = 'main'), (p.number = 42), (p.pull_request.number = 42)));
    const d1 = await repo.sim.deliver('pull_request', pr(bad, 'opened'));
    console.log(dim(`   delivery ${d1.guid} → HTTP ${d1.status_code}`));
    for (const r of await checks(repo, bad, ['lakespec / validate', 'lakespec / plan'])) console.log(show(r));

    console.log(bold('\n4. The fix, pushed to the pull request'));
    const fixed = repo.commit({ [file]: text }, 'partners: fix key', 'feature');
    await repo.sim.deliver('pull_request', pr(fixed, 'synchronize'));
    const [v, p] = await checks(repo, fixed, ['lakespec / validate', 'lakespec / plan']);
    console.log(show(v!));
    console.log(show(p!));
    console.log(dim(p!.output.summary!.split('\n').slice(0, 14).map((l) => `      ${l}`).join('\n')) + dim('\n      …'));

    console.log(bold('\n5. The merge: lakespec / apply on the merge commit'));
    const merge = repo.commit({ [file]: text, 'README.md': 'merged #42\n' }, 'Merge pull request #42');
    await repo.sim.deliver('push', repo.payload('push', undefined, (x) => ((x.ref = 'refs/heads/main'), (x.after = merge), (x.deleted = false))));
    const [apply] = await checks(repo, merge, ['lakespec / apply']);
    for (const h of apply!.history) console.log(dim(`   ${h.status.padEnd(12)} ${h.title ?? ''}`));
    console.log(show(apply!));
    console.log(dim(apply!.output.summary!.split('\n').map((l) => `      ${l}`).join('\n')));
    console.log(`\n${repo.sim.requests.length} requests to the simulated GitHub, ${repo.sim.violations.length} departing from its REST description.`);
    if (repo.sim.violations.length > 0) process.exitCode = 1;
  } finally {
    serve?.kill('SIGTERM');
    if (serve) await new Promise((r) => serve!.on('close', r));
    await repo.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
