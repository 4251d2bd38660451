// npm run bench:webhooks — the GitHub App's receiver and checks, in one run:
//  1. acknowledgement latency at a fixed rate (default 200 deliveries/s for 10 s) with
//     signature checks and persistence (delivery + queued run, one transaction) to the real
//     PostgreSQL, side by side with @octokit/webhooks' own Node middleware (signature check
//     and dispatch, no persistence) on the same payloads; p50, p99 and the number lost
//     (answered other than 2xx, or not stored);
//  2. time from a pull_request delivery to both checks (validate and plan) completed on a
//     repository of 1k specs, through the simulated GitHub (git fetch over HTTP, REST
//     requests checked against GitHub's description), p50 and p95 over several pull requests.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { Webhooks, createNodeMiddleware } from '@octokit/webhooks';
import { Hono } from 'hono';
import { pino } from 'pino';
import { mountWebhookReceiver } from '../../github-app/index.js';
import { Worker, openState, sleep } from '../../reconciler/index.js';
import { startPostgres } from '../harness/postgres-server.js';
import { EXAMPLES, SECRET, retarget, startFixture } from '../helpers/github-fixture.js';
import { syntheticProject } from './synthetic-project.js';

const RATE = Number(process.env.BENCH_WEBHOOKS_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_WEBHOOKS_SECONDS ?? 10);
const SPECS = Number(process.env.BENCH_WEBHOOKS_SPECS ?? 1000);
const PRS = Number(process.env.BENCH_WEBHOOKS_PRS ?? 10);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

const quiet = () => pino({ level: 'warn' }, new Writable({ write: (_c, _e, cb) => cb() }));

/** Open-loop load: deliveries are sent on schedule whether or not earlier ones were answered. */
/** One signed body per delivery, made before timing: GitHub never sends the same payload twice (a repeat is refused as a replay). */
async function signedBodies(example: Record<string, unknown>, prefix: string): Promise<{ body: string; signature: string }[]> {
  const signer = new Webhooks({ secret: SECRET });
  return Promise.all(Array.from({ length: RATE * SECONDS }, async (_, i) => {
    const body = JSON.stringify({ ...example, lakespec_bench: `${prefix}-${i}` });
    return { body, signature: await signer.sign(body) };
  }));
}

async function load(url: string, bodies: readonly { body: string; signature: string }[], prefix: string): Promise<{ lat: number[]; failed: number; ids: string[] }> {
  const total = RATE * SECONDS;
  const lat: number[] = [];
  const ids: string[] = [];
  let failed = 0;
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const id = `${prefix}-${i}`;
    ids.push(id);
    const started = performance.now();
    inflight.push(
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': id, 'x-hub-signature-256': bodies[i]!.signature }, body: bodies[i]!.body })
        .then(async (r) => {
          await r.arrayBuffer();
          lat.push(performance.now() - started);
          if (r.status < 200 || r.status >= 300) failed++;
        })
        .catch(() => void failed++),
    );
  }
  await Promise.all(inflight);
  return { lat, failed, ids };
}

async function ackBench(pgUrl: string) {
  // GitHub's example, as the app receives it: from an installation, on a repository.
  const example = structuredClone(EXAMPLES.find((g) => g.name === 'pull_request')!.examples.find((e) => e.action === 'opened')!) as Record<string, any>;
  retarget(example, 'https://github.com/octo-org/lakehouse.git');
  const warmBodies = await signedBodies(example, 'warm');
  const benchBodies = await signedBodies(example, 'bench');
  const peerWarmBodies = await signedBodies(example, 'peer-warm');
  const peerBodies = await signedBodies(example, 'peer');

  // lakespec: verify, store the delivery and queue its run in one transaction, 202.
  const tmp = mkdtempSync(join(tmpdir(), 'bench-wh-'));
  const state = await openState({ dir: tmp, databaseUrl: pgUrl });
  const app = new Hono();
  mountWebhookReceiver(app, { db: state.db, queue: state.queue, secret: SECRET, log: quiet() });
  const { url: lsUrl, close: lsClose } = await new Promise<{ url: string; close: () => void }>((ready) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => ready({ url: `http://127.0.0.1:${info.port}/github/webhooks`, close: () => s.close() }));
  });
  // Warm up (JIT, pool) before measuring.
  await load(lsUrl, warmBodies, 'warm').catch(() => undefined);
  const ls = await load(lsUrl, benchBodies, 'bench');
  const stored = (await state.db.query<{ n: number }>("SELECT count(*)::integer AS n FROM github_deliveries WHERE delivery_id LIKE 'bench-%'")).rows[0]!.n;
  const runs = (await state.db.query<{ n: number }>("SELECT count(*)::integer AS n FROM runs WHERE input_manifest->>'delivery' LIKE 'bench-%'")).rows[0]!.n;
  lsClose();
  await state.close();
  rmSync(tmp, { recursive: true, force: true });

  // Peer: @octokit/webhooks' Node middleware (verify + dispatch to a handler; nothing stored).
  const webhooks = new Webhooks({ secret: SECRET });
  let handled = 0;
  webhooks.on('pull_request', () => void handled++);
  const middleware = createNodeMiddleware(webhooks, { path: '/github/webhooks' });
  const server = createServer((req, res) => void middleware(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const peerUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/github/webhooks`;
  await load(peerUrl, peerWarmBodies, 'warm');
  handled = 0;
  const peer = await load(peerUrl, peerBodies, 'peer');
  server.close();

  return { ls, stored, runs, peer, peerHandled: handled };
}

async function checksBench(pg: Awaited<ReturnType<typeof startPostgres>>) {
  await pg.createDatabase('bench_checks');
  // The app's production default: GitHub writes of one installation at least 500 ms apart.
  const f = await startFixture({ pg, database: 'bench_checks', writeSpacingMs: 500 });
  // A 1k-spec project replaces the example; every pull request changes one file.
  const files = syntheticProject(SPECS);
  const tree: Record<string, string | null> = { '.lakespec.yml': 'specs: specs\n' };
  for (const file of files) tree[`specs/${file.path}`] = file.text;
  f.commit(tree, `${files.length} spec files`);
  const worker = new Worker(f.state.queue, [f.app.executor], { idleMs: 10 });
  let stop = false;
  const loop = worker.loop(() => stop);
  const times: number[] = [];
  for (let i = 0; i < PRS; i++) {
    const sha = f.commit({ [`specs/notes/pr-${i}.md`]: `change ${i}\n` }, `pr ${i}`, `pr-${i}`);
    const payload = f.payload('pull_request', 'synchronize', (p) => ((p.pull_request.head.sha = sha), (p.pull_request.base.ref = 'main')));
    const t0 = performance.now();
    await f.sim.deliver('pull_request', payload);
    for (;;) {
      const done = ['lakespec / validate', 'lakespec / plan'].every((n) => f.sim.checkRunsFor(sha, n).some((c) => c.status === 'completed'));
      if (done) break;
      await sleep(5);
    }
    times.push(performance.now() - t0);
  }
  stop = true;
  await loop;
  const conclusions = f.sim.checkRuns.map((c) => c.conclusion);
  const violations = f.sim.violations.length;
  await f.close();
  const resources = files.reduce((n, file) => n + (file.text.match(/^kind: /gm) ?? []).length, 0);
  return { times, files: files.length, resources, conclusions, violations };
}

async function main() {
  const pg = await startPostgres();
  try {
    await pg.createDatabase('bench_webhooks');
    const ack = await ackBench(pg.url('bench_webhooks'));
    const checks = await checksBench(pg);
    const total = RATE * SECONDS;
    const lost = total - ack.stored + ack.ls.failed;
    const row = (name: string, r: { lat: number[]; failed: number }, extra: string) =>
      `${name.padEnd(44)} ${pct(r.lat, 50).toFixed(1).padStart(7)} ${pct(r.lat, 99).toFixed(1).padStart(8)} ${String(r.failed).padStart(7)}  ${extra}`;
    console.log(`\nbench:webhooks — ${RATE} deliveries/s for ${SECONDS} s (${total}), pull_request payload of ${JSON.stringify(EXAMPLES.find((g) => g.name === 'pull_request')!.examples[0]).length} bytes, real PostgreSQL\n`);
    console.log(`${'acknowledgement (ms)'.padEnd(44)} ${'p50'.padStart(7)} ${'p99'.padStart(8)} ${'non-2xx'.padStart(7)}`);
    console.log(row('lakespec (verify + store + queue run, 202)', ack.ls, `stored ${ack.stored}/${total}, runs ${ack.runs}, lost ${lost}`));
    console.log(row('@octokit/webhooks middleware (verify only)', ack.peer, `handled ${ack.peerHandled}/${total}`));
    console.log(`\nchecks on a repository of ${SPECS} datasets (${checks.resources} resources in ${checks.files} files), pull_request delivery → validate and plan completed (${checks.times.length} pull requests; 6 check-run writes each, spaced 500 ms as in production)`);
    console.log(`  p50 ${(pct(checks.times, 50) / 1000).toFixed(2)} s   p95 ${(pct(checks.times, 95) / 1000).toFixed(2)} s   max ${(Math.max(...checks.times) / 1000).toFixed(2)} s   conclusions: ${[...new Set(checks.conclusions)].join(', ')}   REST violations: ${checks.violations}`);
    console.log(`\ntargets: acknowledgement p99 ≤ 100 ms and 0 lost → ${pct(ack.ls.lat, 99) <= 100 && lost === 0 ? 'met' : 'MISSED'}; checks p95 ≤ 5 s → ${pct(checks.times, 95) <= 5000 ? 'met' : 'MISSED'}`);
  } finally {
    await pg.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
