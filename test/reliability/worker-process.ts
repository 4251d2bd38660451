// A real worker process for the reliability tests: claims phases from a PostgreSQL state
// store and runs the "effect" executor, whose side effect (a row in side_effects) is
// written only while the lease is held — the fenced write every executor should use.
// Usage: node worker-process.js <database-url> <artifacts-dir> <worker-id> <lease-seconds> [concurrency] [prefetch]
import pg from 'pg';
import { type Executor, LocalArtifactStore, RunQueue, Worker, migrate, openPostgres, retryDb, sleep } from '../../reconciler/index.js';

const [url, artifactsDir, id, lease, concurrency, prefetch] = process.argv.slice(2);
const db = openPostgres(url!, { max: 4, applicationName: `worker ${id}` });
const queue = new RunQueue(db, new LocalArtifactStore(artifactsDir!), { leaseSeconds: Number(lease ?? 2), retryBaseMs: 200, retryMaxMs: 1000 });
const effects = new pg.Pool({ connectionString: url, max: 2 });
effects.on('error', () => {});

const effect: Executor = {
  id: 'effect',
  async execute(input, ctx) {
    const { ms = 0, crash = false } = (input ?? {}) as { ms?: number; crash?: boolean };
    // A step that takes its worker down with it, every time.
    if (crash) process.kill(process.pid, 'SIGKILL');
    // Work in slices, so that cancellation and lease loss are noticed.
    for (let t = 0; t < ms; t += 50) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      await sleep(50);
    }
    await ctx.artifact('result.txt', 'result', `phase ${ctx.claim.phase}\n`);
    const r = await retryDb(() =>
      effects.query(
        `INSERT INTO side_effects (phase_id, worker, attempt)
         SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM phases WHERE id = $1 AND lease_token = $4 AND status = 'running' AND lease_expires_at > now())`,
        [ctx.claim.phaseId, id, ctx.claim.attempt, ctx.claim.token],
      ),
    );
    if (r.rowCount !== 1) throw new Error('lease lost before the side effect');
    return { worker: id };
  },
};

await retryDb(() => migrate(db));
await retryDb(() => effects.query('CREATE TABLE IF NOT EXISTS side_effects (phase_id uuid NOT NULL, worker text NOT NULL, attempt integer NOT NULL, at timestamptz NOT NULL DEFAULT now())'));
const worker = new Worker(queue, [effect], { id, idleMs: 20, concurrency: Number(concurrency ?? 1), prefetch: Number(prefetch ?? 0), log: (level, msg, f) => process.stderr.write(`${level} ${msg} ${JSON.stringify(f ?? {})}\n`) });
process.on('SIGTERM', () => worker.stop(Number(process.env.STOP_GRACE_MS ?? 30_000)));
process.stdout.write('ready\n');
await worker.loop();
await effects.end();
await db.close();
