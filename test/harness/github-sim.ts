// A simulated GitHub for the tests: GitHub itself cannot be reached from here. Every REST
// request the app makes is checked against GitHub's REST description (@octokit/openapi:
// method, path, parameters, body schema); the answers are built in GitHub's shape and checked
// against the same description. App JWTs are verified with the app's public key; installation
// tokens expire; check runs keep GitHub's limits (50 annotations per request, 65535
// characters of summary); real bare repositories are served over git's smart HTTP protocol
// to the token holder; webhook deliveries are signed as GitHub signs them, recorded, listed
// and redelivered through the /app/hook/deliveries API. Faults (500s, rate limits) can be
// injected per route.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createVerify, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Webhooks } from '@octokit/webhooks';
import { type Context, Hono } from 'hono';
import { gitHttpBackend } from './git-http.js';
import { GitHubOpenApi } from './github-openapi.js';

export interface SimOptions {
  appId: number;
  appSlug?: string;
  publicKeyPem: string;
  webhookSecret: string;
  /** Where deliveries go (can be set later, once the app listens). */
  webhookUrl?: string;
  /** Folder holding the served bare repositories (<owner>/<repo>.git). */
  gitRoot: string;
  /** Lifetime of installation tokens (GitHub: one hour). */
  tokenTtlSeconds?: number;
  /**
   * How far GitHub's clock is behind ours (default 45 s): GitHub refuses a JWT issued in its
   * future, which is why it recommends dating iat 60 s back for clock drift.
   */
  clockBehindSeconds?: number;
}

export interface SimCheckRun {
  id: number;
  owner: string;
  repo: string;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Record<string, unknown>[];
  /** Every state it went through (status, conclusion), in order. */
  history: { status: string; conclusion: string | null; title: string | null; at: number }[];
}

export interface SimDelivery {
  id: number;
  guid: string;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
  status_code: number;
  status: string;
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  body: string;
}

interface Fault {
  method?: string;
  path: RegExp;
  status: number;
  remaining: number;
  headers?: Record<string, string>;
  message: string;
}

export interface SimRequest {
  method: string;
  path: string;
  operationId: string | null;
  status: number;
  auth: 'jwt' | 'installation' | 'none';
}

const EXAMPLE_PULL_REQUEST = (() => {
  const groups = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: { action?: string; pull_request?: Record<string, unknown> }[] }[];
  return groups.find((g) => g.name === 'pull_request')!.examples.find((e) => e.action === 'closed' && e.pull_request)!.pull_request!;
})();

export class GitHubSim {
  readonly requests: SimRequest[] = [];
  /** Ways the app's requests (or the simulator's answers) departed from GitHub's REST description. */
  readonly violations: string[] = [];
  readonly checkRuns: SimCheckRun[] = [];
  readonly deliveries: SimDelivery[] = [];
  readonly tokens = new Map<string, { installationId: number; expiresAt: number }>();
  private readonly installations = new Map<number, { account: string; repos: Set<string> }>();
  /** Merged pull requests, by repository: what "commits/{sha}/pulls" answers. */
  private readonly pulls: { full: string; number: number; headSha: string; mergeSha: string; base: string }[] = [];
  private readonly faults: Fault[] = [];
  private readonly api = new GitHubOpenApi();
  private readonly signer: Webhooks;
  private nextId = 1000;
  tokenTtlSeconds: number;
  webhookUrl: string | undefined;
  url = '';
  private close_: () => Promise<void> = async () => {};

  private constructor(private readonly o: SimOptions) {
    this.signer = new Webhooks({ secret: o.webhookSecret });
    this.tokenTtlSeconds = o.tokenTtlSeconds ?? 3600;
    this.webhookUrl = o.webhookUrl;
    mkdirSync(o.gitRoot, { recursive: true });
  }

  static async start(o: SimOptions): Promise<GitHubSim> {
    const sim = new GitHubSim(o);
    const app = new Hono();
    app.all('/git/*', (c) => sim.git(c));
    app.all('*', (c) => sim.rest(c));
    await new Promise<void>((ready) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        sim.url = `http://127.0.0.1:${info.port}`;
        ready();
      });
      sim.close_ = () => new Promise((r) => server.close(() => r()));
    });
    return sim;
  }

  close(): Promise<void> {
    return this.close_();
  }

  addInstallation(id: number, account: string, repos: string[]): void {
    this.installations.set(id, { account, repos: new Set(repos) });
  }

  /** The https-style clone URL the app is given for a repository. */
  cloneUrl(fullName: string): string {
    return `${this.url}/git/${fullName}.git`;
  }

  /** A bare repository served to token holders: `git push` into this path to publish commits. */
  bareRepo(fullName: string): string {
    const dir = join(this.o.gitRoot, `${fullName}.git`);
    mkdirSync(dir, { recursive: true });
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
    // GitHub lets a token holder fetch any commit by its id (pull request heads included).
    execFileSync('git', ['-C', dir, 'config', 'uploadpack.allowAnySHA1InWant', 'true']);
    execFileSync('git', ['-C', dir, 'config', 'http.receivepack', 'false']);
    return dir;
  }

  /** Injects `times` failures with `status` on requests whose path matches. */
  fail(path: RegExp, status: number, times: number, o: { method?: string; headers?: Record<string, string>; message?: string } = {}): void {
    this.faults.push({ path, status, remaining: times, ...(o.method ? { method: o.method } : {}), ...(o.headers ? { headers: o.headers } : {}), message: o.message ?? (status >= 500 ? 'Server Error' : 'API rate limit exceeded') });
  }

  /** After `n` more REST requests, every token issued so far stops working (mid-run expiry). */
  expireTokensAfter(n: number): void {
    this.expireCountdown = n;
  }
  private expireCountdown = -1;

  /** Every token issued so far stops working now (as if an hour had passed). */
  expireTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = Date.now() - 1;
  }

  /** A pull request merged into `base` as commit `mergeSha` (what the merge button does). */
  mergePullRequest(fullName: string, o: { number: number; headSha: string; mergeSha: string; base?: string }): void {
    this.pulls.push({ full: fullName, number: o.number, headSha: o.headSha, mergeSha: o.mergeSha, base: o.base ?? 'main' });
  }

  checkRunsFor(sha: string, name?: string): SimCheckRun[] {
    return this.checkRuns.filter((c) => c.head_sha === sha && (name === undefined || c.name === name));
  }

  /**
   * Sends a webhook delivery as GitHub does (signed, with its headers) and records it; with
   * `unreachable`, records a failed delivery without sending (the app was down).
   */
  async deliver(event: string, payload: Record<string, unknown>, o: { guid?: string; unreachable?: boolean; redelivery?: boolean } = {}): Promise<SimDelivery> {
    const body = JSON.stringify(payload);
    const guid = o.guid ?? randomUUID();
    const started = Date.now();
    let status_code = 0;
    let status = 'failed to connect to host';
    if (!o.unreachable && this.webhookUrl) {
      try {
        const r = await fetch(this.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'GitHub-Hookshot/lakespec-sim',
            'x-github-event': event,
            'x-github-delivery': guid,
            'x-github-hook-installation-target-type': 'integration',
            'x-github-hook-installation-target-id': String(this.o.appId),
            'x-hub-signature-256': await this.signer.sign(body),
          },
          body,
        });
        await r.arrayBuffer();
        status_code = r.status;
        status = r.ok ? 'OK' : `Invalid HTTP Response: ${r.status}`;
      } catch {
        status_code = 0;
      }
    }
    const inst = payload.installation as { id?: number } | undefined;
    const repo = payload.repository as { id?: number } | undefined;
    const d: SimDelivery = {
      id: this.nextId++,
      guid,
      event,
      action: typeof payload.action === 'string' ? payload.action : null,
      installation_id: inst?.id ?? null,
      repository_id: repo?.id ?? null,
      status_code,
      status,
      delivered_at: new Date(started).toISOString().replace(/\.\d+Z$/, 'Z'),
      redelivery: o.redelivery === true,
      duration: (Date.now() - started) / 1000,
      body,
    };
    this.deliveries.push(d);
    return d;
  }

  // ── REST ────────────────────────────────────────────────────────────────────────────

  private async rest(c: Context): Promise<Response> {
    const url = new URL(c.req.url);
    const method = c.req.method;
    const path = url.pathname;
    const text = method === 'GET' || method === 'HEAD' ? '' : await c.req.text();
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        return this.answer(c, method, path, null, 'none', 400, { message: 'Problems parsing JSON' });
      }
    }
    const matched = this.api.check(method, path, url.searchParams, body, text.length > 0);
    if (!matched) {
      this.violations.push(`${method} ${path}: no such operation in GitHub's REST API`);
      return this.answer(c, method, path, null, 'none', 404, { message: 'Not Found' });
    }
    for (const p of matched.problems) this.violations.push(p);
    if (matched.problems.length > 0) return this.answer(c, method, path, matched.operationId, 'none', 422, { message: 'Validation Failed', errors: matched.problems });
    if (c.req.header('accept') && !/json|\*\/\*/.test(c.req.header('accept')!)) this.violations.push(`${matched.operationId}: Accept ${c.req.header('accept')}`);
    if (!/^2022-11-28$/.test(c.req.header('x-github-api-version') ?? '2022-11-28')) this.violations.push(`${matched.operationId}: unknown X-GitHub-Api-Version`);

    const fault = this.faults.find((f) => f.remaining > 0 && f.path.test(path) && (!f.method || f.method === method));
    if (fault) {
      fault.remaining--;
      return this.answer(c, method, path, matched.operationId, 'none', fault.status, { message: fault.message, documentation_url: 'https://docs.github.com/rest' }, fault.headers);
    }

    if (this.expireCountdown >= 0 && this.expireCountdown-- === 0) this.expireTokens();
    const authz = c.req.header('authorization') ?? '';
    if (path.startsWith('/app')) {
      const problem = this.verifyJwt(authz);
      if (problem) return this.answer(c, method, path, matched.operationId, 'jwt', 401, { message: problem, documentation_url: 'https://docs.github.com/rest' });
      return this.appRoutes(c, method, path, matched.operationId, matched.params, body as Record<string, unknown> | undefined, url.searchParams);
    }
    const m = /^(?:token|bearer) (\S+)$/i.exec(authz);
    const tok = m ? this.tokens.get(m[1]!) : undefined;
    if (!tok || tok.expiresAt <= Date.now()) return this.answer(c, method, path, matched.operationId, 'installation', 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const full = `${matched.params.owner}/${matched.params.repo}`;
    if (matched.params.owner && !this.installations.get(tok.installationId)?.repos.has(full)) {
      return this.answer(c, method, path, matched.operationId, 'installation', 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    }
    switch (matched.operationId) {
      case 'checks/create':
        return this.createCheckRun(c, method, path, matched.params, body as Record<string, unknown>);
      case 'checks/update':
        return this.updateCheckRun(c, method, path, matched.params, body as Record<string, unknown>);
      case 'checks/list-for-ref': {
        const name = url.searchParams.get('check_name');
        const runs = this.checkRuns.filter((r) => `${r.owner}/${r.repo}` === full && r.head_sha === matched.params.ref && (!name || r.name === name));
        return this.answer(c, method, path, matched.operationId, 'installation', 200, { total_count: runs.length, check_runs: runs.map((r) => this.checkRunJson(r)) });
      }
      case 'repos/list-pull-requests-associated-with-commit': {
        // GitHub lists the pull requests whose merge (or head) is the commit.
        const sha = matched.params.commit_sha!;
        const found = this.pulls.filter((p) => p.full === full && (p.mergeSha === sha || p.headSha === sha));
        return this.answer(c, method, path, matched.operationId, 'installation', 200, found.map((p) => this.pullJson(p)));
      }
      default:
        this.violations.push(`${matched.operationId}: not simulated`);
        return this.answer(c, method, path, matched.operationId, 'installation', 404, { message: 'Not Found' });
    }
  }

  private appRoutes(c: Context, method: string, path: string, op: string, params: Record<string, string>, _body: Record<string, unknown> | undefined, query: URLSearchParams): Response {
    switch (op) {
      case 'apps/create-installation-access-token': {
        const id = Number(params.installation_id);
        if (!this.installations.has(id)) return this.answer(c, method, path, op, 'jwt', 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
        const token = `ghs_${randomBytes(18).toString('base64url')}`;
        const expiresAt = Date.now() + this.tokenTtlSeconds * 1000;
        this.tokens.set(token, { installationId: id, expiresAt });
        return this.answer(c, method, path, op, 'jwt', 201, {
          token,
          expires_at: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z'),
          permissions: { checks: 'write', contents: 'read', metadata: 'read', pull_requests: 'read' },
          repository_selection: 'selected',
        });
      }
      case 'apps/list-webhook-deliveries': {
        const per = Math.min(100, Number(query.get('per_page') ?? 30));
        const start = Number(query.get('cursor') ?? 0);
        const wanted = query.get('status');
        const all = [...this.deliveries].reverse().filter((d) => !wanted || (wanted === 'success' ? d.status_code >= 200 && d.status_code < 300 : !(d.status_code >= 200 && d.status_code < 300)));
        const page = all.slice(start, start + per).map(({ body: _b, ...d }) => ({ ...d, throttled_at: null }));
        const headers: Record<string, string> = {};
        if (start + per < all.length) headers.link = `<${this.url}/app/hook/deliveries?per_page=${per}&cursor=${start + per}${wanted ? `&status=${wanted}` : ''}>; rel="next"`;
        return this.answer(c, method, path, op, 'jwt', 200, page, headers);
      }
      case 'apps/redeliver-webhook-delivery': {
        const d = this.deliveries.find((x) => x.id === Number(params.delivery_id));
        if (!d) return this.answer(c, method, path, op, 'jwt', 404, { message: 'Not Found' });
        void this.deliver(d.event, JSON.parse(d.body) as Record<string, unknown>, { guid: d.guid, redelivery: true });
        return this.answer(c, method, path, op, 'jwt', 202, {});
      }
      default:
        this.violations.push(`${op}: not simulated`);
        return this.answer(c, method, path, op, 'jwt', 404, { message: 'Not Found' });
    }
  }

  private createCheckRun(c: Context, method: string, path: string, p: Record<string, string>, b: Record<string, unknown>): Response {
    const op = 'checks/create';
    const full = `${p.owner}/${p.repo}`;
    const sha = String(b.head_sha);
    try {
      execFileSync('git', ['-C', join(this.o.gitRoot, `${full}.git`), 'cat-file', '-e', `${sha}^{commit}`], { stdio: 'ignore' });
    } catch {
      return this.answer(c, method, path, op, 'installation', 422, { message: 'No commit found for SHA: ' + sha, documentation_url: 'https://docs.github.com/rest' });
    }
    const limits = this.checkLimits(b);
    if (limits) return this.answer(c, method, path, op, 'installation', 422, { message: limits });
    const run: SimCheckRun = {
      id: this.nextId++,
      owner: p.owner!,
      repo: p.repo!,
      name: String(b.name),
      head_sha: sha,
      status: 'queued',
      conclusion: null,
      external_id: null,
      details_url: null,
      started_at: new Date().toISOString(),
      completed_at: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      history: [],
    };
    this.applyCheckBody(run, b);
    this.checkRuns.push(run);
    return this.answer(c, method, path, op, 'installation', 201, this.checkRunJson(run));
  }

  private updateCheckRun(c: Context, method: string, path: string, p: Record<string, string>, b: Record<string, unknown>): Response {
    const op = 'checks/update';
    const run = this.checkRuns.find((r) => r.id === Number(p.check_run_id) && r.owner === p.owner && r.repo === p.repo);
    if (!run) return this.answer(c, method, path, op, 'installation', 404, { message: 'Not Found' });
    const limits = this.checkLimits(b);
    if (limits) return this.answer(c, method, path, op, 'installation', 422, { message: limits });
    this.applyCheckBody(run, b);
    return this.answer(c, method, path, op, 'installation', 200, this.checkRunJson(run));
  }

  /** The limits GitHub enforces beyond the schema. */
  private checkLimits(b: Record<string, unknown>): string | undefined {
    const out = b.output as { summary?: string; text?: string; annotations?: unknown[] } | undefined;
    if ((out?.annotations?.length ?? 0) > 50) return 'Only 50 annotations are allowed per request';
    if ((out?.summary?.length ?? 0) > 65535) return 'output.summary is too long (maximum is 65535 characters)';
    if ((out?.text?.length ?? 0) > 65535) return 'output.text is too long (maximum is 65535 characters)';
    if (b.conclusion !== undefined && b.status !== undefined && b.status !== 'completed') return 'conclusion can only be set with status completed';
    if (b.status === 'completed' && b.conclusion === undefined) return 'conclusion is required when status is completed';
    return undefined;
  }

  private applyCheckBody(run: SimCheckRun, b: Record<string, unknown>): void {
    if (typeof b.name === 'string') run.name = b.name;
    if (typeof b.external_id === 'string') run.external_id = b.external_id;
    if (typeof b.details_url === 'string') run.details_url = b.details_url;
    if (typeof b.started_at === 'string') run.started_at = b.started_at;
    if (typeof b.conclusion === 'string') {
      run.conclusion = b.conclusion;
      run.status = 'completed';
    }
    if (typeof b.status === 'string') run.status = b.status;
    if (run.status === 'completed') run.completed_at = typeof b.completed_at === 'string' ? b.completed_at : new Date().toISOString();
    const out = b.output as { title?: string; summary?: string; text?: string; annotations?: Record<string, unknown>[] } | undefined;
    if (out) {
      if (out.title !== undefined) run.output.title = out.title;
      if (out.summary !== undefined) run.output.summary = out.summary;
      if (out.text !== undefined) run.output.text = out.text;
      // Annotations add up across requests (that is how more than 50 are sent).
      if (out.annotations) run.annotations.push(...out.annotations);
    }
    run.history.push({ status: run.status, conclusion: run.conclusion, title: run.output.title, at: Date.now() });
  }

  private checkRunJson(r: SimCheckRun): Record<string, unknown> {
    const base = `${this.url}/repos/${r.owner}/${r.repo}`;
    return {
      id: r.id,
      head_sha: r.head_sha,
      node_id: Buffer.from(`CheckRun${r.id}`).toString('base64'),
      external_id: r.external_id,
      url: `${base}/check-runs/${r.id}`,
      html_url: `https://github.com/${r.owner}/${r.repo}/runs/${r.id}`,
      details_url: r.details_url,
      status: r.status,
      conclusion: r.conclusion,
      started_at: r.started_at ? new Date(r.started_at).toISOString().replace(/\.\d+Z$/, 'Z') : null,
      completed_at: r.completed_at ? new Date(r.completed_at).toISOString().replace(/\.\d+Z$/, 'Z') : null,
      output: { title: r.output.title, summary: r.output.summary, text: r.output.text, annotations_count: r.annotations.length, annotations_url: `${base}/check-runs/${r.id}/annotations` },
      name: r.name,
      check_suite: { id: 1 },
      app: null,
      pull_requests: [],
    };
  }

  private pullJson(p: GitHubSim['pulls'][number]): Record<string, unknown> {
    const pr = structuredClone(EXAMPLE_PULL_REQUEST) as Record<string, any>;
    const [owner, repo] = p.full.split('/');
    const api = `${this.url}/repos/${p.full}`;
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    Object.assign(pr, { number: p.number, url: `${api}/pulls/${p.number}`, html_url: `https://github.com/${p.full}/pull/${p.number}`, state: 'closed', merged_at: at, closed_at: at, updated_at: at, merge_commit_sha: p.mergeSha });
    for (const side of ['head', 'base'] as const) {
      pr[side] = { ...pr[side], repo: { ...pr[side].repo, name: repo, full_name: p.full, owner: { ...pr[side].repo.owner, login: owner } } };
    }
    pr.head.sha = p.headSha;
    pr.base.ref = p.base;
    return pr;
  }

  private answer(c: Context, method: string, path: string, op: string | null, auth: SimRequest['auth'], status: number, body: unknown, headers: Record<string, string> = {}): Response {
    this.requests.push({ method, path, operationId: op, status, auth });
    if (op && status >= 200 && status < 300) for (const p of this.api.checkResponse(method, path, status, body)) this.violations.push(`simulator answer: ${p}`);
    const h: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600), ...headers };
    return c.newResponse(status === 204 ? null : JSON.stringify(body), status as 200, h);
  }

  private verifyJwt(authz: string): string | undefined {
    const m = /^bearer (\S+)$/i.exec(authz);
    if (!m) return 'A JSON web token could not be decoded';
    const [h, p, s] = m[1]!.split('.');
    if (!h || !p || !s) return 'A JSON web token could not be decoded';
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
    if (header.alg !== 'RS256') return "'alg' must be RS256";
    const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(this.o.publicKeyPem, Buffer.from(s, 'base64url'));
    if (!ok) return 'A JSON web token could not be decoded';
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { iss?: string | number; iat?: number; exp?: number };
    const now = Date.now() / 1000 - (this.o.clockBehindSeconds ?? 45);
    if (String(claims.iss) !== String(this.o.appId)) return "'Issuer' claim ('iss') must be the app's id";
    if (!claims.exp || claims.exp < now) return "'Expiration time' claim ('exp') is too far in the past";
    if (!claims.iat || claims.iat > now) return "'Issued at' claim ('iat') must be an Integer representing a time in the past";
    if (claims.exp - claims.iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
    return undefined;
  }

  // ── git smart HTTP ──────────────────────────────────────────────────────────────────

  private async git(c: Context): Promise<Response> {
    const url = new URL(c.req.url);
    const pathInfo = url.pathname.slice('/git'.length);
    const full = /^\/([^/]+\/[^/]+)\.git\//.exec(pathInfo)?.[1];
    const basic = /^basic (\S+)$/i.exec(c.req.header('authorization') ?? '');
    const [user, token] = basic ? Buffer.from(basic[1]!, 'base64').toString().split(':') : [];
    const tok = token ? this.tokens.get(token) : undefined;
    const allowed = user === 'x-access-token' && tok && tok.expiresAt > Date.now() && full && this.installations.get(tok.installationId)?.repos.has(full);
    this.requests.push({ method: c.req.method, path: url.pathname, operationId: 'git', status: allowed ? 200 : 401, auth: tok ? 'installation' : 'none' });
    if (!allowed) return c.newResponse('Authentication failed', 401, { 'www-authenticate': 'Basic realm="GitHub"' });
    const body = Buffer.from(await c.req.arrayBuffer());
    const r = await gitHttpBackend({ projectRoot: this.o.gitRoot, pathInfo, method: c.req.method, query: url.search.slice(1), headers: c.req.raw.headers, body, user: user! });
    return c.newResponse(new Uint8Array(r.body), r.status as 200, r.headers);
  }
}
