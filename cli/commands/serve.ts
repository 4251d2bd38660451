import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { GitHubApp, GitHubConfigError, githubSettingsFromEnv } from '../../github-app/index.js';
import { Auth, createOpsApi } from '../../reconciler/api/index.js';
import { type DuckDbEngine, type Executor, PIPELINE_EXECUTOR_ENV, Worker, executorsFor, lineageSinkFromEnv, openEngine, trinoEngine } from '../../reconciler/index.js';
import { EXIT, type Io, ProblemError, UsageError, VERSION, parse } from '../cli-context.js';
import { openStateFor, pipelineExecutorsFor, stateLocation } from '../reconcile-session.js';

export const serveHelp = `Usage: lakespec serve [options]
       lakespec worker [options]

serve: the ops HTTP API (runs, phases, events, artifacts, catalog; OpenAPI at
/openapi.json, Prometheus at /metrics, /healthz) plus in-process workers.
worker: workers only, claiming phases from the shared state store (run several on
PostgreSQL). Logs are JSON lines (pino) on stdout. Stop with SIGINT/SIGTERM: the phase in
hand finishes or its lease runs out and another worker takes it.

Options:
  --project DIR        the checkout whose files connections the executors read (default: .)
  --state DIR          local state folder (default: .lakespec)
  --database-url URL   PostgreSQL state store (default: $DATABASE_URL)
  --trino-url URL      also run Trino phases on this server (default: $LAKESPEC_TRINO_URL)
  --port N             serve: port (default: 8080)
  --host H             serve: address (default: 127.0.0.1)
  --workers 0|1        serve: run a worker in this process too (default: 1)
  --lease SECONDS      lease length (default: 30)
  --concurrency N      phases a worker runs at once (default: 1). More suits phases that
                       mostly wait on Trino, Spark or dbt; the embedded DuckDB has one writer
  --prefetch N         phases a worker may claim ahead of free slots while its phases take
                       under 100 ms, to record more of them per transaction (default:
                       4 x concurrency; 0 turns it off)
  --drain              worker: exit once nothing is runnable (for scripts and CI)
  -h, --help           show this help

Create credentials with "lakespec token create <name> --role admin".

GitHub App (docs/github-app.md): set LAKESPEC_GITHUB_APP_ID, LAKESPEC_GITHUB_PRIVATE_KEY
(or _FILE) and LAKESPEC_GITHUB_WEBHOOK_SECRET (or _FILE); serve then receives webhooks at
POST /github/webhooks and its workers check pull requests and apply merges. Optional:
LAKESPEC_GITHUB_API_URL (GitHub Enterprise), LAKESPEC_GITHUB_ENGINE (duckdb or trino),
LAKESPEC_GITHUB_CACHE (repository cache), LAKESPEC_GITHUB_REDELIVER_SECONDS (300),
LAKESPEC_PUBLIC_URL (links from the checks to the run).

Spark and dbt pipelines (docs/engines.md) run when their executor is configured:
${PIPELINE_EXECUTOR_ENV}
`;

export async function serveCommand(argv: string[], io: Io): Promise<number> {
  return serveOrWork(argv, io, 'serve');
}

export async function workerCommand(argv: string[], io: Io): Promise<number> {
  return serveOrWork(argv, io, 'worker');
}

async function serveOrWork(argv: string[], io: Io, mode: 'serve' | 'worker'): Promise<number> {
  const { values } = parse(
    argv,
    {
      project: { type: 'string' },
      state: { type: 'string' },
      'database-url': { type: 'string' },
      'trino-url': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      workers: { type: 'string' },
      lease: { type: 'string' },
      concurrency: { type: 'string' },
      prefetch: { type: 'string' },
      drain: { type: 'boolean' },
    },
    0,
  );
  if (values.help) {
    io.stdout(serveHelp);
    return EXIT.ok;
  }
  const int = (v: string | undefined, name: string, dflt: number, min: number, max: number) => {
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  const port = int(values.port, '--port', 8080, 0, 65535);
  const workers = mode === 'worker' ? 1 : int(values.workers, '--workers', 1, 0, 1);
  const leaseSeconds = int(values.lease, '--lease', 30, 2, 3600);
  const concurrency = int(values.concurrency, '--concurrency', 1, 1, 64);
  const prefetch = int(values.prefetch, '--prefetch', 4 * concurrency, 0, 1024);
  const { stateDir } = stateLocation(io, values);
  const project = resolve(io.cwd, values.project ?? '.');
  const trinoUrl = values['trino-url'] ?? io.env.LAKESPEC_TRINO_URL;
  const log = pino({ base: { service: `lakespec-${mode}` }, redact: ['req.headers.authorization', 'headers.authorization', '*.password', '*.token'] });
  let github: ReturnType<typeof githubSettingsFromEnv>;
  try {
    github = githubSettingsFromEnv(io.env, stateDir, io.cwd);
  } catch (e) {
    if (e instanceof GitHubConfigError) throw new ProblemError(`GitHub App: ${e.message}`);
    throw e;
  }
  const githubEngine = io.env.LAKESPEC_GITHUB_ENGINE ?? 'duckdb';
  if (github && githubEngine !== 'duckdb' && githubEngine !== 'trino') throw new UsageError('LAKESPEC_GITHUB_ENGINE must be duckdb or trino');
  if (github && githubEngine === 'trino' && !trinoUrl) throw new UsageError('LAKESPEC_GITHUB_ENGINE=trino needs --trino-url (or LAKESPEC_TRINO_URL)');
  const pipelineExecutors = workers > 0 ? await pipelineExecutorsFor(io, { ...(trinoUrl ? { trinoUrl } : {}), workDir: stateDir, filesRoot: project }) : [];
  const state = await openStateFor(io, values, { leaseSeconds });
  const { queue } = state;
  const engineSettings = { stateDir, filesRoot: project, trinoUrl, trinoUser: io.env.LAKESPEC_TRINO_USER };
  let githubApp: GitHubApp | undefined;

  // DuckDB files are single-writer and one connection runs one statement at a time: each
  // process has one DuckDB engine and one worker loop. Scale out with more processes
  // ("lakespec worker") on a PostgreSQL state store.
  const loops: Promise<void>[] = [];
  let worker: Worker | undefined;
  let duck: DuckDbEngine | undefined;
  if (workers > 0) {
    duck = (await openEngine('duckdb', engineSettings)) as DuckDbEngine;
    const executors: Executor[] = executorsFor(trinoUrl ? [duck, trinoEngine(engineSettings)] : [duck], project, pipelineExecutors);
    if (github) {
      const engine = githubEngine === 'trino' ? trinoEngine(engineSettings) : duck;
      try {
        githubApp = new GitHubApp({ settings: github, state, engine, pipelineExecutors, log });
      } catch (e) {
        await state.close();
        if (e instanceof GitHubConfigError) throw new ProblemError(`GitHub App: ${e.message}`);
        throw e;
      }
      executors.push(githubApp.executor);
    }
    const lineage = lineageSinkFromEnv(io.env);
    worker = new Worker(queue, executors, { id: `${mode}-${process.pid}`, concurrency, prefetch, log: (level, msg, fields) => log[level]({ ...fields }, msg), ...(lineage ? { lineage } : {}) });
    if (mode === 'worker' && values.drain) {
      // Run until a pass finds nothing runnable (retries waiting on backoff keep it going).
      const w = worker;
      loops.push(
        (async () => {
          for (;;) {
            if (await w.runOnce()) continue;
            // Done when no phase this worker could run is queued (even on backoff) or running.
            if ((await queue.pending(executors.map((e) => e.id))) === 0) break;
            await new Promise((r) => setTimeout(r, 200));
          }
        })(),
      );
    } else loops.push(worker.loop());
  }

  let server: ReturnType<typeof serve> | undefined;
  if (mode === 'serve') {
    const auth = new Auth(state.db);
    const { app, routes } = createOpsApi({ state: { ...state, queue }, auth, log, version: VERSION, env: io.env });
    if (github) {
      // Without a worker here, the receiver still stores and queues; "lakespec worker" processes do the work.
      if (!githubApp) {
        duck = (await openEngine('duckdb', engineSettings)) as DuckDbEngine;
        githubApp = new GitHubApp({ settings: github, state, engine: duck, log });
      }
      githubApp.mount(app);
      // Listed in the served OpenAPI document; authenticated by its signature, not a token.
      routes.push({ method: 'post', path: '/github/webhooks', summary: 'GitHub App webhook deliveries (X-Hub-Signature-256 signed; 202 stored, 401 bad signature, 503 store unavailable)', role: null });
      githubApp.start();
    }
    const host = values.host ?? '127.0.0.1';
    await new Promise<void>((ready) => {
      server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
        log.info({ url: `http://${host}:${info.port}`, state: state.describe, workers }, 'lakespec ops API listening');
        io.stdout(`lakespec serve: http://${host}:${info.port} (OpenAPI: /openapi.json, metrics: /metrics) — state: ${state.describe}\n`);
        ready();
      });
    });
    const creds = await auth.credentialCount();
    if (creds === 0) log.warn({}, 'no credentials exist yet: create one with "lakespec token create <name> --role admin"');
  } else log.info({ state: state.describe, workers }, 'lakespec worker started');

  await new Promise<void>((stop) => {
    const bye = () => stop();
    process.once('SIGINT', bye);
    process.once('SIGTERM', bye);
    if (mode === 'worker' && values.drain) void Promise.all(loops).then(bye, bye);
  });
  // Stop claiming; what runs gets the grace period to finish, then is stopped and released
  // back to the queue (not counted as an attempt). The process exits whatever happens.
  const grace = stopGraceMs(io.env);
  log.info({ grace_ms: grace }, 'stopping');
  worker?.stop(grace);
  githubApp?.stop();
  server?.close();
  const deadline = setTimeout(() => {
    log.error({}, 'shutdown did not finish in time; exiting anyway (leases left will expire)');
    process.exit(1);
  }, grace + 15_000);
  deadline.unref();
  await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, grace + 10_000).unref())]);
  await duck?.close().catch(() => {});
  await state.close().catch(() => {});
  clearTimeout(deadline);
  return EXIT.ok;
}

/** LAKESPEC_STOP_GRACE_SECONDS (default 30): how long running phases may finish after SIGTERM. */
function stopGraceMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env.LAKESPEC_STOP_GRACE_SECONDS ?? 30);
  return Number.isFinite(s) && s >= 0 && s <= 3600 ? s * 1000 : 30_000;
}
