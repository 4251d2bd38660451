// GitHub access as the App: a JWT signed with the app's private key for /app endpoints, and
// per-installation tokens (@octokit/auth-app) for repository endpoints and git fetches.
// Tokens are refreshed before they expire (auth-app's own cache keeps them 59 minutes
// whatever their expiry says), and once more when GitHub answers 401 anyway (a token revoked
// or expired mid-run). Server errors are retried with backoff (@octokit/plugin-retry) and
// rate limits are waited out (@octokit/plugin-throttling), so a flaky API delays work but
// loses none.
import { createPrivateKey } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { request as baseRequest } from '@octokit/request';
import { Octokit } from '@octokit/rest';
// The light build is the one plugin-throttling uses; its types are the full build's.
import BottleneckLightModule from 'bottleneck/light.js';
import type Bottleneck from 'bottleneck';

const BottleneckLight = BottleneckLightModule as unknown as typeof Bottleneck;

const AppOctokit = Octokit.plugin(retry, throttling);
export type GitHubApi = InstanceType<typeof AppOctokit>;

export interface GitHubClientOptions {
  appId: number | string;
  /** PEM text of the app's private key (never logged). */
  privateKey: string;
  /** https://api.github.com, or a GitHub Enterprise / simulated API. */
  baseUrl?: string;
  /** Refresh a token this long before it expires (default 5 minutes). */
  refreshMarginMs?: number;
  /** Retries of 5xx answers per request (default 4) and the backoff base (default 1 s; retry n waits n² × base). */
  retries?: number;
  retryBaseMs?: number;
  /**
   * Least time between two writes of one installation (default 500 ms). GitHub asks for
   * spacing of content-creating requests to avoid secondary rate limits; plugin-throttling's
   * default is 1 s shared by every installation, which alone would make a pull request's six
   * check-run writes take six seconds.
   */
  writeSpacingMs?: number;
  /** Longest rate-limit wait accepted before the request fails (and the phase is retried later). */
  maxRateLimitWaitSeconds?: number;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export class GitHubConfigError extends Error {}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class GitHubClient {
  readonly baseUrl: string;
  private readonly auth: ReturnType<typeof createAppAuth>;
  private readonly tokens = new Map<number, CachedToken>();
  private readonly pending = new Map<number, Promise<CachedToken>>();
  private readonly margin: number;
  private readonly log: NonNullable<GitHubClientOptions['log']>;
  private appApi: GitHubApi | undefined;
  private readonly installationApis = new Map<number, GitHubApi>();
  private readonly writes: Bottleneck.Group;
  /** Installation tokens issued so far (for tests and metrics). */
  tokensIssued = 0;

  constructor(private readonly o: GitHubClientOptions) {
    try {
      const key = createPrivateKey(o.privateKey);
      if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    } catch {
      // The message names the setting, never the key's text.
      throw new GitHubConfigError('the GitHub App private key is not an RSA private key in PEM format (download it from the app\'s settings page: "Generate a private key")');
    }
    this.baseUrl = (o.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    this.margin = o.refreshMarginMs ?? 5 * 60_000;
    this.log = o.log ?? (() => {});
    this.writes = new BottleneckLight.Group({ maxConcurrent: 1, minTime: o.writeSpacingMs ?? 500 });
    // The JWT's iat is dated 60 s back (auth-app's own 30 s plus timeDifference), as GitHub
    // recommends for clock drift; its exp stays within GitHub's 10 minutes.
    this.auth = createAppAuth({ appId: o.appId, privateKey: o.privateKey, timeDifference: -30, request: baseRequest.defaults({ baseUrl: this.baseUrl }) });
  }

  /** The API as the app itself (JWT): installations, webhook deliveries. */
  app(): GitHubApi {
    this.appApi ??= this.octokit(async () => `bearer ${(await this.auth({ type: 'app' })).token}`, undefined);
    return this.appApi;
  }

  /** The API as one installation (installation token, refreshed as needed). */
  installation(installationId: number): GitHubApi {
    let api = this.installationApis.get(installationId);
    if (!api) {
      api = this.octokit(async () => `token ${(await this.token(installationId)).token}`, installationId);
      this.installationApis.set(installationId, api);
    }
    return api;
  }

  /** A valid installation token: the cached one unless it expires within the margin. */
  async token(installationId: number, force = false): Promise<CachedToken> {
    const cached = this.tokens.get(installationId);
    if (!force && cached && cached.expiresAt - Date.now() > this.margin) return cached;
    // One refresh at a time per installation, however many requests need it.
    let p = this.pending.get(installationId);
    if (!p) {
      p = (async () => {
        const a = (await this.auth({ type: 'installation', installationId, refresh: true })) as { token: string; expiresAt: string };
        const t = { token: a.token, expiresAt: Date.parse(a.expiresAt) };
        this.tokens.set(installationId, t);
        this.tokensIssued++;
        this.log('info', 'installation token issued', { installation: installationId, expires_at: a.expiresAt });
        return t;
      })().finally(() => this.pending.delete(installationId));
      this.pending.set(installationId, p);
    }
    return p;
  }

  private octokit(authorization: () => Promise<string>, installationId: number | undefined): GitHubApi {
    const retryBase = this.o.retryBaseMs ?? 1000;
    const maxWait = this.o.maxRateLimitWaitSeconds ?? 900;
    const api = new AppOctokit({
      baseUrl: this.baseUrl,
      userAgent: 'lakespec-github-app',
      // Retry n waits n² × retryAfterBaseValue ms; 4xx answers other than rate limits are final.
      retry: { retries: this.o.retries ?? 4, retryAfterBaseValue: retryBase, doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
      throttle: {
        // Limiters are keyed by id: one write queue per installation (and one for the app).
        id: installationId === undefined ? 'app' : `installation-${installationId}`,
        write: this.writes,
        onRateLimit: (after: number, options: { method: string; url: string }, _o: unknown, count: number) => {
          this.log('warn', 'GitHub rate limit hit; waiting', { after_s: after, method: options.method, url: options.url, count });
          return after <= maxWait && count < 5;
        },
        onSecondaryRateLimit: (after: number, options: { method: string; url: string }, _o: unknown, count: number) => {
          this.log('warn', 'GitHub secondary rate limit hit; waiting', { after_s: after, method: options.method, url: options.url, count });
          return after <= maxWait && count < 5;
        },
      },
    });
    api.hook.wrap('request', async (request, options) => {
      options.headers = { ...options.headers, authorization: await authorization(), 'x-github-api-version': '2022-11-28' };
      try {
        return await request(options);
      } catch (e) {
        // A 401 with a token we believed valid: it was revoked or expired early. Refresh once.
        if ((e as { status?: number }).status === 401 && installationId !== undefined) {
          this.log('warn', 'installation token refused; refreshing it', { installation: installationId });
          options.headers.authorization = `token ${(await this.token(installationId, true)).token}`;
          return request(options);
        }
        throw e;
      }
    });
    return api;
  }
}
