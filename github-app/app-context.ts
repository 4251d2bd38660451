// What the GitHub App's work needs from the rest of lakespec, passed in (IO at the edges).
import type { Executor, SqlEngine, State } from '../reconciler/index.js';
import type { GitHubClient } from './github-client.js';
import type { RepoCache } from './repo-cache.js';

export type AppLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface AppContext {
  state: State;
  github: GitHubClient;
  repos: RepoCache;
  /** The engine merges are applied to and plans read the live catalog from. */
  engine: SqlEngine;
  /** Spark and dbt executors for merged pipelines that run there (from the server's settings). */
  pipelineExecutors?: readonly Executor[];
  log: AppLog;
  /** Who holds apply locks (host:pid). */
  holder: string;
  /** A link for the check runs' "Details" (the ops API's run page), when one is served. */
  detailsUrl?: (runId: string) => string;
  /** How often the apply check is updated while its run progresses (ms; default 2000). */
  progressEveryMs?: number;
}
