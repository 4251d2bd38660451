// The GitHub App end to end against the simulated GitHub: signed deliveries over real HTTP,
// work from the reconciler's queue on a real PostgreSQL, the repository fetched over git's
// HTTP protocol with the installation token, check runs posted through the REST API (every
// request checked against GitHub's REST description), merges applied to the embedded
// engine. Then the faults: duplicates, out-of-order merges, an expired token, 500s, rate
// limits, missed deliveries.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HANDLED } from '../../github-app/index.js';
import { type PostgresServer, startPostgres } from '../harness/postgres-server.js';
import { EXAMPLES, FULL, type Fixture, retarget, startFixture } from '../helpers/github-fixture.js';

let pg: PostgresServer;
let f: Fixture;
let n = 0;

beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

async function fresh(o: { tokenTtlSeconds?: number } = {}): Promise<Fixture> {
  const database = `gh_${process.pid}_${++n}`;
  await pg.createDatabase(database);
  f = await startFixture({ pg, database, ...o });
  return f;
}

afterEach(async () => {
  if (f) {
    const failed = await f.state.db.query<{ delivery_id: string; event: string; status: string; error: string | null }>("SELECT delivery_id, event, status, error FROM github_deliveries WHERE error IS NOT NULL AND status <> 'done'");
    if (failed.rows.length > 0) console.error('deliveries with errors:', failed.rows);
    for (const c of f.sim.checkRuns) if (c.conclusion === 'failure' && process.env.DEBUG_CHECKS) console.error(c.name, c.output);
    // Every request the app made conformed to GitHub's REST description.
    expect(f.sim.violations).toEqual([]);
    await f.close();
  }
});

const silver = () => readFileSync(join(f.work, 'examples/finance/datasets/silver.yaml'), 'utf8');

function prPayload(sha: string, number = 7, o: { fork?: boolean; action?: string } = {}) {
  return f.payload('pull_request', o.action ?? 'opened', (p) => {
    p.number = number;
    p.pull_request.number = number;
    p.pull_request.head.sha = sha;
    p.pull_request.base.ref = 'main';
    if (o.fork) p.pull_request.head.repo = { ...p.pull_request.head.repo, full_name: 'mallory/lakehouse', name: 'lakehouse' };
  });
}

function pushPayload(sha: string, before?: string) {
  return f.payload('push', undefined, (p) => {
    p.ref = 'refs/heads/main';
    p.after = sha;
    p.before = before ?? '0000000000000000000000000000000000000000';
    p.deleted = false;
    p.created = false;
    p.head_commit = { ...(p.head_commit ?? {}), id: sha };
  });
}

describe('pull requests', () => {
  it('a pull request with an error gets a failing validate check annotated on the right line, and no plan', async () => {
    await fresh();
    const text = silver().replace('primaryKey: [partner_id]', 'primaryKey: [partner_idd]');
    const line = text.split('\n').findIndex((l) => l.includes('partner_idd')) + 1;
    const sha = f.commit({ 'examples/finance/datasets/silver.yaml': text }, 'typo in a key', 'typo');
    const d = await f.sim.deliver('pull_request', prPayload(sha));
    expect(d.status_code).toBe(202);
    await f.drain();

    const [validate] = f.sim.checkRunsFor(sha, 'lakespec / validate');
    expect(validate).toBeDefined();
    expect(validate!.history.map((h) => h.status)).toEqual(['queued', 'in_progress', 'completed']);
    expect(validate!.conclusion).toBe('failure');
    const a = validate!.annotations.find((x) => x.path === 'examples/finance/datasets/silver.yaml' && String(x.message).includes('partner_idd'));
    expect(a).toMatchObject({ path: 'examples/finance/datasets/silver.yaml', start_line: line, end_line: line, annotation_level: 'failure' });
    expect(String(a!.title)).toMatch(/^LS1304 /);
    const [plan] = f.sim.checkRunsFor(sha, 'lakespec / plan');
    expect(plan!.conclusion).toBe('failure');
    expect(plan!.output.title).toMatch(/not planned/i);
  });

  it('a clean pull request gets passing checks with the plan and the artifact set hash', async () => {
    await fresh();
    const sha = f.commit({ 'README.md': 'docs only\n' }, 'docs', 'docs');
    await f.sim.deliver('pull_request', prPayload(sha));
    await f.drain();
    const [validate] = f.sim.checkRunsFor(sha, 'lakespec / validate');
    const [plan] = f.sim.checkRunsFor(sha, 'lakespec / plan');
    expect(validate!.conclusion).toBe('success');
    expect(plan!.conclusion).toBe('success');
    // Nothing is applied yet: everything is to be created.
    expect(plan!.output.summary).toMatch(/to create/);
    expect(plan!.output.summary).toMatch(/Artifact set: `[0-9a-f]{64}`/);
  });

  it('a pull request that drops a column gets a plan check flagging it (after the merge that created it)', async () => {
    await fresh();
    const base = f.commit({ 'README.md': 'v1\n' }, 'v1');
    await f.sim.deliver('push', pushPayload(base));
    await f.drain();
    expect(f.sim.checkRunsFor(base, 'lakespec / apply')[0]!.conclusion).toBe('success');

    const text = silver().replace(/\n\s+- \{ name: country_code, type: varchar, description: "ISO 3166-1 alpha-2, upper case." \}/, '');
    expect(text).not.toBe(silver());
    const sha = f.commit({ 'examples/finance/datasets/silver.yaml': text }, 'drop country_code', 'drop');
    await f.sim.deliver('pull_request', prPayload(sha, 8));
    await f.drain();
    const [plan] = f.sim.checkRunsFor(sha, 'lakespec / plan');
    expect(plan!.conclusion).toBe('failure');
    expect(plan!.output.title).toMatch(/destructive change.* blocked/);
    expect(plan!.output.summary).toMatch(/country_code/);
    expect(plan!.output.summary).toMatch(/\*\*blocked\*\*/);
  });

  it('a pull request from a fork is checked without credentials and says so', async () => {
    await fresh();
    const sha = f.commit({ 'README.md': 'from a fork\n' }, 'fork change', 'fork');
    await f.sim.deliver('pull_request', prPayload(sha, 9, { fork: true }));
    await f.drain();
    const [plan] = f.sim.checkRunsFor(sha, 'lakespec / plan');
    expect(plan!.conclusion).toBe('success');
    expect(plan!.output.summary).toMatch(/From a fork/);
  });

  it('more than 50 problems are sent 50 annotations per request, all of them arriving', async () => {
    await fresh();
    const cols = Array.from({ length: 60 }, (_, i) => `    - { name: c${i}, type: notatype${i} }`).join('\n');
    const bad = `apiVersion: lakespec.dev/v1\nkind: Dataset\nmetadata:\n  name: wide\nspec:\n  layer: bronze\n  columns:\n${cols}\n`;
    const sha = f.commit({ 'examples/finance/datasets/wide.yaml': bad }, 'wide table', 'wide');
    await f.sim.deliver('pull_request', prPayload(sha, 10));
    await f.drain();
    const [validate] = f.sim.checkRunsFor(sha, 'lakespec / validate');
    const onWide = validate!.annotations.filter((a) => a.path === 'examples/finance/datasets/wide.yaml');
    expect(onWide.length).toBeGreaterThanOrEqual(60);
    expect(validate!.history.filter((h) => h.status === 'in_progress').length).toBeGreaterThanOrEqual(2);
    expect(validate!.conclusion).toBe('failure');
  });
});

describe('merges', () => {
  it('a merge is applied and its pipelines run; the apply check follows and succeeds; tables exist in the engine', async () => {
    await fresh();
    const sha = f.commit({ 'README.md': 'merge\n' }, 'merge #1');
    await f.sim.deliver('push', pushPayload(sha));
    await f.drain();
    const [apply] = f.sim.checkRunsFor(sha, 'lakespec / apply');
    expect(apply!.conclusion).toBe('success');
    expect(apply!.history[0]!.status).toBe('queued');
    expect(apply!.history.some((h) => h.status === 'in_progress' && /Running/.test(h.title ?? ''))).toBe(true);
    expect(apply!.output.summary).toMatch(/Run `[0-9a-f-]{36}` succeeded/);
    const live = await f.engine.liveTables(['dev_lakehouse']);
    const names = live.map((t) => `${t.physical.schema}.${t.physical.table}`);
    expect(names).toContain('finance_gold.daily_revenue');
    const runs = await f.state.queue.listRuns({ workspace: 'finance' });
    expect(runs[0]).toMatchObject({ git_sha: sha, trigger: 'merge', status: 'succeeded' });
    const dep = await f.state.catalog.deployments('finance');
    expect(dep[0]).toMatchObject({ git_sha: sha });
  });

  it('where checks are required, only the merge of a pull request whose lakespec checks passed is applied', async () => {
    await fresh();
    const config = 'specs: examples/finance\npullRequests:\n  environment: dev\nmerges:\n  environment: dev\n  run: none\n  requireChecks: true\n';
    // A direct push (signed, to the default branch, but no pull request): not applied.
    const direct = f.commit({ '.lakespec.yml': config }, 'require checks');
    await f.sim.deliver('push', pushPayload(direct));
    await f.drain();
    const [refused] = f.sim.checkRunsFor(direct, 'lakespec / apply');
    expect(refused!.conclusion).toBe('failure');
    expect(refused!.output.title).toBe('Not applied: no passed pull request checks');
    expect(refused!.output.summary).toContain('is not the merge of a pull request into main (pushed directly?)');
    expect(refused!.output.summary).toContain('merges.requireChecks: false');
    expect(await f.state.catalog.deployments('finance')).toEqual([]);

    // A pull request lakespec checked (validate and plan passed), then merged: applied.
    const head = f.commit({ 'README.md': 'reviewed\n' }, 'a reviewed change', 'feature');
    await f.sim.deliver('pull_request', prPayload(head, 9));
    await f.drain();
    expect(f.sim.checkRunsFor(head).map((c) => `${c.name}:${c.conclusion}`).sort()).toEqual(['lakespec / plan:success', 'lakespec / validate:success']);
    const merge = f.commit({ 'README.md': 'reviewed\n' }, 'Merge pull request #9');
    f.sim.mergePullRequest(FULL, { number: 9, headSha: head, mergeSha: merge });
    await f.sim.deliver('push', pushPayload(merge, direct));
    await f.drain();
    const [applied] = f.sim.checkRunsFor(merge, 'lakespec / apply');
    expect(applied!.conclusion, applied!.output.summary ?? '').toBe('success');
    expect((await f.state.catalog.deployments('finance'))[0]).toMatchObject({ git_sha: merge });

    // A pull request merged before lakespec checked it: not applied.
    const unchecked = f.commit({ 'README.md': 'unchecked\n' }, 'an unchecked change', 'hurry');
    await f.sim.deliver('pull_request', prPayload(unchecked, 10, { action: 'closed' }));
    // Another app posts passing checks under lakespec's names on that head: they do not count.
    const template = f.sim.checkRunsFor(head, 'lakespec / validate')[0]!;
    for (const name of ['lakespec / validate', 'lakespec / plan']) f.sim.checkRuns.push({ ...template, id: 900_000 + f.sim.checkRuns.length, name, head_sha: unchecked, status: 'completed', conclusion: 'success', history: [] });
    const hurried = f.commit({ 'README.md': 'unchecked\n' }, 'Merge pull request #10');
    f.sim.mergePullRequest(FULL, { number: 10, headSha: unchecked, mergeSha: hurried });
    await f.sim.deliver('push', pushPayload(hurried, merge));
    await f.drain();
    const [late] = f.sim.checkRunsFor(hurried, 'lakespec / apply');
    expect(late!.conclusion).toBe('failure');
    expect(late!.output.summary).toContain('lakespec / validate never ran on pull request #10');
    expect((await f.state.catalog.deployments('finance'))[0]).toMatchObject({ git_sha: merge });
  });

  it('a protected environment requires passed pull request checks without being told to', async () => {
    await fresh();
    const direct = f.commit({ '.lakespec.yml': 'specs: examples/finance\nmerges:\n  environment: prod\n' }, 'merges go to prod');
    await f.sim.deliver('push', pushPayload(direct));
    await f.drain();
    const [refused] = f.sim.checkRunsFor(direct, 'lakespec / apply');
    expect(refused!.conclusion).toBe('failure');
    expect(refused!.output.summary).toContain('(prod is protected)');
    expect(await f.state.catalog.deployments('finance')).toEqual([]);
  });

  it('merges that land together are applied one after the other, even with two workers', async () => {
    await fresh();
    const a = f.commit({ 'README.md': 'a\n' }, 'merge a');
    const b = f.commit({ 'README.md': 'b\n' }, 'merge b');
    await f.sim.deliver('push', pushPayload(a));
    await f.sim.deliver('push', pushPayload(b, a));
    await Promise.all([f.drain(), f.drain()]);
    const runs = [a, b].map((sha) => f.sim.checkRunsFor(sha, 'lakespec / apply')[0]!);
    // The newer merge is applied; the older one is applied before it or, when it comes second, superseded.
    expect(runs[1]!.conclusion).toBe('success');
    expect(['success', 'neutral']).toContain(runs[0]!.conclusion);
    // Holding the lock: from the first update after "Waiting for earlier merges" to completion; never overlapping.
    const spans = runs.map((run) => {
      const i = run.history.findIndex((h) => /^Waiting/.test(h.title ?? ''));
      return { start: run.history[i + 1]!.at, end: run.history.at(-1)!.at };
    });
    const [first, second] = spans.sort((x, y) => x.start - y.start);
    expect(second!.start).toBeGreaterThanOrEqual(first!.end);
  });

  it('pushes to other branches are not applied; an older commit never overwrites a newer one; a repeat is a no-op', async () => {
    await fresh();
    const older = f.commit({ 'README.md': 'one\n' }, 'one');
    const newer = f.commit({ 'README.md': 'two\n' }, 'two');
    const other = f.commit({ 'README.md': 'feature\n' }, 'feature', 'feature');
    await f.sim.deliver('push', f.payload('push', undefined, (p) => ((p.ref = 'refs/heads/feature'), (p.after = other), (p.deleted = false))));
    // Out of order: the newer merge's delivery arrives first.
    const newerPush = pushPayload(newer, older);
    await f.sim.deliver('push', newerPush);
    await f.sim.deliver('push', pushPayload(older));
    await f.drain();
    expect(f.sim.checkRunsFor(other, 'lakespec / apply')).toEqual([]);
    expect(f.sim.checkRunsFor(newer, 'lakespec / apply')[0]!.conclusion).toBe('success');
    const [old] = f.sim.checkRunsFor(older, 'lakespec / apply');
    expect(old!.conclusion).toBe('neutral');
    expect(old!.output.title).toMatch(/Superseded/);
    const heads = await f.state.db.query<{ applied_sha: string }>('SELECT applied_sha FROM github_apply_heads WHERE repository = $1', [FULL]);
    expect(heads.rows[0]!.applied_sha).toBe(newer);
    // The same merge delivered again (a new delivery id, the same signed payload): a replay, not worked on again.
    const before = f.sim.checkRunsFor(newer, 'lakespec / apply').length;
    expect((await f.sim.deliver('push', newerPush)).status_code).toBe(202);
    await f.drain();
    expect(f.sim.checkRunsFor(newer, 'lakespec / apply')).toHaveLength(before);
    // A push of the applied commit with other content (another pusher): the apply sees it is already applied.
    await f.sim.deliver('push', { ...pushPayload(newer, older), pusher: { name: 'someone-else', email: 'else@example.com' } });
    await f.drain();
    expect(f.sim.checkRunsFor(newer, 'lakespec / apply').at(-1)!.output.title).toBe('Already applied');
    expect((await f.state.catalog.deployments('finance')).filter((d) => d.git_sha === newer)).toHaveLength(1);
  });
});

describe('deliveries and faults', () => {
  it('every example payload of every handled event goes through the real HTTP path and is worked off', async () => {
    await fresh();
    const sha = f.commit({ 'README.md': 'examples\n' }, 'for the examples');
    let count = 0;
    // Two examples can become the same payload once pointed at the fixture: one delivery is then a replay of the other.
    const contents = new Set<string>();
    for (const group of EXAMPLES) {
      const h = HANDLED[group.name];
      if (!h) continue;
      for (const ex of group.examples) {
        if (h !== '*' && !h.includes(String(ex.action))) continue;
        // Pointed at the fixture's repository and a commit that exists in it.
        const q = structuredClone(ex) as Record<string, any>;
        retarget(q, f.sim.cloneUrl(FULL));
        if (q.pull_request?.head) q.pull_request.head.sha = sha;
        if (q.check_suite) q.check_suite.head_sha = sha;
        if (q.check_run) q.check_run.head_sha = sha;
        if (group.name === 'push' && q.ref === 'refs/heads/main') ((q.after = sha), (q.deleted = false));
        const d = await f.sim.deliver(group.name, q);
        expect(d.status_code, `${group.name}.${ex.action ?? ''}`).toBe(202);
        count++;
        contents.add(`${group.name}\n${JSON.stringify(q)}`);
      }
    }
    await f.drain();
    const rows = await f.state.db.query<{ event: string; status: string; error: string | null }>('SELECT event, status, error FROM github_deliveries');
    expect(rows.rows.length).toBe(contents.size);
    expect(rows.rows.filter((r) => r.status !== 'done')).toEqual([]);
    expect(count).toBeGreaterThan(20);
  });

  it('duplicate deliveries create nothing new', async () => {
    await fresh();
    const sha = f.commit({ 'README.md': 'dup\n' }, 'dup', 'dup');
    const payload = prPayload(sha, 11);
    await f.sim.deliver('pull_request', payload, { guid: 'same-guid-1' });
    await f.sim.deliver('pull_request', payload, { guid: 'same-guid-1' });
    await f.drain();
    expect(f.sim.checkRunsFor(sha, 'lakespec / validate')).toHaveLength(1);
    const runs = await f.state.db.query('SELECT id FROM runs WHERE git_sha = $1', [sha]);
    expect(runs.rows).toHaveLength(1);
    // One push to a pull request sends both pull_request.synchronize and check_suite.requested: one set of checks.
    const next = f.commit({ 'README.md': 'dup 2\n' }, 'dup 2', 'dup');
    await f.sim.deliver('pull_request', prPayload(next, 11, { action: 'synchronize' }));
    await f.sim.deliver('check_suite', f.payload('check_suite', 'requested', (p) => ((p.check_suite.head_sha = next), (p.check_suite.head_branch = 'dup'))));
    await f.drain();
    expect(f.sim.checkRunsFor(next, 'lakespec / validate')).toHaveLength(1);
    expect(f.sim.checkRunsFor(next, 'lakespec / plan')).toHaveLength(1);
    // A re-run from GitHub's interface checks again.
    await f.sim.deliver('check_suite', f.payload('check_suite', 'rerequested', (p) => (p.check_suite.head_sha = next)));
    await f.drain();
    expect(f.sim.checkRunsFor(next, 'lakespec / validate')).toHaveLength(2);
  });

  it('an installation token that expires mid-run is refreshed (API and git) and the work completes', async () => {
    await fresh();
    const first = f.commit({ 'README.md': 'a\n' }, 'a', 'a');
    await f.sim.deliver('pull_request', prPayload(first, 12));
    await f.drain();
    const issued = f.app.github.tokensIssued;
    // Mid-run: after the first two check runs are created, GitHub stops accepting the token
    // the app believes valid for another hour; the next write and the next git fetch need a new one.
    const second = f.commit({ 'README.md': 'b\n' }, 'b', 'b');
    f.sim.expireTokensAfter(2);
    await f.sim.deliver('pull_request', prPayload(second, 13));
    await f.drain();
    expect(f.app.github.tokensIssued).toBe(issued + 1);
    expect(f.sim.checkRunsFor(second, 'lakespec / plan')[0]!.conclusion).toBe('success');
    expect(f.sim.checkRunsFor(second, 'lakespec / validate')[0]!.conclusion).toBe('success');
    expect(f.sim.requests.some((r) => r.status === 401)).toBe(true);
  });

  it('tokens are refreshed before they expire', async () => {
    // Tokens that live 4 minutes are inside the 5-minute refresh margin: each use gets a new one.
    await fresh({ tokenTtlSeconds: 240 });
    const sha = f.commit({ 'README.md': 'c\n' }, 'c', 'c');
    await f.sim.deliver('pull_request', prPayload(sha, 14));
    await f.drain();
    expect(f.app.github.tokensIssued).toBeGreaterThan(1);
    expect(f.sim.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('500s and rate limits from the API are retried with backoff; a longer outage is retried by the queue; nothing is lost', async () => {
    await fresh();
    const sha = f.commit({ 'README.md': 'flaky\n' }, 'flaky', 'flaky');
    f.sim.fail(/\/check-runs$/, 500, 2, { method: 'POST' });
    f.sim.fail(/\/check-runs\/\d+$/, 403, 1, { method: 'PATCH', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1) } });
    f.sim.fail(/\/check-runs\/\d+$/, 429, 1, { method: 'PATCH', headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit' });
    await f.sim.deliver('pull_request', prPayload(sha, 15));
    await f.drain();
    expect(f.sim.checkRunsFor(sha, 'lakespec / validate')[0]!.conclusion).toBe('success');
    expect(f.sim.checkRunsFor(sha, 'lakespec / plan')[0]!.conclusion).toBe('success');

    // An outage longer than the client's retries: the phase fails, the queue retries it later.
    const sha2 = f.commit({ 'README.md': 'outage\n' }, 'outage', 'outage');
    f.sim.fail(/\/check-runs/, 502, 12);
    await f.sim.deliver('pull_request', prPayload(sha2, 16));
    await f.drain();
    expect(f.sim.checkRunsFor(sha2, 'lakespec / validate').at(-1)!.conclusion).toBe('success');
    const phases = await f.state.db.query<{ attempts: number; status: string }>("SELECT p.attempts, p.status FROM phases p JOIN runs r ON r.id = p.run_id WHERE r.git_sha = $1", [sha2]);
    expect(phases.rows[0]).toMatchObject({ status: 'succeeded' });
    expect(phases.rows[0]!.attempts).toBeGreaterThan(1);
  });

  it('a delivery while the database restarts is refused with 503, then redelivered and worked off', async () => {
    await fresh();
    const sha = f.commit({ 'README.md': 'restart\n' }, 'restart', 'restart');
    const restarting = pg.restart(2500);
    await new Promise((r) => setTimeout(r, 800));
    const d = await f.sim.deliver('pull_request', prPayload(sha, 19));
    expect(d.status_code).toBe(503);
    await restarting;
    // The app's periodic look at its failed deliveries finds it (the first try may still meet a stale connection).
    let asked: string[] = [];
    for (let i = 0; i < 5 && asked.length === 0; i++) {
      asked = (await f.app.redeliverer.run().catch(() => ({ redelivered: [] as string[] }))).redelivered;
      if (asked.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(asked).toEqual([d.guid]);
    await new Promise((r) => setTimeout(r, 300));
    await f.drain();
    expect(f.sim.checkRunsFor(sha, 'lakespec / validate')[0]!.conclusion).toBe('success');
    const stored = await f.state.db.query('SELECT status FROM github_deliveries WHERE delivery_id = $1', [d.guid]);
    expect(stored.rows[0]).toMatchObject({ status: 'done' });
  });

  it('deliveries missed while the app was down are found and redelivered', async () => {
    await fresh();
    const sha = f.commit({ 'README.md': 'missed\n' }, 'missed', 'missed');
    const missed = await f.sim.deliver('pull_request', prPayload(sha, 17), { unreachable: true });
    expect(missed.status_code).toBe(0);
    const delivered = await f.sim.deliver('ping', f.payload('ping', undefined));
    expect(delivered.status_code).toBe(202);
    const r = await f.app.redeliverer.run();
    expect(r.redelivered).toEqual([missed.guid]);
    await new Promise((res) => setTimeout(res, 300)); // the simulated GitHub redelivers asynchronously
    await f.drain();
    expect(f.sim.checkRunsFor(sha, 'lakespec / validate')[0]!.conclusion).toBe('success');
    // Asked again, nothing is missing any more.
    expect((await f.app.redeliverer.run()).redelivered).toEqual([]);
  });
});
