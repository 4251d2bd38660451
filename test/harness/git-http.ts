// Serves bare repositories over git's smart HTTP protocol by running the real
// `git http-backend` CGI program, so that the app's simple-git fetches go through the same
// protocol (and the same Basic authentication with an installation token) as on github.com.
import { spawn } from 'node:child_process';

export interface CgiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export async function gitHttpBackend(o: { projectRoot: string; pathInfo: string; method: string; query: string; headers: Headers; body: Buffer; user: string }): Promise<CgiResponse> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: o.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: o.pathInfo,
    REQUEST_METHOD: o.method,
    QUERY_STRING: o.query,
    CONTENT_TYPE: o.headers.get('content-type') ?? '',
    CONTENT_LENGTH: String(o.body.length),
    REMOTE_USER: o.user,
    REMOTE_ADDR: '127.0.0.1',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: o.projectRoot,
  };
  const enc = o.headers.get('content-encoding');
  if (enc) env.HTTP_CONTENT_ENCODING = enc;
  const proto = o.headers.get('git-protocol');
  if (proto) env.GIT_PROTOCOL = proto;
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.on('error', () => {});
  child.stdin.end(o.body);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const raw = Buffer.concat(out);
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) return { status: 500, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`git http-backend failed (${code}): ${err}`) };
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of raw.subarray(0, split).toString('latin1').split('\r\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    if (k === 'status') status = Number(v.split(' ')[0]);
    else headers[k] = v;
  }
  return { status, headers, body: raw.subarray(split + 4) };
}
