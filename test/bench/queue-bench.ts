// npm run bench:queue — lakespec's run queue side by side with graphile-worker 0.17 on the
// same real PostgreSQL server, in one run:
//  1. throughput: N one-phase runs (jobs) queued first, then drained by one worker running
//     4 at once (graphile: a runner with concurrency 4); claims (claim + execute no-op +
//     complete) per second. lakespec as `lakespec worker --concurrency 4` runs (claiming up
//     to 16 ahead while phases are short) and with prefetch off; graphile-worker with its
//     defaults (unbatched: the target) and with its own batching (for reference). One drain
//     takes about a second and this machine's figures move by ±20 % from one to the next,
//     so the four take turns for several rounds (the order rotating, each drain on a fresh
//     database) and the medians are compared;
//  2. latency: runs (jobs) enqueued at a fixed rate; enqueue → claim latency p50 / p99,
//     and how many were lost (never executed).
// Both wake on LISTEN/NOTIFY and poll as fallback.
import { makeWorkerUtils, run as runGraphile } from 'graphile-worker';
import { LocalArtifactStore, RunQueue, ScopedDb, Worker, migrate, openPostgres, sleep } from '../../reconciler/index.js';
import type { Executor } from '../../reconciler/index.js';
import { startPostgres } from '../harness/postgres-server.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.env.BENCH_QUEUE_JOBS ?? 5000);
const RATE = Number(process.env.BENCH_QUEUE_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_QUEUE_SECONDS ?? 10);
const CONCURRENCY = 4;
const ROUNDS = Math.max(1, Number(process.env.BENCH_QUEUE_ROUNDS ?? 3));
// `lakespec worker --concurrency 4` claims up to 4 × 4 phases ahead while phases are short.
const PREFETCH = 4 * CONCURRENCY;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function lakespecThroughput(url: string, prefetch: number, rowSecurity = true): Promise<number> {
  const db = openPostgres(url, { max: CONCURRENCY + 4 });
  await migrate(db);
  // As lakespec serve and lakespec worker run it: every statement under row-level security
  // (a scoped transaction); rowSecurity false is the owner's session, for the cost of it.
  const queue = new RunQueue(rowSecurity ? ScopedDb.over(db, null) : db, new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'bench-q-'))));
  const input = (i: number) => ({ workspace: 'bench', environment: 'dev', specSlug: 'bench', gitSha: 'a'.repeat(40), trigger: 'bench', requester: 'bench', phases: [{ name: 'p', executor: 'noop', input: { i } }] });
  for (let i = 0; i < N; i++) await queue.createRun(input(i));
  let done = 0;
  const noop: Executor = { id: 'noop', execute: async () => (done++, {}) };
  // One worker running 4 phases at once, as graphile-worker's runner runs 4 jobs at once.
  const workers = [new Worker(queue, [noop], { id: 'w', idleMs: 50, concurrency: CONCURRENCY, prefetch })];
  const t0 = performance.now();
  await Promise.all(workers.map((w) => w.loop(() => done >= N)));
  const secs = (performance.now() - t0) / 1000;
  await db.close();
  return N / secs;
}

async function lakespecLatency(url: string): Promise<{ p50: number; p99: number; lost: number; n: number }> {
  const db = openPostgres(url, { max: CONCURRENCY + 4 });
  await migrate(db);
  const queue = new RunQueue(ScopedDb.over(db, null), new LocalArtifactStore(mkdtempSync(join(tmpdir(), 'bench-q-'))));
  const lat: number[] = [];
  const noop: Executor = { id: 'noop2', execute: async (input) => (lat.push(Date.now() - (input as { t: number }).t), {}) };
  const workers = [new Worker(queue, [noop], { id: 'l', idleMs: 250, concurrency: CONCURRENCY, prefetch: PREFETCH })];
  const total = RATE * SECONDS;
  let stop = false;
  const loops = workers.map((w) => w.loop(() => stop));
  await sleep(300);
  const t0 = Date.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    pending.push(queue.createRun({ workspace: 'bench', environment: 'dev', specSlug: 'lat', gitSha: 'a'.repeat(40), trigger: 'bench', requester: 'bench', phases: [{ name: 'p', executor: 'noop2', input: { t: Date.now() } }] }));
  }
  await Promise.all(pending);
  const deadline = Date.now() + 30_000;
  while (lat.length < total && Date.now() < deadline) await sleep(50);
  stop = true;
  await Promise.all(loops);
  await db.close();
  return { p50: pct(lat, 50), p99: pct(lat, 99), lost: total - lat.length, n: total };
}

/** `batch`: graphile-worker's own batching (a local queue of PREFETCH jobs, completions batched), for reference. */
async function graphileThroughput(url: string, batch: boolean): Promise<number> {
  const utils = await makeWorkerUtils({ connectionString: url, logger: silentLogger() });
  await utils.migrate();
  for (let i = 0; i < N; i++) await utils.addJob('noop', { i });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const t0 = performance.now();
  const runner = await runGraphile({
    connectionString: url,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 50,
    logger: silentLogger(),
    taskList: { noop: async () => void (++done >= N && finish()) },
    ...(batch ? { preset: { worker: { localQueue: { size: PREFETCH }, completeJobBatchDelay: 0 } } } : {}),
  });
  await finished;
  const secs = (performance.now() - t0) / 1000;
  await runner.stop();
  await utils.release();
  return N / secs;
}

async function graphileLatency(url: string): Promise<{ p50: number; p99: number; lost: number; n: number }> {
  const utils = await makeWorkerUtils({ connectionString: url, logger: silentLogger() });
  await utils.migrate();
  const lat: number[] = [];
  const runner = await runGraphile({ connectionString: url, concurrency: CONCURRENCY, noHandleSignals: true, pollInterval: 250, logger: silentLogger(), taskList: { lat: async (payload) => void lat.push(Date.now() - (payload as { t: number }).t) } });
  await sleep(300);
  const total = RATE * SECONDS;
  const t0 = Date.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    pending.push(utils.addJob('lat', { t: Date.now() }));
  }
  await Promise.all(pending);
  const deadline = Date.now() + 30_000;
  while (lat.length < total && Date.now() < deadline) await sleep(50);
  await runner.stop();
  await utils.release();
  return { p50: pct(lat, 50), p99: pct(lat, 99), lost: total - lat.length, n: total };
}

function silentLogger() {
  // graphile-worker's Logger: a factory returning a log function.
  return new (class {
    scope() {
      return this;
    }
    error() {}
    warn() {}
    info() {}
    debug() {}
  })() as never;
}

const pg = await startPostgres();
// graphile-worker's pools may still hold idle clients when the server stops at the end;
// their "terminating connection" errors are expected then, not a benchmark failure.
let stopping = false;
process.on('uncaughtException', (e) => {
  if (stopping && /terminating connection|Connection terminated/i.test(String((e as Error).message))) return;
  console.error(e);
  process.exit(1);
});
try {
  for (const name of ['lk_lat', 'gw_lat']) await pg.createDatabase(name);
  console.log(`bench:queue — PostgreSQL ${String((await pg.query('SHOW server_version')).rows[0].server_version)}, ${CONCURRENCY} concurrent workers in one process, node ${process.version}`);
  // Five contenders per round, in an order that rotates from round to round, each on a fresh database.
  const contenders = [
    { label: `lakespec run queue (prefetch ${PREFETCH})`, run: (url: string) => lakespecThroughput(url, PREFETCH), figures: [] as number[] },
    { label: 'lakespec, no prefetch', run: (url: string) => lakespecThroughput(url, 0), figures: [] as number[] },
    { label: `lakespec (prefetch ${PREFETCH}), owner session: no row-level security`, run: (url: string) => lakespecThroughput(url, PREFETCH, false), figures: [] as number[] },
    { label: 'graphile-worker 0.17 unbatched', run: (url: string) => graphileThroughput(url, false), figures: [] as number[] },
    { label: `graphile-worker 0.17 batched (local queue ${PREFETCH})`, run: (url: string) => graphileThroughput(url, true), figures: [] as number[] },
  ];
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + round) % contenders.length]!;
      const db = `tp_${round}_${contenders.indexOf(c)}`;
      await pg.createDatabase(db);
      c.figures.push(await c.run(pg.url(db)));
    }
  }
  const all = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  const width = Math.max(...contenders.map((c) => c.label.length));
  console.log(`\nthroughput (${N} queued, drained by one worker running ${CONCURRENCY} at once; ${ROUNDS} rounds, taking turns): claim → no-op → complete per second`);
  for (const c of contenders) console.log(`  ${c.label.padEnd(width)}  median ${median(c.figures).toFixed(0).padStart(6)} /s   rounds: ${all(c.figures)}`);
  const [lk, lk0, lkOwner, gw] = contenders.map((c) => c.figures) as [number[], number[], number[], number[]];
  console.log(`  ratio of medians lakespec / graphile-worker unbatched: ${(median(lk) / median(gw)).toFixed(2)} (target ≥ 1); per round: ${lk.map((x, i) => (x / gw[i]!).toFixed(2)).join(', ')}`);
  console.log(`  without prefetch: ${(median(lk0) / median(gw)).toFixed(2)}; row-level security costs ${((1 - median(lk) / median(lkOwner)) * 100).toFixed(0)} % of the owner session's throughput`);
  const lkLat = await lakespecLatency(pg.url('lk_lat'));
  const gwLat = await graphileLatency(pg.url('gw_lat'));
  console.log(`\nlatency at ${RATE}/s for ${SECONDS} s: enqueue → claim (ms)`);
  console.log(`  lakespec run queue   p50 ${String(lkLat.p50).padStart(4)}  p99 ${String(lkLat.p99).padStart(4)}  lost ${lkLat.lost} of ${lkLat.n} (target p99 ≤ 50 ms, 0 lost)`);
  console.log(`  graphile-worker 0.17 p50 ${String(gwLat.p50).padStart(4)}  p99 ${String(gwLat.p99).padStart(4)}  lost ${gwLat.lost} of ${gwLat.n}`);
} finally {
  stopping = true;
  await pg.stop();
}
