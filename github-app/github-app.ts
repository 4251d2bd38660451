// The GitHub App assembled: settings from the environment, the webhook receiver on the
// ops server, the delivery executor for the workers, and the periodic redelivery of missed
// deliveries. `lakespec serve` mounts it when LAKESPEC_GITHUB_APP_ID is set.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Executor, SqlEngine, State } from '../reconciler/index.js';
import type { AppContext } from './app-context.js';
import { DeliveryExecutor } from './delivery-executor.js';
import { GitHubClient, GitHubConfigError } from './github-client.js';
import { Redeliverer } from './redelivery.js';
import { RepoCache } from './repo-cache.js';
import { mountWebhookReceiver } from './webhook-receiver.js';

export interface GitHubAppSettings {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  apiUrl: string;
  cacheDir: string;
  /** How often missed deliveries are looked for (0: only at start). */
  redeliverEveryMs: number;
  /** Public URL of the ops server, for the checks' "Details" links. */
  publicUrl?: string;
  /** How long a webhook body may take to arrive (LAKESPEC_GITHUB_BODY_TIMEOUT_SECONDS, default 30). */
  bodyTimeoutMs: number;
  /** Pushes and pull requests dated longer ago are not worked on (LAKESPEC_GITHUB_MAX_PAYLOAD_AGE_HOURS, default 72; 0: no limit). */
  maxPayloadAgeSeconds: number;
}

/**
 * Settings from the environment: undefined when no app is configured; a GitHubConfigError
 * naming the missing or wrong setting when it is configured halfway.
 */
export function githubSettingsFromEnv(env: NodeJS.ProcessEnv, stateDir: string, cwd = process.cwd()): GitHubAppSettings | undefined {
  const appId = env.LAKESPEC_GITHUB_APP_ID;
  if (!appId) return undefined;
  if (!/^\d+$/.test(appId)) throw new GitHubConfigError('LAKESPEC_GITHUB_APP_ID must be the numeric App ID shown on the app\'s settings page');
  const fromValueOrFile = (name: string, what: string): string => {
    const v = env[name];
    const f = env[`${name}_FILE`];
    if (v && f) throw new GitHubConfigError(`set ${name} or ${name}_FILE, not both`);
    if (v) return v.replace(/\\n/g, '\n');
    if (f) {
      try {
        return readFileSync(resolve(cwd, f), 'utf8');
      } catch {
        throw new GitHubConfigError(`${name}_FILE: cannot read ${f} (${what})`);
      }
    }
    throw new GitHubConfigError(`LAKESPEC_GITHUB_APP_ID is set but ${name} (or ${name}_FILE) is not: ${what} is needed`);
  };
  const bodyTimeout = Number(env.LAKESPEC_GITHUB_BODY_TIMEOUT_SECONDS ?? 30);
  if (!Number.isFinite(bodyTimeout) || bodyTimeout <= 0 || bodyTimeout > 600) throw new GitHubConfigError('LAKESPEC_GITHUB_BODY_TIMEOUT_SECONDS must be a number of seconds from 1 to 600');
  const maxAge = Number(env.LAKESPEC_GITHUB_MAX_PAYLOAD_AGE_HOURS ?? 72);
  if (!Number.isFinite(maxAge) || maxAge < 0) throw new GitHubConfigError('LAKESPEC_GITHUB_MAX_PAYLOAD_AGE_HOURS must be a number of hours (0: no limit)');
  const every = Number(env.LAKESPEC_GITHUB_REDELIVER_SECONDS ?? 300);
  if (!Number.isFinite(every) || every < 0) throw new GitHubConfigError('LAKESPEC_GITHUB_REDELIVER_SECONDS must be a number of seconds (0: only at start)');
  return {
    appId,
    privateKey: fromValueOrFile('LAKESPEC_GITHUB_PRIVATE_KEY', "the app's private key (PEM)"),
    webhookSecret: fromValueOrFile('LAKESPEC_GITHUB_WEBHOOK_SECRET', "the app's webhook secret"),
    apiUrl: env.LAKESPEC_GITHUB_API_URL ?? 'https://api.github.com',
    cacheDir: resolve(cwd, env.LAKESPEC_GITHUB_CACHE ?? join(stateDir, 'github')),
    redeliverEveryMs: every * 1000,
    bodyTimeoutMs: bodyTimeout * 1000,
    maxPayloadAgeSeconds: maxAge * 3600,
    ...(env.LAKESPEC_PUBLIC_URL ? { publicUrl: env.LAKESPEC_PUBLIC_URL.replace(/\/+$/, '') } : {}),
  };
}

export interface GitHubAppOptions {
  settings: GitHubAppSettings;
  state: State;
  engine: SqlEngine;
  /** Spark and dbt executors for merged pipelines that run there. */
  pipelineExecutors?: readonly Executor[];
  log: Logger;
  /** Client tuning (tests use short backoffs). */
  client?: { retryBaseMs?: number; refreshMarginMs?: number; writeSpacingMs?: number };
  progressEveryMs?: number;
}

export class GitHubApp {
  readonly github: GitHubClient;
  readonly repos: RepoCache;
  readonly executor: DeliveryExecutor;
  readonly redeliverer: Redeliverer;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: GitHubAppOptions) {
    const log: AppContext['log'] = (level, msg, fields) => o.log[level]({ ...fields }, msg);
    this.github = new GitHubClient({ appId: o.settings.appId, privateKey: o.settings.privateKey, baseUrl: o.settings.apiUrl, log, ...(o.client ?? {}) });
    this.repos = new RepoCache(o.settings.cacheDir);
    const ctx: AppContext = {
      state: o.state,
      github: this.github,
      repos: this.repos,
      engine: o.engine,
      ...(o.pipelineExecutors ? { pipelineExecutors: o.pipelineExecutors } : {}),
      log,
      holder: `${hostname()}:${process.pid}`,
      ...(o.settings.publicUrl ? { detailsUrl: (id: string) => `${o.settings.publicUrl}/api/v1/runs/${id}` } : {}),
      ...(o.progressEveryMs !== undefined ? { progressEveryMs: o.progressEveryMs } : {}),
    };
    this.executor = new DeliveryExecutor(ctx);
    this.redeliverer = new Redeliverer(this.github, o.state.db, log);
  }

  /** The webhook endpoint (POST /github/webhooks) on the ops server. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's environment
  mount(app: Hono<any>): void {
    mountWebhookReceiver(app, { db: this.o.state.db, queue: this.o.state.queue, secret: this.o.settings.webhookSecret, log: this.o.log, bodyTimeoutMs: this.o.settings.bodyTimeoutMs, maxPayloadAgeSeconds: this.o.settings.maxPayloadAgeSeconds });
  }

  /** Looks for missed deliveries now and then periodically; failures are logged, never fatal. */
  start(): void {
    const tick = () =>
      this.redeliverer.run().catch((e: Error) => this.o.log.warn({ error: e.message }, 'could not check for missed deliveries; will try again'));
    void tick();
    if (this.o.settings.redeliverEveryMs > 0) {
      this.timer = setInterval(tick, this.o.settings.redeliverEveryMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
